"""Writes on accounts: profile edits, consents, resident verification (requests and answers), deleting an account."""

import re

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.lifecycle import IllegalTransition, Lifecycle

from . import personal_data
from .legal import DOCUMENT_VERSIONS, OPTIONAL_PROFILE_FIELDS, WITHDRAWABLE_KINDS, ConsentKind
from .models import Consent, Role, User, VerificationRequest
from .states import TRANSITIONS, VerificationState

PROFILE_FIELDS = ("display_name", "district", "birth_year", "gender", "email_notifications")


def has_consent(*, user: User, kind: str) -> bool:
    return Consent.objects.filter(user=user, kind=kind, withdrawn_at__isnull=True).exists()


@transaction.atomic
def update_profile(*, user: User, **fields) -> User:
    # The model allows up to 2100; a birth year after this year would skew every age aggregate.
    birth_year = fields.get("birth_year")
    if birth_year is not None and birth_year > timezone.localdate().year:
        raise ValidationError({"birth_year": _("A birth year cannot be in the future.")})
    # District, birth year and gender are stored only with the optional consent (개인정보 보호법 제22조).
    if any(fields.get(name) not in (None, "") for name in OPTIONAL_PROFILE_FIELDS) and not has_consent(
            user=user, kind=ConsentKind.OPTIONAL_PROFILE):
        raise ValidationError(_("District, birth year and gender can be saved only if you agree to the optional "
                                "collection of this information."), code="no_optional_consent")
    # Work on a fresh copy so that a validation error leaves the caller's object (request.user) as it was.
    stored = User.objects.select_for_update().get(pk=user.pk)
    for name, value in fields.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"not a profile field: {name}")
        setattr(stored, name, value)
    stored.full_clean(exclude=["password"])
    stored.save(update_fields=[*fields.keys()])
    return stored


# --- consents ------------------------------------------------------------------------------------------

def _give(*, user: User, kind: str, now, **extra) -> Consent:
    consent = Consent(user=user, kind=kind, version=DOCUMENT_VERSIONS[kind], given_at=now, **extra)
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def record_signup_consents(*, user: User, optional_profile: bool, guardian_name: str = "",
                           guardian_contact: str = "") -> list[Consent]:
    """The consents given on the sign-up form: both required ones, the optional one if ticked, and a
    guardian's for a child under 14 (the form refuses a child without one)."""
    now = timezone.now()
    consents = [_give(user=user, kind=ConsentKind.PRIVACY, now=now), _give(user=user, kind=ConsentKind.TERMS, now=now)]
    if optional_profile:
        consents.append(_give(user=user, kind=ConsentKind.OPTIONAL_PROFILE, now=now))
    if guardian_name or guardian_contact:
        if not (guardian_name and guardian_contact):
            raise ValidationError(_("A guardian's consent needs the guardian's name and contact."))
        consents.append(_give(user=user, kind=ConsentKind.GUARDIAN, now=now, guardian_name=guardian_name,
                              guardian_contact=guardian_contact))
    return consents


@transaction.atomic
def record_seeded_consents(*, users: list[User]) -> int:
    """The consents of people a seed script creates (the demo's), in one insert: the required two and the
    optional one, since the script fills their optional fields. Never for a real sign-up."""
    now = timezone.now()
    kinds = (ConsentKind.PRIVACY, ConsentKind.TERMS, ConsentKind.OPTIONAL_PROFILE)
    rows = [Consent(user=user, kind=kind, version=DOCUMENT_VERSIONS[kind], given_at=now) for user in users
            for kind in kinds]
    return len(Consent.objects.bulk_create(rows, batch_size=1000))


@transaction.atomic
def give_optional_consent(*, user: User) -> Consent:
    """Agree (again) to the optional profile information; a no-op if already agreed."""
    User.objects.select_for_update().get(pk=user.pk)
    existing = Consent.objects.filter(user=user, kind=ConsentKind.OPTIONAL_PROFILE, withdrawn_at__isnull=True).first()
    return existing or _give(user=user, kind=ConsentKind.OPTIONAL_PROFILE, now=timezone.now())


@transaction.atomic
def withdraw_consent(*, user: User, kind: str) -> None:
    """Withdraw a consent a person may withdraw; withdrawing the optional one erases what it covered."""
    if kind not in WITHDRAWABLE_KINDS:
        raise PermissionDenied(_("This consent is needed to use the platform; to withdraw it, delete your account."))
    stored = User.objects.select_for_update().get(pk=user.pk)
    Consent.objects.filter(user=stored, kind=kind, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
    if kind == ConsentKind.OPTIONAL_PROFILE:
        stored.district, stored.birth_year, stored.gender = "", None, ""
        stored.save(update_fields=list(OPTIONAL_PROFILE_FIELDS))


# --- resident verification -----------------------------------------------------------------------------

@transaction.atomic
def set_resident_verification(*, moderator: User, citizen: User, verified: bool) -> User:
    """A moderator confirms (or revokes) that a citizen is a resident; only residents may support."""
    if not moderator.is_moderator:
        raise PermissionDenied(_("Only moderators can verify residents."))
    citizen = User.objects.select_for_update().get(pk=citizen.pk)
    citizen.is_verified_resident = verified
    citizen.verified_at = timezone.now() if verified else None
    citizen.verified_by = moderator if verified else None
    citizen.save(update_fields=["is_verified_resident", "verified_at", "verified_by"])
    return citizen


class VerificationError(IllegalTransition):
    """A verification request cannot make this move (it was already answered)."""


VERIFICATION_LIFECYCLE = Lifecycle(
    VerificationRequest, TRANSITIONS, error=VerificationError, labels=VerificationState,
    message=gettext_noop("This request is already answered (%(from)s); it cannot become %(to)s."),
    stamps={VerificationState.APPROVED: "decided_at", VerificationState.REFUSED: "decided_at"},
    fields=("reason", "decided_by"),
)


def refuse_request_verification(user: User) -> str | None:
    """Why ``user`` may not ask to be verified now, or None."""
    if not user.is_authenticated:
        return _("Sign in to ask for resident verification.")
    if user.is_verified_resident:
        return _("You are already a verified resident.")
    if VerificationRequest.objects.filter(user=user, state=VerificationState.PENDING).exists():
        return _("Your request is waiting for a moderator.")
    return None


@transaction.atomic
def request_verification(*, user: User, district: str, note: str = "") -> VerificationRequest:
    """A citizen asks a moderator to confirm that they live in ``district``."""
    User.objects.select_for_update().get(pk=user.pk)  # one pending request per person, even when clicked twice
    refusal = refuse_request_verification(user)
    if refusal:
        raise PermissionDenied(refusal)
    request = VerificationRequest(user=user, district=district, note=note.strip())
    request.full_clean()
    request.save()
    return request


@transaction.atomic
def answer_verification(*, moderator: User, request: VerificationRequest, approve: bool,
                        reason: str = "") -> VerificationRequest:
    """A moderator approves or refuses a pending request; a refusal says why. The person is emailed."""
    if not moderator.is_moderator:
        raise PermissionDenied(_("Only moderators can verify residents."))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError({"reason": _("Say why the request is refused: the person reads it.")})
    request = VerificationRequest.objects.select_for_update().get(pk=request.pk)
    request.reason, request.decided_by = reason, moderator
    to = VerificationState.APPROVED if approve else VerificationState.REFUSED
    VERIFICATION_LIFECYCLE.move(request, to, actor=moderator)
    if approve:
        set_resident_verification(moderator=moderator, citizen=request.user, verified=True)
    if request.user.email_notifications:
        transaction.on_commit(lambda: _email_answer(request.pk))
    return request


def _email_answer(request_pk: int) -> None:
    request = VerificationRequest.objects.select_related("user").get(pk=request_pk)
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("accounts/email/verification_answer.txt", {
            "request": request, "profile_url": settings.SITE_URL.rstrip("/") + reverse("accounts:profile"),
        })
        send_mail(_("Your resident verification request was answered"), body, None, [request.user.email],
                  fail_silently=True)


# --- deleting an account -------------------------------------------------------------------------------

@transaction.atomic
def delete_account(*, user: User, password: str) -> None:
    """Delete a person's account: personal information is erased, the row stays as "former member".

    The row is kept (not deleted) because published proposals, comments, room messages and the record
    of who took part in a vote point at it; those stay, shown under "former member" (docs/privacy.md).
    Each module erases what it holds through ``accounts.personal_data`` (drafts, notifications ...).
    """
    if not user.has_usable_password() or authenticate(email=user.email, password=password) is None:
        raise ValidationError({"password": _("The password is not correct.")})
    stored = User.objects.select_for_update().get(pk=user.pk)
    if stored.is_superuser or stored.role != Role.CITIZEN:
        raise PermissionDenied(_("Staff accounts are closed by an administrator, not deleted from the profile."))
    personal_data.erase(stored)
    now = timezone.now()
    Consent.objects.filter(user=stored, withdrawn_at__isnull=True).update(withdrawn_at=now)
    Consent.objects.filter(user=stored).update(guardian_name="", guardian_contact="")
    stored.verification_requests.all().delete()
    stored.email = f"deleted-{stored.pk}@deleted.invalid"
    stored.display_name = ""
    stored.district, stored.birth_year, stored.gender = "", None, ""
    stored.email_notifications = False
    stored.is_active = False
    stored.deleted_at = now
    stored.set_unusable_password()
    stored.save()
    _forget_logins(stored)


def _forget_logins(user: User) -> None:
    """allauth's addresses and third-party accounts go with the account (the latter only when installed)."""
    EmailAddress.objects.filter(user=user).delete()
    if "allauth.socialaccount" in settings.INSTALLED_APPS:
        from allauth.socialaccount.models import SocialAccount

        SocialAccount.objects.filter(user=user).delete()


def is_staff_role(user: User) -> bool:
    return user.role != Role.CITIZEN


PUBLIC_PROFILE_FIELDS = ("profile_public", "profile_handle", "profile_shows_proposals", "profile_shows_comments")
HANDLE_PATTERN = re.compile(r"^[a-z][a-z0-9-]{2,29}$")


@transaction.atomic
def update_public_profile(*, user: User, **fields) -> User:
    """What the person publishes on /people/…/: the page itself, its address, their proposals and comments."""
    handle = (fields.get("profile_handle") or "").strip().lower() or None
    if handle is not None and not HANDLE_PATTERN.match(handle):
        raise ValidationError({"profile_handle": _(
            "Use 3 to 30 lower-case Latin letters, digits or hyphens, starting with a letter.")})
    if handle is not None and User.objects.filter(profile_handle=handle).exclude(pk=user.pk).exists():
        raise ValidationError({"profile_handle": _("Someone else already uses this address.")})
    fields["profile_handle"] = handle
    stored = User.objects.select_for_update().get(pk=user.pk)
    for name, value in fields.items():
        if name not in PUBLIC_PROFILE_FIELDS:
            raise ValueError(f"not a public profile field: {name}")
        setattr(stored, name, value)
    stored.save(update_fields=[*fields.keys()])
@transaction.atomic
def apply_verified_identity(*, user: User, identity) -> User:
    """What an identity provider confirmed (accounts.identity.VerifiedIdentity): someone it confirms as
    living in Seoul becomes a verified resident without waiting for a moderator; nothing else is stored."""
    stored = User.objects.select_for_update().get(pk=user.pk)
    if identity.lives_in_seoul and not stored.is_verified_resident:
        stored.is_verified_resident, stored.verified_at, stored.verified_by = True, timezone.now(), None
        stored.save(update_fields=["is_verified_resident", "verified_at", "verified_by"])
    return stored
