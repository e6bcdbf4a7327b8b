"""The cycles' pages: the public list, and staff's new / manage / move. Thin: rules say who, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from budget.cycles import rules, selectors, services
from budget.cycles.forms import CycleForm
from budget.models import BudgetCycle
from budget.rules import is_budget_staff
from budget.states import CycleStage
from frontend.forms import add_service_errors
from frontend.refusals import show_refusal


def _require_staff(user) -> None:
    refusal = rules.may_manage_cycles(user)
    if refusal:
        raise PermissionDenied(refusal)


def cycle_list(request):
    return render(request, "budget/cycles/list.html", {
        "cycles": selectors.visible_cycles(request.user), "is_staff": is_budget_staff(request.user),
    })


@login_required
def cycle_new(request):
    _require_staff(request.user)
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.create_cycle(actor=request.user, fields=form.cleaned_data["fields"], **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cycle is created, being prepared: announce it when it is ready."))
            return redirect("budget:manage", cycle.slug)
    return render(request, "budget/cycles/form.html", {"form": form, "cycle": None},
                  status=400 if form.errors else 200)


@login_required
def cycle_manage(request, slug):
    _require_staff(request.user)
    cycle = get_object_or_404(BudgetCycle, slug=slug)
    form = CycleForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_cycle(cycle=cycle, actor=request.user, fields=form.cleaned_data["fields"],
                                  **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cycle is saved."))
            return redirect("budget:manage", cycle.slug)
    return render(request, "budget/cycles/form.html", {
        "form": form, "cycle": cycle, "moves": rules.next_moves(request.user, cycle),
        "made_elsewhere": rules.moves_made_elsewhere(cycle), "closed": cycle.stage == CycleStage.CLOSED,
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def cycle_move(request, slug):
    _require_staff(request.user)
    cycle = get_object_or_404(BudgetCycle, slug=slug)
    try:
        cycle = services.move_cycle(cycle=cycle, to=request.POST.get("to", ""), actor=request.user)
    except ValidationError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("The cycle is now at “%(stage)s”.") % {"stage": cycle.get_stage_display()})
    return redirect("budget:manage", cycle.slug)
