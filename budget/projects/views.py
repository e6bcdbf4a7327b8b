"""The pages of budget projects: the call's form, the public page, the cycle's list, one's own projects,
the answer to the review, and the actions (submit, withdraw, join). Views parse and call; the rules and
services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from budget.models import BudgetCycle, BudgetProject
from budget.rules import is_budget_staff
from budget.states import CycleStage, ProjectState, ReviewCriterion
from frontend.forms import add_service_errors
from frontend.refusals import refusal_message, show_refusal

from . import rules, selectors, services
from .forms import AnswerForm, ProjectFilterForm, ProjectForm, WithdrawForm

PAGE_SIZE = 50


def _cycle(request, slug: str) -> BudgetCycle:
    cycle = get_object_or_404(BudgetCycle, slug=slug)
    if cycle.stage == CycleStage.DRAFT and not is_budget_staff(request.user):
        raise Http404
    return cycle


def _project(request, pk: int) -> BudgetProject:
    """The project if this viewer may see it; a 404 otherwise (a draft does not leak)."""
    project = get_object_or_404(BudgetProject.objects.select_related("cycle", "field", "department", "author"),
                                pk=pk)
    if not rules.may_view(request.user, project):
        raise Http404
    return project


def _project_post(view):
    """POST-only project action; an anonymous visitor is sent to sign in and back to the project."""
    @require_POST
    def wrapper(request, pk: int):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("budget:project", args=[pk]))
        return view(request, pk)
    wrapper.__name__ = view.__name__
    return wrapper


def _initial(project: BudgetProject) -> dict:
    return {"title": project.title, "description": project.description, "field": project.field_id,
            "district": project.district, "location": project.location, "latitude": project.latitude,
            "longitude": project.longitude, "estimated_cost": project.estimated_cost,
            "beneficiaries": project.beneficiaries}


def _save(request, form: ProjectForm, cycle: BudgetCycle, project: BudgetProject | None):
    """Save the draft (and submit it when asked) in one transaction: a refused submission stores nothing."""
    data = form.cleaned_data
    submit = request.POST.get("action") == "submit"
    with transaction.atomic():
        project = services.save_draft(
            author=request.user, cycle=cycle, project=project, title=data["title"], field=data["field"],
            description=data["description"], district=data["district"], location=data["location"],
            latitude=data["latitude"], longitude=data["longitude"], estimated_cost=data["estimated_cost"],
            beneficiaries=data["beneficiaries"])
        if submit:
            project = services.submit_project(actor=request.user, project=project)
    if submit:
        messages.success(request, _("Your project is submitted as number %(number)s. The department will "
                                    "review it.") % {"number": project.number})
    else:
        messages.success(request, _("Your draft is saved. Only you can see it until you submit it."))
    return redirect("budget:project", pk=project.pk)


def _form_page(request, cycle: BudgetCycle, project: BudgetProject | None = None):
    if request.method == "POST":
        form = ProjectForm(request.POST, cycle=cycle)
        if form.is_valid():
            try:
                return _save(request, form, cycle, project)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:  # e.g. the call closed while the form was being filled in
                form.add_error(None, refusal_message(exc))
    else:
        form = ProjectForm(initial=_initial(project) if project else None, cycle=cycle)
    return render(request, "budget/projects/project_form.html", {
        "form": form, "cycle": cycle, "project": project, "per_person": rules.PROJECTS_PER_PERSON})


@login_required
def project_new(request, slug: str):
    cycle = _cycle(request, slug)
    refusal = rules.may_propose(request.user, cycle)
    if refusal and request.method != "POST":
        raise PermissionDenied(refusal)
    return _form_page(request, cycle)


@login_required
def project_edit(request, pk: int):
    project = _project(request, pk)
    refusal = rules.may_edit(request.user, project)
    if refusal and (request.method != "POST" or project.author_id != request.user.pk
                    or project.state != ProjectState.DRAFT):
        raise PermissionDenied(refusal)
    return _form_page(request, project.cycle, project)


@_project_post
def project_submit(request, pk: int):
    project = _project(request, pk)
    try:
        project = services.submit_project(actor=request.user, project=project)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
        if isinstance(exc, ValidationError) and project.author_id == request.user.pk:
            return redirect("budget:project_edit", pk=pk)
    else:
        messages.success(request, _("Your project is submitted as number %(number)s. The department will "
                                    "review it.") % {"number": project.number})
    return redirect("budget:project", pk=pk)


@_project_post
def project_withdraw(request, pk: int):
    project = _project(request, pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.withdraw_project(actor=request.user, project=project, reason=reason)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Your project is withdrawn."))
    return redirect("budget:project", pk=pk)


@_project_post
def project_join(request, pk: int):
    project = _project(request, pk)
    try:
        services.join_project(user=request.user, project=project)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("You joined this project as a co-proposer."))
    return redirect("budget:project", pk=pk)


@login_required
def project_answer(request, pk: int):
    project = _project(request, pk)
    refusal = rules.may_answer(request.user, project)
    if refusal:
        raise PermissionDenied(refusal)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_review(actor=request.user, project=project, kind=form.cleaned_data["kind"],
                                   body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, refusal_message(exc))
        else:
            messages.success(request, _("Your answer is published on the project's page."))
            return redirect("budget:project", pk=pk)
    return render(request, "budget/projects/answer_form.html", {"form": form, "project": project,
                                                                "review": project.review})


def _review_rows(review) -> list[dict]:
    criteria = review.criteria or {}
    return [{"label": criterion.label, "met": criteria.get(criterion.value)} for criterion in ReviewCriterion
            if criterion.value in criteria]


def _record(project: BudgetProject) -> list:
    """The public record, each line labelled: the state entered, or a note that moved nothing."""
    events = selectors.project_record(project)
    for event in events:
        moved = event.from_state != event.to_state and event.to_state in ProjectState.values
        event.label = ProjectState(event.to_state).label if moved else _("Note on the record")
    return events


def project_detail(request, pk: int):
    project = _project(request, pk)
    user = request.user
    review = project.review if hasattr(project, "review") else None
    answer = project.answer if hasattr(project, "answer") else None
    funded = project.state in (ProjectState.FUNDED, ProjectState.COMPLETED)
    return render(request, "budget/projects/project_detail.html", {
        "project": project, "cycle": project.cycle, "review": review, "answer": answer,
        "review_rows": _review_rows(review) if review else [],
        "record": _record(project), "co_proposers": selectors.co_proposer_count(project),
        "funded": funded, "reports": list(project.reports.all()) if funded else [],
        "is_draft": project.state == ProjectState.DRAFT,
        "may_edit": rules.may_edit(user, project) is None, "may_withdraw": rules.may_withdraw(user, project) is None,
        "may_answer": rules.may_answer(user, project) is None, "join_refusal": rules.may_join(user, project),
        "is_author": user.is_authenticated and project.author_id == user.pk,
        "withdraw_form": WithdrawForm(),
    })


def project_list(request, slug: str):
    cycle = _cycle(request, slug)
    filters = ProjectFilterForm(request.GET or None, cycle=cycle)
    projects = selectors.cycle_projects(cycle, **filters.values())
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "budget/projects/project_list.html", {
        "cycle": cycle, "filters": filters, "page": page, "call_open": rules.is_call_open(cycle)})


@login_required
def my_projects(request):
    projects = list(selectors.projects_of(request.user))
    return render(request, "budget/projects/my_projects.html", {
        "drafts": [p for p in projects if p.state == ProjectState.DRAFT],
        "projects": [p for p in projects if p.state != ProjectState.DRAFT],
    })


@require_GET
def similar(request, slug: str):
    """JSON: up to five submitted projects of the cycle whose titles look like ``?title=`` (for the form)."""
    cycle = _cycle(request, slug)
    title = request.GET.get("title", "")[:160]
    exclude = request.GET.get("exclude", "")
    found = selectors.similar_projects(cycle, title, exclude=int(exclude) if exclude.isdigit() else None)
    return JsonResponse({"results": [
        {**row, "url": reverse("budget:project", args=[row["pk"]])} for row in found]})
