"""Citizen monitoring's pages: thin, they ask rules, call services and render selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from frontend.forms import add_service_errors
from frontend.refusals import show_refusal
from governance.models import MonitorAssignment, MonitorRating
from governance.states import Rating
from proposals.models import FollowUp

from . import rules, selectors, services
from .forms import AssignForm, FilterForm, RatingForm, ReplyForm


def overview(request):
    form = FilterForm(request.GET or None)
    department = rating = None
    if form.is_valid():
        department = form.cleaned_data["department"]
        rating = form.cleaned_data["rating"] or None
    dept_id = department.pk if department else None
    return render(request, "governance/monitoring/overview.html", {
        "form": form, "counts": selectors.rating_counts(department=dept_id),
        "departments": selectors.department_table(),
        "items": selectors.monitored_items(department=dept_id, rating=rating)[:200],
        "monitor": rules.active_monitor(request.user), "rating_choices": Rating.choices,
    })


def item(request, pk: int):
    follow_up = get_object_or_404(FollowUp.objects.select_related("department", "proposal"), pk=pk)
    if not selectors.is_public(follow_up):
        raise Http404
    return render(request, "governance/monitoring/item.html", _item_context(request, follow_up))


def _item_context(request, follow_up: FollowUp, rating_form: RatingForm | None = None) -> dict:
    refusal = rules.refuse_rate(request.user, follow_up)
    return {
        "follow_up": follow_up, "summary": selectors.summary_of(follow_up),
        "ratings": selectors.ratings_of(follow_up),
        "rating_form": rating_form or (RatingForm(prefix=f"item-{follow_up.pk}") if refusal is None else None),
        "is_assigned": rules.active_assignment(request.user, follow_up) is not None, "rate_refusal": refusal,
    }


@require_http_methods(["GET", "POST"])
def join(request):
    monitor = rules.active_monitor(request.user)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={reverse('monitoring:join')}")
        if request.POST.get("action") == "leave":
            if services.step_down(user=request.user):
                messages.success(request, _("You are no longer a monitor. Your ratings stay public."))
            return redirect("monitoring:join")
        try:
            services.volunteer(user=request.user)
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect("monitoring:join")
        messages.success(request, _("You are a monitor. Staff will assign you items to follow."))
        return redirect("monitoring:mine")
    return render(request, "governance/monitoring/join.html", {
        "monitor": monitor, "refusal": None if monitor else rules.refuse_volunteer(request.user),
        "in_pool": request.user.is_authenticated and rules.is_in_pool(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    bound = None
    if request.method == "POST":
        follow_up = get_object_or_404(FollowUp, pk=request.POST.get("follow_up") or 0)
        bound = RatingForm(request.POST, prefix=f"item-{follow_up.pk}")
        if _rate(request, follow_up, bound):
            return redirect("monitoring:mine")
    assignments = selectors.items_of(request.user)
    for assignment in assignments:
        prefix = f"item-{assignment.follow_up_id}"
        assignment.form = bound if bound is not None and bound.prefix == prefix else RatingForm(prefix=prefix)
    return render(request, "governance/monitoring/mine.html", {
        "assignments": assignments, "monitor": rules.active_monitor(request.user)},
        status=400 if bound is not None else 200)


@require_POST
def rate(request, pk: int):
    """The rating form of an item's public page; an error shows the page again with what was typed."""
    follow_up = get_object_or_404(FollowUp, pk=pk)
    form = RatingForm(request.POST, prefix=f"item-{follow_up.pk}")
    if _rate(request, follow_up, form):
        return redirect("monitoring:item", pk=follow_up.pk)
    return render(request, "governance/monitoring/item.html", _item_context(request, follow_up, form), status=400)


def _rate(request, follow_up: FollowUp, form: RatingForm) -> bool:
    """True when stored; else the form carries the errors (a refusal among them)."""
    if not form.is_valid():
        return False
    try:
        services.rate(user=request.user, follow_up=follow_up, **form.cleaned_data)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))
        return False
    except ValidationError as exc:
        add_service_errors(form, exc)
        return False
    messages.success(request, _("Your rating is published."))
    return True


@login_required
@require_http_methods(["GET", "POST"])
def reply(request, pk: int):
    """The department's reply to a rating: posted from the follow-up panel, shown alone again on error."""
    rating = get_object_or_404(MonitorRating.objects.select_related("follow_up__department"), pk=pk)
    refusal = rules.refuse_reply(request.user, rating)
    if refusal:
        raise PermissionDenied(refusal)
    form = ReplyForm(request.POST or None, prefix=f"rating-{rating.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            services.reply(user=request.user, rating=rating, body=form.cleaned_data["reply"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The reply is published."))
            return redirect(_next(request) or reverse("monitoring:item", args=[rating.follow_up_id]))
    return render(request, "governance/monitoring/reply.html", {
        "rating": rating, "form": form, "next": _next(request)}, status=400 if form.errors else 200)


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                         require_https=request.is_secure())
    return target if ok else ""


@login_required
@require_http_methods(["GET", "POST"])
def manage(request):
    if not rules.may_manage(request.user):
        raise PermissionDenied(_("Only staff can assign monitors."))
    form = AssignForm(request.POST if request.POST.get("action") == "assign" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "assign" and form.is_valid():
                services.assign(actor=request.user, **form.cleaned_data)
                messages.success(request, _("The monitor is assigned."))
                return redirect("monitoring:manage")
            if action == "unassign":
                assignment = get_object_or_404(MonitorAssignment, pk=request.POST.get("assignment") or 0)
                services.unassign(actor=request.user, assignment=assignment)
                messages.success(request, _("The assignment has ended."))
                return redirect("monitoring:manage")
            if action == "auto":
                made = services.auto_assign(actor=request.user)
                messages.success(request, _("%(n)s assignments made.") % {"n": len(made)})
                return redirect("monitoring:manage")
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
    return render(request, "governance/monitoring/manage.html", {
        "form": form, "monitors": selectors.monitors_with_load(), "assignments": selectors.active_assignments(),
    }, status=400 if form.errors else 200)
