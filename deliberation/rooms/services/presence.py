"""Presence: who is in the room now, and at which table; coalesced so a crowd arriving costs few frames.

Each WebSocket connection counts on its RoomMember row (``connections``), and shows life through
``seen_at`` (on connect and on the client's pings). Someone is present while they have a connection
seen in the last PRESENCE_STALE: a server that crashed cannot keep people present for ever.

Joins and leaves are not broadcast one by one: 3,000 people arriving would be 3,000 events for
3,000 sockets. Each change stamps ``presence_changed_at``; at most once per PRESENCE_INTERVAL a
``presence.updated`` event lists the members changed since the last one, with their current state.
The flush runs right away when the last one is older than the interval; else the server process
that saw the change sends it at the end of the interval (the consumer schedules it, once per room
per process), and the sweep sends anything a process did not live to send. The list overlaps the
previous one by PRESENCE_OVERLAP, so a change that committed late is not missed (a repeat is
harmless: the entries are states, not deltas).
"""

from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from deliberation.rooms.realtime.events import append_event
from deliberation.rooms.selectors import (
    PRESENCE_LIST_MAX, _open_table_of, member_entry, present_members,
)
from deliberation.rooms.models import Room, RoomEvent, RoomMember
from deliberation.rooms.services.locking import lock_room

PRESENCE_INTERVAL = timedelta(seconds=1)
PRESENCE_OVERLAP = timedelta(seconds=2)
HEARTBEAT_EVERY = timedelta(seconds=45)  # the client pings every 25 s; a write every other ping at most


def connected_many(*, room_id: int, user_ids: list[int]) -> bool:
    """Sockets of these people joined the room (one each); True when the change waits (see connected)."""
    now = timezone.now()
    for count, ids in _by_count(user_ids).items():  # two tabs of one person arriving together count twice
        RoomMember.objects.filter(room_id=room_id, user_id__in=ids).update(
            connections=F("connections") + count, seen_at=now, presence_changed_at=now)
    return _soon(room_id, now)


def _by_count(user_ids) -> dict[int, list[int]]:
    """{how many times: the ids that many times}, so one UPDATE per multiplicity adds the right count."""
    grouped: dict[int, list[int]] = {}
    for user_id, count in Counter(user_ids).items():
        grouped.setdefault(count, []).append(user_id)
    return grouped


def connected(*, room_id: int, user) -> bool:
    """A socket of ``user`` joined the room (after services.join made the membership).

    Returns True when the change waits for the next update: the caller runs ``flush_presence``
    PRESENCE_INTERVAL later (the consumer does, in its process; the sweep is the safety net).
    """
    now = timezone.now()
    RoomMember.objects.filter(room_id=room_id, user=user).update(
        connections=F("connections") + 1, seen_at=now, presence_changed_at=now)
    return _soon(room_id, now)


def disconnected_many(departures: list[tuple[int, int]]) -> list[bool]:
    """Sockets left (``(room_id, user_id)`` each, repeats for several tabs); for each, True when its room's
    change waits for the next update."""
    now = timezone.now()
    rooms: dict[int, list[int]] = {}
    for room_id, user_id in departures:
        rooms.setdefault(room_id, []).append(user_id)
    pending = {}
    for room_id, user_ids in rooms.items():
        for count, ids in _by_count(user_ids).items():
            RoomMember.objects.filter(room_id=room_id, user_id__in=ids).update(
                connections=Greatest(F("connections") - count, 0), presence_changed_at=now)
        pending[room_id] = _soon(room_id, now)
    return [pending[room_id] for room_id, _user_id in departures]


def disconnected(*, room_id: int, user) -> bool:
    """A socket of ``user`` left; returns True when the change waits for the next update (see connected)."""
    now = timezone.now()
    RoomMember.objects.filter(room_id=room_id, user=user).update(
        connections=Greatest(F("connections") - 1, 0), presence_changed_at=now)
    return _soon(room_id, now)


def heartbeat(*, room_id: int, user, tables=None) -> int:
    """A ping: keep this person present; returns the last seq they may see (so the client can tell a loss).

    ``tables``: the tables whose chat they read (None: all); other tables' chat does not count, or a
    client would think it lost what it may not see.
    """
    now = timezone.now()
    RoomMember.objects.filter(room_id=room_id, user=user, connections__gt=0).filter(
        Q(seen_at__isnull=True) | Q(seen_at__lt=now - HEARTBEAT_EVERY)).update(seen_at=now)
    if tables is None:
        return Room.objects.filter(pk=room_id).values_list("last_seq", flat=True).first() or 0
    visible = RoomEvent.objects.filter(room_id=room_id).filter(Q(table__isnull=True) | Q(table_id__in=tables))
    return visible.order_by("-seq").values_list("seq", flat=True).first() or 0


def _soon(room_id: int, now: datetime) -> bool:
    """Flush now if the last update is a second old; else True: the caller flushes at the second's end."""
    sent = Room.objects.filter(pk=room_id).values_list("presence_sent_at", flat=True).first()
    if sent is None or now - sent >= PRESENCE_INTERVAL:
        flush_presence(room_id=room_id, now=now)
        return False
    return True


def flush_presence(*, room_id: int, now: datetime | None = None) -> bool:
    """Send ``presence.updated`` if anyone changed since the last one and it is a second old. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        room = lock_room(room_id)
        if room.presence_sent_at is not None and now - room.presence_sent_at < PRESENCE_INTERVAL:
            return False
        changed = RoomMember.objects.filter(room=room, presence_changed_at__isnull=False)
        if room.presence_sent_at is not None:
            changed = changed.filter(presence_changed_at__gt=room.presence_sent_at - PRESENCE_OVERLAP)
            if not changed.filter(presence_changed_at__gt=room.presence_sent_at).exists():
                return False
        total = changed.count()
        if not total:
            return False
        members = [member_entry(m, now, m.table_id) for m in
                   changed.select_related("user").annotate(table_id=Subquery(_open_table_of()))
                   .order_by("-presence_changed_at", "pk")[:PRESENCE_LIST_MAX]]
        append_event(room_id=room.pk, type="presence.updated",
                     data={"members": members, "more": total - len(members),
                           "count": present_members(room.pk, now).count(), "server_time": now.isoformat()})
        Room.objects.filter(pk=room.pk).update(presence_sent_at=now)
    return True


def flush_due_presence(*, now: datetime | None = None) -> int:
    """The sweep: rooms with presence changes not yet sent (a lost task, a restart); returns rooms flushed."""
    now = now or timezone.now()
    newer = RoomMember.objects.filter(room_id=OuterRef("pk")).filter(
        Q(room__presence_sent_at__isnull=True) | Q(presence_changed_at__gt=F("room__presence_sent_at")),
        presence_changed_at__isnull=False)
    due = Room.objects.filter(Exists(newer)).filter(
        Q(presence_sent_at__isnull=True) | Q(presence_sent_at__lte=now - PRESENCE_INTERVAL))
    due = due.values_list("pk", flat=True)
    return sum(flush_presence(room_id=pk, now=now) for pk in list(due))
