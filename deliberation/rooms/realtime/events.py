"""How a room's domain event becomes a broadcast: persist with the next per-room seq, send after commit.

Nothing else in the code calls the channel layer for rooms. ``append_event`` takes the room row's
lock (the UPDATE of ``last_seq``) until its transaction ends, so seq order is commit order; the
broadcast leaves only after the commit, so nobody hears of a change that rolled back.
"""

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F, Q

from realtime.fanout import publish_soon
from realtime.loops import serving_loop

from deliberation.rooms.models import Room, RoomEvent


def group_name(room_id: int) -> str:
    return f"room.{room_id}"


def envelope(event: RoomEvent) -> dict:
    """The frame every client receives: {"type", "seq", "data"} (docs/realtime-protocol.md)."""
    return {"type": event.type, "seq": event.seq, "data": event.data}


def append_event(*, room_id: int, type: str, data: dict, actor=None, table_id: int | None = None) -> RoomEvent:
    """Store the event with the room's next sequence number and broadcast it once committed.

    ``table_id`` narrows the audience to that table's members and the facilitator (table chat).
    """
    with transaction.atomic():
        Room.objects.filter(pk=room_id).update(last_seq=F("last_seq") + 1)
        seq = Room.objects.filter(pk=room_id).values_list("last_seq", flat=True).get()
        event = RoomEvent.objects.create(room_id=room_id, seq=seq, type=type, data=data, actor=actor,
                                         table_id=table_id)
    transaction.on_commit(lambda: broadcast(event))
    return event


def broadcast(event: RoomEvent) -> None:
    """One message to the room's group; each server process orders it and hands it to its sockets (fanout).

    In a server process (a database thread of a consumer) the event loop publishes it and this
    returns at once (realtime.fanout.Publisher); elsewhere (Celery, the embedded sweeper, a shell) it is
    sent here and now.
    """
    message = {"type": "room.event", "event": envelope(event), "table_id": event.table_id}
    loop = serving_loop()
    if loop is not None:
        publish_soon(loop, group_name(event.room_id), message)
        return
    async_to_sync(get_channel_layer().group_send)(group_name(event.room_id), message)


def events_after(*, room_id: int, seq: int, upto: int | None = None, tables=None, with_table: bool = False,
                 limit: int = 1000) -> list[dict]:
    """The logged events after ``seq`` (up to ``upto``), in order: what a reconnecting client missed.

    ``tables``: the table ids whose chat this person may read (None: every table, for the facilitator).
    ``with_table``: the broadcast form ``{"event", "table_id"}`` instead of bare envelopes (fanout).
    """
    events = RoomEvent.objects.filter(room_id=room_id, seq__gt=seq).order_by("seq")
    if upto is not None:
        events = events.filter(seq__lte=upto)
    if tables is not None:
        events = events.filter(Q(table__isnull=True) | Q(table_id__in=tables))
    if with_table:
        return [{"event": envelope(e), "table_id": e.table_id} for e in events[:limit]]
    return [envelope(e) for e in events[:limit]]
