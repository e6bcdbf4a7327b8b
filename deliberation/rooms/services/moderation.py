"""Room moderation by the facilitator: muting, unmuting and removing a member; each stays on record."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import signals
from deliberation.rooms.realtime.events import append_event
from deliberation.rooms.models import Room, RoomMember
from deliberation.rooms.services.locking import lock_room_for_facilitator
from deliberation.rooms.services.queue import drop_hand


def _target(room_id: int, actor, user_id: int) -> tuple[Room, RoomMember]:
    room = lock_room_for_facilitator(room_id, actor)
    if user_id == room.facilitator_id:
        raise ValidationError(_("The facilitator cannot be muted or removed."), code="invalid")
    member = RoomMember.objects.select_for_update().select_related("user").filter(room=room, user_id=user_id).first()
    if member is None:
        raise ValidationError(_("This person is not a member of the room."), code="not_member")
    return room, member


def _member_data(member: RoomMember) -> dict:
    return {"user_id": member.user_id, "name": member.user.public_name}


@transaction.atomic
def mute_member(*, room: Room, actor, user_id: int) -> RoomMember:
    """A muted member may read and listen, not chat or raise a hand; a raised hand is lowered."""
    room, member = _target(room.pk, actor, user_id)
    if not member.muted:
        member.muted = True
        member.save(update_fields=["muted"])
        drop_hand(room=room, user_id=user_id, now=timezone.now(), actor=actor)
        append_event(room_id=room.pk, type="member.muted", data=_member_data(member), actor=actor)
    return member


@transaction.atomic
def unmute_member(*, room: Room, actor, user_id: int) -> RoomMember:
    room, member = _target(room.pk, actor, user_id)
    if member.muted:
        member.muted = False
        member.save(update_fields=["muted"])
        append_event(room_id=room.pk, type="member.unmuted", data=_member_data(member), actor=actor)
    return member


@transaction.atomic
def remove_member(*, room: Room, actor, user_id: int, reason: str) -> RoomMember:
    """The member leaves and may not come back; their open connections close (the consumer sees the event)."""
    room, member = _target(room.pk, actor, user_id)
    reason = reason.strip()[:300]
    if not reason:
        raise ValidationError(_("A reason is required; it stays on record."), code="reason_required")
    if member.removed_at is None:
        now = timezone.now()
        member.removed_at, member.removed_by, member.removed_reason = now, actor, reason
        member.save(update_fields=["removed_at", "removed_by", "removed_reason"])
        drop_hand(room=room, user_id=user_id, now=now, actor=actor)
        append_event(room_id=room.pk, type="member.removed", data=_member_data(member), actor=actor)
        # a jury's rooms: removed from one, removed from both (juries connect the receiver)
        signals.member_removed.send(sender=Room, room=room, user_id=user_id, actor=actor, reason=reason)
    return member
