"""A fair floor: floor_stats, the facilitator's invitation to speak, and the room's vote to move on."""

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from deliberation.rooms import rules, services
from deliberation.rooms.models import Hand, MoveOnVote, Room, RoomEvent
from deliberation.rooms.realtime.protocol import check_outbound
from deliberation.rooms.selectors import floor_stats
from deliberation.rooms.services import ClockError, FloorError
from deliberation.rooms.states import MemberRole, RoundState
from tests.deliberation.sockets import communicator, enter, until
from tests.factories import ResidentFactory, RoomFactory
from tests.factories import room_member_user as _member

pytestmark = pytest.mark.django_db


def _events(room: Room, type_: str) -> list[dict]:
    found = list(RoomEvent.objects.filter(room=room, type=type_).order_by("seq"))
    for event in found:
        check_outbound({"type": event.type, "seq": event.seq, "data": event.data})
    return [e.data for e in found]


# --- floor_stats ------------------------------------------------------------------------------------


def test_floor_stats_counts_turns_that_reached_the_floor_and_each_ones_share_of_the_chat():
    room = RoomFactory(stage="live")
    talker, chatter, quiet = _member(room), _member(room), _member(room)
    _member(room, MemberRole.OBSERVER)
    _member(room, removed_at=timezone.now())
    services.raise_hand(room=room, user=talker)
    services.give_floor(room=room, actor=room.facilitator)
    services.end_turn(room=room, actor=talker)
    services.raise_hand(room=room, user=talker)
    services.give_floor(room=room, actor=room.facilitator)
    services.raise_hand(room=room, user=quiet)
    services.lower_hand(room=room, actor=quiet)  # never reached the floor: not a turn
    for body in ("one", "two", "three"):
        services.post_message(room=room, author=chatter, body=body)
    services.post_message(room=room, author=talker, body="me too")

    stats = floor_stats(room)

    assert [(s["user_id"], s["turns"], s["messages"], s["chat_share"]) for s in stats] == [
        (quiet.pk, 0, 0, 0.0), (chatter.pk, 0, 3, 75.0), (talker.pk, 2, 1, 25.0)]
    assert stats[0]["name"] == quiet.public_name
    assert Hand.objects.filter(room=room, user=talker).count() == 2


def test_floor_stats_of_a_silent_room_has_no_shares():
    room = RoomFactory(stage="live")
    user = _member(room)
    assert floor_stats(room) == [{"user_id": user.pk, "name": user.public_name, "turns": 0, "messages": 0,
                                  "chat_share": 0.0}]


# --- Invitation to speak ----------------------------------------------------------------------------


def test_the_facilitator_invites_a_member_to_speak_and_nobody_else_can():
    room = RoomFactory(stage="live")
    user, other = _member(room), _member(room)

    services.invite_to_speak(room=room, actor=room.facilitator, user_id=user.pk)
    with pytest.raises(PermissionDenied):
        services.invite_to_speak(room=room, actor=other, user_id=user.pk)
    with pytest.raises(FloorError) as stranger:
        services.invite_to_speak(room=room, actor=room.facilitator, user_id=ResidentFactory().pk)

    assert stranger.value.code == "not_member"
    assert _events(room, "floor.invited") == [{"user_id": user.pk, "name": user.public_name}]


# --- Voting to move on ------------------------------------------------------------------------------


@pytest.mark.parametrize("eligible, needed", [(0, 1), (1, 1), (2, 2), (3, 2), (4, 3), (5, 3)])
def test_moving_on_needs_more_than_half(eligible, needed):
    assert rules.move_on_needed(eligible) == needed


def test_a_majority_of_votes_skips_the_round_exactly_once():
    room = RoomFactory(stage="live")
    ann, ben, cas = _member(room), _member(room), _member(room)
    _member(room, MemberRole.OBSERVER)  # not counted
    _member(room, removed_at=timezone.now())  # not counted
    first = room.current_round

    services.vote_move_on(room=room, user=ann)
    first.refresh_from_db()
    assert first.state == RoundState.RUNNING
    services.vote_move_on(room=room, user=ben)

    first.refresh_from_db()
    room.refresh_from_db()
    assert first.state == RoundState.SKIPPED
    assert room.current_round.position == 2 and room.current_round.state == RoundState.RUNNING
    assert _events(room, "move_on.updated") == [{"round_id": first.pk, "votes": 1, "needed": 2},
                                                {"round_id": first.pk, "votes": 2, "needed": 2}]
    assert [e["round_id"] for e in _events(room, "round.ended")] == [first.pk]

    services.vote_move_on(room=room, user=cas)  # a vote for the next round now, not a second skip
    room.refresh_from_db()
    assert room.current_round.position == 2
    assert [e["round_id"] for e in _events(room, "round.ended")] == [first.pk]
    assert MoveOnVote.objects.filter(round=room.current_round).count() == 1


def test_one_move_on_vote_per_person_and_round_and_none_from_observers():
    room = RoomFactory(stage="live")
    user, _other, _third = _member(room), _member(room), _member(room)
    observer = _member(room, MemberRole.OBSERVER)
    services.vote_move_on(room=room, user=user)

    with pytest.raises(FloorError) as again:
        services.vote_move_on(room=room, user=user)
    with pytest.raises(PermissionDenied):
        services.vote_move_on(room=room, user=observer)

    assert again.value.code == "already_voted"
    assert MoveOnVote.objects.count() == 1 and len(_events(room, "move_on.updated")) == 1


def test_no_move_on_vote_without_a_round():
    room = RoomFactory(stage="open")
    user = _member(room)
    with pytest.raises(ClockError) as caught:
        services.vote_move_on(room=room, user=user)
    assert caught.value.code == "no_round"


# --- Over the WebSocket -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_majority_voting_over_the_socket_moves_everyone_to_the_next_round():
    room = RoomFactory(stage="live")
    alice, bob, _carol = _member(room), _member(room), _member(room)
    first = room.current_round
    to_alice, to_bob = communicator(room.pk, alice), communicator(room.pk, bob)

    async def scenario():
        await enter(to_alice)
        await enter(to_bob)
        await to_alice.send_json_to({"type": "move_on.vote", "data": {}})
        tally = await until(to_bob, "move_on.updated")
        await to_bob.send_json_to({"type": "move_on.vote", "data": {}})
        frames = {}
        for name, ws in (("alice", to_alice), ("bob", to_bob)):
            frames[name] = (await until(ws, "round.ended"), await until(ws, "round.started"))
        await to_alice.disconnect()
        await to_bob.disconnect()
        return tally, frames

    tally, frames = async_to_sync(scenario)()
    assert tally["data"] == {"round_id": first.pk, "votes": 1, "needed": 2}
    for ended, started in frames.values():
        assert ended["data"]["round_id"] == first.pk and ended["data"]["state"] == "skipped"
        assert started["data"]["round"]["position"] == 2
    assert frames["alice"] == frames["bob"]
