"""The speaking queue (deliberation.rooms.services.queue): hands, the floor, each turn's countdown and its expiry."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from deliberation.rooms import selectors, services
from deliberation import tasks
from deliberation.rooms.models import Hand, Room, RoomEvent
from deliberation.rooms.realtime.protocol import check_outbound
from deliberation.rooms.services import QueueError
from deliberation.rooms.states import HandState, MemberRole
from tests.factories import ResidentFactory, RoomFactory
from tests.factories import room_member_user as _member

pytestmark = pytest.mark.django_db


def _queue_events(room: Room) -> list[dict]:
    return [e.data for e in RoomEvent.objects.filter(room=room, type="queue.updated").order_by("seq")]


def _last_queue(room: Room) -> list[tuple[int, str]]:
    return [(h["user_id"], h["state"]) for h in _queue_events(room)[-1]["queue"]]


def _event_count(room: Room) -> int:
    return RoomEvent.objects.filter(room=room).count()


# --- Raising and lowering ---------------------------------------------------------------------------


def test_hands_queue_in_the_order_they_were_raised_and_each_change_sends_the_whole_queue():
    room = RoomFactory(stage="live")
    first, second, third = _member(room), _member(room), _member(room)

    for user in (first, second, third):
        services.raise_hand(room=room, user=user)

    events = _queue_events(room)
    assert len(events) == 3
    for data in events:
        check_outbound({"type": "queue.updated", "seq": 1, "data": data})
    assert _last_queue(room) == [(first.pk, "waiting"), (second.pk, "waiting"), (third.pk, "waiting")]
    entry = events[-1]["queue"][0]
    assert entry["name"] == first.public_name and entry["turn_deadline"] is None and entry["raised_at"]


def test_a_second_hand_by_the_same_participant_is_refused_and_nothing_is_stored():
    room = RoomFactory(stage="live")
    user = _member(room)
    services.raise_hand(room=room, user=user)
    before = _event_count(room)

    with pytest.raises(QueueError, match="Your hand is already raised.") as caught:
        services.raise_hand(room=room, user=user)

    assert caught.value.code == "already_raised"
    assert Hand.objects.filter(room=room, user=user).count() == 1
    assert _event_count(room) == before


def test_the_database_allows_one_open_hand_per_user_and_one_speaker_per_room():
    room = RoomFactory(stage="live")
    user, other = _member(room), _member(room)
    Hand.objects.create(room=room, user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hand.objects.create(room=room, user=user)
    deadline = timezone.now() + timedelta(seconds=60)
    Hand.objects.filter(room=room, user=user).update(state=HandState.SPEAKING, turn_deadline_at=deadline)
    with pytest.raises(IntegrityError), transaction.atomic():
        Hand.objects.create(room=room, user=other, state=HandState.SPEAKING, turn_deadline_at=deadline)


def test_a_lowered_hand_may_be_raised_again_at_the_end_of_the_queue():
    room = RoomFactory(stage="live")
    first, second = _member(room), _member(room)
    services.raise_hand(room=room, user=first)
    services.raise_hand(room=room, user=second)

    services.lower_hand(room=room, actor=first)
    assert _last_queue(room) == [(second.pk, "waiting")]
    services.raise_hand(room=room, user=first)

    assert _last_queue(room) == [(second.pk, "waiting"), (first.pk, "waiting")]
    assert Hand.objects.get(room=room, user=first, state=HandState.LOWERED).ended_at is not None


def test_the_facilitator_lowers_anyones_hand_but_a_participant_only_their_own():
    room = RoomFactory(stage="live")
    first, second = _member(room), _member(room)
    services.raise_hand(room=room, user=first)
    before = _event_count(room)

    with pytest.raises(PermissionDenied, match="Only the room's facilitator can do this."):
        services.lower_hand(room=room, actor=second, user_id=first.pk)
    assert _event_count(room) == before

    services.lower_hand(room=room, actor=room.facilitator, user_id=first.pk)
    assert Hand.objects.get(room=room, user=first).state == HandState.LOWERED
    assert _last_queue(room) == []


def test_lowering_without_a_raised_hand_is_refused():
    room = RoomFactory(stage="live")
    with pytest.raises(QueueError, match="There is no raised hand to lower.") as caught:
        services.lower_hand(room=room, actor=_member(room))
    assert caught.value.code == "no_hand"


# --- Refusals by the round's rules and by role ------------------------------------------------------


def test_raising_a_hand_before_any_round_runs_is_refused():
    room = RoomFactory(stage="open")
    with pytest.raises(PermissionDenied, match="Hands can be raised only while a round is running."):
        services.raise_hand(room=room, user=_member(room))
    assert not Hand.objects.exists()


def test_raising_a_hand_in_a_paused_round_is_refused():
    room = RoomFactory(stage="live")
    services.pause_round(room=room, actor=room.facilitator)
    with pytest.raises(PermissionDenied, match="Hands can be raised only while a round is running."):
        services.raise_hand(room=room, user=_member(room))


def test_raising_a_hand_in_a_round_for_the_facilitator_and_speakers_only_is_refused():
    room = RoomFactory(stage="live", rounds=[
        {"kind": "presentation", "title": "Briefing", "duration_seconds": 600, "speakers": "facilitator"}])
    with pytest.raises(PermissionDenied, match="only the facilitator and the invited speakers take the floor"):
        services.raise_hand(room=room, user=_member(room))
    assert not Hand.objects.exists()


def test_a_round_open_to_everyone_takes_hands_too():
    room = RoomFactory(stage="live", rounds=[
        {"kind": "discussion", "title": "Open floor", "duration_seconds": 600, "speakers": "everyone"}])
    user = _member(room)
    services.raise_hand(room=room, user=user)
    assert _last_queue(room) == [(user.pk, "waiting")]


@pytest.mark.parametrize("fields, reason", [
    ({"role": MemberRole.OBSERVER}, "Observers cannot raise a hand."),
    ({"muted": True}, "The facilitator has muted you."),
    ({"removed_at": timezone.now}, "You are not a participant of this room."),
])
def test_observers_muted_and_removed_members_cannot_raise_a_hand(fields, reason):
    room = RoomFactory(stage="live")
    fields = {k: v() if callable(v) else v for k, v in fields.items()}
    with pytest.raises(PermissionDenied, match=reason):
        services.raise_hand(room=room, user=_member(room, **fields))
    assert not Hand.objects.exists()


def test_a_stranger_to_the_room_cannot_raise_a_hand():
    room = RoomFactory(stage="live")
    with pytest.raises(PermissionDenied, match="You are not a participant of this room."):
        services.raise_hand(room=room, user=ResidentFactory())


# --- The floor ----------------------------------------------------------------------------------------


def test_giving_the_floor_takes_the_first_waiting_hand_with_the_rounds_turn_length():
    room = RoomFactory(stage="live")
    first, second = _member(room), _member(room)
    services.raise_hand(room=room, user=first)
    services.raise_hand(room=room, user=second)

    hand = services.give_floor(room=room, actor=room.facilitator)

    assert hand.user == first and hand.state == HandState.SPEAKING
    assert hand.turn_deadline_at == hand.floor_given_at + timedelta(seconds=120)
    assert _last_queue(room) == [(first.pk, "speaking"), (second.pk, "waiting")]
    data = _queue_events(room)[-1]
    assert data["queue"][0]["turn_deadline"] == hand.turn_deadline_at.isoformat() and data["server_time"]


def test_giving_the_floor_to_a_named_person_skips_the_ones_before_and_ends_the_current_turn():
    room = RoomFactory(stage="live")
    first, second, third = _member(room), _member(room), _member(room)
    for user in (first, second, third):
        services.raise_hand(room=room, user=user)
    services.give_floor(room=room, actor=room.facilitator)

    services.give_floor(room=room, actor=room.facilitator, user_id=third.pk)

    assert Hand.objects.get(room=room, user=first).state == HandState.DONE
    assert _last_queue(room) == [(third.pk, "speaking"), (second.pk, "waiting")]


def test_the_speaker_put_back_in_line_keeps_their_place_in_the_shared_order():
    """The speaker is listed first; waiting hands keep the order they were raised in."""
    room = RoomFactory(stage="live")
    first, second = _member(room), _member(room)
    services.raise_hand(room=room, user=first)
    services.raise_hand(room=room, user=second)
    services.give_floor(room=room, actor=room.facilitator, user_id=second.pk)
    assert _last_queue(room) == [(second.pk, "speaking"), (first.pk, "waiting")]


def test_giving_the_floor_with_nobody_waiting_or_to_someone_not_waiting_is_refused():
    room = RoomFactory(stage="live")
    with pytest.raises(QueueError, match="Nobody is waiting for the floor.") as caught:
        services.give_floor(room=room, actor=room.facilitator)
    assert caught.value.code == "queue_empty"
    with pytest.raises(QueueError, match="This person is not waiting for the floor."):
        services.give_floor(room=room, actor=room.facilitator, user_id=_member(room).pk)


def test_a_participant_cannot_give_the_floor():
    room = RoomFactory(stage="live")
    user = _member(room)
    services.raise_hand(room=room, user=user)
    before = _event_count(room)
    with pytest.raises(PermissionDenied, match="Only the room's facilitator can do this."):
        services.give_floor(room=room, actor=user)
    assert _event_count(room) == before
    assert Hand.objects.get(room=room, user=user).state == HandState.WAITING


def test_the_floor_cannot_be_given_while_no_round_runs():
    room = RoomFactory(stage="live")
    services.raise_hand(room=room, user=_member(room))
    services.pause_round(room=room, actor=room.facilitator)
    with pytest.raises(QueueError, match="only while a round is running") as caught:
        services.give_floor(room=room, actor=room.facilitator)
    assert caught.value.code == "no_round"


def test_the_speaker_or_the_facilitator_ends_the_turn_but_nobody_else():
    room = RoomFactory(stage="live")
    speaker, other = _member(room), _member(room)
    services.raise_hand(room=room, user=speaker)
    services.give_floor(room=room, actor=room.facilitator)

    with pytest.raises(PermissionDenied, match="Only the speaker or the facilitator can end this turn."):
        services.end_turn(room=room, actor=other)
    hand = services.end_turn(room=room, actor=speaker)

    assert hand.state == HandState.DONE and hand.ended_at is not None
    assert _last_queue(room) == []
    with pytest.raises(QueueError, match="Nobody has the floor."):
        services.end_turn(room=room, actor=room.facilitator)


def test_a_speaker_whose_hand_is_lowered_loses_the_floor():
    room = RoomFactory(stage="live")
    speaker = _member(room)
    services.raise_hand(room=room, user=speaker)
    services.give_floor(room=room, actor=room.facilitator)

    services.lower_hand(room=room, actor=room.facilitator, user_id=speaker.pk)

    assert Hand.objects.get(room=room, user=speaker).state == HandState.LOWERED
    assert not Hand.objects.filter(room=room, state=HandState.SPEAKING).exists()


# --- The turn's countdown and its expiry ------------------------------------------------------------------


def _speaking(room: Room):
    user = _member(room)
    services.raise_hand(room=room, user=user)
    return services.give_floor(room=room, actor=room.facilitator)


def test_expiring_a_turn_before_its_deadline_does_nothing():
    room = RoomFactory(stage="live")
    hand = _speaking(room)
    before = _event_count(room)
    assert services.expire_turn(room_id=room.pk, hand_id=hand.pk) is False
    assert Hand.objects.get(pk=hand.pk).state == HandState.SPEAKING
    assert _event_count(room) == before


def test_a_turn_past_its_deadline_is_ended_by_the_sweep_once():
    room = RoomFactory(stage="live")
    hand = _speaking(room)
    later = hand.turn_deadline_at + timedelta(seconds=1)

    assert services.expire_due_turns(now=later) == 1
    assert services.expire_due_turns(now=later) == 0
    assert services.expire_turn(room_id=room.pk, hand_id=hand.pk, now=later) is False

    hand.refresh_from_db()
    assert (hand.state, hand.ended_at) == (HandState.DONE, later)
    assert _last_queue(room) == []
    assert RoomEvent.objects.filter(room=room, type="queue.updated").last().actor is None
    assert len(_queue_events(room)) == 3  # raised, floor given, expired


def test_the_rounds_sweep_task_also_ends_overdue_turns():
    room = RoomFactory(stage="live")
    hand = _speaking(room)
    Hand.objects.filter(pk=hand.pk).update(turn_deadline_at=timezone.now() - timedelta(seconds=5))

    assert tasks.sweep_rounds() == 1
    assert tasks.sweep_rounds() == 0
    assert Hand.objects.get(pk=hand.pk).state == HandState.DONE


def test_an_ended_turn_is_left_alone_by_a_late_expiry():
    room = RoomFactory(stage="live")
    hand = _speaking(room)
    services.end_turn(room=room, actor=room.facilitator)
    before = _event_count(room)

    later = hand.turn_deadline_at + timedelta(seconds=1)
    assert services.expire_turn(room_id=room.pk, hand_id=hand.pk, now=later) is False
    assert _event_count(room) == before


def test_the_hello_snapshot_carries_the_queue():
    room = RoomFactory(stage="live")
    user = _member(room)
    services.raise_hand(room=room, user=user)
    snapshot = selectors.room_state_snapshot(Room.objects.get(pk=room.pk), room.facilitator)
    assert [(h["user_id"], h["state"]) for h in snapshot["queue"]] == [(user.pk, "waiting")]


@pytest.mark.parametrize("ending", ["skip", "deadline"])
def test_a_round_ending_ends_the_turn_and_lowers_waiting_hands_so_the_next_item_starts_empty(ending):
    room = RoomFactory(stage="live")
    speaker, waiting = _member(room), _member(room)
    services.raise_hand(room=room, user=speaker)
    services.raise_hand(room=room, user=waiting)
    services.give_floor(room=room, actor=room.facilitator)

    if ending == "skip":
        services.skip_round(room=room, actor=room.facilitator)
    else:
        round_id = Room.objects.get(pk=room.pk).current_round_id
        services.expire_round(room_id=room.pk, round_id=round_id, now=timezone.now() + timedelta(hours=2))

    states = dict(Hand.objects.filter(room=room).values_list("user_id", "state"))
    assert states == {speaker.pk: HandState.DONE, waiting.pk: HandState.LOWERED}
    types = list(RoomEvent.objects.filter(room=room).order_by("seq").values_list("type", "data"))
    ended_at = [t for t, _d in types].index("round.ended")
    after = [d for t, d in types[ended_at:] if t == "queue.updated"]
    assert after and after[0]["queue"] == []
