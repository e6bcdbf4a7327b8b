"""The chat's acknowledgement by client id, over the real consumer (WebsocketCommunicator): a line sent
again after a lost connection is stored once and answered with the first one's ack (issue 11).
Also: chat past the round's deadline, and a rate-limited line that must not wait for the room's lock."""

import threading
import uuid
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import connections, transaction
from django.utils import timezone

from deliberation.rooms.models import ChatMessage, Room, RoomEvent, Round
from tests.deliberation.sockets import communicator, enter, receive, until
from tests.factories import RoomFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

chat_count = database_sync_to_async(lambda: ChatMessage.objects.count())


def _chat(body: str, client_id: str | None = None) -> dict:
    data = {"body": body} if client_id is None else {"body": body, "client_id": client_id}
    return {"type": "chat.send", "data": data}


def test_a_line_sent_twice_on_one_connection_is_stored_once_and_acknowledged_twice_alike():
    room = RoomFactory(stage="live")
    ws, other = communicator(room.pk, UserFactory()), communicator(room.pk, UserFactory())
    client_id = str(uuid.uuid4())

    async def scenario():
        await enter(ws)
        await enter(other)
        await ws.send_json_to(_chat("Shade first?", client_id))
        first = await until(ws, "chat.ack")
        message = await until(other, "chat.message")
        await ws.send_json_to(_chat("Shade first?", client_id))
        second = await until(ws, "chat.ack")
        assert await other.receive_nothing(timeout=0.3)  # nobody sees it twice
        stored = await chat_count()
        await ws.disconnect()
        await other.disconnect()
        return first, second, message, stored

    first, second, message, stored = async_to_sync(scenario)()
    assert first == second == {"type": "chat.ack", "data": {"client_id": client_id, "seq": message["seq"]}}
    assert stored == 1
    assert "client_id" not in message["data"]  # the id is the sender's business only


def test_a_line_resent_on_a_new_connection_after_the_first_one_dropped_is_acknowledged_not_stored_again():
    room = RoomFactory(stage="live")
    citizen = UserFactory()
    first_ws, second_ws = communicator(room.pk, citizen), communicator(room.pk, citizen)
    client_id = str(uuid.uuid4())

    async def scenario():
        await enter(first_ws)
        await first_ws.send_json_to(_chat("sent as the train went into the tunnel", client_id))
        await first_ws.disconnect()  # the ack never reached the page
        await enter(second_ws)
        await second_ws.send_json_to(_chat("sent as the train went into the tunnel", client_id))
        ack = await until(second_ws, "chat.ack")
        await second_ws.disconnect()
        return ack

    ack = async_to_sync(scenario)()
    message = ChatMessage.objects.get(room=room)
    assert ack["data"] == {"client_id": client_id, "seq": message.seq}
    assert RoomEvent.objects.filter(room=room, type="chat.message").count() == 1


def test_a_refused_line_with_a_client_id_gets_chat_refused_with_the_reason_and_the_socket_stays_open():
    room = RoomFactory(stage="live")
    Round.objects.filter(pk=room.current_round_id).update(chat_open=False)
    ws = communicator(room.pk, UserFactory())
    client_id = str(uuid.uuid4())

    async def scenario():
        await enter(ws)
        await ws.send_json_to(_chat("anyone?", client_id))
        refused = await receive(ws)
        await ws.send_json_to({"type": "ping"})
        pong = await until(ws, "pong")
        await ws.disconnect()
        return refused, pong

    refused, pong = async_to_sync(scenario)()
    assert refused == {"type": "chat.refused", "data": {"client_id": client_id, "code": "forbidden",
                                                        "message": "The chat is closed in this round."}}
    assert pong["data"]["server_time"]
    assert not ChatMessage.objects.exists()


def test_chat_after_the_deadline_is_refused_with_a_clear_error_while_the_round_still_says_running():
    room = RoomFactory(stage="live")  # the worker is down: nobody ended the round at its deadline
    Round.objects.filter(pk=room.current_round_id).update(deadline_at=timezone.now() - timedelta(seconds=2))
    ws = communicator(room.pk, UserFactory())

    async def scenario():
        await enter(ws)
        await ws.send_json_to(_chat("is it still on?"))
        error = await receive(ws)
        await ws.disconnect()
        return error

    error = async_to_sync(scenario)()
    assert error["type"] == "error" and error["code"] == "forbidden"
    assert "time is up" in error["message"]
    assert not ChatMessage.objects.exists()


@pytest.mark.postgres
def test_a_rate_limited_line_is_answered_while_another_connection_holds_the_rooms_lock(settings):
    assert connections["default"].vendor == "postgresql", "row locks need PostgreSQL"
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat.message": (1, 60)}
    room = RoomFactory(stage="live")
    ws = communicator(room.pk, UserFactory())
    locked, release = threading.Event(), threading.Event()

    def hold_the_lock():
        try:
            with transaction.atomic():
                Room.objects.select_for_update().get(pk=room.pk)
                locked.set()
                release.wait(timeout=20)
        finally:
            connections.close_all()

    async def scenario():
        await enter(ws)
        await ws.send_json_to(_chat("one"))
        await until(ws, "chat.message")
        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        assert locked.wait(timeout=10)
        try:
            await ws.send_json_to(_chat("two"))
            error = await receive(ws, timeout=8)  # a bound, not a timing: with the lock first, it never comes
        finally:
            release.set()
            holder.join(timeout=10)
        await ws.disconnect()
        return error

    assert async_to_sync(scenario)()["code"] == "rate_limited"
