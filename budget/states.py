"""The participatory budget cycle's lifecycles and code lists, as data (applied by ``core.lifecycle`` in
``budget/lifecycles.py``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CycleStage(models.TextChoices):
    """A cycle's stage; the dates of each window are on the cycle (deadlines live in the database)."""

    DRAFT = "draft", pgettext_lazy("stage of a budget cycle", "Being prepared")
    ANNOUNCED = "announced", _("Announced")
    CALL = "call", _("Call for projects")
    REVIEW = "review", _("Department review")
    DELIBERATION = "deliberation", _("Budget committee deliberation")
    VOTE = "vote", pgettext_lazy("stage of a budget cycle", "Residents' vote")
    EXECUTION = "execution", _("Execution and monitoring")
    CLOSED = "closed", pgettext_lazy("stage of a budget cycle", "Closed")


CYCLE_TRANSITIONS: dict[str, set[str]] = {
    CycleStage.DRAFT: {CycleStage.ANNOUNCED},
    CycleStage.ANNOUNCED: {CycleStage.CALL, CycleStage.DRAFT},
    CycleStage.CALL: {CycleStage.REVIEW},
    CycleStage.REVIEW: {CycleStage.DELIBERATION},
    CycleStage.DELIBERATION: {CycleStage.VOTE},
    CycleStage.VOTE: {CycleStage.EXECUTION},
    CycleStage.EXECUTION: {CycleStage.CLOSED},
    CycleStage.CLOSED: set(),
}

# The stages the public sees (a cycle being prepared is staff's only).
PUBLIC_STAGES = [s for s in CycleStage.values if s != CycleStage.DRAFT]


class ProjectState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("state of a budget project", "Draft")
    SUBMITTED = "submitted", pgettext_lazy("state of a budget project", "Submitted, awaiting review")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Not eligible")
    WITHDRAWN = "withdrawn", pgettext_lazy("state of a budget project", "Withdrawn")
    SHORTLISTED = "shortlisted", _("Shortlisted for the vote")
    NOT_SHORTLISTED = "not_shortlisted", _("Not shortlisted")
    FUNDED = "funded", _("Funded")
    NOT_FUNDED = "not_funded", _("Not funded")
    COMPLETED = "completed", pgettext_lazy("state of a budget project", "Completed")


PROJECT_TRANSITIONS: dict[str, set[str]] = {
    ProjectState.DRAFT: {ProjectState.SUBMITTED, ProjectState.WITHDRAWN},
    ProjectState.SUBMITTED: {ProjectState.ELIGIBLE, ProjectState.INELIGIBLE, ProjectState.WITHDRAWN},
    # A review may be revised once the citizen has answered (a clarification can change the finding).
    ProjectState.ELIGIBLE: {ProjectState.INELIGIBLE, ProjectState.SHORTLISTED, ProjectState.NOT_SHORTLISTED,
                            ProjectState.WITHDRAWN},
    ProjectState.INELIGIBLE: {ProjectState.ELIGIBLE, ProjectState.WITHDRAWN},
    # A sub-committee may change its mind until the vote is created from the shortlist.
    ProjectState.SHORTLISTED: {ProjectState.NOT_SHORTLISTED, ProjectState.FUNDED, ProjectState.NOT_FUNDED},
    ProjectState.NOT_SHORTLISTED: {ProjectState.SHORTLISTED},
    ProjectState.FUNDED: {ProjectState.COMPLETED},
    ProjectState.NOT_FUNDED: set(),
    ProjectState.WITHDRAWN: set(),
    ProjectState.COMPLETED: set(),
}

# A project the public sees (a draft is its author's only).
PUBLIC_PROJECT_STATES = [s for s in ProjectState.values if s != ProjectState.DRAFT]
# Reviewed: the department has published its finding.
REVIEWED_STATES = [ProjectState.ELIGIBLE, ProjectState.INELIGIBLE, ProjectState.SHORTLISTED,
                   ProjectState.NOT_SHORTLISTED, ProjectState.FUNDED, ProjectState.NOT_FUNDED, ProjectState.COMPLETED]


class ReviewCriterion(models.TextChoices):
    """The city's published eligibility criteria (서울시 시민참여예산 사업 심사 기준); a review answers each."""

    WITHIN_POWERS = "within_powers", _("Within the city's powers")
    NOT_FUNDED = "not_funded", _("Not already funded or planned")
    ONE_OFF = "one_off", _("A one-off cost, not a running cost")
    WITHIN_LIMITS = "within_limits", _("Cost within the cycle's limits")
    FEASIBLE = "feasible", _("Can be carried out within the year")


class AnswerKind(models.TextChoices):
    """The citizen's one answer to the review."""

    CLARIFY = "clarify", _("Clarify the proposal")
    ACCEPT = "accept", _("Accept the reviewed cost")
    WITHDRAW = "withdraw", _("Withdraw the project")


class ExecutionStage(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    PLANNING = "planning", _("Planning and design")
    CONTRACTING = "contracting", _("Contracting")
    UNDER_WAY = "under_way", _("Under way")
    COMPLETED = "completed", pgettext_lazy("execution stage", "Completed")
