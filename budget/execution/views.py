"""The cycle's public page (the story, from the call to the money spent), execution reports and the exports.
Thin: the reads are selectors', the writes services'."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from budget.models import BudgetProject
from budget.rules import is_budget_staff
from budget.states import ProjectState
from frontend.spreadsheet import csv_response

from . import charts, exports, rules, selectors, services, tables
from .forms import ReportForm


def _cycle_or_404(request, slug: str):
    cycle = selectors.cycle_for_page(slug, request.user)
    if cycle is None:
        raise Http404
    return cycle


def project_url(project) -> str:
    """The project's public page (budget:project, the projects package's), else its row on the cycle's page."""
    try:
        return reverse("budget:project", args=[project.pk])
    except NoReverseMatch:
        return reverse("budget:cycle", args=[project.cycle.slug]) + f"#project-{project.pk}"


def project_links(rows: list[dict]) -> None:
    """Each row's link to its project's page (budget:project), reversed once for all rows; none before the
    projects package is there."""
    try:
        prefix, suffix = reverse("budget:project", args=[987654321]).split("987654321")
    except NoReverseMatch:
        prefix = suffix = None
    for r in rows:
        r["url"] = f"{prefix}{r['pk']}{suffix}" if prefix is not None else ""


def report_links(rows: list[dict], user) -> None:
    """A link to budget:report_new on the rows this person may report on (rules.may_report, asked of the row's
    own values: staff on every funded project, an officer on their department's)."""
    prefix, suffix = reverse("budget:report_new", args=[987654321]).split("987654321")
    staff = is_budget_staff(user)
    department = user.department_id if user.is_authenticated and user.is_officer else None
    for r in rows:
        may = r["state"] == ProjectState.FUNDED and (staff or (department and r["department_id"] == department))
        r["report_url"] = f"{prefix}{r['pk']}{suffix}" if may else ""


def cycle(request, slug: str):
    cycle = _cycle_or_404(request, slug)
    today = timezone.localdate()
    rows = selectors.funded_projects(cycle, today)
    project_links(rows)
    report_links(rows, request.user)
    by_field = selectors.money_by(rows, "field__slug", "field")
    by_district = selectors.money_by(rows, "district", "district_label")
    decided_label, spent_label = _("decided"), _("spent")
    tile_url = getattr(settings, "BUDGET_MAP_TILE_URL", "")
    return render(request, "budget/execution/cycle.html", {
        "cycle": cycle, "counts": selectors.counts(cycle), "windows": selectors.calendar(cycle),
        "rows": rows, "funded_table": tables.funded_rows(rows), "by_field": by_field, "by_district": by_district,
        "field_chart": charts.decided_and_spent(by_field, decided_label=decided_label, spent_label=spent_label),
        "district_chart": charts.decided_and_spent(by_district, decided_label=decided_label, spent_label=spent_label),
        "markers": selectors.markers(rows), "tile_url": tile_url,
        "tile_attribution": getattr(settings, "BUDGET_MAP_ATTRIBUTION", ""),
        "overdue": sum(r["overdue"] for r in rows), "today": today,
        "has_vote": cycle.vote_id is not None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def report_new(request, pk: int):
    project = get_object_or_404(BudgetProject.objects.select_related("cycle", "cycle__vote", "field"), pk=pk)
    refusal = rules.refuse_report(request.user, project)
    if refusal:
        raise PermissionDenied(refusal)
    form = ReportForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_report(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return redirect(project_url(project))
    return render(request, "budget/execution/report_new.html", {
        "project": project, "form": form, "reports": project.reports.order_by("-reported_on", "-pk")[:12],
        "limit": services.overspend_limit(project), "project_url": project_url(project),
    }, status=400 if form.errors else 200)


def execution_csv(request, slug: str):
    cycle = _cycle_or_404(request, slug)
    header, rows = exports.execution_table(cycle)
    return csv_response(f"budget-{cycle.slug}-execution.csv", header, rows)


def pb_file(request, slug: str):
    cycle = _cycle_or_404(request, slug)
    response = HttpResponse(exports.cycle_to_pb(cycle), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="budget-{cycle.slug}.pb"'
    return response
