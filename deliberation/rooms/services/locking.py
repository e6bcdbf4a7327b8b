"""What room services share: lock the room row first, check the facilitator, queue exact-time tasks."""

from django.core.exceptions import PermissionDenied

from config.celery import run_at  # noqa: F401 (room services import it from here)

from deliberation.rooms import rules
from deliberation.rooms.models import Room

__all__ = ["lock_room", "lock_room_for_facilitator", "run_at"]  # run_at lives in config.celery


def lock_room(room_id: int) -> Room:
    """The room row, locked until the transaction ends: every change to a room is serialised here."""
    return Room.objects.select_for_update(of=("self",)).select_related("current_round").get(pk=room_id)


def lock_room_for_facilitator(room_id: int, actor) -> Room:
    room = lock_room(room_id)
    refusal = rules.refuse_control(actor, room)
    if refusal:
        raise PermissionDenied(refusal)
    return room
