"""Room moderation (deliberation.rooms.services.moderation): muting and removing, in services and over WebSocket."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.core.exceptions import PermissionDenied, ValidationError

from deliberation.rooms import services
from deliberation.rooms.models import ChatMessage, Hand, Room, RoomEvent, RoomMember
from deliberation.rooms.realtime.protocol import check_outbound
from deliberation.rooms.states import HandState
from tests.deliberation.sockets import communicator, enter, receive, refused_with, until
from tests.factories import ResidentFactory, RoomFactory
from tests.factories import room_member_user as _member


def _events(room: Room, type_: str) -> list[RoomEvent]:
    return list(RoomEvent.objects.filter(room=room, type=type_).order_by("seq"))


# --- Services -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_muting_and_unmuting_are_recorded_and_announced_once():
    room = RoomFactory(stage="live")
    user = _member(room)

    services.mute_member(room=room, actor=room.facilitator, user_id=user.pk)
    services.mute_member(room=room, actor=room.facilitator, user_id=user.pk)  # already muted: no second event
    assert RoomMember.objects.get(room=room, user=user).muted
    services.unmute_member(room=room, actor=room.facilitator, user_id=user.pk)

    assert not RoomMember.objects.get(room=room, user=user).muted
    for type_ in ("member.muted", "member.unmuted"):
        [event] = _events(room, type_)
        assert event.data == {"user_id": user.pk, "name": user.public_name}
        assert event.actor == room.facilitator
        check_outbound({"type": type_, "seq": event.seq, "data": event.data})


@pytest.mark.django_db
def test_a_muted_member_cannot_chat_or_raise_a_hand_until_unmuted():
    room = RoomFactory(stage="live")
    user = _member(room)
    services.mute_member(room=room, actor=room.facilitator, user_id=user.pk)

    with pytest.raises(PermissionDenied, match="The facilitator has muted you."):
        services.post_message(room=room, author=user, body="hello")
    with pytest.raises(PermissionDenied, match="The facilitator has muted you."):
        services.raise_hand(room=room, user=user)
    services.unmute_member(room=room, actor=room.facilitator, user_id=user.pk)
    services.raise_hand(room=room, user=user)

    assert not ChatMessage.objects.exists()
    assert Hand.objects.get(room=room, user=user).state == HandState.WAITING


@pytest.mark.django_db
def test_muting_a_speaker_lowers_their_hand_and_updates_the_queue():
    room = RoomFactory(stage="live")
    user = _member(room)
    services.raise_hand(room=room, user=user)
    services.give_floor(room=room, actor=room.facilitator)

    services.mute_member(room=room, actor=room.facilitator, user_id=user.pk)

    assert Hand.objects.get(room=room, user=user).state == HandState.LOWERED
    assert _events(room, "queue.updated")[-1].data["queue"] == []


@pytest.mark.django_db
def test_removal_is_recorded_with_its_reason_lowers_the_hand_and_is_announced():
    room = RoomFactory(stage="live")
    user = _member(room)
    services.raise_hand(room=room, user=user)

    services.remove_member(room=room, actor=room.facilitator, user_id=user.pk, reason="  Repeated insults ")

    member = RoomMember.objects.get(room=room, user=user)
    assert member.removed_at and member.removed_by == room.facilitator
    assert member.removed_reason == "Repeated insults"
    assert Hand.objects.get(room=room, user=user).state == HandState.LOWERED
    [event] = _events(room, "member.removed")
    assert event.data == {"user_id": user.pk, "name": user.public_name}


@pytest.mark.django_db
def test_removal_needs_a_reason():
    room = RoomFactory(stage="live")
    user = _member(room)
    with pytest.raises(ValidationError, match="A reason is required") as caught:
        services.remove_member(room=room, actor=room.facilitator, user_id=user.pk, reason="   ")
    assert caught.value.code == "reason_required"
    assert RoomMember.objects.get(room=room, user=user).removed_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["mute_member", "unmute_member", "remove_member"])
def test_only_the_facilitator_moderates(action):
    room = RoomFactory(stage="live")
    user, other = _member(room), _member(room)
    extra = {"reason": "Because"} if action == "remove_member" else {}
    before = RoomEvent.objects.filter(room=room).count()

    with pytest.raises(PermissionDenied, match="Only the room's facilitator can do this."):
        getattr(services, action)(room=room, actor=other, user_id=user.pk, **extra)

    member = RoomMember.objects.get(room=room, user=user)
    assert (member.muted, member.removed_at) == (False, None)
    assert RoomEvent.objects.filter(room=room).count() == before


@pytest.mark.django_db
def test_the_facilitator_cannot_be_muted_and_strangers_are_not_members():
    room = RoomFactory(stage="live")
    with pytest.raises(ValidationError, match="The facilitator cannot be muted or removed."):
        services.mute_member(room=room, actor=room.facilitator, user_id=room.facilitator.pk)
    with pytest.raises(ValidationError, match="This person is not a member of the room.") as caught:
        services.mute_member(room=room, actor=room.facilitator, user_id=ResidentFactory().pk)
    assert caught.value.code == "not_member"


# --- Over the WebSocket -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_removed_participant_is_disconnected_with_4403_and_cannot_come_back():
    room = RoomFactory(stage="live")
    user = _member(room)
    facilitator_ws, removed_ws = communicator(room.pk, room.facilitator), communicator(room.pk, user)

    async def scenario():
        await enter(facilitator_ws)
        await enter(removed_ws)
        await facilitator_ws.send_json_to({"type": "member.remove",
                                           "data": {"user_id": user.pk, "reason": "Repeated insults"}})
        removed = await until(facilitator_ws, "member.removed")
        assert removed["data"]["user_id"] == user.pk
        assert (await until(removed_ws, "member.removed"))["seq"] == removed["seq"]
        error = await receive(removed_ws)
        assert (error["code"], error["message"]) == ("forbidden", "You were removed from this room.")
        closing = await removed_ws.receive_output(timeout=3)
        assert (closing["type"], closing["code"]) == ("websocket.close", 4403)
        await removed_ws.disconnect()
        await facilitator_ws.disconnect()

    async_to_sync(scenario)()
    error, code = async_to_sync(refused_with)(communicator(room.pk, user))
    assert (error["code"], error["message"], code) == ("forbidden", "You were removed from this room.", 4403)


@pytest.mark.django_db(transaction=True)
def test_a_removed_participant_is_disconnected_even_before_resuming():
    room = RoomFactory(stage="live")
    user, facilitator = _member(room), room.facilitator
    ws = communicator(room.pk, user)

    async def scenario():
        await enter(ws, resume=False)
        await database_sync_to_async(services.remove_member)(room=room, actor=facilitator, user_id=user.pk,
                                                             reason="Spam")
        assert (await receive(ws))["code"] == "forbidden"
        closing = await ws.receive_output(timeout=3)
        assert (closing["type"], closing["code"]) == ("websocket.close", 4403)
        await ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_muted_participant_gets_forbidden_on_chat_send():
    room = RoomFactory(stage="live")
    user = _member(room)
    services.mute_member(room=room, actor=room.facilitator, user_id=user.pk)
    ws = communicator(room.pk, user)

    async def scenario():
        await enter(ws)
        await ws.send_json_to({"type": "chat.send", "data": {"body": "hello"}})
        error = await until(ws, "error")
        assert (error["code"], error["message"]) == ("forbidden", "The facilitator has muted you.")
        await ws.send_json_to({"type": "queue.raise"})
        assert (await until(ws, "error"))["code"] == "forbidden"
        await ws.disconnect()

    async_to_sync(scenario)()
    assert not ChatMessage.objects.exists() and not Hand.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_citizen_sending_member_mute_gets_forbidden_and_nothing_is_stored():
    room = RoomFactory(stage="live")
    citizen, target = _member(room), _member(room)
    ws = communicator(room.pk, citizen)

    async def scenario():
        await enter(ws)
        before = await database_sync_to_async(RoomEvent.objects.count)()
        await ws.send_json_to({"type": "member.mute", "data": {"user_id": target.pk}})
        error = await until(ws, "error")
        assert (error["code"], error["message"]) == ("forbidden", "Only the room's facilitator can do this.")
        assert await database_sync_to_async(RoomEvent.objects.count)() == before
        await ws.disconnect()

    async_to_sync(scenario)()
    assert not RoomMember.objects.get(room=room, user=target).muted
    assert not RoomEvent.objects.filter(type="member.muted").exists()


@pytest.mark.django_db(transaction=True)
def test_the_queue_is_shared_live_raise_then_floor_reach_everyone():
    room = RoomFactory(stage="live")
    user = _member(room)
    facilitator_ws, user_ws = communicator(room.pk, room.facilitator), communicator(room.pk, user)

    async def scenario():
        await enter(facilitator_ws)
        await enter(user_ws)
        await user_ws.send_json_to({"type": "queue.raise", "data": {}})
        raised = await until(facilitator_ws, "queue.updated")
        assert [(h["user_id"], h["state"]) for h in raised["data"]["queue"]] == [(user.pk, "waiting")]
        await facilitator_ws.send_json_to({"type": "queue.give_floor", "data": {}})
        floor = await until(user_ws, "queue.updated")  # the user's own raise first
        floor = await until(user_ws, "queue.updated")
        assert floor["data"]["queue"][0]["state"] == "speaking" and floor["data"]["queue"][0]["turn_deadline"]
        await user_ws.send_json_to({"type": "queue.end_turn"})
        assert (await until(facilitator_ws, "queue.updated"))["data"]["queue"][0]["state"] == "speaking"
        assert (await until(facilitator_ws, "queue.updated"))["data"]["queue"] == []
        await facilitator_ws.send_json_to({"type": "queue.give_floor", "data": {}})
        error = await until(facilitator_ws, "error")
        assert (error["code"], error["message"]) == ("queue_empty", "Nobody is waiting for the floor.")
        await user_ws.disconnect()
        await facilitator_ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_malformed_member_remove_is_refused_by_its_schema():
    room = RoomFactory(stage="live")
    ws = communicator(room.pk, room.facilitator)

    async def scenario():
        await enter(ws)
        await ws.send_json_to({"type": "member.remove", "data": {"user_id": 5, "reason": "x" * 301}})
        assert (await until(ws, "error"))["code"] == "too_long"
        await ws.send_json_to({"type": "member.remove", "data": {"reason": "x"}})
        assert (await until(ws, "error"))["code"] == "invalid_field"
        await ws.disconnect()

    async_to_sync(scenario)()
    assert not RoomMember.objects.exclude(removed_at=None).exists()
