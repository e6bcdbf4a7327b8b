"""Support (공감): adding and withdrawing, thresholds crossed, and the window closing."""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.ratelimit import check_rate

from .. import rules
from ..models import FollowUp, Proposal, Support
from ..states import EscalationLevel, Origin, State, SUPPORTABLE_STATES
from .lifecycle import record_milestone, transition
from .notifications import notify


def _lock(proposal_id: int) -> Proposal:
    return Proposal.objects.select_for_update().select_related("category").get(pk=proposal_id)


@transaction.atomic
def add_support(*, proposal: Proposal, user) -> Proposal:
    """Count one verified resident's support; crossing a threshold escalates at once."""
    proposal = _lock(proposal.pk)
    refusal = rules.refuse_support(user, proposal)
    if refusal:
        raise PermissionDenied(refusal)
    check_rate(action="support.toggle", user_id=user.pk)  # only attempts that could succeed count
    try:
        with transaction.atomic():
            Support.objects.create(proposal=proposal, user=user)
    except IntegrityError:
        raise ValidationError(_("You already support this proposal."), code="duplicate_support") from None
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") + 1)
    proposal.refresh_from_db(fields=["support_count"])
    _apply_thresholds(proposal)
    return proposal


@transaction.atomic
def withdraw_support(*, proposal: Proposal, user) -> Proposal:
    """Take a support back while the window is open. A threshold already crossed stays crossed."""
    proposal = _lock(proposal.pk)
    if not proposal.is_support_open:
        raise PermissionDenied(_("The support window for this proposal is closed."))
    check_rate(action="support.toggle", user_id=user.pk)
    deleted, _rows = Support.objects.filter(proposal=proposal, user=user).delete()
    if not deleted:
        raise ValidationError(_("You do not support this proposal."), code="no_support")
    Proposal.objects.filter(pk=proposal.pk).update(support_count=F("support_count") - 1)
    proposal.refresh_from_db(fields=["support_count"])
    return proposal


def _apply_thresholds(proposal: Proposal) -> None:
    category, count, now = proposal.category, proposal.support_count, timezone.now()
    # a jury's proposal was deliberated already: its supports do not "open it for public deliberation"
    if (count >= category.deliberation_threshold and proposal.deliberation_marked_at is None
            and proposal.origin != Origin.JURY):
        proposal.deliberation_marked_at = now
        proposal.save(update_fields=["deliberation_marked_at"])
        record_milestone(proposal=proposal, code="deliberation", now=now,
                         reason=str(category.deliberation_threshold))
    if count >= category.escalation_threshold and proposal.state == State.PUBLISHED:
        escalate(proposal=proposal, level=EscalationLevel.DEPARTMENT, now=now)
    if count >= category.mayor_threshold and proposal.escalation_level == EscalationLevel.DEPARTMENT:
        escalate(proposal=proposal, level=EscalationLevel.MAYOR, now=now)


def escalate(*, proposal: Proposal, level: str, now: datetime, reason: str | None = None) -> FollowUp:
    """Send the proposal to its category's department (or raise it to the mayor's level).

    ``reason`` is what the timeline records: the threshold reached, unless something else sent it
    (``ESCALATED_BY_JURY``: a citizens' jury's recommendation needs no supports)."""
    category = proposal.category
    if level == EscalationLevel.DEPARTMENT:
        proposal.escalated_at = now
        proposal.escalation_level = level
        proposal.save(update_fields=["escalated_at", "escalation_level"])
        follow_up = FollowUp.objects.create(
            department=category.default_department, proposal=proposal, title=proposal.title,
            level=level, due_at=now + timedelta(days=category.answer_due_days), created_at=now,
        )
        transition(proposal=proposal, to=State.ESCALATED, now=now,
                   reason=reason or str(category.escalation_threshold))
    else:
        proposal.escalation_level = level
        proposal.save(update_fields=["escalation_level"])
        follow_up = proposal.follow_ups.order_by("created_at").first()
        FollowUp.objects.filter(pk=follow_up.pk).update(level=level)
        record_milestone(proposal=proposal, code="mayor", now=now, reason=str(category.mayor_threshold))
        notify(kind="escalated", proposal=proposal, follow_up=follow_up, state=EscalationLevel.MAYOR)
    return follow_up


@transaction.atomic
def close_support_window(*, proposal_id: int, now: datetime | None = None) -> bool:
    """Close the window if its deadline has passed. Idempotent: safe to run twice or late."""
    now = now or timezone.now()
    proposal = _lock(proposal_id)
    if (proposal.support_closed_at is not None or proposal.support_closes_at is None
            or proposal.support_closes_at > now or proposal.state not in SUPPORTABLE_STATES):
        return False
    proposal.support_closed_at = now
    proposal.save(update_fields=["support_closed_at"])
    if proposal.state == State.PUBLISHED:
        transition(proposal=proposal, to=State.CLOSED, now=now, reason=str(proposal.support_count))
    else:
        record_milestone(proposal=proposal, code="window_closed", now=now, reason=str(proposal.support_count))
    return True


def windows_closing_soon(*, now: datetime, within_seconds: float) -> list[tuple[int, datetime]]:
    """(id, deadline) of open windows that end in the next ``within_seconds``, for exact-time tasks."""
    return list(
        Proposal.objects.filter(
            state__in=SUPPORTABLE_STATES, support_closed_at__isnull=True, support_closes_at__gt=now,
            support_closes_at__lte=now + timedelta(seconds=within_seconds),
        ).values_list("pk", "support_closes_at")
    )


def close_expired_windows(*, now: datetime | None = None) -> int:
    """The sweep: close every window whose deadline passed (e.g. while the server was down)."""
    now = now or timezone.now()
    ids = list(
        Proposal.objects.filter(
            state__in=SUPPORTABLE_STATES, support_closed_at__isnull=True, support_closes_at__lte=now
        ).values_list("pk", flat=True)
    )
    return sum(close_support_window(proposal_id=pk, now=now) for pk in ids)
