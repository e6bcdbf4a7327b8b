"""Proposals (제안), their supports (공감), comments, flags, timeline, follow-ups and notifications."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.districts import District
from core.bilingual import BilingualName
from accounts.models import Department

from .states import (
    AWAITING_ANSWER, EscalationLevel, FollowUpState, Origin, Scope, State, Verdict,
)

TITLE_MAX = 120
BODY_MAX = 20_000
COMMENT_MAX = 3_000
REASON_MAX = 1_000


class Category(BilingualName, models.Model):
    """A topic with its own support window, thresholds and default department (set by an admin)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Korean)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True, default="", db_default="",
                               help_text=_("Shown on English pages; leave blank to show the Korean name."))
    default_department = models.ForeignKey(
        Department, verbose_name=_("default department"), on_delete=models.PROTECT, related_name="categories"
    )
    support_window_days = models.PositiveSmallIntegerField(
        _("support window (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    deliberation_threshold = models.PositiveIntegerField(_("supports for public deliberation"), default=50)
    escalation_threshold = models.PositiveIntegerField(_("supports for escalation to the department"), default=500)
    mayor_threshold = models.PositiveIntegerField(_("supports for the mayor's level"), default=5000)
    answer_due_days = models.PositiveSmallIntegerField(
        _("days for the department to answer"), default=30, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        constraints = [
            models.CheckConstraint(
                condition=Q(deliberation_threshold__gte=1)
                & Q(escalation_threshold__gte=F("deliberation_threshold"))
                & Q(mayor_threshold__gte=F("escalation_threshold")),
                name="category_thresholds_ordered",
            ),
        ]

    def thresholds(self) -> list[tuple[int, str]]:
        return [
            (self.deliberation_threshold, "deliberation"),
            (self.escalation_threshold, "department"),
            (self.mayor_threshold, "mayor"),
        ]


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=30, unique=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "tag")
        verbose_name_plural = pgettext_lazy("model name", "tags")

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proposals")
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("body"), max_length=BODY_MAX, help_text=_("Markdown is allowed."))
    body_html = models.TextField(editable=False, blank=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.CITYWIDE)
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.CITIZEN)
    state_before_hidden = models.CharField(max_length=20, choices=State.choices, blank=True)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    escalation_level = models.CharField(
        max_length=12, choices=EscalationLevel.choices, default=EscalationLevel.NONE
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    support_closes_at = models.DateTimeField(null=True, blank=True)
    support_closed_at = models.DateTimeField(null=True, blank=True)
    deliberation_marked_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # Filled on PostgreSQL only (see selectors.search); SQLite falls back to LIKE.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["state", "-published_at"], name="proposal_state_published"),
            models.Index(fields=["-published_at"], name="proposal_published"),
            models.Index(fields=["-support_count", "-published_at"], name="proposal_support"),
            # "Closing soon" and the deadline sweep read only open windows (docs/benchmarks.md).
            models.Index(
                fields=["support_closes_at", "id"], name="proposal_open_closing",
                condition=Q(state__in=["published", "escalated"], support_closed_at__isnull=True),
            ),
            models.Index(fields=["category", "-published_at"], include=["state"], name="proposal_category_state"),
            models.Index(fields=["district", "-published_at"], name="proposal_district"),
            models.Index(fields=["author", "state"], name="proposal_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="citywide", district="") | (Q(scope="district") & ~Q(district="")),
                name="proposal_scope_matches_district",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(published_at__isnull=False) | Q(state="withdrawn")
                | Q(state="hidden"),
                name="proposal_public_has_published_at",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("proposals:detail", args=[self.pk])

    @property
    def is_support_open(self) -> bool:
        return (
            self.state in (State.PUBLISHED, State.ESCALATED)
            and self.support_closed_at is None
            and self.support_closes_at is not None
            and self.support_closes_at > timezone.now()
        )

    def next_threshold(self) -> tuple[int, str] | None:
        """The next support threshold that still means something: once the proposal is with the department
        (by supports or by a citizens' jury), public deliberation and the department are behind it."""
        for value, name in self.category.thresholds():
            if name in self.passed_levels():
                continue
            if self.support_count < value:
                return value, name
        return None

    def passed_levels(self) -> set[str]:
        """The thresholds' names this proposal is past whatever its support count: a jury's proposal was
        deliberated and sent to the department without supports."""
        passed = set()
        if self.origin == Origin.JURY:
            passed.add("deliberation")
        if self.escalation_level in (EscalationLevel.DEPARTMENT, EscalationLevel.MAYOR):
            passed.update({"deliberation", "department"})
        if self.escalation_level == EscalationLevel.MAYOR:
            passed.add("mayor")
        return passed

    @property
    def is_from_jury(self) -> bool:
        return self.origin == Origin.JURY


class Support(models.Model):
    """One verified resident's support (공감) for one proposal; the database enforces one each."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "support")
        verbose_name_plural = pgettext_lazy("model name", "supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_user")]
        indexes = [models.Index(fields=["user", "-created_at"], name="support_user")]


class TimelineEntry(models.Model):
    """A public record of what happened to a proposal: transitions, milestones, answers."""

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("State change")
        MILESTONE = "milestone", _("Milestone")
        FOLLOW_UP = "follow_up", _("Department follow-up")
        MODERATION = "moderation", _("Moderation")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    from_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=State.choices, blank=True)
    code = models.CharField(max_length=40, blank=True, help_text="machine name of a milestone")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    reason = models.TextField(blank=True, max_length=REASON_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "timeline entry")
        verbose_name_plural = pgettext_lazy("model name", "timeline entries")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["proposal", "created_at"], name="timeline_proposal")]


class Comment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX)
    body_html = models.TextField(editable=False, blank=True)
    is_hidden = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "comment")
        verbose_name_plural = pgettext_lazy("model name", "comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["proposal", "created_at"], name="comment_proposal")]


class Flag(models.Model):
    """A citizen's report of a proposal or a comment; open flags make the moderation queue."""

    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy("model name", "flag")
        verbose_name_plural = pgettext_lazy("model name", "flags")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False, comment__isnull=True)
                | Q(proposal__isnull=True, comment__isnull=False),
                name="flag_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "proposal"], condition=Q(resolved_at__isnull=True, proposal__isnull=False),
                name="one_open_flag_per_proposal",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"], condition=Q(resolved_at__isnull=True, comment__isnull=False),
                name="one_open_flag_per_comment",
            ),
        ]


class ModerationAction(models.Model):
    """Who hid or restored what, and why; kept for the record even after a restore."""

    class Action(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        DISMISS = "dismiss", _("Reports dismissed")

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="moderation_actions")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="moderation_actions")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.TextField(_("reason"), max_length=REASON_MAX)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "moderation action")
        verbose_name_plural = pgettext_lazy("model name", "moderation actions")
        ordering = ["-created_at"]


class FollowUp(models.Model):
    """An item in a department's queue that needs a public answer by a due date.

    Its own model, not a proposal column: escalated proposals create one today; accepted vote
    results will create them too (the source is whichever link is set).
    """

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="follow_ups")
    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    # An accepted vote result (voting.services.lifecycle): the vote, and the option or project it is about.
    vote = models.ForeignKey("voting.Vote", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups")
    option_position = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200)
    level = models.CharField(max_length=12, choices=EscalationLevel.choices, default=EscalationLevel.DEPARTMENT)
    state = models.CharField(max_length=20, choices=FollowUpState.choices, default=FollowUpState.OPEN)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    progress_percent = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(100)])
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "follow-up")
        verbose_name_plural = pgettext_lazy("model name", "follow-ups")
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["department", "state", "due_at"], name="followup_queue")]
        constraints = [
            models.CheckConstraint(condition=Q(progress_percent__lte=100), name="followup_progress_max_100"),
            models.UniqueConstraint(fields=["vote", "option_position"], condition=Q(vote__isnull=False),
                                    name="one_follow_up_per_vote_outcome"),
            models.CheckConstraint(
                condition=Q(state__in=["open", "clarification"]) | ~Q(verdict=""),
                name="followup_answered_has_verdict",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state in AWAITING_ANSWER and self.due_at < timezone.now()


class FollowUpUpdate(models.Model):
    """A public entry in a follow-up: a clarification request, the answer, or a progress report."""

    class Kind(models.TextChoices):
        CLARIFICATION = "clarification", _("Clarification requested")
        CLARIFICATION_REPLY = "clarification_reply", _("Reply from the author")
        ANSWER = "answer", _("Answer")
        PROGRESS = "progress", _("Progress")
        COMPLETION = "completion", _("Completed")

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=BODY_MAX)
    body_html = models.TextField(editable=False, blank=True)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    progress_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "follow-up update")
        verbose_name_plural = pgettext_lazy("model name", "follow-up updates")
        ordering = ["created_at", "pk"]


class Notification(models.Model):
    """An in-site notice; the text is rendered from kind + links at display time, in the reader's language."""

    class Kind(models.TextChoices):
        STATE_CHANGED = "state_changed", _("State changed")
        ESCALATED = "escalated", _("Escalated")
        ANSWERED = "answered", _("Answered")
        PROGRESS = "progress", _("Progress")
        CLARIFICATION = "clarification", _("Clarification requested")
        OVERDUE = "overdue", _("Overdue")
        COMMENT_REPLY = "comment_reply", _("Reply")
        VOTE_OPENED = "vote_opened", _("Vote opened")
        VOTE_CLOSED = "vote_closed", _("Vote closed")
        VOTE_RESULTS = "vote_results", _("Vote results")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    follow_up = models.ForeignKey(FollowUp, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    vote = models.ForeignKey("voting.Vote", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "notification")
        verbose_name_plural = pgettext_lazy("model name", "notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox")]


class Follow(models.Model):
    """A person following a proposal or a vote: they hear of its changes as its author and supporters do."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    proposal = models.ForeignKey(Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    vote = models.ForeignKey("voting.Vote", null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "follow")
        verbose_name_plural = pgettext_lazy("model name", "follows")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False, vote__isnull=True) | Q(proposal__isnull=True, vote__isnull=False),
                name="follow_has_one_target",
            ),
            models.UniqueConstraint(fields=["user", "proposal"], condition=Q(proposal__isnull=False),
                                    name="one_follow_per_proposal"),
            models.UniqueConstraint(fields=["user", "vote"], condition=Q(vote__isnull=False),
                                    name="one_follow_per_vote"),
        ]


class NotificationSetting(models.Model):
    """A person's choice for one kind of notification; no row means the default (in-site and email on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings")
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    in_site = models.BooleanField(_("notify me"), default=True)
    email = models.BooleanField(_("also by email"), default=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "notification setting")
        verbose_name_plural = pgettext_lazy("model name", "notification settings")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_setting_per_kind")]
