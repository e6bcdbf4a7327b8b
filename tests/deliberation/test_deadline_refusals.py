"""A round past its stored deadline is over for every frame that needs a running round, even while its
state still says "running" (the worker that ends it at the deadline is down): issue 11.

Each test moves the current round's deadline into the past without touching its state, as a stopped
Celery worker leaves it, and checks that the action is refused and nothing is stored.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deliberation.rooms import rules, services
from deliberation.rooms.models import Hand, MoveOnVote, Question, QuestionVote, Room, RoomEvent, Round
from deliberation.rooms.states import HandState, RoundState
from tests.factories import RoomFactory
from tests.factories import room_member_user as _member

pytestmark = pytest.mark.django_db

QA_FIRST = [{"kind": "qa", "title": "Questions", "duration_seconds": 600},
            {"kind": "discussion", "title": "Discussion", "duration_seconds": 600}]


def _overdue(room: Room) -> None:
    """The deadline passed a second ago; nobody ended the round."""
    Round.objects.filter(pk=room.current_round_id).update(deadline_at=timezone.now() - timedelta(seconds=1))


def _events(room: Room) -> int:
    return RoomEvent.objects.filter(room=room).count()


def test_is_round_running_asks_the_deadline_and_not_only_the_state():
    room = RoomFactory(stage="live")
    rnd = Round.objects.get(pk=room.current_round_id)
    now = timezone.now()
    assert rules.is_round_running(rnd, now)
    assert not rules.is_round_running(rnd, rnd.deadline_at)
    assert not rules.is_round_running(rnd, rnd.deadline_at + timedelta(microseconds=1))
    assert not rules.is_round_running(None, now)
    rnd.state = RoundState.PAUSED
    assert not rules.is_round_running(rnd, now)


def test_a_hand_cannot_be_raised_after_the_deadline():
    room = RoomFactory(stage="live")
    user = _member(room)
    _overdue(room)
    before = _events(room)
    with pytest.raises(PermissionDenied, match="time is up"):
        services.raise_hand(room=room, user=user)
    assert not Hand.objects.filter(room=room).exists()
    assert _events(room) == before


def test_the_floor_cannot_be_given_after_the_deadline():
    room = RoomFactory(stage="live")
    services.raise_hand(room=room, user=_member(room))
    _overdue(room)
    with pytest.raises(ValidationError) as refused:
        services.give_floor(room=room, actor=room.facilitator)
    assert refused.value.code == "no_round"
    assert Hand.objects.get(room=room).state == HandState.WAITING


def test_a_question_cannot_be_asked_or_upvoted_after_the_deadline():
    room = RoomFactory(stage="live", rounds=QA_FIRST)
    asker, voter = _member(room), _member(room)
    question = services.ask_question(room=room, user=asker, body="Who waters the trees?")
    _overdue(room)
    with pytest.raises(PermissionDenied, match="time is up"):
        services.ask_question(room=room, user=asker, body="And in August?")
    with pytest.raises(PermissionDenied, match="time is up"):
        services.upvote_question(room=room, user=voter, question_id=question.pk)
    assert Question.objects.filter(room=room).count() == 1
    assert not QuestionVote.objects.exists()


def test_a_vote_to_move_on_is_refused_after_the_deadline():
    room = RoomFactory(stage="live")
    user = _member(room)
    _overdue(room)
    with pytest.raises(ValidationError) as refused:
        services.vote_move_on(room=room, user=user)
    assert refused.value.code == "no_round"
    assert not MoveOnVote.objects.exists()


def test_before_the_deadline_the_same_actions_are_allowed():
    room = RoomFactory(stage="live", rounds=QA_FIRST)
    user = _member(room)
    services.post_message(room=room, author=user, body="hello")
    services.raise_hand(room=room, user=user)
    services.ask_question(room=room, user=user, body="A question?")
    services.vote_move_on(room=room, user=user)  # one of one: the round is skipped
    assert Round.objects.get(room=room, position=1).state == RoundState.SKIPPED
