"""Presence: connections counted per member, coalesced presence.updated events, stale connections, pings."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.utils import timezone

from deliberation.rooms import services
from deliberation.rooms.models import Room, RoomEvent, RoomMember
from deliberation.rooms.selectors import PRESENCE_LIST_MAX, present_members, presence_data
from tests.factories import ResidentFactory, RoomFactory, UserFactory
from tests.factories import room_member as _member

from tests.deliberation.sockets import communicator, enter, until

pytestmark = pytest.mark.django_db


def _updates(room) -> list[dict]:
    return list(RoomEvent.objects.filter(room=room, type="presence.updated").order_by("seq")
                .values_list("data", flat=True))


def test_the_first_arrival_is_announced_at_once_with_the_count():
    room = RoomFactory(stage="live")
    member = _member(room)

    services.connected(room_id=room.pk, user=member.user)

    [update] = _updates(room)
    assert update["count"] == 1 and update["more"] == 0
    assert update["members"] == [{"user_id": member.user_id, "name": member.user.public_name,
                                  "role": "participant", "present": True, "muted": False, "table_id": None}]


def test_a_crowd_arriving_within_a_second_costs_one_more_event_not_one_each():
    room = RoomFactory(stage="live")
    crowd = [_member(room) for _ in range(30)]

    for member in crowd:
        services.connected(room_id=room.pk, user=member.user)
    sent_so_far = len(_updates(room))
    services.flush_presence(room_id=room.pk, now=timezone.now() + timedelta(seconds=1.5))

    updates = _updates(room)
    assert sent_so_far <= 2  # the first at once, perhaps one more if the loop crossed a second
    assert len(updates) <= sent_so_far + 1
    assert updates[-1]["count"] == 30
    announced = {m["user_id"] for u in updates for m in u["members"] if m["present"]}
    assert announced == {m.user_id for m in crowd}


def _a_second_passes(room) -> None:
    """As if the last presence.updated left a while ago (instead of sleeping)."""
    Room.objects.filter(pk=room.pk).update(presence_sent_at=timezone.now() - timedelta(seconds=1.5))


def test_leaving_is_announced_as_not_present_and_a_second_tab_keeps_someone_present():
    room = RoomFactory(stage="live")
    member = _member(room)

    services.connected(room_id=room.pk, user=member.user)
    services.connected(room_id=room.pk, user=member.user)  # a second tab
    services.disconnected(room_id=room.pk, user=member.user)
    _a_second_passes(room)
    assert services.flush_presence(room_id=room.pk)
    assert _updates(room)[-1]["members"][0]["present"] is True

    services.disconnected(room_id=room.pk, user=member.user)
    services.disconnected(room_id=room.pk, user=member.user)  # never below zero
    _a_second_passes(room)
    assert services.flush_presence(room_id=room.pk)
    last = _updates(room)[-1]
    assert last["members"][0]["present"] is False and last["count"] == 0
    assert RoomMember.objects.get(pk=member.pk).connections == 0


def test_nothing_changed_means_no_event_and_the_flush_is_idempotent():
    room = RoomFactory(stage="live")
    services.connected(room_id=room.pk, user=_member(room).user)
    before = len(_updates(room))
    later = timezone.now() + timedelta(seconds=5)
    assert services.flush_presence(room_id=room.pk, now=later) is False
    assert services.flush_due_presence(now=later) == 0
    assert len(_updates(room)) == before


def test_the_sweep_sends_a_pending_change_whose_task_was_lost():
    room = RoomFactory(stage="live")
    first, second = _member(room), _member(room)
    services.connected(room_id=room.pk, user=first.user)
    services.connected(room_id=room.pk, user=second.user)  # within the second: pending (eager Celery queues none)

    assert services.flush_due_presence(now=timezone.now() + timedelta(seconds=2)) == 1
    assert second.user_id in {m["user_id"] for m in _updates(room)[-1]["members"]}


def test_a_connection_that_stops_showing_life_no_longer_counts_as_present():
    room = RoomFactory(stage="live")
    member = _member(room)
    services.connected(room_id=room.pk, user=member.user)
    assert present_members(room.pk, timezone.now()).count() == 1
    assert present_members(room.pk, timezone.now() + timedelta(minutes=2)).count() == 0


def test_a_ping_keeps_someone_present_and_returns_the_last_seq():
    room = RoomFactory(stage="live")
    member = _member(room)
    services.connected(room_id=room.pk, user=member.user)
    RoomMember.objects.filter(pk=member.pk).update(seen_at=timezone.now() - timedelta(seconds=80))

    last_seq = services.heartbeat(room_id=room.pk, user=member.user)

    assert last_seq == Room.objects.get(pk=room.pk).last_seq
    assert RoomMember.objects.get(pk=member.pk).seen_at > timezone.now() - timedelta(seconds=5)


def test_hello_lists_at_most_the_cap_and_always_the_count():
    room = RoomFactory(stage="live")
    now = timezone.now()
    members = [RoomMember(room=room, user=ResidentFactory(), connections=1, seen_at=now, presence_changed_at=now)
               for _ in range(PRESENCE_LIST_MAX + 5)]
    RoomMember.objects.bulk_create(members)
    data = presence_data(room.pk, now)
    assert data["presence_count"] == PRESENCE_LIST_MAX + 5
    assert len(data["presence"]) == PRESENCE_LIST_MAX


@pytest.mark.django_db(transaction=True)
def test_over_the_socket_hello_shows_who_is_here_and_pong_carries_the_last_seq():
    room = RoomFactory(stage="live")
    alice, bob = UserFactory(), UserFactory()
    first, second = communicator(room.pk, alice), communicator(room.pk, bob)

    async def scenario():
        await enter(first)
        hello = await enter(second)
        await second.send_json_to({"type": "ping"})
        pong = await until(second, "pong")
        await second.disconnect()
        await first.disconnect()
        return hello, pong

    hello, pong = async_to_sync(scenario)()
    assert {p["user_id"] for p in hello["data"]["presence"]} == {alice.pk, bob.pk}
    assert hello["data"]["presence_count"] == 2
    assert hello["data"]["you"] == {"user_id": bob.pk, "name": bob.public_name, "role": "participant",
                                    "is_facilitator": False, "muted": False, "table_id": None}
    assert pong["data"]["last_seq"] >= hello["seq"]
    assert RoomMember.objects.get(room=room, user=alice).connections == 0


def test_a_pong_counts_only_what_this_person_may_see():
    """Another table's chat is not a loss: the last seq a seated person may see ignores it."""
    from deliberation.rooms.models import Table, TableSeat

    room = RoomFactory(stage="live")
    here, there = _member(room), _member(room)
    mine, theirs = (Table.objects.create(room=room, number=n) for n in (1, 2))
    TableSeat.objects.create(table=mine, user=here.user)
    TableSeat.objects.create(table=theirs, user=there.user)
    services.post_message(room=room, author=here.user, body="ours", to_table=True)
    seen = Room.objects.get(pk=room.pk).last_seq
    services.post_message(room=room, author=there.user, body="theirs", to_table=True)

    assert services.heartbeat(room_id=room.pk, user=here.user, tables=[mine.pk]) == seen
    assert services.heartbeat(room_id=room.pk, user=room.facilitator, tables=None) == seen + 1


@pytest.mark.django_db(transaction=True)
def test_over_the_socket_an_arrival_within_the_second_is_announced_by_the_server_at_its_end():
    """No Celery needed: the server process that saw the arrival sends the pending update itself."""
    room = RoomFactory(stage="live")
    alice, bob = UserFactory(), UserFactory()
    first, second = communicator(room.pk, alice), communicator(room.pk, bob)

    async def scenario():
        await enter(first)  # alice's own arrival was announced at once: the window is open now
        await enter(second)  # bob's arrival waits for the window's end
        while True:
            update = await until(first, "presence.updated")
            if bob.pk in {m["user_id"] for m in update["data"]["members"]}:
                break
        await second.disconnect()
        await first.disconnect()
        return update

    update = async_to_sync(scenario)()
    assert update["data"]["count"] == 2


def test_departures_of_one_moment_count_each_tab_and_answer_each_socket():
    room, other_room = RoomFactory(stage="live"), RoomFactory(stage="live")
    both_tabs, one_tab = _member(room), _member(room)
    elsewhere = RoomMember.objects.create(room=other_room, user=ResidentFactory())
    for member, tabs in ((both_tabs, 2), (one_tab, 2), (elsewhere, 1)):
        for _tab in range(tabs):
            services.connected(room_id=member.room_id, user=member.user)

    answers = services.disconnected_many([(room.pk, both_tabs.user_id), (room.pk, one_tab.user_id),
                                          (room.pk, both_tabs.user_id), (other_room.pk, elsewhere.user_id)])

    assert len(answers) == 4 and all(isinstance(a, bool) for a in answers)
    assert answers[0] == answers[1] == answers[2]  # one answer per room, given to each of its sockets
    connections = dict(RoomMember.objects.values_list("pk", "connections"))
    assert (connections[both_tabs.pk], connections[one_tab.pk], connections[elsewhere.pk]) == (0, 1, 0)
