"""Tables (breakout): splitting who is present, balance, table chat's audience, summaries, bringing back."""

import random
from collections import Counter

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.demographics import age_band
from deliberation.rooms import selectors, services
from deliberation.rooms.realtime.events import events_after
from deliberation.rooms.models import ChatMessage, Room, RoomEvent, RoomMember, Table, TableSeat
from deliberation.rooms.services.tables import TableError, assign, table_sizes
from deliberation.rooms.states import MemberRole
from tests.factories import ResidentFactory, RoomFactory, UserFactory

from tests.deliberation.sockets import communicator, enter, receive, until

pytestmark = pytest.mark.django_db


def _present(room: Room, n: int, role: str = MemberRole.PARTICIPANT, **profile) -> list:
    """``n`` members who are in the room now (one open connection each)."""
    users = []
    for _ in range(n):
        user = ResidentFactory(**profile)
        RoomMember.objects.create(room=room, user=user, role=role, connections=1, seen_at=timezone.now())
        users.append(user)
    return users


def _split(room, size=3, method="random", seed=1):
    return services.split_into_tables(room=room, actor=room.facilitator, size=size, method=method, seed=seed)


# --- Splitting ------------------------------------------------------------------------------------


@pytest.mark.parametrize("total,size,expected", [(10, 4, [4, 3, 3]), (9, 3, [3, 3, 3]), (2, 10, [2]),
                                                 (11, 5, [4, 4, 3]), (31, 10, [8, 8, 8, 7])])
def test_table_sizes_never_exceed_n_and_differ_by_at_most_one(total, size, expected):
    assert table_sizes(total, size) == expected


def test_a_split_seats_everyone_present_once_and_nobody_absent():
    room = RoomFactory(stage="live")
    here = _present(room, 10)
    away = ResidentFactory()  # a member whose last connection closed
    RoomMember.objects.create(room=room, user=away, connections=0, seen_at=timezone.now())
    stale = ResidentFactory()  # a connection that has not shown life for minutes (a crashed server)
    RoomMember.objects.create(room=room, user=stale, connections=1,
                              seen_at=timezone.now() - timezone.timedelta(minutes=5))
    observer = _present(room, 1, role=MemberRole.OBSERVER)[0]

    tables = _split(room, size=4)

    seated = list(TableSeat.objects.filter(table__room=room).values_list("user_id", flat=True))
    assert sorted(seated) == sorted(u.pk for u in here)
    assert [t.seats.count() for t in tables] == [4, 3, 3]
    assert not {away.pk, stale.pk, observer.pk, room.facilitator_id} & set(seated)
    event = RoomEvent.objects.filter(room=room, type="tables.opened").get()
    assert [len(t["members"]) for t in event.data["tables"]] == [4, 3, 3]
    assert event.data["method"] == "random" and event.data["size"] == 4


def test_balanced_tables_mix_districts_genders_and_age_bands_as_far_as_possible():
    room = RoomFactory(stage="live")
    # 12 people: 6 from Jongno and 6 from Gangnam; 6 women and 6 men; 6 in their twenties, 6 in their sixties.
    this_year = timezone.now().year
    for district in ("jongno", "gangnam"):
        for gender in ("female", "male"):
            for born in (this_year - 25, this_year - 65, this_year - 25 if gender == "female" else this_year - 65):
                _present(room, 1, district=district, gender=gender, birth_year=born)

    tables = _split(room, size=4, method="balanced", seed=7)

    for table in tables:
        people = [s.user for s in table.seats.select_related("user")]
        assert len(people) == 4
        for field in ("district", "gender"):
            assert sorted(Counter(getattr(p, field) for p in people).values()) == [2, 2], (field, people)
        assert set(Counter(age_band(p.birth_year) for p in people).values()) <= {1, 2, 3}


def test_balancing_beats_chance_over_many_splits():
    """The balanced method puts fewer people of one district together than a random deal does."""
    class P:
        def __init__(self, district):
            self.district, self.gender, self.birth_year = district, "", None

    people = [P(d) for d in "AAAAAABBBBBBCCCCCC"]

    def worst(method, seed):
        tables = assign(people, [6, 6, 6], method, random.Random(seed))
        return max(max(Counter(p.district for p in t).values()) for t in tables)

    assert all(worst("balanced", seed) == 2 for seed in range(50))
    assert sum(worst("random", seed) for seed in range(50)) > 2 * 50


def test_table_facilitators_lead_one_table_each():
    room = RoomFactory(stage="live")
    leads = _present(room, 2, role=MemberRole.TABLE_FACILITATOR)
    _present(room, 6)

    tables = _split(room, size=4)

    assert sorted(t.facilitator_id for t in tables) == sorted(u.pk for u in leads)
    assert all(t.seats.filter(user_id=t.facilitator_id).exists() for t in tables)


@pytest.mark.parametrize("case", ["too-few", "bad-size", "bad-method", "already-split", "not-live"])
def test_a_split_that_cannot_happen_is_refused_and_changes_nothing(case):
    room = RoomFactory(stage="open" if case == "not-live" else "live")
    _present(room, 1 if case == "too-few" else 4)
    if case == "already-split":
        _split(room, size=2)
    before = Table.objects.count()
    with pytest.raises(TableError):
        _split(room, size=1 if case == "bad-size" else 2, method="by-hair-colour" if case == "bad-method" else "random")
    assert Table.objects.count() == before


def test_only_the_rooms_facilitator_splits_moves_and_brings_back():
    room = RoomFactory(stage="live")
    citizen, other = _present(room, 2)
    other_facilitator = RoomFactory().facilitator
    for actor in (citizen, other_facilitator):
        with pytest.raises(PermissionDenied):
            services.split_into_tables(room=room, actor=actor, size=2, method="random")
    table = _split(room, size=2)[0]
    for actor in (citizen, other_facilitator):
        with pytest.raises(PermissionDenied):
            services.move_to_table(room=room, actor=actor, user_id=citizen.pk, table_id=table.pk)
        with pytest.raises(PermissionDenied):
            services.set_table_facilitator(room=room, actor=actor, table_id=table.pk, user_id=citizen.pk)
        with pytest.raises(PermissionDenied):
            services.bring_back(room=room, actor=actor)
    assert Table.objects.filter(room=room, closed_at__isnull=True).count() == 1


# --- Moving, summaries, bringing back ---------------------------------------------------------------


def test_a_late_arrival_is_seated_and_a_move_leaves_the_old_table():
    room = RoomFactory(stage="live")
    _present(room, 4)
    first, second = _split(room, size=2)
    late = _present(room, 1)[0]

    services.move_to_table(room=room, actor=room.facilitator, user_id=late.pk, table_id=first.pk)
    services.move_to_table(room=room, actor=room.facilitator, user_id=late.pk, table_id=second.pk)

    assert selectors.tables_data(room.pk)[1]["members"][-1]["user_id"] == late.pk
    assert late.pk not in [m["user_id"] for m in selectors.tables_data(room.pk)[0]["members"]]
    assert TableSeat.objects.get(table=first, user=late).left_at is not None  # the record keeps where they sat
    assert RoomEvent.objects.filter(room=room, type="tables.updated").count() == 2


def test_the_summary_is_written_by_the_table_facilitator_or_a_member_of_a_table_without_one():
    room = RoomFactory(stage="live")
    lead = _present(room, 1, role=MemberRole.TABLE_FACILITATOR)[0]
    _present(room, 3)
    led, plain = _split(room, size=2)
    member_of_led = next(s.user for s in led.seats.exclude(user=lead))
    member_of_plain = plain.seats.first().user

    with pytest.raises(PermissionDenied):  # the lead writes it
        services.submit_summary(room=room, user=member_of_led, table_id=led.pk, body="We agree")
    with pytest.raises(PermissionDenied):  # not their table
        services.submit_summary(room=room, user=member_of_plain, table_id=led.pk, body="We agree")
    services.submit_summary(room=room, user=lead, table_id=led.pk, body="  Parks first  ")
    services.submit_summary(room=room, user=member_of_plain, table_id=plain.pk, body="Buses")
    services.submit_summary(room=room, user=member_of_plain, table_id=plain.pk, body="Buses, then parks")

    led.refresh_from_db()
    plain.refresh_from_db()
    assert (led.summary, led.summary_by) == ("Parks first", lead)
    assert plain.summary == "Buses, then parks"
    summary = RoomEvent.objects.filter(room=room, type="table.summary").last()
    assert summary.table_id is None  # summaries go to the plenary
    assert summary.data["number"] == plain.number and summary.data["body"] == "Buses, then parks"


def test_bringing_everyone_back_closes_the_tables_with_their_summaries_and_keeps_the_record():
    room = RoomFactory(stage="live")
    _present(room, 4)
    first, _second = _split(room, size=2)
    services.submit_summary(room=room, user=first.seats.first().user, table_id=first.pk, body="Summary one")

    assert services.bring_back(room=room, actor=room.facilitator) == 2

    closed = RoomEvent.objects.get(room=room, type="tables.closed")
    assert [t["summary"] for t in closed.data["tables"]] == ["Summary one", ""]
    assert selectors.tables_data(room.pk) == []
    assert TableSeat.objects.filter(table__room=room).count() == 4
    with pytest.raises(TableError):
        services.bring_back(room=room, actor=room.facilitator)
    with pytest.raises(TableError):
        services.submit_summary(room=room, user=room.facilitator, table_id=first.pk, body="late")


def test_ending_the_room_closes_its_tables():
    room = RoomFactory(stage="live")
    _present(room, 2)
    _split(room, size=2)
    services.end_room(room=room, actor=room.facilitator)
    assert not Table.objects.filter(room=room, closed_at__isnull=True).exists()
    types = list(RoomEvent.objects.filter(room=room).order_by("seq").values_list("type", flat=True))
    assert types.index("tables.closed") < types.index("room.ended")


# --- Table chat -------------------------------------------------------------------------------------


def test_table_chat_is_stored_for_the_table_and_refused_to_someone_not_seated():
    room = RoomFactory(stage="live")
    people = _present(room, 4)
    first, _second = _split(room, size=2)
    author = first.seats.first().user
    services.post_message(room=room, author=author, body="only us", to_table=True)
    message = ChatMessage.objects.get(room=room)
    assert message.table == first
    assert RoomEvent.objects.get(room=room, seq=message.seq).table == first
    services.bring_back(room=room, actor=room.facilitator)
    with pytest.raises(Exception) as refused:
        services.post_message(room=room, author=people[0], body="anyone?", to_table=True)
    assert refused.value.code == "no_table"


def test_resume_gives_a_person_their_tables_chat_and_not_the_others():
    room = RoomFactory(stage="live")
    _present(room, 4)
    first, second = _split(room, size=2)
    here, there = first.seats.first().user, second.seats.first().user
    services.post_message(room=room, author=here, body="first table", to_table=True)
    services.post_message(room=room, author=there, body="second table", to_table=True)
    services.post_message(room=room, author=there, body="everyone", to_table=False)

    def bodies(user):
        tables = selectors.readable_tables(Room.objects.get(pk=room.pk), user)
        return [e["data"]["body"] for e in events_after(room_id=room.pk, seq=0, tables=tables)
                if e["type"] == "chat.message"]

    assert bodies(here) == ["first table", "everyone"]
    assert bodies(there) == ["second table", "everyone"]
    assert bodies(room.facilitator) == ["first table", "second table", "everyone"]


@pytest.mark.django_db(transaction=True)
def test_over_the_socket_table_chat_reaches_the_table_and_the_facilitator_only():
    room = RoomFactory(stage="live")
    alice, bob, carol, dave = (UserFactory() for _ in range(4))
    sockets = {u: communicator(room.pk, u) for u in (alice, bob, carol, dave, room.facilitator)}

    async def scenario():
        for ws in sockets.values():
            await enter(ws)
        facilitator = sockets[room.facilitator]
        await facilitator.send_json_to({"type": "tables.split", "data": {"size": 2, "method": "random"}})
        opened = {u: (await until(ws, "tables.opened")) for u, ws in sockets.items()}
        tables = opened[alice]["data"]["tables"]
        table_of = {m["user_id"]: t["id"] for t in tables for m in t["members"]}
        mate = next(u for u in (bob, carol, dave) if table_of[u.pk] == table_of[alice.pk])
        stranger = next(u for u in (bob, carol, dave) if u is not mate)
        await sockets[alice].send_json_to({"type": "chat.send", "data": {"body": "just us", "table": True}})
        got = {u: await until(sockets[u], "chat.message") for u in (alice, mate, room.facilitator)}
        await sockets[stranger].send_json_to({"type": "ping"})
        stranger_frames = []
        while (frame := await receive(sockets[stranger]))["type"] != "pong":
            stranger_frames.append(frame)
        await facilitator.send_json_to({"type": "tables.bring_back"})
        closed = await until(sockets[alice], "tables.closed")
        for ws in sockets.values():
            await ws.disconnect()
        return tables, table_of, got, stranger_frames, closed

    tables, table_of, got, stranger_frames, closed = async_to_sync(scenario)()
    assert sorted(len(t["members"]) for t in tables) == [2, 2]
    assert len(table_of) == 4 and room.facilitator_id not in table_of
    assert {f["data"]["body"] for f in got.values()} == {"just us"}
    assert {f["data"]["table_id"] for f in got.values()} == {table_of[alice.pk]}
    assert not [f for f in stranger_frames if f["type"] == "chat.message"]
    assert len(closed["data"]["tables"]) == 2


@pytest.mark.django_db(transaction=True)
def test_bad_table_frames_get_error_frames_and_store_nothing():
    room = RoomFactory(stage="live")
    citizen = UserFactory()
    ws, facilitator = communicator(room.pk, citizen), communicator(room.pk, room.facilitator)
    frames = [
        (ws, {"type": "tables.split", "data": {"size": 3, "method": "random"}}, "forbidden"),
        (facilitator, {"type": "tables.split", "data": {"size": 1, "method": "random"}}, "invalid_field"),
        (facilitator, {"type": "tables.split", "data": {"size": "4", "method": "random"}}, "invalid_field"),
        (facilitator, {"type": "tables.split", "data": {"size": 4, "method": "random"}}, "too_few"),
        (facilitator, {"type": "tables.bring_back"}, "no_tables"),
        (ws, {"type": "tables.summary", "data": {"table_id": 999, "body": "x"}}, "no_table"),
        (ws, {"type": "tables.summary", "data": {"table_id": 1, "body": "x" * 2001}}, "too_long"),
        (ws, {"type": "chat.send", "data": {"body": "x", "table": "yes"}}, "invalid_field"),
        (ws, {"type": "chat.send", "data": {"body": "x", "table": True}}, "no_table"),
    ]

    async def scenario():
        await enter(ws)
        await enter(facilitator)
        codes = []
        for sender, frame, _code in frames:
            await sender.send_json_to(frame)
            codes.append((await until(sender, "error"))["code"])
        await sender.send_json_to({"type": "ping"})
        await until(sender, "pong")  # still connected
        await ws.disconnect()
        await facilitator.disconnect()
        return codes

    assert async_to_sync(scenario)() == [code for _ws, _frame, code in frames]
    assert not Table.objects.exists() and not ChatMessage.objects.exists()
