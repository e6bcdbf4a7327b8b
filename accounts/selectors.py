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


def profile_person(*, ref: str) -> User | None:
    """The active person whose profile ``ref`` (their number or chosen address) names, or None."""
    people = User.objects.filter(is_active=True)
    if ref.isdigit():
        return people.filter(pk=int(ref)).first()
    return people.filter(profile_handle=ref.lower()).first()


def may_see_profile(*, person: User, viewer) -> bool:
    """A profile page is public once its owner publishes it; before, only its owner sees it (as a preview).

    Staff are not an exception: what a person did not publish stays theirs (staff have the admin for their work).
    """
    return person.profile_public or (viewer.is_authenticated and viewer.pk == person.pk)
