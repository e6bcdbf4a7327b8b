"""core.lifecycle: one helper moves every lifecycle; the side effects of entering a state happen whoever moves."""

import pytest
from django.utils import translation

from core.lifecycle import IllegalTransition, lifecycle_of, move
from deliberation.deliberative_polls import services as dpoll_services
from deliberation.deliberative_polls.states import DPollState
from deliberation.juries.services import JuryError
from deliberation.panels.services.draws import DrawError
from deliberation.panels.services.invitations import InvitationError
from deliberation.rooms.models import Hand, Room, Round
from deliberation.rooms.services import ClockError
from deliberation.rooms.services.queue import QueueError
from deliberation.rooms.states import HandState, RoomState
from proposals.services import TransitionError
from tests.factories import make_poll
from voting.services import VoteError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("error", [TransitionError, ClockError, QueueError, DrawError, InvitationError, JuryError,
                                   dpoll_services.DPollError, VoteError])
def test_every_lifecycle_refuses_with_one_error_type(error):
    assert issubclass(error, IllegalTransition)


def test_an_illegal_move_is_refused_by_name_and_nothing_changes():
    room = Room(state=RoomState.ENDED)
    with translation.override("en"), pytest.raises(ClockError, match="The room cannot go from “Ended” to “Live”"):
        move(room, RoomState.LIVE, save=False)
    assert room.state == RoomState.ENDED


def test_entering_a_state_stamps_its_time():
    hand = Hand(state=HandState.SPEAKING)
    lifecycle_of(hand).move(hand, HandState.DONE, save=False)
    assert hand.state == HandState.DONE and hand.ended_at is not None


def test_a_round_and_a_room_have_their_own_lifecycles():
    assert lifecycle_of(Round()) is not lifecycle_of(Room())


def _room_of(poll):
    poll.refresh_from_db()
    return poll.room


def test_a_poll_moved_into_deliberation_by_move_poll_gets_its_room_and_panel():
    poll, actor, members, _ = make_poll(state=DPollState.T1_OPEN)
    dpoll_services.move_poll(poll=poll, to=DPollState.DELIBERATING, actor=actor)
    room = _room_of(poll)
    assert room is not None and room.facilitator_id == actor.pk
    invited = set(room.members.filter(invited=True).values_list("user_id", flat=True))
    assert invited == {m.user_id for m in members}


def test_a_poll_moved_into_deliberation_by_the_generic_move_gets_its_room():
    poll, actor, _members, _ = make_poll(state=DPollState.T1_OPEN)
    move(poll, DPollState.DELIBERATING, actor=actor)
    assert _room_of(poll) is not None
