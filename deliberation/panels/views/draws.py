"""The draw's pages: staff prepare a draw from the standing pool and draw it with the public values;
everyone reads its record (the hashes, the quotas, the algorithm, the chances in aggregate, the values)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from frontend.forms import add_service_errors
from frontend.refusals import show_refusal
from imports.services import start_import

from deliberation.panels.views import invitations as invitation_views
from deliberation.panels import exports, rules, selectors, services
from deliberation.panels.models import Draw, PoolMember
from deliberation.panels.forms import DrawForm, ImportForm

def _require_staff(user) -> None:
    if not rules.may_run_draws(user):
        raise PermissionDenied(_("Only staff can draw panels."))


def draw_list(request):
    """Staff prepare and import here; everyone else reads the list of published draws (their records)."""
    if not rules.may_run_draws(request.user):
        if request.method == "POST":
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            _require_staff(request.user)
        return render(request, "deliberation/draw_list.html", {"staff": False, "draws": selectors.public_draws()})
    pool = services.standing_pool()
    size = PoolMember.objects.filter(pool=pool, active=True).count()
    algorithm, why = rules.default_algorithm(size)
    form = DrawForm(request.POST or None, initial={"algorithm": algorithm, "pool": pool.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draw = services.prepare_draw(pool=data["pool"] or pool, title=data["title"], size=data["size"],
                                         quotas_text=data["quotas"], algorithm=data["algorithm"],
                                         households=data["households"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The draw is prepared and its inputs are published."))
            return redirect("panels:draw", draw.pk)
    return render(request, "deliberation/draw_list.html", {
        "staff": True, "form": form, "draws": Draw.objects.select_related("pool")[:100], "pool_size": size,
        "why": why, "import_form": ImportForm(),
    })


@login_required
@require_POST
def pool_import(request):
    """A separate pool from a PEOPLE.csv, imported by a background job; a file over the size limit comes
    back at once, one that cannot be read is reported with its lines on the job's page."""
    _require_staff(request.user)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:  # read by a background job (deliberation/panels/services/pool_import.py); its page shows the progress
            job = start_import(kind="pool", upload=form.cleaned_data["file"], actor=request.user, params={
                "name": form.cleaned_data["name"], "language": get_language(), "back_url": reverse("panels:draws")})
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect("imports:job", job.pk)
    pool = services.standing_pool()
    size = PoolMember.objects.filter(pool=pool, active=True).count()
    return render(request, "deliberation/draw_list.html", {
        "staff": True, "form": DrawForm(initial={"algorithm": rules.default_algorithm(size)[0], "pool": pool.pk}),
        "draws": Draw.objects.select_related("pool")[:100], "pool_size": size, "why": rules.default_algorithm(size)[1],
        "import_form": form,
    }, status=400)


def draw_detail(request, pk: int, *, send_form=None, status: int = 200):
    """The draw's record; ``send_form``: the invitations' form as refused, shown again with what was typed."""
    draw = get_object_or_404(Draw.objects.select_related("pool", "supersedes"), pk=pk)
    staff = rules.may_run_draws(request.user)
    return render(request, "deliberation/draw_detail.html", {
        "draw": draw, "staff": staff, "may_draw": rules.may_perform_draw(request.user, draw),
        "error_detail": request.session.pop(f"draw_error_detail_{pk}", "") if staff else "",
        "chances": selectors.draw_chances(draw), "method": selectors.draw_method(draw),
        "command": selectors.draw_command(draw),
        "panels": len(draw.distribution["panels"]) if draw.distribution else 0,
        "refresh": draw.state == Draw.State.PREPARING,
        "progress": selectors.draw_progress(draw),
        **invitation_views.record_context(draw, staff, send_form=send_form),
    }, status=status)


@login_required
@require_POST
def draw_perform(request, pk: int):
    _require_staff(request.user)
    draw = get_object_or_404(Draw, pk=pk)
    try:
        services.perform_draw(draw=draw, public_values=request.POST.get("public_values", ""), actor=request.user)
    except ValidationError as exc:
        show_refusal(request, exc)
        if getattr(exc, "detail", ""):
            request.session[f"draw_error_detail_{pk}"] = exc.detail  # popped by the draw's page, once
    else:
        messages.success(request, _("The panel is drawn."))
    return redirect("panels:draw", pk)


def draw_file(request, pk: int, name: str):
    """The draw's inputs as files for `manage.py draw`: the quotas are public; the pool's rows are
    people's data, for staff only (the public record has their hash)."""
    if name == "people":
        _require_staff(request.user)
    return exports.draw_file(get_object_or_404(Draw, pk=pk), name)
