"""Who may run a budget cycle's calendar, and which stage moves staff are offered now.

A rule answers None (allowed) or the translated reason it is refused (docs/architecture.md); views,
templates and services ask the same questions.
"""

from django.utils.translation import gettext as _

from budget.lifecycles import CYCLE_LIFECYCLE
from budget.models import BudgetCycle
from budget.rules import is_budget_staff
from budget.states import CycleStage

# Moves other parts of the cycle make, never a button on the manage page: the vote is created from the
# shortlist by the committee's "create the vote" (budget.committee), and the vote's tally starts execution.
MOVES_MADE_ELSEWHERE = {
    (CycleStage.DELIBERATION, CycleStage.VOTE),
    (CycleStage.VOTE, CycleStage.EXECUTION),
}


def may_manage_cycles(user) -> str | None:
    """Staff create cycles, keep their calendars and move their stages."""
    if not user.is_authenticated:
        return _("Please sign in to manage participatory budget cycles.")
    if not is_budget_staff(user):
        return _("Only city staff manage participatory budget cycles.")
    return None


def may_see_cycle(user, cycle: BudgetCycle) -> bool:
    """A cycle being prepared is staff's only; every other stage is public."""
    return cycle.stage != CycleStage.DRAFT or is_budget_staff(user)


def move_refusal(user, cycle: BudgetCycle, to: str) -> str | None:
    """Why this person may not move the cycle to ``to`` now (the table, the moves made elsewhere, the cycle's
    own readiness), or None."""
    refusal = may_manage_cycles(user)
    if refusal:
        return refusal
    if to not in CycleStage.values:
        return _("There is no such stage.")
    if (cycle.stage, to) in MOVES_MADE_ELSEWHERE:
        return moves_made_elsewhere(cycle)
    refusal = CYCLE_LIFECYCLE.refusal(cycle, to)
    if refusal:
        return refusal
    if to == CycleStage.ANNOUNCED and not cycle.fields.exists():
        return _("Choose at least one field before announcing the cycle.")
    return None


def next_moves(user, cycle: BudgetCycle) -> list[tuple[str, str]]:
    """The stage moves offered to this person as buttons: [(stage, label)], in the table's order."""
    if may_manage_cycles(user):
        return []
    moves = []
    for to in CycleStage.values:
        if to in CYCLE_LIFECYCLE.transitions.get(cycle.stage, ()) and (cycle.stage, to) not in MOVES_MADE_ELSEWHERE:
            moves.append((to, CycleStage(to).label))
    return moves


def moves_made_elsewhere(cycle: BudgetCycle) -> str | None:
    """What the manage page says instead of a button when the next move is another part's."""
    if cycle.stage == CycleStage.DELIBERATION:
        return _("The vote is created from the sub-committees' shortlist with “Create the vote” on the "
                 "budget committee's page; the cycle moves to the vote then.")
    if cycle.stage == CycleStage.VOTE:
        return _("Execution starts when the residents' vote is tallied.")
    return None
