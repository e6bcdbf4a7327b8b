"""Reads on accounts that are more than a .get(): verification lists and requests, consents, a person's data."""

from django.db.models import QuerySet
from django.utils import timezone

from . import personal_data
from .legal import DOCUMENT_VERSIONS
from .models import Consent, Role, User, VerificationRequest
from .states import VerificationState


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
def pending_verification_requests() -> QuerySet:
    """Requests waiting for a moderator, oldest first (first come, first answered)."""
    return (VerificationRequest.objects.filter(state=VerificationState.PENDING, user__is_active=True)
            .select_related("user").order_by("created_at", "pk"))


def latest_verification_request(user: User) -> VerificationRequest | None:
    return VerificationRequest.objects.filter(user=user).select_related("decided_by").first()


def consents_of(user: User) -> list[Consent]:
    """Every consent the person gave, active and withdrawn, oldest first."""
    return list(Consent.objects.filter(user=user))


def active_consent_kinds(user: User) -> set[str]:
    return set(Consent.objects.filter(user=user, withdrawn_at__isnull=True).values_list("kind", flat=True))


def personal_data_of(user: User) -> dict:
    """Everything the platform holds about ``user``, for "download my data" (JSON-ready).

    Secret ballots are not in it: they are not linked to the person, only the fact that they voted is.
    """
    iso = personal_data.iso
    data = {
        "generated_at": iso(timezone.now()),
        "account": {
            "email": user.email, "display_name": user.display_name, "public_name": str(user.public_name),
            "role": user.role, "department": user.department.name if user.department_id else None,
            "date_joined": iso(user.date_joined), "last_login": iso(user.last_login),
            "email_notifications": user.email_notifications,
            "verified_resident": user.is_verified_resident, "verified_at": iso(user.verified_at),
        },
        "profile": {"district": user.district, "birth_year": user.birth_year, "gender": user.gender},
        "public_profile": {"published": user.profile_public, "address": user.profile_handle,
                           "shows_proposals": user.profile_shows_proposals,
                           "shows_comments": user.profile_shows_comments},
        "consents": [
            {"kind": c.kind, "version": c.version, "current_version": DOCUMENT_VERSIONS.get(c.kind),
             "given_at": iso(c.given_at), "withdrawn_at": iso(c.withdrawn_at),
             **({"guardian_name": c.guardian_name, "guardian_contact": c.guardian_contact} if c.guardian_name else {})}
            for c in Consent.objects.filter(user=user)
        ],
        "verification_requests": [
            {"district": r.district, "note": r.note, "state": r.state, "reason": r.reason,
             "created_at": iso(r.created_at), "decided_at": iso(r.decided_at)}
            for r in VerificationRequest.objects.filter(user=user).order_by("pk")
        ],
    }
    for section in personal_data.sections():
        data.update(section.export(user))
    return data
