"""The room WebSocket (deliberation.rooms.realtime.consumers) through WebsocketCommunicator and the real ASGI stack."""

import json

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from deliberation.rooms import services
from deliberation.rooms.realtime.events import events_after
from deliberation.rooms.realtime.protocol import check_outbound
from deliberation.rooms.models import ChatMessage, RoomEvent
from tests.deliberation.sockets import communicator, enter, receive, refused_with, session_cookie, until
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

event_count = database_sync_to_async(lambda: RoomEvent.objects.count())


# --- Admission ------------------------------------------------------------------------------------


def test_anonymous_visitor_is_refused_with_4401():
    room = RoomFactory(stage="open")
    error, code = async_to_sync(refused_with)(communicator(room.pk))
    assert (error["code"], code) == ("unauthenticated", 4401)


def test_uninvited_user_is_refused_with_4403_from_an_invited_only_room():
    room = RoomFactory(stage="open", access="invited")
    error, code = async_to_sync(refused_with)(communicator(room.pk, UserFactory()))
    assert (error["code"], code) == ("forbidden", 4403)


def test_invited_user_is_admitted_to_an_invited_only_room():
    room = RoomFactory(stage="open", access="invited")
    guest = UserFactory()
    services.invite_to_room(room=room, actor=room.facilitator, users=[guest])

    ws = communicator(room.pk, guest)

    async def scenario():
        await enter(ws)
        await ws.disconnect()

    async_to_sync(scenario)()


def test_unknown_room_is_refused_with_4404():
    error, code = async_to_sync(refused_with)(communicator(999_999, UserFactory()))
    assert (error["code"], code) == ("not_found", 4404)


def test_foreign_origin_is_refused_at_the_handshake():
    room = RoomFactory(stage="open")

    ws = communicator(room.pk, UserFactory(), origin=b"https://evil.example")

    async def scenario():
        connected, _ = await ws.connect(timeout=3)
        await ws.disconnect()  # lets the denier consumer stop listening on the channel layer
        return connected

    assert async_to_sync(scenario)() is False


def test_hello_carries_the_agenda_and_the_clock_with_deadline_and_server_time():
    room = RoomFactory(stage="live")

    ws = communicator(room.pk, UserFactory())

    async def scenario():
        hello = await enter(ws, resume=False)
        await ws.disconnect()
        return hello

    hello = async_to_sync(scenario)()
    data = hello["data"]
    assert [r["title"] for r in data["agenda"]] == ["Opening discussion", "Coffee", "Questions"]
    assert data["current"]["deadline"] and data["current"]["server_time"] and data["server_time"]
    assert data["current"]["round"]["state"] == "running"
    # Arriving announced this person (presence.updated) before the snapshot was taken.
    room.refresh_from_db()
    assert hello["seq"] == data["room"]["last_seq"] == room.last_seq
    assert RoomEvent.objects.get(room=room, seq=room.last_seq).type == "presence.updated"


# --- Broadcasts -----------------------------------------------------------------------------------


def test_chat_message_reaches_both_clients_with_the_same_seq():
    room = RoomFactory(stage="live")

    alice, bob = communicator(room.pk, UserFactory()), communicator(room.pk, UserFactory())

    async def scenario():
        await enter(alice)
        await enter(bob)
        await alice.send_json_to({"type": "chat.send", "data": {"body": "Hello, neighbours"}})
        frames = [await until(alice, "chat.message"), await until(bob, "chat.message")]
        assert await alice.receive_nothing(timeout=0.3)  # the sender hears it once, through the group
        await alice.disconnect()
        await bob.disconnect()
        return frames

    to_alice, to_bob = async_to_sync(scenario)()
    assert to_alice == to_bob
    assert to_alice["data"]["body"] == "Hello, neighbours"
    assert ChatMessage.objects.get(room=room).seq == to_alice["seq"]


def test_facilitator_starting_the_clock_reaches_a_citizen_with_the_deadline():
    room = RoomFactory(stage="open")

    host, citizen = communicator(room.pk, room.facilitator), communicator(room.pk, UserFactory())

    async def scenario():
        await enter(host)
        await enter(citizen)
        await host.send_json_to({"type": "clock.start", "data": {}})
        started = await until(citizen, "round.started")
        await host.disconnect()
        await citizen.disconnect()
        return started

    started = async_to_sync(scenario)()
    assert started["data"]["round"]["title"] == "Opening discussion"
    assert started["data"]["deadline"] and started["data"]["server_time"]
    assert started["data"]["remaining_seconds"] == pytest.approx(600, abs=2)


# --- Refused frames -------------------------------------------------------------------------------

BAD_FRAMES = [
    pytest.param("{not json", "bad_json", id="bad-json"),
    pytest.param('["a", "list"]', "invalid_field", id="not-an-object"),
    pytest.param(json.dumps({"type": "chat.shout", "data": {}}), "unknown_type", id="unknown-type"),
    pytest.param(json.dumps({"type": "chat.send", "data": {}}), "invalid_field", id="missing-field"),
    pytest.param(json.dumps({"type": "chat.send", "data": {"body": 42}}), "invalid_field", id="wrong-type"),
    pytest.param(json.dumps({"type": "resume", "data": {"last_seq": True}}), "invalid_field", id="bool-not-int"),
    pytest.param(json.dumps({"type": "chat.send", "data": {"body": "x" * 1001}}), "too_long", id="too-long"),
    pytest.param(json.dumps({"type": "chat.send", "data": {"body": "hi", "to": 3}}), "invalid_field",
                 id="extra-field"),
    pytest.param(json.dumps({"type": "ping", "data": {}, "admin": True}), "invalid_field", id="extra-envelope-field"),
    pytest.param(json.dumps({"type": "clock.adjust", "data": {"seconds": 0}}), "invalid_field", id="zero-adjust"),
    pytest.param(json.dumps({"type": "clock.adjust", "data": {"seconds": 3601}}), "invalid_field",
                 id="adjust-out-of-range"),
    pytest.param(json.dumps({"type": "chat.send", "data": {"body": "   "}}), "empty", id="blank-chat"),
    pytest.param(json.dumps({"type": "clock.pause", "data": {}}), "forbidden", id="citizen-pauses-clock"),
    pytest.param(json.dumps({"type": "room.end", "data": {}}), "forbidden", id="citizen-ends-room"),
    pytest.param(json.dumps({"type": "chat.hide", "data": {"seq": 1, "reason": "spam"}}), "forbidden",
                 id="citizen-hides-chat"),
]


def _refused_frame_scenario(room, user, raw: str):
    ws = communicator(room.pk, user)

    async def scenario():
        await enter(ws)
        before = await event_count()
        await ws.send_to(text_data=raw)
        error = await receive(ws)
        await ws.send_json_to({"type": "ping"})
        pong = await receive(ws)  # the connection is still open
        after = await event_count()
        await ws.disconnect()
        return error, pong, before, after

    return async_to_sync(scenario)()


@pytest.mark.parametrize(("raw", "code"), BAD_FRAMES)
def test_bad_frame_gets_an_error_code_keeps_the_connection_and_stores_nothing(raw, code):
    room = RoomFactory(stage="live")
    error, pong, before, after = _refused_frame_scenario(room, UserFactory(), raw)
    assert (error["type"], error["code"]) == ("error", code)
    assert error["message"]
    # "for": the frame type it answers, when the frame had a known one (the page says it at the control)
    sent = json.loads(raw) if code != "bad_json" else None
    known = sent.get("type") if isinstance(sent, dict) and sent.get("type") != "chat.shout" else None
    assert error.get("for") == known
    check_outbound(error)
    assert pong["type"] == "pong" and pong["data"]["server_time"]
    assert after == before
    assert not ChatMessage.objects.exists()


def test_chat_in_a_break_round_is_refused_and_nothing_is_stored():
    room = RoomFactory(stage="live")
    services.skip_round(room=room, actor=room.facilitator)  # now the coffee break runs
    error, pong, before, after = _refused_frame_scenario(
        room, UserFactory(), json.dumps({"type": "chat.send", "data": {"body": "anyone there?"}}))
    assert error["code"] == "forbidden" and error["message"] == "The chat is closed in this round."
    assert pong["type"] == "pong" and after == before


def test_rate_limited_chat_gets_rate_limited(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat.message": (1, 60)}
    room = RoomFactory(stage="live")

    ws = communicator(room.pk, UserFactory())

    async def scenario():
        await enter(ws)
        await ws.send_json_to({"type": "chat.send", "data": {"body": "first"}})
        await until(ws, "chat.message")
        await ws.send_json_to({"type": "chat.send", "data": {"body": "second"}})
        error = await receive(ws)
        await ws.disconnect()
        return error

    assert async_to_sync(scenario)()["code"] == "rate_limited"
    assert ChatMessage.objects.count() == 1


# --- Resume ---------------------------------------------------------------------------------------


def test_reconnecting_client_gets_exactly_the_missed_events_in_order():
    room = RoomFactory(stage="live")
    citizen, other = UserFactory(), UserFactory()

    ws, talker, back = communicator(room.pk, citizen), communicator(room.pk, other), communicator(room.pk, citizen)

    async def scenario():
        await enter(ws)
        await ws.send_json_to({"type": "chat.send", "data": {"body": "before the tunnel"}})
        last_applied = (await until(ws, "chat.message"))["seq"]
        await ws.disconnect()

        await enter(talker)
        for body in ("one", "two", "three"):
            await talker.send_json_to({"type": "chat.send", "data": {"body": body}})
            await until(talker, "chat.message")

        hello = await enter(back, resume=False)
        await back.send_json_to({"type": "resume", "data": {"last_seq": last_applied}})
        missed = [await receive(back) for _ in range(hello["seq"] - last_applied)]
        assert await back.receive_nothing(timeout=0.3)
        await talker.send_json_to({"type": "chat.send", "data": {"body": "live again"}})
        live = await until(back, "chat.message")
        await talker.disconnect()
        await back.disconnect()
        return last_applied, missed, live

    last_applied, missed, live = async_to_sync(scenario)()
    seqs = [frame["seq"] for frame in missed]
    assert seqs == list(range(last_applied + 1, last_applied + 1 + len(missed)))
    assert missed == events_after(room_id=room.pk, seq=last_applied)[:len(missed)]
    assert [f["data"]["body"] for f in missed if f["type"] == "chat.message"] == ["one", "two", "three"]
    assert live["seq"] > seqs[-1] and live["data"]["body"] == "live again"


def test_a_socket_resuming_just_behind_the_feed_is_served_from_memory_the_same_events(monkeypatch):
    """While someone keeps the room's feed alive in this process, a reconnecting socket's missed events come
    from the feed's memory (a crowd connecting at once does not query the log once each): the same frames
    the log would give, in order."""
    from deliberation.rooms.realtime import consumers

    room = RoomFactory(stage="live")
    citizen, other, keeper_user = UserFactory(), UserFactory(), UserFactory()
    keeper, ws, talker = communicator(room.pk, keeper_user), communicator(room.pk, citizen), communicator(room.pk, other)
    back = communicator(room.pk, citizen)

    async def scenario():
        await enter(keeper)
        await enter(ws)
        await ws.send_json_to({"type": "chat.send", "data": {"body": "before the tunnel"}})
        last_applied = (await until(ws, "chat.message"))["seq"]
        await ws.disconnect()
        await enter(talker)
        for body in ("one", "two", "three"):
            await talker.send_json_to({"type": "chat.send", "data": {"body": body}})
            await until(talker, "chat.message")
        hello = await enter(back, resume=False)

        def no_log(**kwargs):
            raise AssertionError("the log was read")

        monkeypatch.setattr(consumers, "events_after", no_log)
        await back.send_json_to({"type": "resume", "data": {"last_seq": last_applied}})
        missed = [await receive(back) for _ in range(hello["seq"] - last_applied)]
        assert await back.receive_nothing(timeout=0.3)
        for socket in (keeper, talker, back):
            await socket.disconnect()
        return last_applied, missed

    last_applied, missed = async_to_sync(scenario)()
    assert missed == events_after(room_id=room.pk, seq=last_applied)[:len(missed)]
    assert [f["data"]["body"] for f in missed if f["type"] == "chat.message"] == ["one", "two", "three"]


def test_second_resume_does_not_repeat_delivered_events():
    room = RoomFactory(stage="live")

    ws = communicator(room.pk, UserFactory())

    async def scenario():
        await enter(ws)
        await ws.send_json_to({"type": "resume", "data": {"last_seq": 0}})
        return await ws.receive_nothing(timeout=0.3)

    assert async_to_sync(scenario)() is True


def test_error_frames_are_in_korean_for_a_browser_that_asks_for_no_language():
    room = RoomFactory(stage="live")
    cookie = session_cookie(UserFactory())

    async def scenario():
        ws = WebsocketCommunicator(application, f"/ws/rooms/{room.pk}/", headers=[
            (b"origin", b"http://testserver"), (b"cookie", cookie)])
        await enter(ws)
        await ws.send_json_to({"type": "clock.pause", "data": {}})
        error = await until(ws, "error")
        await ws.disconnect()
        return error

    error = async_to_sync(scenario)()
    assert error["code"] == "forbidden"
    assert error["message"] == "토론방의 퍼실리테이터만 할 수 있습니다."  # "Only the room's facilitator can do this."
