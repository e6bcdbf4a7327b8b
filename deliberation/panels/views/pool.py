"""The citizen pool's pages: volunteering from one's profile, and the pool's CSV for the city's staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.demographics import age_band
from accounts.districts import DISTRICT_GROUP_LABELS, district_group
from frontend.forms import add_service_errors
from frontend.refusals import show_refusal

from deliberation.panels import exports, rules, services
from deliberation.panels.models import PoolMember
from deliberation.panels.forms import VolunteerForm


@login_required
def pool(request):
    member = PoolMember.objects.filter(pool__standing=True, user=request.user).first()
    initial = member.attributes if member else None
    form = VolunteerForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "leave":
            if services.leave_pool(user=request.user):
                messages.success(request, _("You have left the citizen pool."))
            return redirect("panels:pool")
        if form.is_valid():
            try:
                services.volunteer(user=request.user, answers=form.cleaned_data)
            except PermissionDenied as exc:
                show_refusal(request, exc)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("You are in the citizen pool. If you are drawn for a panel, you will "
                                            "be invited and can still say no."))
                return redirect("panels:pool")
    return render(request, "deliberation/pool.html", {
        "form": form, "member": member if member and member.active else None,
        "refusal": rules.refuse_volunteer(request.user), "profile": _profile_lines(request.user),
        "size": PoolMember.objects.filter(pool__standing=True, active=True).count(),
    })


def _profile_lines(user) -> list[tuple[str, str]]:
    group = district_group(user.district)
    return [(gettext_lazy("Living zone"), str(DISTRICT_GROUP_LABELS.get(group, "–"))),
            (gettext_lazy("Age band"), age_band(user.birth_year) or "–"),
            (gettext_lazy("Gender"), user.get_gender_display() or "–")]


@login_required
def pool_csv(request):
    """The standing pool in the Sortition Foundation's layout: the id first, one column per attribute."""
    if not rules.may_run_draws(request.user):
        raise PermissionDenied(_("Only staff can download the citizen pool."))
    return exports.pool_csv(services.standing_pool())
