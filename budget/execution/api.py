"""The participatory budget in the open-data API (/api/v1/, governance.api): cycles and their projects, read-only.

The router is added to governance's ``api`` from ``BudgetConfig.ready()`` (budget sits on top of governance:
.importlinter), before the URL conf is first built. Codes, not labels (docs/api.md); money in whole won.
"""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext_noop
from ninja import Query, Router
from pydantic import BaseModel as Schema
from pydantic import Field

from budget.models import BudgetProject
from budget.states import PUBLIC_PROJECT_STATES
from governance.api.listing import PageQuery, Spec, apply_filters, page
from governance.api.schemas import Error, Page

from . import selectors

router = Router(tags=["participatory budget"])
ERRORS = {400: Error, 429: Error}
DETAIL_ERRORS = {404: Error, 429: Error}


class CycleRow(Schema):
    slug: str
    year: int
    district: str
    title: str
    stage: str
    total_budget: int
    cost_min: int
    cost_max: int
    budget_rule: str
    call_opens_at: datetime
    call_closes_at: datetime
    review_closes_at: datetime
    deliberation_closes_at: datetime
    vote_opens_at: datetime
    vote_closes_at: datetime
    execution_due_on: date
    vote_id: int | None


class CycleCounts(Schema):
    proposed: int
    reviewed: int
    eligible: int
    shortlisted: int
    on_ballot: int
    funded: int
    completed: int
    decided: int
    spent: int


class CycleDetail(CycleRow):
    description: str
    counts: CycleCounts


class CyclePage(Page):
    results: list[CycleRow]


class ProjectRow(Schema):
    id: int
    number: int | None
    title: str
    state: str
    field_code: str
    department_code: str | None
    district: str
    location: str
    latitude: Decimal | None
    longitude: Decimal | None
    estimated_cost: int | None
    reviewed_cost: int | None
    score_mean: Decimal | None
    spent: int
    execution_stage: str
    last_report_on: date | None
    completed_on: date | None
    submitted_at: datetime | None


class ProjectPage(Page):
    results: list[ProjectRow]


CYCLE_FIELDS = list(CycleRow.model_fields)


def _cycles(request):
    return selectors.public_cycles(None).order_by("-year", "district").values(*CYCLE_FIELDS)


def _cycle(slug: str):
    cycle = selectors.public_cycles(None).filter(slug=slug).first()
    if cycle is None:
        raise Http404
    return cycle


@router.get("/budget-cycles", response={200: CyclePage, **ERRORS}, url_name="budget_cycles",
            summary=gettext_noop("Participatory budget cycles, latest year first"))
def list_cycles(request, query: Query[PageQuery]):
    return page(request, apply_filters(request, _cycles(request), query, Spec()), query)


@router.get("/budget-cycles/{slug}", response={200: CycleDetail, **DETAIL_ERRORS}, url_name="budget_cycle",
            summary=gettext_noop("A participatory budget cycle: its calendar and how many projects reached each step"))
def get_cycle(request, slug: str):
    cycle = _cycle(slug)
    return {**{name: getattr(cycle, name) for name in CYCLE_FIELDS}, "description": cycle.description,
            "counts": selectors.counts(cycle)}


class ProjectQuery(PageQuery):
    state: str | None = Field(None, description=gettext_noop(
        "a project state: submitted, eligible, ineligible, withdrawn, shortlisted, not_shortlisted, funded, "
        "not_funded, completed"))
    district: str | None = Field(None, description=gettext_noop("a district code (mapo, jongno...)"))
    field: str | None = Field(None, max_length=40, description=gettext_noop("a budget field's code"))


PROJECTS = Spec(district_field="district", states=tuple(PUBLIC_PROJECT_STATES), extra={"field": "field__slug"})
PLAIN = [name for name in ProjectRow.model_fields if name not in ("field_code", "department_code")]


@router.get("/budget-cycles/{slug}/projects", response={200: ProjectPage, **ERRORS}, url_name="budget_cycle_projects",
            summary=gettext_noop("A cycle's projects (never drafts), by their number"))
def list_projects(request, slug: str, query: Query[ProjectQuery]):
    cycle = _cycle(slug)
    qs = (BudgetProject.objects.filter(cycle=cycle, state__in=PUBLIC_PROJECT_STATES).order_by("number", "pk")
          .values(*PLAIN, field_code=F("field__slug"), department_code=F("department__code")))
    return page(request, apply_filters(request, qs, query, PROJECTS), query)
