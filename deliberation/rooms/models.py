"""Live rooms: the room, its agenda of timed rounds, who is in it, and its event log."""

from datetime import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.rooms.states import (
    Access, HandState, MemberRole, PollKind, PollState, QuestionState, RoomState, RoundKind, RoundState, Speakers,
)

CHAT_MAX = 1000
CLIENT_ID_MAX = 64  # a chat line's client id (a UUID is 36)


class Room(models.Model):
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rooms")
    proposal = models.ForeignKey(
        "proposals.Proposal", null=True, blank=True, on_delete=models.SET_NULL, related_name="rooms",
        verbose_name=_("linked proposal"),
    )
    access = models.CharField(_("access"), max_length=10, choices=Access.choices, default=Access.PUBLIC)
    observers_allowed = models.BooleanField(_("observers allowed"), default=True)
    auto_advance = models.BooleanField(
        _("move on when a round's time is up"), default=True,
        help_text=_("Otherwise the room stops and waits for the facilitator."),
    )
    state = models.CharField(max_length=10, choices=RoomState.choices, default=RoomState.DRAFT)
    current_round = models.ForeignKey("Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The last sequence number handed out to an event of this room (see services.events.append_event).
    last_seq = models.PositiveBigIntegerField(default=0)
    # When the last ``presence.updated`` left (services.presence coalesces joins and leaves).
    presence_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        return self.title


class Round(models.Model):
    """One timed item of the agenda. While running, ``deadline_at`` is the truth every client counts to."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="rounds")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("kind"), max_length=15, choices=RoundKind.choices)
    title = models.CharField(_("title"), max_length=120)
    duration_seconds = models.PositiveIntegerField(
        _("duration (seconds)"), validators=[MinValueValidator(10), MaxValueValidator(24 * 3600)]
    )
    speakers = models.CharField(_("who may speak"), max_length=15, choices=Speakers.choices,
                                default=Speakers.QUEUE)
    chat_open = models.BooleanField(_("chat open"), default=True)
    turn_seconds = models.PositiveSmallIntegerField(
        _("speaking turn (seconds)"), default=120, validators=[MinValueValidator(10), MaxValueValidator(3600)]
    )
    state = models.CharField(max_length=10, choices=RoundState.choices, default=RoundState.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(null=True, blank=True)
    remaining_seconds = models.FloatField(null=True, blank=True, help_text="kept while paused")
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "round")
        verbose_name_plural = pgettext_lazy("model name", "rounds")
        ordering = ["room", "position"]
        constraints = [
            models.UniqueConstraint(fields=["room", "position"], name="round_position_unique"),
            models.CheckConstraint(condition=~Q(state="running") | Q(deadline_at__isnull=False),
                                   name="running_round_has_deadline"),
        ]
        indexes = [models.Index(fields=["deadline_at"], condition=Q(state="running"), name="round_running_deadline")]

    def __str__(self) -> str:
        return self.title

    def seconds_left(self, now: datetime | None = None) -> float | None:
        if self.state == RoundState.RUNNING and self.deadline_at:
            return max(0.0, (self.deadline_at - (now or timezone.now())).total_seconds())
        if self.state == RoundState.PAUSED:
            return self.remaining_seconds
        return None


class RoomMember(models.Model):
    """Someone invited to, or present in, a room, with a role; removal and muting are kept here."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="room_memberships")
    role = models.CharField(max_length=20, choices=MemberRole.choices, default=MemberRole.PARTICIPANT)
    invited = models.BooleanField(default=False)
    muted = models.BooleanField(default=False)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    removed_reason = models.CharField(max_length=300, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)
    # Presence (services.presence): open WebSocket connections of this person in this room, and when
    # one of them last showed life. Present = connections > 0 and seen recently (a crashed server's
    # connections go stale instead of staying "present" for ever).
    connections = models.PositiveIntegerField(default=0)
    seen_at = models.DateTimeField(null=True, blank=True)
    presence_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "room member")
        verbose_name_plural = pgettext_lazy("model name", "room members")
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="one_membership_per_room")]


class Hand(models.Model):
    """A raised hand in the room's speaking queue; while speaking, ``turn_deadline_at`` is the turn's end."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="hands")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=HandState.choices, default=HandState.WAITING)
    raised_at = models.DateTimeField(default=timezone.now)
    floor_given_at = models.DateTimeField(null=True, blank=True)
    turn_deadline_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "raised hand")
        verbose_name_plural = pgettext_lazy("model name", "raised hands")
        ordering = ["room", "raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["room", "user"], condition=Q(state__in=["waiting", "speaking"]),
                                    name="one_open_hand_per_user"),
            models.UniqueConstraint(fields=["room"], condition=Q(state="speaking"), name="one_speaker_per_room"),
            models.CheckConstraint(condition=~Q(state="speaking") | Q(turn_deadline_at__isnull=False),
                                   name="speaking_hand_has_deadline"),
        ]
        indexes = [models.Index(fields=["turn_deadline_at"], condition=Q(state="speaking"),
                                name="hand_speaking_deadline")]


class RoomEvent(models.Model):
    """The room's log: every broadcast is stored here first, numbered per room; clients resume by seq.

    ``table`` narrows the audience: a table's chat reaches that table's members and the facilitator.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    table = models.ForeignKey("Table", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "room event")
        verbose_name_plural = pgettext_lazy("model name", "room events")
        ordering = ["room", "seq"]
        constraints = [models.UniqueConstraint(fields=["room", "seq"], name="room_event_seq_unique")]


class ChatMessage(models.Model):
    """A chat line, stored with the seq of the event that announced it; hidden ones stay on record."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    table = models.ForeignKey("Table", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages",
                              help_text="null: the plenary chat")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.CharField(max_length=CHAT_MAX)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    hidden_reason = models.CharField(max_length=300, blank=True)
    # The sender's own id for the line (docs/realtime-protocol.md, "Chat acknowledgements"): a line sent
    # again after a lost connection is recognised by it and acknowledged, never stored twice.
    client_id = models.CharField(max_length=CLIENT_ID_MAX, null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "chat message")
        verbose_name_plural = pgettext_lazy("model name", "chat messages")
        ordering = ["room", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="chat_message_seq_unique"),
            models.UniqueConstraint(fields=["room", "author", "client_id"], condition=Q(client_id__isnull=False),
                                    name="chat_message_client_id_unique"),
        ]


class AgendaTemplate(models.Model):
    """A reusable agenda ("round table", "listening forum"): a list of round specifications."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rounds = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "agenda template")
        verbose_name_plural = pgettext_lazy("model name", "agenda templates")

    def __str__(self) -> str:
        return self.name


# --- Questions of Q&A rounds and the room's vote to move on (issue 3) ------------------------------

QUESTION_MAX = 500


class Question(models.Model):
    """A question written in a Q&A round; participants upvote it, the facilitator marks it answered."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="questions")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.CharField(_("question text"), max_length=QUESTION_MAX)
    state = models.CharField(max_length=10, choices=QuestionState.choices, default=QuestionState.OPEN)
    votes_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    hidden_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "room question")
        verbose_name_plural = pgettext_lazy("model name", "room questions")
        ordering = ["round", "-votes_count", "created_at", "pk"]
        indexes = [models.Index(fields=["round", "state"], name="question_round_state")]


class QuestionVote(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "question upvote")
        verbose_name_plural = pgettext_lazy("model name", "question upvotes")
        constraints = [models.UniqueConstraint(fields=["question", "user"], name="one_vote_per_question")]


class MoveOnVote(models.Model):
    """A participant's wish to leave the current round early; enough of them skip it."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="move_on_votes")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="move_on_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "move-on vote")
        verbose_name_plural = pgettext_lazy("model name", "move-on votes")
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="one_move_on_vote_per_round")]


# --- Live polls (issue 3) ----------------------------------------------------------------------------


class LivePoll(models.Model):
    """A question the facilitator asks the room; open until ``closes_at`` (or closed early), then on record.

    ``results_dirty`` marks answers not yet broadcast: ``poll.results`` leaves at most once a second per
    poll (``results_sent_at``), the rest is flushed by a task and the sweep (services.polls).
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="polls")
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="polls")
    question = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("kind"), max_length=10, choices=PollKind.choices)
    options = models.JSONField(default=list, blank=True)
    max_choices = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=PollState.choices, default=PollState.OPEN)
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    results_dirty = models.BooleanField(default=False)
    results_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "live poll")
        verbose_name_plural = pgettext_lazy("model name", "live polls")
        ordering = ["room", "opened_at", "pk"]
        indexes = [models.Index(fields=["closes_at"], condition=Q(state="open"), name="poll_open_closes_at")]

    def __str__(self) -> str:
        return self.question


class LiveAnswer(models.Model):
    """One person's answer to a poll (option indexes, or the scale value); changeable while the poll is open."""

    poll = models.ForeignKey(LivePoll, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    choices = models.JSONField(default=list)
    answered_at = models.DateTimeField(default=timezone.now)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "live poll answer")
        verbose_name_plural = pgettext_lazy("model name", "live poll answers")
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="one_answer_per_poll")]


# --- Tables: the room split into small groups (issue 3) --------------------------------------------

TABLE_SUMMARY_MAX = 2000


class Table(models.Model):
    """A small group of the room (breakout), open from the split until the facilitator brings everyone back.

    Who sat where stays on record (TableSeat), and so does the summary the table sent to the plenary.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveSmallIntegerField()
    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="tables")
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    summary = models.TextField(_("summary"), max_length=TABLE_SUMMARY_MAX, blank=True)
    summary_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    summary_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "table")
        verbose_name_plural = pgettext_lazy("model name", "tables")
        ordering = ["room", "opened_at", "number"]
        indexes = [models.Index(fields=["room"], condition=Q(closed_at__isnull=True), name="table_open")]

    def __str__(self) -> str:
        return f"{self.room_id}/{self.number}"


class TableSeat(models.Model):
    table = models.ForeignKey(Table, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seated_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True, help_text="moved to another table")

    class Meta:
        verbose_name = pgettext_lazy("model name", "table seat")
        verbose_name_plural = pgettext_lazy("model name", "table seats")
        constraints = [models.UniqueConstraint(fields=["table", "user"], name="one_seat_per_table")]


# Callable defaults named by the migrations stay here (their import path is part of the migration).
