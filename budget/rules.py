"""Who is who in a budget cycle; each package's ``rules.py`` builds its actions on these.

A rule answers None (allowed) or the translated reason it is refused, as everywhere (docs/architecture.md).
"""

from budget.models import BudgetProject, SubCommittee


def is_budget_staff(user) -> bool:
    """Staff run the cycle's calendar: city staff (``is_staff``) and city administrators."""
    return bool(user.is_authenticated and (user.is_staff or user.is_city_admin))


def is_reviewing_officer(user, project: BudgetProject) -> bool:
    """An officer of the department that reviews this project (the field's department when it was submitted)."""
    return bool(user.is_authenticated and user.is_officer and project.department_id is not None
                and user.department_id == project.department_id)


def sub_committee_member(user, sub_committee: SubCommittee):
    """This person's current seat (a ``governance.Member``) on the sub-committee, or None."""
    if not user.is_authenticated:
        return None
    return sub_committee.members.filter(user=user, ended_at__isnull=True).first()
