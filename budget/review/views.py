"""The department review's pages: an officer's queue and the review form of one project. Thin: rules say who
and when, services write, selectors read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from budget.models import BudgetCycle, BudgetProject
from budget.review import rules, selectors, services
from budget.review.forms import ReviewForm
from frontend.forms import add_service_errors


def _require(refusal: str | None) -> None:
    if refusal:
        raise PermissionDenied(refusal)


@login_required
def review_queue(request):
    _require(rules.may_use_queue(request.user))
    cycle = None
    if request.GET.get("cycle"):
        cycle = get_object_or_404(BudgetCycle.objects.only("pk", "slug", "title"), slug=request.GET["cycle"])
    queue = selectors.review_queue(request.user, cycle=cycle, filter=request.GET.get("filter", "awaiting"),
                                   page=request.GET.get("page", 1))
    tabs = [("awaiting", _("Awaiting review")), ("reviewed", _("Reviewed")),
            ("answered", _("Answered, awaiting revision"))]
    return render(request, "budget/review/queue.html", {
        "queue": queue, "page": queue.page, "tabs": [(code, label, queue.counts[code]) for code, label in tabs],
        "cycles": selectors.queue_cycles(request.user),
    })


@login_required
def review(request, pk):
    project = get_object_or_404(BudgetProject.objects.select_related("cycle", "field", "department", "author"), pk=pk)
    _require(rules.who_refusal(request.user, project))
    existing = getattr(project, "review", None)
    answer = getattr(project, "answer", None) if existing else None
    if existing is None:
        refusal, service, done = rules.review_refusal(request.user, project), services.publish_review, \
            _("The review is published; the proposer has been given the time to answer.")
    else:
        refusal, service, done = rules.revise_refusal(request.user, project), services.revise_review, \
            _("The review is revised.")
    form = None
    if refusal is None:
        form = ReviewForm(request.POST or None, review=existing)
        if request.method == "POST" and form.is_valid():
            try:
                service(project=project, actor=request.user, **form.values())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("budget:review", project.pk)
    elif request.method == "POST":
        messages.error(request, refusal)
        return redirect("budget:review", project.pk)
    return render(request, "budget/review/review.html", {
        "project": project, "form": form, "existing": existing, "answer": answer, "refusal": refusal,
        "revising": existing is not None,
    }, status=400 if form is not None and form.errors else 200)
