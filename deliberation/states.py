"""Room and round lifecycles as data: states, kinds, and the one table of allowed transitions each."""

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


class PollState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


# A draw's moves (deliberation.services.draws): preparing -> published or failed; published -> drawn.
DRAW_TRANSITIONS: dict[str, set[str]] = {
    "preparing": {"published", "failed"},
    "published": {"drawn"},
    "drawn": set(),
    "failed": set(),
}


# --- The deliberative poll (공론조사, issue 5) -----------------------------------------------------------


class DPollState(models.TextChoices):
    """A deliberative poll's life: T1 before anything is shown, deliberation, T2, then the report."""

    SETUP = "setup", _("Being prepared")
    T1_OPEN = "t1_open", _("First survey (T1) open")
    DELIBERATING = "deliberating", _("Information and deliberation")
    T2_OPEN = "t2_open", _("Second survey (T2) open")
    CLOSED = "closed", _("Closed: the report is being checked")
    PUBLISHED = "published", _("Report published")


# Strictly forward: a survey once closed is never reopened, so T1 answers are all given before any
# material or discussion and T2 answers all after (deliberation.services.deliberative_polls.move_poll).
DPOLL_TRANSITIONS: dict[str, set[str]] = {
    DPollState.SETUP: {DPollState.T1_OPEN},
    DPollState.T1_OPEN: {DPollState.DELIBERATING},
    DPollState.DELIBERATING: {DPollState.T2_OPEN},
    DPollState.T2_OPEN: {DPollState.CLOSED},
    DPollState.CLOSED: {DPollState.PUBLISHED},
    DPollState.PUBLISHED: set(),
}
# The state in which each survey (wave) takes answers.
WAVE_OPEN_STATE = {1: DPollState.T1_OPEN, 2: DPollState.T2_OPEN}


class SurveyGroup(models.TextChoices):
    DELIBERATING = "deliberating", _("Deliberating panel")
    CONTROL = "control", _("Control sample")


class SurveyKind(models.TextChoices):
    """The kinds deliberation.survey.questions knows (same codes)."""

    LIKERT5 = "likert5", _("Agreement, 1 to 5")
    LIKERT7 = "likert7", _("Agreement, 1 to 7")
    SCALE10 = "scale10", _("Scale, 0 to 10")
    CHOICE = "choice", _("Single choice")
    YESNO = "yesno", _("Yes or no")


class Stance(models.TextChoices):
    PRO = "pro", _("For")
    CON = "con", _("Against")
    BACKGROUND = "background", _("Background")

# --- Citizens' juries and consensus conferences (deliberation.services.juries) ----------------------------


class JuryKind(models.TextChoices):
    JURY = "jury", _("Citizens' jury")
    CONFERENCE = "conference", _("Consensus conference")


class VerdictRule(models.TextChoices):
    """Set before the hearing and copied onto every verdict; docs/juries.md gives the exact arithmetic."""

    MAJORITY = "majority", _("Simple majority")
    TWO_THIRDS = "two_thirds", _("Two thirds")
    UNANIMITY = "unanimity", _("Unanimity")
    RANKED = "ranked", _("Ranked options (instant runoff)")


class JuryState(models.TextChoices):
    FORMING = "forming", _("Seating the jurors")
    HEARING = "hearing", _("Hearing: briefing, testimony and questions")
    DELIBERATING = "deliberating", _("Private deliberation")
    VERDICT = "verdict", _("Verdict")
    DRAFTING = "drafting", _("Drafting the recommendation")
    ADOPTING = "adopting", _("Voting on the recommendation")
    ADOPTED = "adopted", _("Recommendation adopted")
    PUBLISHED = "published", _("Recommendation published")


# A conference has no verdict on the question: it goes from deliberating straight to drafting, and a
# jury only through a verdict that met its rule (services.juries.move_jury checks the kind).
JURY_TRANSITIONS: dict[str, set[str]] = {
    JuryState.FORMING: {JuryState.HEARING},
    JuryState.HEARING: {JuryState.DELIBERATING},
    JuryState.DELIBERATING: {JuryState.VERDICT, JuryState.DRAFTING},
    JuryState.VERDICT: {JuryState.DELIBERATING, JuryState.DRAFTING},  # rule not met: another round
    JuryState.DRAFTING: {JuryState.ADOPTING},
    JuryState.ADOPTING: {JuryState.ADOPTED, JuryState.DRAFTING},  # not adopted: back to the draft
    JuryState.ADOPTED: {JuryState.PUBLISHED},
    JuryState.PUBLISHED: set(),
}


class VerdictSubject(models.TextChoices):
    QUESTION = "question", _("The jury's question")
    RECOMMENDATION = "recommendation", _("The draft recommendation")


class VerdictState(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class RecommendationState(models.TextChoices):
    DRAFTED = "drafted", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    PUBLISHED = "published", _("Published")

class InvitationState(models.TextChoices):
    """A drawn (or reserve) person's invitation: asked, then confirmed, declined or expired; a confirmed
    member may later drop out (withdrawn, by staff). Every end but "confirmed" frees the seat for the reserve."""

    INVITED = "invited", _("Invited: waiting for an answer")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("No answer by the deadline")
    WITHDRAWN = "withdrawn", _("Dropped out after confirming")


# An invitation's moves (deliberation.services.invitations).
INVITATION_TRANSITIONS: dict[str, set[str]] = {
    InvitationState.INVITED: {InvitationState.CONFIRMED, InvitationState.DECLINED, InvitationState.EXPIRED},
    InvitationState.CONFIRMED: {InvitationState.WITHDRAWN},
    InvitationState.DECLINED: set(),
    InvitationState.EXPIRED: set(),
    InvitationState.WITHDRAWN: set(),
}
SEATED_INVITATION_STATES = (InvitationState.INVITED, InvitationState.CONFIRMED)
