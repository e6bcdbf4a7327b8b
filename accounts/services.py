"""Writes on accounts: profile edits and resident verification."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Role, User

PROFILE_FIELDS = ("display_name", "district", "birth_year", "gender", "email_notifications")


@transaction.atomic
def update_profile(*, user: User, **fields) -> User:
    for name, value in fields.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"not a profile field: {name}")
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save(update_fields=[*fields.keys()])
    return user


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
