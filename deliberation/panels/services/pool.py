"""The citizen pool (협치서울시민회의): volunteering and leaving, and the pool as the table a draw reads.

A volunteer must be a verified resident with a district in Seoul, a birth year and a gender on their
profile: those give the three attributes every panel is balanced by (living zone, age band, gender).
An admin's further attributes (``PoolAttribute``, e.g. housing tenure) are asked on the pool page.
The profile is read again whenever the pool is snapshotted for a draw, so a move or a birthday is
counted as it is then; leaving keeps the row (inactive) for the record of past draws.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.panels import rules
from deliberation.panels.models import Pool, PoolAttribute, PoolMember

STANDING_POOL_NAME = "협치서울시민회의"


def standing_pool() -> Pool:
    pool, _created = Pool.objects.get_or_create(standing=True, defaults={"name": STANDING_POOL_NAME})
    return pool


def _clean_answers(answers: dict) -> dict:
    cleaned, errors = {}, {}
    for attribute in PoolAttribute.objects.all():
        value = (answers or {}).get(attribute.code, "")
        if value not in dict(attribute.choices()):
            errors[attribute.code] = _("Choose one of the answers.")
        else:
            cleaned[attribute.code] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def volunteer(*, user, answers: dict) -> PoolMember:
    """Join the standing pool (or update one's answers); rejoining after leaving makes the row active again."""
    refusal = rules.refuse_volunteer(user)
    if refusal:
        raise PermissionDenied(refusal)
    cleaned = _clean_answers(answers)
    pool = standing_pool()
    member, created = PoolMember.objects.select_for_update().get_or_create(
        pool=pool, user=user, defaults={"person_id": f"u{user.pk}", "source": PoolMember.Source.VOLUNTEER,
                                        "attributes": cleaned})
    if not created:
        member.attributes, member.active, member.left_at = cleaned, True, None
        member.save(update_fields=["attributes", "active", "left_at"])
    return member


@transaction.atomic
def leave_pool(*, user) -> bool:
    """Leave the standing pool; False if not in it. Past draws keep their own snapshot."""
    updated = PoolMember.objects.filter(pool__standing=True, user=user, active=True).update(
        active=False, left_at=timezone.now())
    return bool(updated)
