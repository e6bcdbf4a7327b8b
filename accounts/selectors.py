"""Reads on accounts that are more than a .get(): the moderators' resident-verification list."""

from django.db.models import QuerySet

from .models import Role, User


def residents_for_verification(*, query: str = "", verified: bool = False) -> QuerySet:
    """Citizens who are (or are not yet) verified residents, newest first, optionally by email."""
    qs = User.objects.filter(role=Role.CITIZEN, is_active=True, is_verified_resident=verified)
    query = query.strip()
    if query:
        qs = qs.filter(email__icontains=query)
    return qs.order_by("-date_joined", "-pk")
