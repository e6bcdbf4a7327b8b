"""Invitations to a drawn panel: sent once, answered by a deadline, and every seat a person leaves (a
decline, no answer, a confirmed member dropping out) offered to the reserve so the quotas still hold.

Every write locks the draw's row first (then the invitation's): replacements for one draw are picked one
at a time, so two answers at once never seat the same reserve person or two people in one seat (the
database refuses that too: ``invitation_one_per_seat``). The reserve and the pick are the pure core's
(deliberation/panels/sortition/reserve.py), on the draw's stored files, so anyone can check a replacement.

A confirmation sends ``deliberation.signals.invitation_confirmed`` (and a member who drops out
``invitation_withdrawn``) after the transaction that recorded it commits (never for one that rolled back);
juries and deliberative polls, which this package does not import, connect the receivers that seat people.
An exception in one propagates to the caller of ``answer_invitation`` after the commit: keep them small and idempotent.
"""

import secrets
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.attributes import criterion_label
from config.celery import queue_on_commit
from core.lifecycle import IllegalTransition, Lifecycle

from deliberation import signals
from deliberation.panels import rules
from deliberation.panels.models import Draw, Invitation, PoolMember
from deliberation.panels.sortition import read_people, read_quotas
from deliberation.panels.sortition.reserve import find_replacement, reserve_order
from deliberation.panels.states import INVITATION_TRANSITIONS, SEATED_INVITATION_STATES, InvitationState

# A replacement gets as long to answer as the first invitations did, and never less than this (a window
# shortened by hand must not send the reserve through a cascade of invitations that expire at once).
MIN_WINDOW = timedelta(days=1)


class InvitationError(IllegalTransition):
    """A move an invitation's lifecycle does not allow now; the message says why."""


# The one place an invitation's state changes; an illegal move is refused and nothing changes.
INVITATION_LIFECYCLE = Lifecycle(
    Invitation, INVITATION_TRANSITIONS, error=InvitationError, labels=InvitationState, code="illegal",
    message=gettext_noop("This invitation is “%(from)s” and cannot become “%(to)s”."),
    stamps={InvitationState.CONFIRMED: "responded_at", InvitationState.DECLINED: "responded_at"},
)


def _users_of(draw: Draw, person_ids) -> dict:
    members = PoolMember.objects.filter(pool_id=draw.pool_id, person_id__in=list(person_ids), user__isnull=False)
    return dict(members.values_list("person_id", "user_id"))


@transaction.atomic
def send_invitations(*, draw: Draw, actor, deadline_at: datetime) -> list[Invitation]:
    """Invite every selected person of a drawn draw, seats 1..k in the draw's order; once per draw."""
    if not rules.may_run_draws(actor):
        raise PermissionDenied(_("Only staff can send a panel's invitations."))
    draw = Draw.objects.select_for_update().get(pk=draw.pk)
    if draw.state != Draw.State.DRAWN:
        raise InvitationError(_("Invitations go out once the panel is drawn."), code="not_drawn")
    if draw.invitations.exists():
        raise InvitationError(_("This panel's invitations have already been sent."), code="sent")
    now = timezone.now()
    if deadline_at <= now:
        raise InvitationError({"deadline_at": _("The deadline to answer must be in the future.")}, code="deadline")
    users = _users_of(draw, draw.selected)
    sent = Invitation.objects.bulk_create([
        Invitation(draw=draw, person_id=person, user_id=users.get(person), seat=seat, deadline_at=deadline_at,
                   created_at=now)
        for seat, person in enumerate(draw.selected, start=1)
    ])
    _email_on_commit(sent)
    return sent


def _email_on_commit(invitations: list[Invitation]) -> None:
    """People with an account are emailed once the invitations are committed (imported people get a letter
    with the token link from the organisers)."""
    ids = [i.pk for i in invitations if i.user_id is not None]
    if ids:
        from deliberation.panels.tasks import send_invitation_emails  # in here: the task imports services (a cycle)

        queue_on_commit(send_invitation_emails, ids)


def _locked(invitation: Invitation) -> tuple[Draw, Invitation]:
    """The draw's row, then the invitation's, locked in that order everywhere (no deadlock between them)."""
    draw = Draw.objects.select_for_update().get(pk=invitation.draw_id)
    return draw, Invitation.objects.select_for_update().get(pk=invitation.pk)


def refuse_answer(invitation: Invitation, *, user=None, token: str | None = None) -> str | None:
    """Why this user or token holder may not answer this invitation; None when they may."""
    by_token = bool(token) and secrets.compare_digest(str(token), invitation.token)
    by_user = user is not None and user.is_authenticated and invitation.user_id == user.pk
    if not (by_token or by_user):
        return _("This invitation is not yours.")
    return None


@transaction.atomic
def answer_invitation(*, invitation: Invitation, user=None, token: str | None = None, accept: bool) -> Invitation:
    """The invited person (signed in, or holding the letter's link) confirms or declines, before the deadline.

    A decline offers the seat to the reserve at once."""
    refused = refuse_answer(invitation, user=user, token=token)
    if refused:
        raise PermissionDenied(refused)
    draw, invitation = _locked(invitation)
    now = timezone.now()
    if invitation.state != InvitationState.INVITED:
        raise InvitationError(_("This invitation has already been answered or has ended (%(state)s).")
                              % {"state": InvitationState(invitation.state).label}, code="answered")
    if now > invitation.deadline_at:
        raise InvitationError(_("The deadline to answer passed at %(deadline)s.") % {
            "deadline": formats.date_format(timezone.localtime(invitation.deadline_at), "DATETIME_FORMAT")},
            code="late")
    INVITATION_LIFECYCLE.move(invitation, InvitationState.CONFIRMED if accept else InvitationState.DECLINED, now=now)
    if accept:
        confirmed = invitation
        transaction.on_commit(lambda: signals.invitation_confirmed.send(sender=Invitation, invitation=confirmed))
    else:
        _replace(draw, invitation, now)
    return invitation


def expire_due_invitations(now: datetime | None = None) -> int:
    """End every invitation unanswered at its deadline and offer its seat to the reserve; safe twice or late."""
    now = now or timezone.now()
    due = list(Invitation.objects.filter(state=InvitationState.INVITED, deadline_at__lte=now)
               .order_by("deadline_at", "pk").values_list("pk", "draw_id"))
    expired = 0
    for pk, draw_id in due:  # one transaction each: one bad draw does not hold back the others
        with transaction.atomic():
            draw, invitation = _locked(Invitation(pk=pk, draw_id=draw_id))
            if invitation.state != InvitationState.INVITED or invitation.deadline_at > now:
                continue  # answered (or moved) since the listing
            INVITATION_LIFECYCLE.move(invitation, InvitationState.EXPIRED, now=now)
            _replace(draw, invitation, now)
            expired += 1
    return expired


@transaction.atomic
def withdraw_invitation(*, invitation: Invitation, actor, reason: str) -> Invitation:
    """Staff record that a confirmed member drops out; the seat is offered to the reserve."""
    if not rules.may_run_draws(actor):
        raise PermissionDenied(_("Only staff can record that a member drops out."))
    reason = (reason or "").strip()
    if not reason:
        raise InvitationError({"reason": _("Say why the member drops out (kept on the staff record).")},
                              code="reason")
    draw, invitation = _locked(invitation)
    now = timezone.now()
    invitation.reason = reason
    INVITATION_LIFECYCLE.move(invitation, InvitationState.WITHDRAWN, now=now, fields=["reason"])
    _replace(draw, invitation, now)
    withdrawn = invitation
    transaction.on_commit(lambda: signals.invitation_withdrawn.send(
        sender=Invitation, invitation=withdrawn, actor=actor, reason=reason))
    return invitation


def _replace(draw: Draw, leaving: Invitation, now: datetime) -> Invitation | None:
    """Ask the reserve's next fitting person for ``leaving``'s seat, with a window as long as the first one;
    or leave the seat open with the reason on ``leaving``. The caller holds the draw's lock."""
    quotas = read_quotas(draw.quotas_csv)
    people = read_people(draw.people_csv, quotas)
    invitations = list(draw.invitations.all())
    seated = {i.person_id for i in invitations if i.state in SEATED_INVITATION_STATES} | {leaving.person_id}
    reserve = reserve_order(draw.key, list(people.people), draw.selected)
    found = find_replacement(people, quotas, seated, leaving.person_id, reserve, {i.person_id for i in invitations},
                             name_quota=lambda quota: criterion_label(f"{quota.feature}={quota.value}"))
    if found.person_id is None:
        leaving.explanation = found.explanation
        leaving.save(update_fields=["explanation"])
        return None
    window = max(leaving.deadline_at - leaving.created_at, MIN_WINDOW)
    replacement = Invitation.objects.create(
        draw=draw, person_id=found.person_id, user_id=_users_of(draw, [found.person_id]).get(found.person_id),
        seat=leaving.seat, deadline_at=now + window, created_at=now, replaces=leaving,
        reserve_position=found.position, match=found.match, explanation=found.explanation)
    _email_on_commit([replacement])
    return replacement
