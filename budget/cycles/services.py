"""Every write of a budget cycle's calendar: create, edit, move a stage by hand, and the deadline sweep."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budget.cycles import rules
from budget.lifecycles import CYCLE_LIFECYCLE, BudgetError
from budget.models import BudgetCycle
from budget.states import CycleStage
from frontend.markdown import render_markdown

# Slugs a cycle may not take: literal paths under /budget/ (budget/urls.py) that a cycle's address would shadow.
RESERVED_SLUGS = frozenset({"new", "review", "mine", "projects"})

# The calendar in order: each date must come after the one before it (the windows, in sequence).
CALENDAR = ["call_opens_at", "call_closes_at", "review_closes_at", "deliberation_closes_at", "vote_opens_at",
            "vote_closes_at"]
# What staff may change once the cycle is no longer being prepared: everything but its identity (its year,
# district and address are in links and exports from the announcement on).
IDENTITY = ("year", "district", "slug")


def derive_slug(year: int, district: str) -> str:
    return f"{year}-{district or 'seoul'}"


def _calendar_errors(values: dict) -> dict[str, str]:
    errors = {}
    labels = {name: BudgetCycle._meta.get_field(name).verbose_name for name in CALENDAR}
    for before, after in zip(CALENDAR, CALENDAR[1:]):
        if values.get(before) and values.get(after) and values[after] <= values[before]:
            errors[after] = _("“%(after)s” must come after “%(before)s”.") % {
                "after": labels[after], "before": labels[before]}
    due, closes = values.get("execution_due_on"), values.get("vote_closes_at")
    if due and closes and due <= timezone.localtime(closes).date():
        errors["execution_due_on"] = _("Funded projects must be due after the vote closes.")
    return errors


def check_cycle(values: dict, *, cycle: BudgetCycle | None = None) -> None:
    """Raise a ValidationError by field when ``values`` cannot make a cycle: the calendar out of order, the
    cost or score range upside down, a reserved or taken address, a second cycle of the year and scope."""
    errors = _calendar_errors(values)
    if values.get("cost_min") and values.get("cost_max") and values["cost_min"] > values["cost_max"]:
        errors["cost_max"] = _("The largest project cost must be at least the smallest.")
    if values.get("cost_max") and values.get("total_budget") and values["cost_max"] > values["total_budget"]:
        errors["cost_max"] = _("The largest project cost cannot exceed the money on offer.")
    if values.get("score_min") is not None and values.get("score_max") is not None \
            and values["score_min"] >= values["score_max"]:
        errors["score_max"] = _("The highest score must be above the lowest.")
    others = BudgetCycle.objects.exclude(pk=cycle.pk) if cycle else BudgetCycle.objects.all()
    slug = values.get("slug")
    if slug in RESERVED_SLUGS:
        errors["slug"] = _("“%(slug)s” is a page of the site and cannot be a cycle's address.") % {"slug": slug}
    elif slug and others.filter(slug=slug).exists():
        errors["slug"] = _("Another cycle already has this address.")
    if values.get("year") and others.filter(year=values["year"], district=values.get("district", "")).exists():
        errors["year"] = _("There is already a cycle for this year and district.")
    if errors:
        raise BudgetError(errors)


def _apply(cycle: BudgetCycle, values: dict, fields) -> BudgetCycle:
    for name, value in values.items():
        setattr(cycle, name, value)
    cycle.description_html = render_markdown(cycle.description)
    cycle.full_clean(exclude=["created_by"])  # null for cycles the demo or an import made
    cycle.save()
    cycle.fields.set(fields)
    return cycle


def _require(refusal: str | None) -> None:
    if refusal:
        raise BudgetError(refusal, code="forbidden")


@transaction.atomic
def create_cycle(*, actor, fields, **values) -> BudgetCycle:
    """Staff create a cycle, being prepared (a draft the public does not see until it is announced)."""
    _require(rules.may_manage_cycles(actor))
    if not values.get("slug") and values.get("year"):
        values["slug"] = derive_slug(values["year"], values.get("district", ""))
    check_cycle(values)
    return _apply(BudgetCycle(created_by=actor, stage=CycleStage.DRAFT), values, fields)


@transaction.atomic
def update_cycle(*, cycle: BudgetCycle, actor, fields, **values) -> BudgetCycle:
    """Staff edit a cycle's calendar, limits and method; its identity only while it is being prepared."""
    _require(rules.may_manage_cycles(actor))
    cycle = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.stage == CycleStage.CLOSED:
        raise BudgetError(_("A closed cycle can no longer be changed."), code="closed")
    if cycle.stage != CycleStage.DRAFT:
        values = {k: v for k, v in values.items() if k not in IDENTITY}
    elif not values.get("slug") and values.get("year"):
        values["slug"] = derive_slug(values["year"], values.get("district", ""))
    check_cycle({**{name: getattr(cycle, name) for name in IDENTITY}, **values}, cycle=cycle)
    return _apply(cycle, values, fields)


@transaction.atomic
def move_cycle(*, cycle: BudgetCycle, to: str, actor) -> BudgetCycle:
    """Staff move the cycle one stage by hand (announce, open or close a window early)."""
    cycle = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)
    refusal = rules.move_refusal(actor, cycle, to)
    if refusal:
        raise BudgetError(refusal, code="refused")
    return CYCLE_LIFECYCLE.move(cycle, to, actor=actor)


# The deadline sweep: (stage, the date that ends it, the stage it moves to), in calendar order, so that one
# run moves a cycle through every window that ended while nothing ran.
_DUE = [
    (CycleStage.ANNOUNCED, "call_opens_at", CycleStage.CALL),
    (CycleStage.CALL, "call_closes_at", CycleStage.REVIEW),
    (CycleStage.REVIEW, "review_closes_at", CycleStage.DELIBERATION),
]


def advance_due_cycles(*, now: datetime | None = None) -> int:
    """Move every cycle whose window has ended (the deadlines live in the database; beat and the embedded
    sweeper run this). Idempotent and safe late: a cycle already moved, or locked by someone moving it right
    now, is left alone. Draft projects left in a closed call stay drafts. Returns how many moves it made."""
    now = now or timezone.now()
    moved = 0
    for stage, deadline, to in _DUE:
        due = BudgetCycle.objects.filter(stage=stage, **{f"{deadline}__lte": now}).values_list("pk", flat=True)
        for pk in list(due):
            with transaction.atomic():
                cycle = (BudgetCycle.objects.select_for_update(skip_locked=True)
                         .filter(pk=pk, stage=stage, **{f"{deadline}__lte": now}).first())
                if cycle is not None:
                    CYCLE_LIFECYCLE.move(cycle, to, now=now)
                    moved += 1
    return moved
