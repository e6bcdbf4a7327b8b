"""The cycle's and the projects' one lifecycle each (``core.lifecycle``), shared by every package of budget/.

Each package's services move a cycle or a project only through these: ``CYCLE_LIFECYCLE.move(cycle, to,
actor=...)`` and ``PROJECT_LIFECYCLE.move(project, to, actor=..., note=...)``. A project's every move is
written to its public record (``ProjectEvent``), with the note the caller passes.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_noop

from budget.models import BudgetCycle, BudgetProject, ProjectEvent
from budget.states import CYCLE_TRANSITIONS, PROJECT_TRANSITIONS, CycleStage, ProjectState
from core.lifecycle import IllegalTransition, Lifecycle


class BudgetError(ValidationError):
    """A budget action refused for a reason a person can act on (the message says which)."""


class CycleStageError(IllegalTransition):
    """A stage move the cycle's table does not allow."""


class ProjectStateError(IllegalTransition):
    """A move a budget project's table does not allow."""


def _record_project(project: BudgetProject, from_state: str, to: str, *, actor, now, note: str = "", **_context):
    ProjectEvent.objects.create(project=project, from_state=from_state, to_state=to, actor=actor, note=note,
                                created_at=now)


CYCLE_LIFECYCLE = Lifecycle(
    BudgetCycle, CYCLE_TRANSITIONS, error=CycleStageError, labels=CycleStage, field="stage",
    message=gettext_noop("A budget cycle cannot go from “%(from)s” to “%(to)s”."),
    changed_at="stage_changed_at",
)

PROJECT_LIFECYCLE = Lifecycle(
    BudgetProject, PROJECT_TRANSITIONS, error=ProjectStateError, labels=ProjectState,
    message=gettext_noop("A budget project cannot go from “%(from)s” to “%(to)s”."),
    stamps={ProjectState.SUBMITTED: "submitted_at"}, changed_at="state_changed_at", record=_record_project,
)
