"""Writes of budget projects: a citizen's draft, its submission, withdrawal, the answer to the review and
joining another's project. Each is one transaction; every state move goes through ``PROJECT_LIFECYCLE``."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from budget.lifecycles import PROJECT_LIFECYCLE
from budget.models import BudgetCycle, BudgetField, BudgetProject, CoProposer, ProjectEvent, ReviewAnswer
from budget.states import AnswerKind, ProjectState
from frontend.markdown import render_markdown

from . import rules, selectors


def _won(amount: int) -> str:
    return f"{amount:,}"


def _check(cycle: BudgetCycle, values: dict, *, complete: bool) -> None:
    """Refuse values the cycle does not take (raised by field); ``complete``: a submission's required ones too."""
    errors: dict[str, str] = {}
    field, cost = values.get("field"), values.get("estimated_cost")
    if field is None:
        errors["field"] = _("Please choose the project's field.")
    elif not cycle.fields.filter(pk=field.pk).exists():
        errors["field"] = _("This cycle does not take projects in that field.")
    if cycle.district and values.get("district") and values["district"] != cycle.district:
        errors["district"] = _("This cycle is for %(district)s only.") % {"district": cycle.get_district_display()}
    if cost is not None and not cycle.cost_min <= cost <= cycle.cost_max:
        errors["estimated_cost"] = _("The estimated cost must be between %(min)s and %(max)s won.") % {
            "min": _won(cycle.cost_min), "max": _won(cycle.cost_max)}
    lat, lng = values.get("latitude"), values.get("longitude")
    if (lat is None) != (lng is None):
        errors["latitude" if lat is None else "longitude"] = _("Give both the latitude and the longitude, or "
                                                               "neither.")
    if lat is not None and not Decimal(-90) <= lat <= Decimal(90):
        errors["latitude"] = _("A latitude lies between -90 and 90.")
    if lng is not None and not Decimal(-180) <= lng <= Decimal(180):
        errors["longitude"] = _("A longitude lies between -180 and 180.")
    if not (values.get("title") or "").strip():
        errors["title"] = _("Please give the project a title.")
    if complete:
        if not (values.get("description") or "").strip():
            errors["description"] = _("Please describe the project before you submit it.")
        if not cost:
            errors.setdefault("estimated_cost", _("Please give the estimated cost in won before you submit."))
    if errors:
        raise ValidationError(errors)


def _values(project: BudgetProject) -> dict:
    return {"title": project.title, "description": project.description, "field": project.field,
            "district": project.district, "latitude": project.latitude, "longitude": project.longitude,
            "estimated_cost": project.estimated_cost}


@transaction.atomic
def save_draft(*, author, cycle: BudgetCycle, project: BudgetProject | None = None, title: str,
               field: BudgetField | None, description: str = "", district: str = "", location: str = "",
               latitude: Decimal | None = None, longitude: Decimal | None = None, estimated_cost: int | None = None,
               beneficiaries: str = "", now: datetime | None = None) -> BudgetProject:
    """Create or update the author's draft (it may be incomplete; what it has must fit the cycle)."""
    now = now or timezone.now()
    if project is None:
        cycle = BudgetCycle.objects.select_for_update().get(pk=cycle.pk)  # one person's count, one at a time
        refusal = rules.may_propose(author, cycle, now)
        project = BudgetProject(cycle=cycle, author=author, created_at=now)
    else:
        project = BudgetProject.objects.select_for_update().select_related("cycle").get(pk=project.pk)
        cycle = project.cycle
        refusal = rules.may_edit(author, project, now)
    if refusal:
        raise PermissionDenied(refusal)
    district = district or cycle.district  # a district cycle's projects are in its district
    values = {"title": title.strip(), "description": description, "field": field, "district": district,
              "latitude": latitude, "longitude": longitude, "estimated_cost": estimated_cost}
    _check(cycle, values, complete=False)
    for name, value in values.items():
        setattr(project, name, value)
    project.location, project.beneficiaries = location.strip(), beneficiaries.strip()
    project.description_html = render_markdown(description)
    project.updated_at = now
    project.full_clean(exclude=["description"] if not description.strip() else None)
    project.save()
    return project


@transaction.atomic
def submit_project(*, actor, project: BudgetProject, now: datetime | None = None) -> BudgetProject:
    """DRAFT -> SUBMITTED: the cycle's next number (under the cycle's lock) and the field's department."""
    now = now or timezone.now()
    cycle = BudgetCycle.objects.select_for_update().get(pk=project.cycle_id)
    project = BudgetProject.objects.select_for_update().select_related("field").get(pk=project.pk)
    project.cycle = cycle
    refusal = rules.may_submit(actor, project, now)
    if refusal:
        raise PermissionDenied(refusal)
    _check(cycle, _values(project), complete=True)
    project.number = (cycle.projects.aggregate(last=Max("number"))["last"] or 0) + 1
    project.department_id = project.field.department_id
    project.updated_at = now
    PROJECT_LIFECYCLE.move(project, ProjectState.SUBMITTED, actor=actor, now=now,
                           fields=["number", "department", "updated_at"])
    transaction.on_commit(lambda: selectors.forget_titles(cycle.pk))
    return project


@transaction.atomic
def withdraw_project(*, actor, project: BudgetProject, reason: str = "", now: datetime | None = None) -> BudgetProject:
    now = now or timezone.now()
    project = BudgetProject.objects.select_for_update().select_related("cycle").get(pk=project.pk)
    refusal = rules.may_withdraw(actor, project, now)
    if refusal:
        raise PermissionDenied(refusal)
    PROJECT_LIFECYCLE.move(project, ProjectState.WITHDRAWN, actor=actor, now=now, note=reason.strip()[:3000])
    transaction.on_commit(lambda: selectors.forget_titles(project.cycle_id))
    return project


def _record_note(project: BudgetProject, *, actor, note: str, now: datetime) -> ProjectEvent:
    """A line on the project's public record that is no state move (from and to are the same state)."""
    return ProjectEvent.objects.create(project=project, from_state=project.state, to_state=project.state,
                                       actor=actor, note=note[:3000], created_at=now)


@transaction.atomic
def answer_review(*, actor, project: BudgetProject, kind: str, body: str = "",
                  now: datetime | None = None) -> ReviewAnswer:
    """The proposer's one answer: clarify (with a text), accept the reviewed cost, or withdraw."""
    now = now or timezone.now()
    project = BudgetProject.objects.select_for_update().select_related("cycle").get(pk=project.pk)
    refusal = rules.may_answer(actor, project, now)
    if refusal:
        raise PermissionDenied(refusal)
    body = body.strip()
    if kind not in AnswerKind.values:
        raise ValidationError({"kind": _("Please choose an answer.")})
    if kind == AnswerKind.CLARIFY and not body:
        raise ValidationError({"body": _("Please write what you want to clarify.")})
    answer = ReviewAnswer.objects.create(project=project, kind=kind, body=body, created_at=now)
    # The record is public and stays in the site's language, whoever answered in which language.
    with translation.override(settings.LANGUAGE_CODE):
        if kind == AnswerKind.CLARIFY:
            note = _("The proposer clarified the project: %(text)s") % {"text": body}
            _record_note(project, actor=actor, note=note, now=now)
        elif kind == AnswerKind.ACCEPT:
            # The reviewed cost is already the project's cost (BudgetProject.cost); the answer records the consent.
            note = _("The proposer accepted the reviewed cost of %(cost)s won.") % {"cost": _won(project.cost or 0)}
            _record_note(project, actor=actor, note=f"{note} {body}".strip(), now=now)
        else:
            note = body or _("The proposer withdrew the project in answer to the review.")
            PROJECT_LIFECYCLE.move(project, ProjectState.WITHDRAWN, actor=actor, now=now, note=note)
            transaction.on_commit(lambda: selectors.forget_titles(project.cycle_id))
    return answer


@transaction.atomic
def join_project(*, user, project: BudgetProject, now: datetime | None = None) -> CoProposer:
    """Join an existing project as a co-proposer instead of proposing a duplicate (once, not one's own)."""
    project = BudgetProject.objects.select_for_update().select_related("cycle").get(pk=project.pk)
    refusal = rules.may_join(user, project)
    if refusal:
        raise PermissionDenied(refusal)
    return CoProposer.objects.create(project=project, user=user, joined_at=now or timezone.now())
