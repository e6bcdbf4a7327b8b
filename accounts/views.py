"""Account pages beyond allauth's: the profile (consents, verification request, data rights) and the
moderators' resident verification."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import (DeleteAccountForm, ProfileForm, PublicProfileForm, ResidentSearchForm, VerificationAnswerForm,
                    VerificationRequestForm)
from .legal import WITHDRAWABLE_KINDS, ConsentKind
from .models import User, VerificationRequest
from .profile_sections import profile_sections
from .selectors import may_see_profile, profile_person


def _initial(user: User) -> dict:
    return {name: getattr(user, name) for name in services.PROFILE_FIELDS}


def _add_errors(form, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages_ in errors.items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


@login_required
def profile(request):
    user = request.user
    has_optional = ConsentKind.OPTIONAL_PROFILE in selectors.active_consent_kinds(user)
    if request.method == "POST":
        form = ProfileForm(request.POST, has_optional_consent=has_optional)
        if form.is_valid():
            data = dict(form.cleaned_data)
            agreed = data.pop("optional_consent", False)
            try:
                if agreed:
                    services.give_optional_consent(user=user)
                services.update_profile(user=user, **data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(initial=_initial(user), has_optional_consent=has_optional)
    return render(request, "accounts/profile.html", _profile_context(user, form=form))


def _profile_context(user: User, **forms) -> dict:
    """The profile page's context; ``forms`` replaces the blank form of the section that was posted (with its errors)."""
    if "form" not in forms:
        has_optional = ConsentKind.OPTIONAL_PROFILE in selectors.active_consent_kinds(user)
        forms["form"] = ProfileForm(initial=_initial(user), has_optional_consent=has_optional)
    forms.setdefault("verification_form", VerificationRequestForm(initial={"district": user.district}))
    forms.setdefault("public_form", _public_form(user))
    return {
        "consents": selectors.consents_of(user), "withdrawable": WITHDRAWABLE_KINDS,
        "verification_request": selectors.latest_verification_request(user),
        "verification_refusal": services.refuse_request_verification(user),
        **forms,
    }


@login_required
@require_POST
def request_verification(request):
    """A citizen asks to be verified as a resident; the answer appears on the profile."""
    form = VerificationRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_verification(user=request.user, **form.cleaned_data)
        except PermissionDenied as exc:  # already verified, or a request is waiting: say so on the profile
            messages.error(request, str(exc))
            return redirect("accounts:profile")
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Your request is sent. A moderator will answer it; you will see the "
                                        "answer here."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", _profile_context(request.user, verification_form=form), status=400)


@login_required
@require_POST
def withdraw_consent(request, kind: str):
    if kind not in ConsentKind.values:
        raise Http404
    services.withdraw_consent(user=request.user, kind=kind)
    messages.success(request, _("Your consent is withdrawn and your district, birth year and gender are erased."))
    return redirect("accounts:profile")


@login_required
def download_data(request):
    """Everything the platform holds about the person, as one JSON file."""
    data = selectors.personal_data_of(request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


@login_required
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_account(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            logout(request)
            messages.success(request, _("Your account is deleted. Thank you for taking part."))
            return redirect("home")
    return render(request, "accounts/delete_account.html", {"form": form})


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
    return _residents_page(request)


def _residents_page(request, answer_form=None, status=200):
    form = ResidentSearchForm(request.GET or None)
    form.is_valid()
    query = form.cleaned_data.get("q", "") if form.is_bound else ""
    show_verified = form.is_bound and form.cleaned_data.get("show") == "verified"
    users = selectors.residents_for_verification(query=query, verified=show_verified)
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/residents.html", {
        "form": form, "page": page, "show_verified": show_verified,
        "pending_requests": selectors.pending_verification_requests(), "answer_form": answer_form,
    }, status=status)


@login_required
@require_POST
def answer_verification(request):
    """A moderator approves or refuses one pending request (a refusal with its reason)."""
    _require_moderator(request.user)
    form = VerificationAnswerForm(request.POST)
    if not form.is_valid():
        return _residents_page(request, answer_form=form, status=400)
    verification = get_object_or_404(VerificationRequest, pk=form.cleaned_data["request"])
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.answer_verification(moderator=request.user, request=verification, approve=approve,
                                     reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        _add_errors(form, exc)
        return _residents_page(request, answer_form=form, status=400)
    if approve:
        messages.success(request, _("%(email)s is now a verified resident.") % {"email": verification.user.email})
    else:
        messages.success(request, _("The request of %(email)s is refused.") % {"email": verification.user.email})
    return redirect("accounts:verify_residents")


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
    return render(request, "accounts/profile.html", _profile_context(request.user, public_form=form), status=400)


def public_profile(request, ref: str):
    """A person's page: their display name and what they chose to publish; a 404 while unpublished."""
    person = profile_person(ref=ref)
    if person is None or not may_see_profile(person=person, viewer=request.user):
        raise Http404(_("No such profile."))
    return render(request, "accounts/public_profile.html", {
        "person": person, "is_own": request.user.is_authenticated and request.user.pk == person.pk,
        "sections": profile_sections(person=person, viewer=request.user),
    })
