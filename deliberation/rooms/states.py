"""Room, round, hand, question and live-poll lifecycles as data: states, kinds, and the one table of allowed
transitions each."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RoomState(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open: waiting to start")
    LIVE = "live", _("Live")
    ENDED = "ended", _("Ended")


ROOM_TRANSITIONS: dict[str, set[str]] = {
    RoomState.DRAFT: {RoomState.OPEN},
    RoomState.OPEN: {RoomState.LIVE, RoomState.ENDED},
    RoomState.LIVE: {RoomState.OPEN, RoomState.ENDED},  # back to OPEN between rounds when it stops
    RoomState.ENDED: set(),
}


class RoundState(models.TextChoices):
    PENDING = "pending", _("Not started")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Skipped")


ROUND_TRANSITIONS: dict[str, set[str]] = {
    RoundState.PENDING: {RoundState.RUNNING, RoundState.SKIPPED},
    RoundState.RUNNING: {RoundState.PAUSED, RoundState.DONE, RoundState.SKIPPED},
    RoundState.PAUSED: {RoundState.RUNNING, RoundState.DONE, RoundState.SKIPPED},
    RoundState.DONE: set(),
    RoundState.SKIPPED: set(),
}
FINISHED_ROUND_STATES = (RoundState.DONE, RoundState.SKIPPED)


class RoundKind(models.TextChoices):
    PRESENTATION = "presentation", _("Presentation")
    DISCUSSION = "discussion", _("Open discussion")
    QA = "qa", _("Questions and answers")
    TABLES = "tables", _("Table discussion")
    POLL = "poll", _("Live poll")
    BREAK = "break", _("Break")


class Speakers(models.TextChoices):
    """Who may take the floor in a round."""

    EVERYONE = "everyone", _("Every participant")
    QUEUE = "queue", _("Participants through the speaking queue")
    FACILITATOR = "facilitator", _("Only the facilitator and speakers")


class Access(models.TextChoices):
    PUBLIC = "public", _("Anyone signed in")
    INVITED = "invited", _("Invited people only")
    PANEL = "panel", _("A private panel")


class MemberRole(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")
    SPEAKER = "speaker", _("Speaker or expert")
    TABLE_FACILITATOR = "table_facilitator", _("Table facilitator")


class HandState(models.TextChoices):
    """A raised hand in the speaking queue: it waits, gets the floor, and ends done or lowered."""

    WAITING = "waiting", _("Waiting")
    SPEAKING = "speaking", _("Speaking")
    DONE = "done", _("Done")
    LOWERED = "lowered", _("Lowered")


HAND_TRANSITIONS: dict[str, set[str]] = {
    HandState.WAITING: {HandState.SPEAKING, HandState.LOWERED},
    HandState.SPEAKING: {HandState.DONE, HandState.LOWERED},  # lowered while speaking: cut off
    HandState.DONE: set(),
    HandState.LOWERED: set(),
}
OPEN_HAND_STATES = (HandState.WAITING, HandState.SPEAKING)


class QuestionState(models.TextChoices):
    """A question of a Q&A round: open for votes, being answered, answered, or hidden by the facilitator."""

    OPEN = "open", _("Open for votes")
    ANSWERING = "answering", _("Being answered")
    ANSWERED = "answered", _("Answered")
    HIDDEN = "hidden", _("Hidden")


QUESTION_TRANSITIONS: dict[str, set[str]] = {
    QuestionState.OPEN: {QuestionState.ANSWERING, QuestionState.ANSWERED, QuestionState.HIDDEN},
    QuestionState.ANSWERING: {QuestionState.ANSWERED, QuestionState.HIDDEN},
    QuestionState.ANSWERED: {QuestionState.HIDDEN},
    QuestionState.HIDDEN: set(),
}


class PollKind(models.TextChoices):
    """A live poll: one option, several options (up to ``max_choices``), or a 1-5 scale."""

    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale from 1 to 5")


SCALE = range(1, 6)  # the values of a scale poll's answers


class PollState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
