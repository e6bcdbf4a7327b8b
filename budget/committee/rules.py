"""Who may do what in the budget committee's part of the cycle: the budget school, the sub-committees,
their scores and shortlists, and the vote made from the shortlists.

Each rule answers None (allowed) or the translated reason it is refused (docs/architecture.md); the
services raise ``PermissionDenied`` with it, the views and templates show the same words.
"""

from django.utils.translation import gettext as _

from budget.models import BudgetCycle, BudgetProject, SubCommittee
from budget.rules import is_budget_staff, sub_committee_member
from budget.states import CycleStage, ProjectState


def refuse_manage(user) -> str | None:
    """The budget school, the committee's draw, the sub-committees and the vote are staff's to run."""
    if not is_budget_staff(user):
        return _("Only budget staff can do this.")
    return None


def refuse_deliberation(cycle: BudgetCycle) -> str | None:
    if cycle.stage != CycleStage.DELIBERATION:
        return _("The budget committee scores and shortlists projects only while the cycle is in its "
                 "committee deliberation stage.")
    return None


def refuse_score(user, sub_committee: SubCommittee, project: BudgetProject):
    """(the member's seat, None) when ``user`` may score ``project`` now, else (None, the reason)."""
    member = sub_committee_member(user, sub_committee)
    if member is None:
        return None, _("Only a member of this field's sub-committee can score its projects.")
    if project.cycle_id != sub_committee.cycle_id or project.field_id != sub_committee.field_id:
        return None, _("A sub-committee scores only the projects of its own field.")
    refusal = refuse_deliberation(sub_committee.cycle)
    if refusal:
        return None, refusal
    if project.state != ProjectState.ELIGIBLE:
        return None, _("Only a project the department found eligible, not yet shortlisted, can be scored.")
    return member, None


def is_chair(user, sub_committee: SubCommittee) -> bool:
    member = sub_committee_member(user, sub_committee)
    return bool(member and member.is_chair)


def refuse_shortlist(user, sub_committee: SubCommittee) -> str | None:
    """The sub-committee's chair (the chair of the budget committee seated in it) or staff publish the
    shortlist, while the cycle deliberates and until the vote is created from it."""
    if not (is_budget_staff(user) or is_chair(user, sub_committee)):
        return _("Only the sub-committee's chair or budget staff can publish its shortlist.")
    if sub_committee.cycle.vote_id is not None:
        return _("The vote has been created from the shortlists; they stay as published.")
    return refuse_deliberation(sub_committee.cycle)


def may_see_scores_form(user, sub_committee: SubCommittee) -> bool:
    return sub_committee_member(user, sub_committee) is not None
