"""The room socket under bad input and failing parts: every frame gets an answer, the socket stays open.

Through WebsocketCommunicator and the real ASGI stack (origin check, cookies, routing), on the test
settings' channel layer (Redis under tests/services/with-services.sh).
"""

import asyncio
import contextvars

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer

from deliberation.rooms.realtime import consumers, dispatch
from deliberation.rooms.realtime.events import append_event
from deliberation.rooms.realtime.fanout import RoomFeed
from deliberation.rooms.models import ChatMessage, RoomMember
from tests.factories import RoomFactory, UserFactory
from tests.layer_faults import failing_receive, layer_down_at_connect, refusal

from tests.deliberation.sockets import communicator, enter, receive, until

pytestmark = pytest.mark.django_db(transaction=True)

connections_of = database_sync_to_async(
    lambda room, user: RoomMember.objects.filter(room=room, user=user).values_list("connections", flat=True).get())


async def still_open(ws) -> bool:
    """The socket answers a ping: it was not closed."""
    await ws.send_json_to({"type": "ping"})
    return (await until(ws, "pong"))["type"] == "pong"


# --- Inputs that used to crash the socket ----------------------------------------------------------


def test_json_nested_a_thousand_deep_gets_bad_json_and_the_socket_stays_open():
    room, person = RoomFactory(stage="live"), UserFactory()
    ws = communicator(room.pk, person)

    async def scenario():
        await enter(ws)
        await ws.send_to(text_data="[" * 1000 + "]" * 1000)
        error = await until(ws, "error")
        await ws.send_to(text_data='{"type": "ping", "data": ' + '{"a": ' * 1000 + "1" + "}" * 1001)
        second = await until(ws, "error")
        alive = await still_open(ws)
        await ws.disconnect()
        return error, second, alive

    error, second, alive = async_to_sync(scenario)()
    assert error["code"] == "bad_json" and second["code"] == "bad_json"
    assert alive


@pytest.mark.parametrize("body", ["\ud800", "half a pair \udfff here", "nul \x00 byte"])
def test_a_chat_line_that_cannot_be_stored_is_refused_and_nothing_is_stored(body):
    room, person = RoomFactory(stage="live"), UserFactory()
    ws = communicator(room.pk, person)

    async def scenario():
        await enter(ws)
        await ws.send_json_to({"type": "chat.send", "data": {"body": body}})
        error = await until(ws, "error")
        alive = await still_open(ws)
        await ws.disconnect()
        return error, alive

    error, alive = async_to_sync(scenario)()
    assert error["code"] == "invalid_field" and "body" in error["message"]
    assert alive
    assert not ChatMessage.objects.filter(room=room).exists()


def test_text_that_cannot_be_stored_is_refused_in_lists_too():
    room = RoomFactory(stage="live")
    ws = communicator(room.pk, room.facilitator)

    async def scenario():
        await enter(ws)
        await ws.send_json_to({"type": "poll.open", "data": {"question": "Where?", "kind": "single",
                                                             "options": ["Park", "\udc00"], "duration_seconds": 60}})
        error = await until(ws, "error")
        await ws.disconnect()
        return error

    assert async_to_sync(scenario)()["code"] == "invalid_field"


def test_an_unexpected_failure_in_handling_a_frame_answers_internal_and_keeps_the_socket(monkeypatch):
    room, person = RoomFactory(stage="live"), UserFactory()

    def broken(room, user, data):
        raise RuntimeError("a bug")

    monkeypatch.setitem(dispatch.ACTIONS, "chat.send", broken)
    ws = communicator(room.pk, person)

    async def scenario():
        await enter(ws)
        await ws.send_json_to({"type": "chat.send", "data": {"body": "hello"}})
        error = await until(ws, "error")
        alive = await still_open(ws)
        await ws.disconnect()
        return error, alive

    error, alive = async_to_sync(scenario)()
    assert error["code"] == "internal"
    assert alive


def test_a_socket_that_crashes_still_gives_back_its_presence(monkeypatch):
    room, person = RoomFactory(stage="live"), UserFactory()

    async def crash(self, text_data=None, bytes_data=None, **kwargs):
        raise RuntimeError("a crash outside any frame's handling")

    ws = communicator(room.pk, person)

    async def scenario():
        await enter(ws)
        during = await connections_of(room, person)
        monkeypatch.setattr(consumers.RoomConsumer, "receive", crash)
        await ws.send_to(text_data="{}")
        with pytest.raises(RuntimeError):
            await ws.receive_output(timeout=3)
        await asyncio.sleep(0.2)
        return during, await connections_of(room, person)

    during, after = async_to_sync(scenario)()
    assert (during, after) == (1, 0)


# --- The channel layer failing ---------------------------------------------------------------------


def test_a_failing_channel_layer_read_does_not_close_the_socket(monkeypatch):
    room, person, speaker = RoomFactory(stage="live"), UserFactory(), UserFactory()
    layer_class, flaky_receive, failures = failing_receive(2)

    listener, talker = communicator(room.pk, person), communicator(room.pk, speaker)

    async def scenario():
        monkeypatch.setattr(layer_class, "receive", flaky_receive)
        await enter(listener)  # its own channel's read and the room's subscription fail
        await asyncio.sleep(1.5)
        await enter(talker)
        await talker.send_json_to({"type": "chat.send", "data": {"body": "still there?"}})
        line = await until(listener, "chat.message")
        alive = await still_open(listener)
        await listener.disconnect()
        await talker.disconnect()
        return line, alive

    line, alive = async_to_sync(scenario)()
    assert failures["left"] == 0  # the failures did happen
    assert line["data"]["body"] == "still there?"
    assert alive


def test_a_socket_is_told_to_come_back_later_when_the_channel_layer_is_down_at_connect(monkeypatch):
    room, person = RoomFactory(stage="live"), UserFactory()
    layer_down_at_connect(monkeypatch)
    connected, error, closing = async_to_sync(refusal)(communicator(room.pk, person), receive)
    assert connected
    assert error["code"] == "unavailable"
    assert closing == {"type": "websocket.close", "code": 4013}
    assert not RoomMember.objects.filter(room=room, user=person, connections__gt=0).exists()


def test_a_socket_is_told_to_come_back_later_when_the_database_is_away_as_the_room_feed_starts(monkeypatch):
    from django.db import OperationalError

    room, person = RoomFactory(stage="live"), UserFactory()

    async def database_away(self):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    monkeypatch.setattr(RoomFeed, "start", database_away)
    connected, error, closing = async_to_sync(refusal)(communicator(room.pk, person), receive)
    assert connected
    assert (error["code"], closing) == ("unavailable", {"type": "websocket.close", "code": 4013})
    assert "database" in error["message"]
    assert not RoomMember.objects.filter(room=room, user=person, connections__gt=0).exists()


# --- The gap fill on the publishing path -------------------------------------------------------------


class Sink:
    def __init__(self):
        self.seqs: list[int] = []

    async def deliver(self, event, out, table_id):
        self.seqs.append(event["seq"])


def test_a_gap_seen_on_the_publishing_path_is_filled_from_the_log():
    """A server's own write finds an earlier event missing (lost in Redis): the feed reads it from the log.

    ``publish_soon`` is called from the database thread of ``database_sync_to_async``; the feed must not
    inherit that thread's context (asgiref then refuses the gap fill: "Single thread executor already
    being used"). asyncio.run, as under daphne: no async_to_sync around the loop.
    """
    room = RoomFactory(stage="live")
    feed, sink = RoomFeed(room.pk), Sink()
    feed.sinks.add(sink)

    async def scenario():
        from realtime import fanout

        local = fanout.local()
        local.topics[feed.group] = feed
        feed.base = room.last_seq
        # An event another server wrote whose broadcast never came (lost in Redis) ...
        lost = await database_sync_to_async(lambda: _append_quietly(room.pk))()
        # ... then this server's own write, published from its database thread.
        mine = await database_sync_to_async(
            lambda: append_event(room_id=room.pk, type="chat.hidden", data={"seq": 2}))()
        for _ in range(100):
            if len(sink.seqs) >= 2:
                break
            await asyncio.sleep(0.05)
        del local.topics[feed.group]
        return lost, mine.seq

    lost, mine = asyncio.run(scenario())
    assert sink.seqs == [lost, mine]


def _append_quietly(room_id: int) -> int:
    from django.db import transaction

    with transaction.atomic():
        event = append_event(room_id=room_id, type="chat.hidden", data={"seq": 1})
        transaction.get_connection().run_on_commit = []  # its broadcast is lost
    return event.seq


def test_publish_soon_runs_without_the_calling_threads_context():
    seen = {}
    marker = contextvars.ContextVar("marker", default="fresh")

    async def scenario():
        from realtime import fanout

        loop = asyncio.get_running_loop()
        original = fanout.Publisher.publish

        def spy(self, group, message):
            seen["marker"] = marker.get()

        fanout.Publisher.publish = spy
        try:
            def in_thread():
                marker.set("inherited")
                fanout.publish_soon(loop, "room.1", {"type": "room.event"})
            await asyncio.to_thread(in_thread)
            await asyncio.sleep(0.05)
        finally:
            fanout.Publisher.publish = original

    asyncio.run(scenario())
    assert seen == {"marker": "fresh"}


# --- The Redis client's settings -------------------------------------------------------------------


def test_a_quiet_layer_read_cannot_time_out_the_redis_connection():
    """channels-redis blocks in BZPOPMIN for ``brpop_timeout`` (5 s); redis-py gives up on a reply after the
    connection's ``socket_timeout`` (5 s by default in redis-py 8): it must be longer, or a quiet room's read
    raises TimeoutError every few seconds."""
    from channels_redis.core import RedisChannelLayer
    from channels_redis.utils import create_pool

    layer = get_channel_layer()
    assert isinstance(layer, RedisChannelLayer), "run under tests/services/with-services.sh (REDIS_URL)"
    for host in layer.hosts:
        pool = create_pool(host)
        redis_connection = pool.connection_class(**pool.connection_kwargs)
        assert redis_connection.socket_timeout > layer.brpop_timeout + 5
        assert redis_connection.socket_connect_timeout <= 5  # a Redis that is away is seen soon
        assert redis_connection.health_check_interval > 0
