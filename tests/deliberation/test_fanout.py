"""The fan-out: a room's broadcasts become its events in seq order without holes, once per process."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from deliberation.rooms.realtime.events import append_event, envelope, group_name
from deliberation.rooms.realtime.fanout import RoomFeed
from deliberation.rooms.models import RoomEvent
from tests.factories import RoomFactory, UserFactory

from tests.deliberation.sockets import communicator, enter, until

pytestmark = pytest.mark.django_db(transaction=True)


class Sink:
    def __init__(self):
        self.seqs, self.texts = [], []

    async def deliver(self, event, out, table_id):
        self.seqs.append(event["seq"])
        self.texts.append(out.text)


def _broadcast(event: RoomEvent) -> dict:
    return {"type": "room.event", "event": envelope(event), "table_id": event.table_id}


def test_late_repeated_and_lost_broadcasts_come_out_in_order_once_each():
    room = RoomFactory(stage="live")
    start = room.last_seq
    events = [append_event(room_id=room.pk, type="chat.hidden", data={"seq": i}) for i in range(1, 7)]
    by_seq = {e.seq: e for e in events}
    feed, sink = RoomFeed(room.pk), Sink()
    feed.sinks.add(sink)

    async def scenario():
        feed.base = start  # as if subscribed before these events
        for seq in (start + 1, start + 3, start + 2, start + 3, start + 6, start + 1):
            await feed.push(_broadcast(by_seq[seq]))  # 2 is late, 3 and 1 repeat, 4 and 5 are lost

    async_to_sync(scenario)()
    assert sink.seqs == list(range(start + 1, start + 7))


def test_broadcasts_before_the_subscription_was_known_wait_and_older_ones_are_left_to_the_log():
    room = RoomFactory(stage="live")
    old = append_event(room_id=room.pk, type="chat.hidden", data={"seq": 1})
    feed, sink = RoomFeed(room.pk), Sink()
    feed.sinks.add(sink)

    async def scenario():
        await feed.push(_broadcast(old))  # arrives before start(): held
        newer = await database_sync(lambda: append_event(room_id=room.pk, type="chat.hidden", data={"seq": 2}))
        await feed.start()  # base = the room's last_seq, which already counts ``newer``
        await feed.push(_broadcast(newer))
        latest = await database_sync(lambda: append_event(room_id=room.pk, type="chat.hidden", data={"seq": 3}))
        await feed.push(_broadcast(latest))
        return latest.seq

    latest = async_to_sync(scenario)()
    assert sink.seqs == [latest]  # the rest is in the log, for each client's resume


def database_sync(work):
    from channels.db import database_sync_to_async

    return database_sync_to_async(work)()


def test_one_process_subscribes_once_per_room_however_many_sockets_it_holds(settings):
    settings.ROOM_FANOUT = "local"
    room = RoomFactory(stage="live")
    users = [UserFactory() for _ in range(3)]
    sockets = [communicator(room.pk, u) for u in users]

    async def scenario():
        layer = get_channel_layer()
        for ws in sockets:
            await enter(ws)
        members = await group_size(layer, group_name(room.pk))
        await sockets[0].send_json_to({"type": "chat.send", "data": {"body": "to all three"}})
        frames = [await until(ws, "chat.message") for ws in sockets]
        for ws in sockets:
            await ws.disconnect()
        await until_unsubscribed(layer, group_name(room.pk))
        return members, frames, await group_size(layer, group_name(room.pk))

    members, frames, after = async_to_sync(scenario)()
    assert members == 1
    assert {f["seq"] for f in frames} == {frames[0]["seq"]} and frames[0]["data"]["body"] == "to all three"
    assert after == 0  # the last socket gone, the process left the group


async def group_size(layer, group) -> int:
    """Channels in the group, on the in-memory layer or on Redis (a sorted set per group)."""
    if hasattr(layer, "groups"):
        return len(layer.groups.get(group, {}))
    connection = layer.connection(layer.consistent_hash(group))
    return await connection.zcard(layer._group_key(group))


async def until_unsubscribed(layer, group, tries=50):
    import asyncio

    for _ in range(tries):
        if not await group_size(layer, group):
            return
        await asyncio.sleep(0.02)


@pytest.mark.parametrize("fanout", ["local", "group"])
def test_both_designs_deliver_the_same_events_and_resume_the_same_way(settings, fanout):
    settings.ROOM_FANOUT = fanout
    room = RoomFactory(stage="live")
    alice, bob = UserFactory(), UserFactory()
    a, b, b_again = communicator(room.pk, alice), communicator(room.pk, bob), communicator(room.pk, bob)

    async def scenario():
        await enter(a)
        await enter(b)
        await a.send_json_to({"type": "chat.send", "data": {"body": "one"}})
        seen = (await until(b, "chat.message"))["seq"]
        await b.disconnect()
        await a.send_json_to({"type": "chat.send", "data": {"body": "two"}})
        await until(a, "chat.message")
        await enter(b_again, resume=False)
        await b_again.send_json_to({"type": "resume", "data": {"last_seq": seen}})
        missed = await until(b_again, "chat.message")
        await a.send_json_to({"type": "chat.send", "data": {"body": "three"}})
        live = await until(b_again, "chat.message")
        await a.disconnect()
        await b_again.disconnect()
        return missed, live

    missed, live = async_to_sync(scenario)()
    assert (missed["data"]["body"], live["data"]["body"]) == ("two", "three")
    assert live["seq"] > missed["seq"]
