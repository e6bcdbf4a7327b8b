"""Preparing a draw with its quotas typed attribute by attribute (the form staff use; the CSV stays for experts).

The form builds the same Quota rows a QUOTAS.csv gives and hands their CSV to ``services.prepare_draw``,
so the draw, its published inputs and their hashes are exactly those of the CSV route.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from frontend.forms import add_service_errors

from deliberation.panels import rules, selectors, services
from deliberation.panels.forms import QuotaGridForm
from deliberation.panels.models import Pool
from deliberation.panels.sortition import write_quotas


def _pool(request) -> Pool:
    pk = request.POST.get("pool") or request.GET.get("pool")
    if pk and str(pk).isdigit():
        return get_object_or_404(Pool, pk=int(pk))
    return services.standing_pool()


def _prefilled(post, attributes, form_class=QuotaGridForm) -> QuotaGridForm:
    """An unbound form showing what was typed, every min and max set from the pool's proportions for the size
    typed (no errors shown: nothing is being prepared yet)."""
    initial = {name: post.get(name, "") for name in ("title", "size", "algorithm", "households")}
    initial.update({f"use_{i}": f"use_{i}" in post for i in range(len(attributes))})
    typed = post.get("size", "")
    size = int(typed) if typed.isdigit() else 0
    for i, attribute in enumerate(attributes):
        for j, (_value, _label, count) in enumerate(attribute.values):
            if size:
                low, high = selectors.proportional_bounds(count, attribute.total - attribute.blank, size)
            else:
                low, high = post.get(f"min_{i}_{j}", ""), post.get(f"max_{i}_{j}", "")
            initial[f"min_{i}_{j}"], initial[f"max_{i}_{j}"] = low, high
    return form_class(initial=initial, attributes=attributes)


@login_required
def draw_new(request):
    if not rules.may_run_draws(request.user):
        raise PermissionDenied(_("Only staff can draw panels."))
    pool = _pool(request)
    attributes = selectors.pool_attribute_counts(pool)
    pool_size = attributes[0].total if attributes else pool.members.filter(active=True).count()
    algorithm, why = rules.default_algorithm(pool_size)
    status = 200
    if request.method != "POST":
        form = QuotaGridForm(attributes=attributes, initial={
            "algorithm": algorithm, **{f"use_{i}": not a.blank and len(a.values) > 1 for i, a in enumerate(attributes)}})
    elif "prefill" in request.POST:
        form = _prefilled(request.POST, attributes)
    else:
        form = QuotaGridForm(request.POST, attributes=attributes)
        if form.is_valid():
            data = form.cleaned_data
            try:
                draw = services.prepare_draw(pool=pool, title=data["title"], size=data["size"],
                                             quotas_text=write_quotas(form.quotas()), algorithm=data["algorithm"],
                                             households=data["households"],
                                             actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The draw is prepared and its inputs are published."))
                return redirect("panels:draw", draw.pk)
        status = 400
    return render(request, "deliberation/draw_new.html", {
        "form": form, "grid": form.grid(), "pool": pool, "pools": Pool.objects.order_by("-standing", "-pk"),
        "pool_size": pool_size, "why": why,
    }, status=status)
