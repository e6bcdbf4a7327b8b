"""Account pages beyond allauth's: the optional profile and the moderators' resident verification."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import services
from .forms import ProfileForm, PublicProfileForm, ResidentSearchForm
from .models import User
from .profile_sections import profile_sections
from .selectors import may_see_profile, profile_person, residents_for_verification


def _initial(user: User) -> dict:
    return {name: getattr(user, name) for name in services.PROFILE_FIELDS}


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                services.update_profile(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                for field, messages_ in errors.items():
                    for message in messages_:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial=_initial(request.user))
    return render(request, "accounts/profile.html", {"form": form, "public_form": _public_form(request.user)})


def _require_moderator(user) -> None:
    if not user.is_moderator:
        raise PermissionDenied(_("Only moderators can verify residents."))


@login_required
def verify_residents(request):
    """Moderators confirm that a citizen lives in Seoul; only verified residents may support proposals."""
    _require_moderator(request.user)
    if request.method == "POST":
        user_id = request.POST.get("user", "")
        if not user_id.isdigit():
            raise Http404
        citizen = get_object_or_404(User, pk=user_id)
        verified = request.POST.get("verified") == "1"
        services.set_resident_verification(moderator=request.user, citizen=citizen, verified=verified)
        if verified:
            messages.success(request, _("%(email)s is now a verified resident.") % {"email": citizen.email})
        else:
            messages.success(request, _("The verification of %(email)s is revoked.") % {"email": citizen.email})
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "accounts:verify_residents"
        return redirect(target)
    form = ResidentSearchForm(request.GET or None)
    form.is_valid()
    query = form.cleaned_data.get("q", "") if form.is_bound else ""
    show_verified = form.is_bound and form.cleaned_data.get("show") == "verified"
    users = residents_for_verification(query=query, verified=show_verified)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/residents.html", {
        "form": form, "page": page, "show_verified": show_verified,
    })


# --- The public profile page (/people/<id or handle>/) and what the person publishes on it -------------


def _public_form(user: User, data=None) -> PublicProfileForm:
    return PublicProfileForm(data, initial={name: getattr(user, name) for name in services.PUBLIC_PROFILE_FIELDS})


@login_required
@require_POST
def public_profile_settings(request):
    form = _public_form(request.user, request.POST)
    if form.is_valid():
        try:
            services.update_public_profile(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, messages_ in exc.message_dict.items():
                for message in messages_:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("Your public profile settings are saved."))
            return redirect(reverse("accounts:profile") + "#public-profile")
    profile_form = ProfileForm(initial=_initial(request.user))
    return render(request, "accounts/profile.html", {"form": profile_form, "public_form": form}, status=400)


def public_profile(request, ref: str):
    """A person's page: their display name and what they chose to publish; a 404 while unpublished."""
    person = profile_person(ref=ref)
    if person is None or not may_see_profile(person=person, viewer=request.user):
        raise Http404(_("No such profile."))
    return render(request, "accounts/public_profile.html", {
        "person": person, "is_own": request.user.is_authenticated and request.user.pk == person.pk,
        "sections": profile_sections(person=person, viewer=request.user),
    })
