"""A jury's seats as its panel changes: confirmed invitations seat people, removals leave both rooms.

A jury names the ``Draw`` its panel comes from. Whoever confirms an invitation of that draw is seated at
once (``seat_confirmed``, on ``deliberation.signals.invitation_confirmed``); a member staff record as
dropping out is removed from the jury (``unseat_withdrawn``, on ``invitation_withdrawn``); a jury linked
to a draw after some people confirmed seats those people when it is created (``juries.create_jury``).
Imported people have no account: staff seat them by hand once they have one (docs/juries.md). A removal
from one of a jury's rooms, by the facilitator here or by the room's moderation (``member_removed``, on
``deliberation.signals.member_removed``), is a removal from both.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.juries.models import Jury
from deliberation.juries.services.juries import SEATING_STATES, JuryError, lock_for_facilitator, seat_from_draw
from deliberation.juries.services.verdicts import close_if_complete
from deliberation.juries.states import JuryState
from deliberation.panels.models import Invitation
from deliberation.rooms.models import Room, RoomMember
from deliberation.rooms.services.moderation import remove_member
from deliberation.rooms.states import RoomState

logger = logging.getLogger(__name__)


def seat_confirmed(invitation: Invitation) -> None:
    """The person who just confirmed takes their seat in every jury drawn from the draw that still takes
    seats (an account is needed)."""
    if invitation.user_id is None:
        return
    for jury in Jury.objects.filter(draw_id=invitation.draw_id, state__in=SEATING_STATES):
        seat_from_draw(jury, invitation.user)


def unseat_withdrawn(invitation: Invitation, actor, reason: str) -> None:
    """A member who drops out leaves the jury's rooms."""
    if invitation.user_id is None:
        return
    for jury in Jury.objects.filter(draw_id=invitation.draw_id).exclude(state=JuryState.PUBLISHED):
        try:
            remove_juror(jury=jury, user=invitation.user, actor=actor, reason=reason)
        except ValidationError as refusal:  # not (or no longer) a member
            logger.info("draw %s: %s not removed from jury %s: %s", invitation.draw_id, invitation.user_id,
                        jury.pk, refusal.messages)


def _remove_from(room: Room, user_id: int, actor, reason: str) -> None:
    """The room moderation's removal; in a room that has ended (the hearing, once deliberation began)
    nobody is connected, so the membership is marked removed directly: its record is closed to them too."""
    if room.state != RoomState.ENDED:
        remove_member(room=room, actor=actor, user_id=user_id, reason=reason)
        return
    if not reason.strip():
        raise ValidationError(_("A reason is required; it stays on record."), code="reason_required")
    RoomMember.objects.filter(room=room, user_id=user_id, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=actor, removed_reason=reason.strip()[:300])


@transaction.atomic
def remove_juror(*, jury: Jury, user, actor, reason: str) -> None:
    """Remove a juror (or expert, or observer) from the jury's rooms; the room moderation does the rest."""
    jury = lock_for_facilitator(jury, actor)
    rooms = [r for r in (Room.objects.get(pk=jury.private_room_id), Room.objects.get(pk=jury.room_id))
             if RoomMember.objects.filter(room=r, user=user).exists()]
    if not rooms:
        raise JuryError(_("This person is not a member of the jury."), code="not_member")
    for room in rooms:
        _remove_from(room, user.pk, actor, reason)
    close_if_complete(jury)


def member_removed(*, room: Room, user_id: int, actor, reason: str) -> None:
    """On ``deliberation.signals.member_removed`` (the room moderation removed someone): a removal from
    one of a jury's rooms is a removal from both.

    A ballot already cast stays counted (nothing links it to the juror); an open verdict that now
    has every seated juror's vote closes.
    """
    jury = Jury.objects.filter(room=room).first() or Jury.objects.filter(private_room=room).first()
    if jury is None:
        return
    other = Room.objects.get(pk=jury.private_room_id if room.pk == jury.room_id else jury.room_id)
    if RoomMember.objects.filter(room=other, user_id=user_id, removed_at__isnull=True).exists():
        _remove_from(other, user_id, actor, reason)
    close_if_complete(jury)

