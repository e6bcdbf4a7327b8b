"""Writes on accounts: profile edits and resident verification."""

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
