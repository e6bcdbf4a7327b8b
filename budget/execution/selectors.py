"""Reads of the cycle's story and its execution (budget:cycle, the exports, the API).

The cycle page reads a handful of queries whatever the cycle's size: the counts in one aggregate, the funded
projects in one (money per field and district is added up from those rows in Python), nothing per project
(docs/budget.md "Speed").
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.districts import District
from budget.models import BudgetCycle, BudgetProject
from budget.states import PUBLIC_STAGES, REVIEWED_STATES, CycleStage, ExecutionStage, ProjectState
from core.bilingual import in_active_language

ELIGIBLE_STATES = [ProjectState.ELIGIBLE, ProjectState.SHORTLISTED, ProjectState.NOT_SHORTLISTED,
                   ProjectState.FUNDED, ProjectState.NOT_FUNDED, ProjectState.COMPLETED]
SHORTLISTED_STATES = [ProjectState.SHORTLISTED, ProjectState.FUNDED, ProjectState.NOT_FUNDED, ProjectState.COMPLETED]
FUNDED_STATES = [ProjectState.FUNDED, ProjectState.COMPLETED]


def public_cycles(user=None):
    """Cycles the public sees (a cycle being prepared is staff's only)."""
    from budget.rules import is_budget_staff

    qs = BudgetCycle.objects.all()
    if user is None or not is_budget_staff(user):
        qs = qs.filter(stage__in=PUBLIC_STAGES)
    return qs


def cycle_for_page(slug: str, user):
    return public_cycles(user).filter(slug=slug).first()


def counts(cycle: BudgetCycle) -> dict:
    """How many projects reached each step, and the money decided and spent (one query)."""
    funded = Q(state__in=FUNDED_STATES)
    row = BudgetProject.objects.filter(cycle=cycle).aggregate(
        proposed=Count("pk", filter=~Q(state=ProjectState.DRAFT)),
        reviewed=Count("pk", filter=Q(state__in=REVIEWED_STATES)),
        eligible=Count("pk", filter=Q(state__in=ELIGIBLE_STATES)),
        shortlisted=Count("pk", filter=Q(state__in=SHORTLISTED_STATES)),
        on_ballot=Count("pk", filter=Q(option__isnull=False)),
        funded=Count("pk", filter=funded),
        completed=Count("pk", filter=Q(state=ProjectState.COMPLETED)),
        decided=Sum("reviewed_cost", filter=funded),
        spent=Sum("spent", filter=funded),
    )
    row["decided"] = row["decided"] or 0
    row["spent"] = row["spent"] or 0
    return row


def is_overdue(cycle: BudgetCycle, state: str, today: date | None = None) -> bool:
    """A funded project not completed by the cycle's due date."""
    return state == ProjectState.FUNDED and (today or timezone.localdate()) > cycle.execution_due_on


EXECUTION_COLUMNS = ("pk", "number", "title", "state", "district", "location", "latitude", "longitude",
                     "reviewed_cost", "estimated_cost", "spent", "execution_stage", "last_report_on", "completed_on",
                     "field__slug", "field__name", "field__name_en", "department_id")


def funded_projects(cycle: BudgetCycle, today: date | None = None) -> list[dict]:
    """The funded (and completed) projects as rows (one query), with what the pages show."""
    today = today or timezone.localdate()
    stages = {code: str(label) for code, label in ExecutionStage.choices}  # translated once, not once a row
    districts = {code: str(label) for code, label in District.choices}
    rows = list(BudgetProject.objects.filter(cycle=cycle, state__in=FUNDED_STATES)
                .order_by("number", "pk").values(*EXECUTION_COLUMNS))
    for r in rows:
        r["decided"] = r["reviewed_cost"] if r["reviewed_cost"] is not None else (r["estimated_cost"] or 0)
        r["field"] = in_active_language(r["field__name"], r["field__name_en"])
        r["district_label"] = districts.get(r["district"], "") if r["district"] else ""
        r["stage_label"] = stages.get(r["execution_stage"], r["execution_stage"])
        r["overdue"] = is_overdue(cycle, r["state"], today)
        r["over_cost"] = r["spent"] > r["decided"]
        r["percent_spent"] = round(100 * r["spent"] / r["decided"]) if r["decided"] else 0
        # Written here, not by |intcomma in the loop: a few hundred rows made the filter most of the page's time.
        r["decided_shown"], r["spent_shown"] = f"{r['decided']:,}", f"{r['spent']:,}"
    return rows


def money_by(rows: list[dict], key: str, label: str) -> list[dict]:
    """Decided and spent per field (key "field__slug") or district, from the funded rows, largest first."""
    groups: dict[str, dict] = {}
    for r in rows:
        group = groups.setdefault(r[key] or "", {"label": r[label] or "", "decided": 0, "spent": 0})
        group["decided"] += r["decided"]
        group["spent"] += r["spent"]
    out = sorted(groups.values(), key=lambda g: (-g["decided"], g["label"]))
    for g in out:
        g["decided_shown"], g["spent_shown"] = f"{g['decided']:,}", f"{g['spent']:,}"
    return out


@dataclass
class Window:
    stage: str
    label: str
    starts: datetime | date
    ends: datetime | date
    is_open: bool


def calendar(cycle: BudgetCycle, now: datetime | None = None) -> list[Window]:
    """The cycle's windows with their dates, and which one is open now (by the dates, not the stage)."""
    now = now or timezone.now()
    labels = dict(CycleStage.choices)
    spans = [
        (CycleStage.CALL, cycle.call_opens_at, cycle.call_closes_at),
        (CycleStage.REVIEW, cycle.call_closes_at, cycle.review_closes_at),
        (CycleStage.DELIBERATION, cycle.review_closes_at, cycle.deliberation_closes_at),
        (CycleStage.VOTE, cycle.vote_opens_at, cycle.vote_closes_at),
    ]
    windows = [Window(s, labels[s], a, b, a <= now < b) for s, a, b in spans]
    today = timezone.localdate(now)
    windows.append(Window(CycleStage.EXECUTION, labels[CycleStage.EXECUTION], timezone.localdate(cycle.vote_closes_at),
                          cycle.execution_due_on, cycle.vote_closes_at <= now and today <= cycle.execution_due_on))
    return windows


def markers(rows: list[dict]) -> list[dict]:
    """The map's points: funded projects with a place (the page's json_script)."""
    return [{"lat": float(r["latitude"]), "lng": float(r["longitude"]), "title": r["title"], "pk": r["pk"],
             "stage": str(r["stage_label"]), "decided": r["decided"], "spent": r["spent"]}
            for r in rows if r["latitude"] is not None and r["longitude"] is not None]
