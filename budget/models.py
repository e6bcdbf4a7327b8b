"""The participatory budget cycle (시민참여예산): a year's call for projects, the departments' reviews, the
budget committee's sub-committees and their scores, the vote, and the execution reports.

Built on what exists: a cycle's vote is a ``voting.Vote`` of kind budget (one ``Option`` per shortlisted
project), a funded project's follow-up is the ``proposals.FollowUp`` the vote's close hands on, the budget
committee is a ``governance.Committee`` and its members ``governance.Member``, sub-committees hear proposers
in ``deliberation.Room``s. docs/budget.md says how the pieces meet.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.districts import District
from accounts.models import Department
from core.bilingual import BilingualName
from voting.states import BudgetRule

from .states import AnswerKind, CycleStage, ExecutionStage, ProjectState


class BudgetField(BilingualName, models.Model):
    """A field of the city's participatory budget (분야: 교통, 공원·환경, 복지 …) and the department that reviews
    its projects."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Korean)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    department = models.ForeignKey(Department, verbose_name=_("reviewing department"), on_delete=models.PROTECT,
                                   related_name="budget_fields")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = pgettext_lazy("model name", "budget field")
        verbose_name_plural = pgettext_lazy("model name", "budget fields")
        ordering = ["position", "pk"]


class BudgetCycle(models.Model):
    """One year's participatory budget for the city (``district`` blank) or one district."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True,
                                help_text=_("Leave empty for a city-wide cycle."))
    slug = models.SlugField(_("address"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=10000, blank=True,
                                   help_text=_("Markdown is allowed."))
    description_html = models.TextField(editable=False, blank=True)
    total_budget = models.PositiveBigIntegerField(_("money on offer (won)"), validators=[MinValueValidator(1)])
    cost_min = models.PositiveBigIntegerField(_("smallest project cost (won)"), default=1,
                                              validators=[MinValueValidator(1)])
    cost_max = models.PositiveBigIntegerField(_("largest project cost (won)"), validators=[MinValueValidator(1)])
    fields = models.ManyToManyField(BudgetField, verbose_name=_("fields"), related_name="cycles")
    committee = models.ForeignKey("governance.Committee", verbose_name=_("budget committee"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="budget_cycles")
    stage = models.CharField(max_length=14, choices=CycleStage.choices, default=CycleStage.DRAFT)
    stage_changed_at = models.DateTimeField(null=True, blank=True)
    # The calendar: each window's end is a deadline the sweep (budget.cycles.tasks) acts on after a restart too.
    call_opens_at = models.DateTimeField(_("call for projects opens"))
    call_closes_at = models.DateTimeField(_("call for projects closes"))
    answer_days = models.PositiveSmallIntegerField(
        _("days a proposer has to answer the review"), default=14, validators=[MinValueValidator(1)])
    review_closes_at = models.DateTimeField(_("department review ends"))
    deliberation_closes_at = models.DateTimeField(_("committee deliberation ends"))
    vote_opens_at = models.DateTimeField(_("vote opens"))
    vote_closes_at = models.DateTimeField(_("vote closes"))
    execution_due_on = models.DateField(_("funded projects due to be completed by"))
    budget_rule = models.CharField(_("counting rule"), max_length=12, choices=BudgetRule.choices,
                                   default=BudgetRule.GREEDY)
    # The sub-committees' published scoring method: each member scores each eligible project of their field
    # from score_min to score_max; the mean decides the order (docs/budget.md).
    score_min = models.PositiveSmallIntegerField(_("lowest score"), default=1)
    score_max = models.PositiveSmallIntegerField(_("highest score"), default=10,
                                                 validators=[MaxValueValidator(100)])
    scoring_method = models.TextField(_("how projects are scored and shortlisted"), max_length=5000, blank=True)
    school_sessions_required = models.PositiveSmallIntegerField(
        _("budget school sessions a committee member must attend"), default=1)
    vote = models.OneToOneField("voting.Vote", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="budget_cycle", verbose_name=_("vote"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "budget cycle")
        verbose_name_plural = pgettext_lazy("model name", "budget cycles")
        ordering = ["-year", "district"]
        constraints = [
            models.UniqueConstraint(fields=["year", "district"], name="one_budget_cycle_a_year_per_scope"),
            models.CheckConstraint(condition=Q(cost_max__gte=models.F("cost_min")), name="budget_cycle_cost_range"),
            models.CheckConstraint(condition=Q(call_closes_at__gt=models.F("call_opens_at")),
                                   name="budget_cycle_call_window"),
            models.CheckConstraint(condition=Q(vote_closes_at__gt=models.F("vote_opens_at")),
                                   name="budget_cycle_vote_window"),
            models.CheckConstraint(condition=Q(score_max__gt=models.F("score_min")), name="budget_cycle_score_range"),
        ]
        indexes = [models.Index(fields=["stage"], name="budget_cycle_stage")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_citywide(self) -> bool:
        return not self.district


class BudgetProject(models.Model):
    """A citizen's budget project proposal (사업 제안), from the draft to its execution."""

    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="projects")
    number = models.PositiveIntegerField(null=True, blank=True, help_text="the cycle's public number, from 1, "
                                         "given on submission")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="budget_projects")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=10000, help_text=_("Markdown is allowed."))
    description_html = models.TextField(editable=False, blank=True)
    field = models.ForeignKey(BudgetField, verbose_name=_("field"), on_delete=models.PROTECT, related_name="projects")
    # The reviewing department: the field's when submitted (kept, should the field's department change later).
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="budget_projects")
    district = models.CharField(_("district"), max_length=20, choices=District.choices, blank=True,
                                help_text=_("Leave empty if the project serves the whole city."))
    location = models.CharField(_("place"), max_length=200, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost (won)"), null=True, blank=True)
    beneficiaries = models.CharField(_("who benefits"), max_length=300, blank=True)
    state = models.CharField(max_length=16, choices=ProjectState.choices, default=ProjectState.DRAFT)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    answer_due_at = models.DateTimeField(null=True, blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    # The cost that goes on the ballot: the review's, or the estimate while unreviewed.
    reviewed_cost = models.PositiveBigIntegerField(_("reviewed cost (won)"), null=True, blank=True)
    # The sub-committee's decision: the mean of its members' scores and its reason, both public.
    score_mean = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    committee_reason = models.TextField(_("the sub-committee's reason"), max_length=3000, blank=True)
    option = models.OneToOneField("voting.Option", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="budget_project")
    follow_up = models.OneToOneField("proposals.FollowUp", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="budget_project")
    # Execution, kept current by each report (budget.execution): money spent so far and the latest stage.
    spent = models.PositiveBigIntegerField(default=0)
    execution_stage = models.CharField(max_length=12, choices=ExecutionStage.choices,
                                       default=ExecutionStage.NOT_STARTED)
    last_report_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "budget project")
        verbose_name_plural = pgettext_lazy("model name", "budget projects")
        ordering = ["cycle", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "number"], condition=Q(number__isnull=False),
                                    name="budget_project_number_unique"),
            models.CheckConstraint(condition=Q(state="draft") | Q(estimated_cost__gte=1),
                                   name="budget_project_submitted_has_cost"),
        ]
        indexes = [
            models.Index(fields=["cycle", "state"], name="budget_project_cycle_state"),
            models.Index(fields=["department", "state", "submitted_at"], name="budget_project_review_queue"),
            models.Index(fields=["cycle", "field", "state"], name="budget_project_field"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def cost(self) -> int | None:
        """The cost that counts now: the reviewed one once there is one, else the estimate."""
        return self.reviewed_cost if self.reviewed_cost is not None else self.estimated_cost


class CoProposer(models.Model):
    """A resident who joined an existing project instead of proposing a duplicate (suggested while typing)."""

    project = models.ForeignKey(BudgetProject, on_delete=models.CASCADE, related_name="co_proposers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "co-proposer")
        verbose_name_plural = pgettext_lazy("model name", "co-proposers")
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="one_co_proposer_row")]


class ProjectReview(models.Model):
    """The department's review of one project, public on the project's page; revised at most after the answer."""

    project = models.OneToOneField(BudgetProject, on_delete=models.CASCADE, related_name="review")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    eligible = models.BooleanField(_("eligible"))
    # {criterion code: true/false} for every ReviewCriterion: which of the published criteria it meets.
    criteria = models.JSONField(default=dict)
    reasons = models.TextField(_("reasons"), max_length=5000)
    reviewed_cost = models.PositiveBigIntegerField(_("reviewed cost (won)"), null=True, blank=True)
    # [{"item": "...", "amount": 1000000}, ...] adding up to reviewed_cost.
    cost_lines = models.JSONField(_("cost breakdown"), default=list, blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    revised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "project review")
        verbose_name_plural = pgettext_lazy("model name", "project reviews")


class ReviewAnswer(models.Model):
    """The proposer's one answer to the review."""

    project = models.OneToOneField(BudgetProject, on_delete=models.CASCADE, related_name="answer")
    kind = models.CharField(_("answer"), max_length=10, choices=AnswerKind.choices)
    body = models.TextField(_("what you want to say"), max_length=3000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "answer to a review")
        verbose_name_plural = pgettext_lazy("model name", "answers to reviews")


class ProjectEvent(models.Model):
    """A project's public record: each state move and what came with it (shown on its page)."""

    project = models.ForeignKey(BudgetProject, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    note = models.TextField(max_length=3000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "project event")
        verbose_name_plural = pgettext_lazy("model name", "project events")
        ordering = ["created_at", "pk"]


class SchoolSession(models.Model):
    """A session of the cycle's budget school (예산학교); attending enough of them makes a pool volunteer
    eligible for the budget committee's draw."""

    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="school_sessions")
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    place = models.CharField(_("place"), max_length=200, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "budget school session")
        verbose_name_plural = pgettext_lazy("model name", "budget school sessions")
        ordering = ["held_on", "pk"]


class SchoolAttendance(models.Model):
    """One person's attendance at one budget school session, recorded by staff."""

    session = models.ForeignKey(SchoolSession, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="budget_school")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "budget school attendance")
        verbose_name_plural = pgettext_lazy("model name", "budget school attendance")
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="one_attendance_per_session")]


class SubCommittee(models.Model):
    """A field sub-committee (분과) of the budget committee: its members score and shortlist the field's
    eligible projects, after hearing the proposers in its live room."""

    cycle = models.ForeignKey(BudgetCycle, on_delete=models.CASCADE, related_name="sub_committees")
    field = models.ForeignKey(BudgetField, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField("governance.Member", verbose_name=_("members"), related_name="budget_seats",
                                     blank=True)
    room = models.OneToOneField("deliberation.Room", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="budget_sub_committee")
    reasons = models.TextField(_("the sub-committee's reasons"), max_length=10000, blank=True)
    shortlist_published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("model name", "budget sub-committee")
        verbose_name_plural = pgettext_lazy("model name", "budget sub-committees")
        constraints = [models.UniqueConstraint(fields=["cycle", "field"], name="one_sub_committee_per_field")]

    def __str__(self) -> str:
        return str(self.field)


class ProjectScore(models.Model):
    """One sub-committee member's score of one project (within the cycle's range)."""

    project = models.ForeignKey(BudgetProject, on_delete=models.CASCADE, related_name="scores")
    member = models.ForeignKey("governance.Member", on_delete=models.CASCADE, related_name="budget_scores")
    score = models.PositiveSmallIntegerField(_("score"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "project score")
        verbose_name_plural = pgettext_lazy("model name", "project scores")
        constraints = [models.UniqueConstraint(fields=["project", "member"], name="one_score_per_member")]


class ExecutionReport(models.Model):
    """A department's report on a funded project: the money spent since the last report, the stage, a note."""

    project = models.ForeignKey(BudgetProject, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField(_("date"))
    amount = models.PositiveBigIntegerField(_("money spent since the last report (won)"), default=0)
    stage = models.CharField(_("stage"), max_length=12, choices=ExecutionStage.choices)
    progress_percent = models.PositiveSmallIntegerField(_("progress (%)"), default=0,
                                                        validators=[MaxValueValidator(100)])
    note = models.TextField(_("note"), max_length=3000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = pgettext_lazy("model name", "execution report")
        verbose_name_plural = pgettext_lazy("model name", "execution reports")
        ordering = ["reported_on", "pk"]
        indexes = [models.Index(fields=["project", "reported_on"], name="execution_report_project")]
