"""Who may report on a funded project's execution (None: allowed; else the reason, translated)."""

from django.utils.translation import gettext as _

from budget.models import BudgetProject
from budget.rules import is_budget_staff, is_reviewing_officer
from budget.states import ProjectState


def may_report(user, project: BudgetProject) -> bool:
    """The officers of the project's reviewing department, and budget staff."""
    return is_budget_staff(user) or is_reviewing_officer(user, project)


def refuse_report(user, project: BudgetProject) -> str | None:
    if not user.is_authenticated:
        return _("Sign in to report on a project's execution.")
    if not may_report(user, project):
        return _("Only officers of the project's department and budget staff can report on its execution.")
    if project.state != ProjectState.FUNDED:
        return _("Execution is reported only on a funded project that is not yet completed.")
    return None
