"""Reads of the department review: an officer's queue, with its counts per filter, fast on a city-wide cycle.

The page is one query (the rows, with what each row shows joined in) and the counts another (one aggregate
with a filtered count per tab); the paginator takes the count from the aggregate instead of counting again.
The department, state and submission time match the index ``budget_project_review_queue``.
"""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from budget.models import BudgetCycle, BudgetProject
from budget.rules import is_budget_staff
from budget.states import AnswerKind, ProjectState, REVIEWED_STATES

PAGE_SIZE = 50
# Answered, awaiting revision: the proposer asked to clarify and the review has not been revised yet.
_ANSWERED = Q(state__in=[ProjectState.ELIGIBLE, ProjectState.INELIGIBLE], answer__kind=AnswerKind.CLARIFY,
              review__revised_at__isnull=True)
FILTERS = {
    "awaiting": Q(state=ProjectState.SUBMITTED),
    "reviewed": Q(state__in=REVIEWED_STATES) & ~_ANSWERED,
    "answered": _ANSWERED,
}


@dataclass
class Queue:
    page: Page
    counts: dict[str, int]
    filter: str
    cycle: BudgetCycle | None


def _scope(user, cycle: BudgetCycle | None) -> QuerySet[BudgetProject]:
    projects = BudgetProject.objects.exclude(state__in=[ProjectState.DRAFT, ProjectState.WITHDRAWN])
    if not is_budget_staff(user):
        projects = projects.filter(department_id=user.department_id)
    if cycle is not None:
        projects = projects.filter(cycle=cycle)
    return projects


def review_queue(user, *, cycle: BudgetCycle | None = None, filter: str = "awaiting", page: int | str = 1) -> Queue:
    """The projects this officer's department reviews (every department's for staff), oldest submitted first."""
    filter = filter if filter in FILTERS else "awaiting"
    scope = _scope(user, cycle)
    counts = scope.aggregate(**{name: Count("pk", filter=q) for name, q in FILTERS.items()})
    rows = (scope.filter(FILTERS[filter])
            .select_related("cycle", "field", "review", "answer")
            .only("pk", "number", "title", "state", "estimated_cost", "reviewed_cost", "submitted_at",
                  "answer_due_at", "cycle__slug", "cycle__title", "field__name", "field__name_en",
                  "review__eligible", "review__revised_at", "answer__kind")
            .order_by("submitted_at", "pk"))
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = counts[filter]  # the aggregate counted it already (cached_property: an instance value wins)
    return Queue(page=paginator.get_page(page), counts=counts, filter=filter, cycle=cycle)


def queue_cycles(user) -> QuerySet[BudgetCycle]:
    """The cycles offered in the queue's cycle filter: those with a project in this person's queue."""
    scope = _scope(user, None)
    return BudgetCycle.objects.filter(pk__in=scope.values("cycle_id")).order_by("-year", "district").only(
        "slug", "title")
