"""The department's review of a budget project: publish it (SUBMITTED -> ELIGIBLE / INELIGIBLE) and revise it
once after the proposer's clarification. Each one transaction, the state moved through PROJECT_LIFECYCLE."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from budget.lifecycles import PROJECT_LIFECYCLE, BudgetError
from budget.models import BudgetCycle, BudgetProject, ProjectReview
from budget.review import rules
from budget.states import ProjectState, ReviewCriterion


def clean_cost_lines(lines) -> list[dict]:
    """The breakdown as stored: [{"item": str, "amount": int}], blank rows dropped; a half-filled row or an
    amount below 1 is refused."""
    cleaned = []
    for line in lines:
        item, amount = (line.get("item") or "").strip(), line.get("amount")
        if not item and amount in (None, ""):
            continue
        if not item or amount in (None, ""):
            raise BudgetError({"cost_lines": _("Each line of the breakdown needs both an item and an amount.")})
        if int(amount) < 1:
            raise BudgetError({"cost_lines": _("Each amount of the breakdown must be at least 1 won.")})
        cleaned.append({"item": item, "amount": int(amount)})
    return cleaned


def check_review(cycle: BudgetCycle, *, eligible: bool, criteria: dict, reasons: str, reviewed_cost: int | None,
                 cost_lines: list[dict]) -> None:
    """Raise a ValidationError by field when the finding contradicts itself or the cycle's limits."""
    errors = {}
    if set(criteria) != set(ReviewCriterion.values) or not all(isinstance(v, bool) for v in criteria.values()):
        errors["criteria"] = _("Answer every criterion with yes or no.")
    if not (reasons or "").strip():
        errors["reasons"] = _("Give the reasons of the review: the proposer and the public read them.")
    if reviewed_cost is not None and reviewed_cost < 1:
        errors["reviewed_cost"] = _("The reviewed cost must be at least 1 won.")
    elif eligible and reviewed_cost is None:
        errors["reviewed_cost"] = _("An eligible project needs its reviewed cost.")
    elif eligible and not cycle.cost_min <= reviewed_cost <= cycle.cost_max:
        errors["eligible"] = _(
            "A reviewed cost of %(cost)s won is outside this cycle's limits (%(min)s to %(max)s won): by the "
            "criterion “%(criterion)s” the project is not eligible.") % {
            "cost": f"{reviewed_cost:,}", "min": f"{cycle.cost_min:,}", "max": f"{cycle.cost_max:,}",
            "criterion": ReviewCriterion.WITHIN_LIMITS.label}
    if "criteria" not in errors and "eligible" not in errors:
        if eligible and not all(criteria.values()):
            errors["eligible"] = _("An eligible project meets every criterion: mark them all yes, or find it "
                                   "not eligible.")
        elif not eligible and all(criteria.values()):
            errors["criteria"] = _("A project found not eligible fails at least one criterion: mark which.")
    if reviewed_cost is not None and "reviewed_cost" not in errors:
        if not cost_lines:
            errors["cost_lines"] = _("Break the reviewed cost down into at least one line.")
        elif sum(line["amount"] for line in cost_lines) != reviewed_cost:
            errors["cost_lines"] = _("The lines of the breakdown add up to %(sum)s won, not the reviewed cost of "
                                     "%(cost)s won.") % {"sum": f"{sum(x['amount'] for x in cost_lines):,}",
                                                         "cost": f"{reviewed_cost:,}"}
    elif cost_lines and reviewed_cost is None:
        errors["reviewed_cost"] = _("Give the reviewed cost the breakdown adds up to.")
    if errors:
        raise BudgetError(errors)


def _lock(project: BudgetProject) -> BudgetProject:
    return BudgetProject.objects.select_for_update().select_related("cycle").get(pk=project.pk)


def _note(reasons: str) -> str:
    return Truncator(" ".join(reasons.split())).chars(200)


@transaction.atomic
def publish_review(*, project: BudgetProject, actor, eligible: bool, criteria: dict, reasons: str,
                   reviewed_cost: int | None, cost_lines: list[dict]) -> ProjectReview:
    """The department publishes its finding; the proposer has ``cycle.answer_days`` to answer it."""
    project = _lock(project)
    refusal = rules.review_refusal(actor, project)
    if refusal:
        raise BudgetError(refusal, code="refused")
    cost_lines = clean_cost_lines(cost_lines)
    check_review(project.cycle, eligible=eligible, criteria=criteria, reasons=reasons, reviewed_cost=reviewed_cost,
                 cost_lines=cost_lines)
    now = timezone.now()
    review = ProjectReview(project=project, officer=actor, eligible=eligible, criteria=criteria,
                           reasons=reasons.strip(), reviewed_cost=reviewed_cost, cost_lines=cost_lines,
                           published_at=now)
    review.full_clean()
    project.reviewed_cost = reviewed_cost
    project.reviewed_at = now
    project.answer_due_at = now + timedelta(days=project.cycle.answer_days)
    to = ProjectState.ELIGIBLE if eligible else ProjectState.INELIGIBLE
    PROJECT_LIFECYCLE.move(project, to, actor=actor, now=now, note=_note(reasons),
                           fields=["reviewed_cost", "reviewed_at", "answer_due_at"])
    review.save()
    return review


@transaction.atomic
def revise_review(*, project: BudgetProject, actor, eligible: bool, criteria: dict, reasons: str,
                  reviewed_cost: int | None, cost_lines: list[dict]) -> ProjectReview:
    """The department revises its review once, after the proposer's clarification; the state moves when the
    finding changes."""
    project = _lock(project)
    refusal = rules.revise_refusal(actor, project)
    if refusal:
        raise BudgetError(refusal, code="refused")
    cost_lines = clean_cost_lines(cost_lines)
    check_review(project.cycle, eligible=eligible, criteria=criteria, reasons=reasons, reviewed_cost=reviewed_cost,
                 cost_lines=cost_lines)
    now = timezone.now()
    review = ProjectReview.objects.select_for_update().get(project=project)
    review.officer, review.eligible, review.criteria = actor, eligible, criteria
    review.reasons, review.reviewed_cost, review.cost_lines = reasons.strip(), reviewed_cost, cost_lines
    review.revised_at = now
    review.full_clean()
    review.save()
    project.reviewed_cost = reviewed_cost
    to = ProjectState.ELIGIBLE if eligible else ProjectState.INELIGIBLE
    if to != project.state:
        PROJECT_LIFECYCLE.move(project, to, actor=actor, now=now, note=_note(reasons), fields=["reviewed_cost"])
    else:
        project.save(update_fields=["reviewed_cost"])
    return review
