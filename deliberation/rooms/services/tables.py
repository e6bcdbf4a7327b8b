"""Tables (breakout groups): split the people present into tables, table chat, summaries, bring everyone back.

The facilitator splits the participants present now into tables of about N (the last tables may be
one smaller, never larger): at random, or balanced by district, age band and gender as far as the
people present allow. Table facilitators present (members with that role) are spread one per table
first and lead it. Each table chats among itself (services.chat with ``to_table``) and sends one
summary to the plenary, which it may rewrite until the facilitator brings everyone back. Who sat
where, the table chat and the summaries stay on record. Ending the room closes its tables.
"""

import math
import random
from collections import Counter
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.demographics import age_band

from deliberation.rooms import rules
from deliberation.rooms.realtime.events import append_event
from deliberation.rooms.models import TABLE_SUMMARY_MAX, Room, RoomMember, Table, TableSeat
from deliberation.rooms.states import MemberRole, RoomState
from deliberation.rooms.services.chat import clean_chat_text
from deliberation.rooms.services.locking import lock_room, lock_room_for_facilitator
from deliberation.rooms.services.presence import present_members

MIN_SIZE, MAX_SIZE = 2, 30
METHODS = ("random", "balanced")
BALANCE_FIELDS = ("district", "age_band", "gender")


class TableError(ValidationError):
    """A table move that cannot happen (nobody to split, no such table, a closed table); the message says which."""


def open_tables(room_id: int):
    return Table.objects.filter(room_id=room_id, closed_at__isnull=True).order_by("number")


def tables_data(room_id: int) -> list[dict]:
    """The open tables with their members now, in number order (for hello and the tables.* events)."""
    tables = list(open_tables(room_id))
    seats = (TableSeat.objects.filter(table__in=tables, left_at__isnull=True).select_related("user")
             .order_by("seated_at", "pk"))
    members: dict[int, list] = {t.pk: [] for t in tables}
    for seat in seats:
        members[seat.table_id].append({"user_id": seat.user_id, "name": seat.user.public_name})
    return [{"id": t.pk, "number": t.number, "facilitator_id": t.facilitator_id, "members": members[t.pk],
             "summary": t.summary} for t in tables]


def seat_of(room_id: int, user_id: int) -> TableSeat | None:
    """Where ``user_id`` sits now (an open table of the room), or None in the plenary."""
    return (TableSeat.objects.select_related("table")
            .filter(table__room_id=room_id, table__closed_at__isnull=True, left_at__isnull=True, user_id=user_id)
            .first())


def readable_tables(room: Room, user) -> list[int] | None:
    """The tables whose chat ``user`` may read: every table (None) for the facilitator, else those they sat at."""
    if rules.is_facilitator(user, room):
        return None
    return list(TableSeat.objects.filter(table__room=room, user=user).values_list("table_id", flat=True))


def _profile_key(user, field: str) -> str:
    return age_band(user.birth_year) if field == "age_band" else getattr(user, field) or ""


def table_sizes(total: int, size: int) -> list[int]:
    """As many tables as ``total`` people need at ``size`` a table, sizes differing by at most one."""
    count = max(1, math.ceil(total / size))
    return [total // count + (1 if i < total % count else 0) for i in range(count)]


def assign(people: list, capacity: list[int], method: str, rng: random.Random,
           seated: list[list] | None = None) -> list[list]:
    """People -> tables with the given free seats (``seated``: who already sits at each, e.g. its lead).

    ``balanced``: each person, in random order, goes to the table with a free seat where fewest
    already share their district, age band and gender (summed), then to the emptiest table; then
    random swaps that lower the sum of squared shared counts improve the mix. Unknown profile fields
    match nobody. ``random``: a shuffle dealt round the free seats. People who already sit (a
    table's lead) are never moved.
    """
    people = list(people)
    rng.shuffle(people)
    tables: list[list] = [[] for _ in capacity]
    if method == "random":
        turn = 0
        for person in people:  # dealt round the tables, skipping full ones (the seats add up to the people)
            while len(tables[turn % len(capacity)]) >= capacity[turn % len(capacity)]:
                turn += 1
            tables[turn % len(capacity)].append(person)
            turn += 1
        return tables
    keys = {id(p): [(f, _profile_key(p, f)) for f in BALANCE_FIELDS if _profile_key(p, f)]
            for p in people + [q for sitting in seated or [] for q in sitting]}
    seen = [Counter() for _ in capacity]
    for i, sitting in enumerate(seated or []):
        for person in sitting:
            seen[i].update(keys[id(person)])
    for person in people:
        free = [i for i in range(len(capacity)) if len(tables[i]) < capacity[i]]
        best = min(free, key=lambda i: (sum(seen[i][k] for k in keys[id(person)]), len(tables[i]), rng.random()))
        tables[best].append(person)
        seen[best].update(keys[id(person)])
    _improve_by_swaps(tables, seen, keys, rng)
    return tables


def _improve_by_swaps(tables: list[list], seen: list[Counter], keys: dict, rng: random.Random) -> None:
    """Swap pairs of people between tables while that lowers the sum of squared counts of shared values.

    The greedy pass can paint itself into a corner (the last seats go to whoever is left); random
    swaps that make some table more mixed and none less, tried a bounded number of times, fix most of it.
    """
    if len(tables) < 2:
        return

    def move(person, src: int, dst: int) -> int:
        change = 0
        for k in keys[id(person)]:
            change += (seen[src][k] - 1) ** 2 - seen[src][k] ** 2 + (seen[dst][k] + 1) ** 2 - seen[dst][k] ** 2
            seen[src][k] -= 1
            seen[dst][k] += 1
        return change

    attempts = min(50_000, 40 * sum(len(t) for t in tables))
    for _attempt in range(attempts):
        i, j = rng.sample(range(len(tables)), 2)
        if not tables[i] or not tables[j]:
            continue
        a, b = rng.randrange(len(tables[i])), rng.randrange(len(tables[j]))
        pa, pb = tables[i][a], tables[j][b]
        change = move(pa, i, j) + move(pb, j, i)
        if change < 0:
            tables[i][a], tables[j][b] = pb, pa
        else:
            move(pa, j, i)
            move(pb, i, j)


@transaction.atomic
def split_into_tables(*, room: Room, actor, size: int, method: str, seed: int | None = None) -> list[Table]:
    """Seat the participants present now at tables of about ``size``; table facilitators lead one each."""
    room = lock_room_for_facilitator(room.pk, actor)
    if room.state != RoomState.LIVE:
        raise TableError(_("Tables can be formed only while the room is live."), code="not_live")
    if not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE:
        raise TableError(_("A table seats between %(min)d and %(max)d people.") % {"min": MIN_SIZE, "max": MAX_SIZE},
                         code="invalid")
    if method not in METHODS:
        raise TableError(_("Tables are formed at random or balanced."), code="invalid")
    if open_tables(room.pk).exists():
        raise TableError(_("The room is already at tables; bring everyone back first."), code="tables_open")
    now = timezone.now()
    members = list(present_members(room.pk, now).exclude(user_id=room.facilitator_id)
                   .exclude(role__in=[MemberRole.OBSERVER, MemberRole.SPEAKER]).select_related("user")
                   .order_by("pk"))
    if len(members) < MIN_SIZE:
        raise TableError(_("At least %(n)d participants must be present to form tables.") % {"n": MIN_SIZE},
                         code="too_few")
    rng = random.Random(seed) if seed is not None else random.SystemRandom()
    sizes = table_sizes(len(members), size)
    leads = [m.user for m in members if m.role == MemberRole.TABLE_FACILITATOR]
    rng.shuffle(leads)
    leads, extra = leads[:len(sizes)], leads[len(sizes):]  # one lead a table; the others sit as participants
    people = [m.user for m in members if m.role != MemberRole.TABLE_FACILITATOR] + extra
    seated = [[leads[i]] if i < len(leads) else [] for i in range(len(sizes))]
    groups = assign(people, [n - len(seated[i]) for i, n in enumerate(sizes)], method, rng, seated)
    tables = []
    for number, (lead, group) in enumerate(zip(seated, groups), start=1):
        table = Table.objects.create(room=room, number=number, round=room.current_round,
                                     facilitator=lead[0] if lead else None, opened_at=now)
        TableSeat.objects.bulk_create([TableSeat(table=table, user=u, seated_at=now) for u in lead + group])
        tables.append(table)
    RoomMember.objects.filter(pk__in=[m.pk for m in members]).update(presence_changed_at=now)
    append_event(room_id=room.pk, type="tables.opened", actor=actor,
                 data={"tables": tables_data(room.pk), "method": method, "size": size,
                       "server_time": now.isoformat()})
    return tables


def _open_table(room: Room, table_id: int) -> Table:
    table = Table.objects.select_for_update().filter(pk=table_id, room=room).first()
    if table is None:
        raise TableError(_("There is no such table in this room."), code="no_table")
    if table.closed_at is not None:
        raise TableError(_("This table has closed."), code="table_closed")
    return table


@transaction.atomic
def move_to_table(*, room: Room, actor, user_id: int, table_id: int) -> TableSeat:
    """Seat someone (a late arrival, or to even out tables) at an open table; they leave their current one."""
    room = lock_room_for_facilitator(room.pk, actor)
    table = _open_table(room, table_id)
    member = RoomMember.objects.filter(room=room, user_id=user_id, removed_at__isnull=True).first()
    if member is None or member.role == MemberRole.OBSERVER:
        raise TableError(_("Only participants of this room can sit at a table."), code="not_member")
    now = timezone.now()
    current = seat_of(room.pk, user_id)
    if current is not None and current.table_id == table.pk:
        return current
    if current is not None:
        current.left_at = now
        current.save(update_fields=["left_at"])
        Table.objects.filter(pk=current.table_id, facilitator_id=user_id).update(facilitator=None)
    seat, _created = TableSeat.objects.update_or_create(table=table, user_id=user_id,
                                                        defaults={"left_at": None, "seated_at": now})
    RoomMember.objects.filter(pk=member.pk).update(presence_changed_at=now)
    append_event(room_id=room.pk, type="tables.updated", actor=actor, data={"tables": tables_data(room.pk)})
    return seat


@transaction.atomic
def set_table_facilitator(*, room: Room, actor, table_id: int, user_id: int) -> Table:
    room = lock_room_for_facilitator(room.pk, actor)
    table = _open_table(room, table_id)
    if not table.seats.filter(user_id=user_id, left_at__isnull=True).exists():
        raise TableError(_("The table facilitator must sit at that table."), code="not_seated")
    table.facilitator_id = user_id
    table.save(update_fields=["facilitator"])
    append_event(room_id=room.pk, type="tables.updated", actor=actor, data={"tables": tables_data(room.pk)})
    return table


@transaction.atomic
def submit_summary(*, room: Room, user, table_id: int, body: str) -> Table:
    """The table's summary for the plenary: by its facilitator, or any member when it has none."""
    room = lock_room(room.pk)
    table = _open_table(room, table_id)
    seated = table.seats.filter(user=user, left_at__isnull=True).exists()
    if not rules.is_facilitator(user, room):
        if not seated:
            raise PermissionDenied(_("Only the table's members can write its summary."))
        if table.facilitator_id is not None and table.facilitator_id != user.pk:
            raise PermissionDenied(_("The table's facilitator writes its summary."))
    text = clean_chat_text(body, limit=TABLE_SUMMARY_MAX)
    now = timezone.now()
    table.summary, table.summary_by, table.summary_at = text, user, now
    table.save(update_fields=["summary", "summary_by", "summary_at"])
    append_event(room_id=room.pk, type="table.summary", actor=user,
                 data={"table_id": table.pk, "number": table.number, "body": text, "author_id": user.pk,
                       "author": user.public_name})
    return table


def close_tables(*, room: Room, now: datetime, actor=None) -> int:
    """Close the room's open tables (the room is locked by the caller); their summaries go to the plenary."""
    tables = list(open_tables(room.pk).select_for_update())
    if not tables:
        return 0
    Table.objects.filter(pk__in=[t.pk for t in tables]).update(closed_at=now)
    RoomMember.objects.filter(room=room, user__in=TableSeat.objects.filter(
        table__in=tables, left_at__isnull=True).values("user")).update(presence_changed_at=now)
    append_event(room_id=room.pk, type="tables.closed", actor=actor,
                 data={"tables": [{"id": t.pk, "number": t.number, "summary": t.summary} for t in tables],
                       "server_time": now.isoformat()})
    return len(tables)


@transaction.atomic
def bring_back(*, room: Room, actor) -> int:
    """Everyone back to the plenary; returns how many tables closed."""
    room = lock_room_for_facilitator(room.pk, actor)
    closed = close_tables(room=room, now=timezone.now(), actor=actor)
    if not closed:
        raise TableError(_("The room is not at tables."), code="no_tables")
    return closed
