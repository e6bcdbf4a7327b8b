"""Factories for the participatory budget cycle (issue 16): fields, cycles in any stage, projects in any state.

``make_cycle(stage=...)`` sets the calendar so that the stage's window is the one open now (the call
window around now for CALL, all windows past for EXECUTION …); ``make_project(state=...)`` writes the row
in that state directly (with a review when the state is reviewed), for tests that start mid-cycle.
"""

from datetime import timedelta

import factory
from django.utils import timezone

from budget.models import BudgetCycle, BudgetField, BudgetProject, ProjectReview
from budget.states import REVIEWED_STATES, CycleStage, ProjectState, ReviewCriterion
from tests.factories import DepartmentFactory, UserFactory


class BudgetFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetField

    slug = factory.Sequence(lambda n: f"field-{n}")
    name = factory.Sequence(lambda n: f"분야 {n}")
    name_en = factory.Sequence(lambda n: f"Field {n}")
    department = factory.SubFactory(DepartmentFactory)
    position = factory.Sequence(lambda n: n)


# Where "now" falls in each stage: (days from now to each deadline), in calendar order.
_CALENDARS = {
    CycleStage.DRAFT: 10, CycleStage.ANNOUNCED: 10, CycleStage.CALL: -10, CycleStage.REVIEW: -40,
    CycleStage.DELIBERATION: -70, CycleStage.VOTE: -100, CycleStage.EXECUTION: -130, CycleStage.CLOSED: -500,
}


def calendar(stage: str, now=None) -> dict:
    """Deadlines that put ``now`` inside ``stage``'s window (or before the call for a draft / announced one)."""
    now = now or timezone.now()
    start = now + timedelta(days=_CALENDARS[stage])
    dates = {
        "call_opens_at": start, "call_closes_at": start + timedelta(days=20),
        "review_closes_at": start + timedelta(days=50), "deliberation_closes_at": start + timedelta(days=80),
        "vote_opens_at": start + timedelta(days=85), "vote_closes_at": start + timedelta(days=110),
    }
    dates["execution_due_on"] = (start + timedelta(days=480)).date()
    return dates


def make_cycle(*, stage: str = CycleStage.CALL, fields=None, year: int | None = None, district: str = "",
               **overrides) -> BudgetCycle:
    """A cycle in ``stage`` with its calendar around now; ``fields`` (default: two new ones) are offered."""
    year = year or (timezone.now().year + BudgetCycle.objects.count())
    values = {
        "year": year, "district": district, "slug": f"{year}-{district or 'seoul'}",
        "title": f"{year} 서울시 시민참여예산", "total_budget": 500_000_000, "cost_min": 5_000_000,
        "cost_max": 300_000_000, "stage": stage, "scoring_method": "Each member scores 1-10; the mean decides.",
        **calendar(stage), **overrides,
    }
    cycle = BudgetCycle.objects.create(**values)
    cycle.fields.set(fields if fields is not None else [BudgetFieldFactory(), BudgetFieldFactory()])
    return cycle


def make_project(*, cycle: BudgetCycle | None = None, state: str = ProjectState.SUBMITTED, author=None, field=None,
                 cost: int = 50_000_000, reviewed_cost: int | None = None, **overrides) -> BudgetProject:
    """A project of ``cycle`` in ``state``; a reviewed state gets its ProjectReview (eligible unless
    INELIGIBLE) with ``reviewed_cost`` (default: the estimate)."""
    cycle = cycle or make_cycle()
    field = field or cycle.fields.first()
    now = timezone.now()
    submitted = state != ProjectState.DRAFT
    number = (cycle.projects.exclude(number=None).count() + 1) if submitted else None
    reviewed = state in REVIEWED_STATES
    project = BudgetProject.objects.create(
        cycle=cycle, number=number, author=author or UserFactory(), title=overrides.pop("title", f"사업 {number}"),
        description=overrides.pop("description", "A bench under the ginkgo trees."), field=field,
        department=field.department, estimated_cost=cost, state=state,
        submitted_at=now if submitted else None, reviewed_at=now if reviewed else None,
        reviewed_cost=(reviewed_cost or cost) if reviewed else None, **overrides)
    if reviewed:
        eligible = state != ProjectState.INELIGIBLE
        ProjectReview.objects.create(
            project=project, eligible=eligible, criteria={c: eligible for c in ReviewCriterion.values},
            reasons="Meets the criteria." if eligible else "Already funded by the district.",
            reviewed_cost=project.reviewed_cost, cost_lines=[{"item": "Works", "amount": project.reviewed_cost}])
    return project
