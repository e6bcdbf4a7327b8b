"""Writes on accounts: profile edits and resident verification."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Role, User

PROFILE_FIELDS = ("display_name", "district", "birth_year", "gender", "email_notifications")


@transaction.atomic
def update_profile(*, user: User, **fields) -> User:
    # The model allows up to 2100; a birth year after this year would skew every age aggregate.
    birth_year = fields.get("birth_year")
    if birth_year is not None and birth_year > timezone.localdate().year:
        raise ValidationError({"birth_year": _("A birth year cannot be in the future.")})
    # Work on a fresh copy so that a validation error leaves the caller's object (request.user) as it was.
    stored = User.objects.select_for_update().get(pk=user.pk)
    for name, value in fields.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"not a profile field: {name}")
        setattr(stored, name, value)
    stored.full_clean(exclude=["password"])
    stored.save(update_fields=[*fields.keys()])
    return stored


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
    return stored
