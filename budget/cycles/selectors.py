"""Reads of the budget cycles: the list of cycles a person may see."""

from django.db.models import QuerySet

from budget.models import BudgetCycle
from budget.rules import is_budget_staff
from budget.states import PUBLIC_STAGES


def visible_cycles(user) -> QuerySet[BudgetCycle]:
    """Newest year first; cycles being prepared only for staff."""
    cycles = BudgetCycle.objects.order_by("-year", "district", "pk")
    if not is_budget_staff(user):
        cycles = cycles.filter(stage__in=PUBLIC_STAGES)
    return cycles
