"""Questions in Q&A rounds (deliberation.rooms.services.questions): asking, ranking, one vote each, marking."""

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import PermissionDenied, ValidationError

from deliberation.rooms import services
from deliberation.rooms.models import Question, QuestionVote, Room, RoomEvent
from deliberation.rooms.realtime.protocol import ProtocolError, check_outbound, validate
from deliberation.rooms.services import QuestionError
from deliberation.rooms.states import MemberRole, QuestionState
from tests.deliberation.sockets import communicator, enter, until
from tests.factories import RoomFactory
from tests.factories import room_member_user as _member

pytestmark = pytest.mark.django_db

QA_FIRST = [
    {"kind": "qa", "title": "Questions for the arborist", "duration_seconds": 600},
    {"kind": "discussion", "title": "Discussion", "duration_seconds": 600},
]


def _qa_room() -> Room:
    return RoomFactory(stage="live", rounds=QA_FIRST)


def _last_list(room: Room) -> dict:
    event = RoomEvent.objects.filter(room=room, type="questions.updated").order_by("seq").last()
    check_outbound({"type": event.type, "seq": event.seq, "data": event.data})
    return event.data


def _order(room: Room) -> list[tuple[str, int]]:
    return [(q["body"], q["votes"]) for q in _last_list(room)["questions"]]


def _events(room: Room) -> int:
    return RoomEvent.objects.filter(room=room).count()


# --- Asking -----------------------------------------------------------------------------------------


def test_a_participant_asks_in_a_qa_round_and_everyone_gets_the_list():
    room = _qa_room()
    user = _member(room)

    question = services.ask_question(room=room, user=user, body="  Who waters the trees?\x07 ")

    assert question.body == "Who waters the trees?" and question.state == QuestionState.OPEN
    assert question.round_id == room.current_round_id
    data = _last_list(room)
    assert data["round_id"] == room.current_round_id
    assert data["questions"] == [{"id": question.pk, "author_id": user.pk, "author": user.public_name,
                                  "body": "Who waters the trees?", "state": "open", "votes": 0,
                                  "created_at": question.created_at.isoformat()}]


def test_questions_are_refused_outside_a_running_qa_round_and_nothing_is_stored():
    room = RoomFactory(stage="live")  # round 1 is a discussion
    user = _member(room)
    before = _events(room)

    with pytest.raises(PermissionDenied, match="questions-and-answers round"):
        services.ask_question(room=room, user=user, body="Why?")

    assert not Question.objects.exists() and _events(room) == before


@pytest.mark.parametrize("role, fields", [(MemberRole.OBSERVER, {}),
                                          (MemberRole.PARTICIPANT, {"removed_at": "2026-01-01T00:00Z"})])
def test_observers_and_removed_members_cannot_ask(role, fields):
    room = _qa_room()
    user = _member(room, role, **fields)
    with pytest.raises(PermissionDenied):
        services.ask_question(room=room, user=user, body="Why?")


def test_a_blank_or_too_long_question_is_refused():
    room = _qa_room()
    user = _member(room)
    with pytest.raises(ValidationError) as blank:
        services.ask_question(room=room, user=user, body="   ")
    with pytest.raises(ValidationError) as long:
        services.ask_question(room=room, user=user, body="x" * 501)
    assert (blank.value.code, long.value.code) == ("empty", "too_long")
    with pytest.raises(ProtocolError):
        validate({"type": "question.ask", "data": {"body": "x" * 501}})


# --- Voting and ranking -----------------------------------------------------------------------------


def test_the_list_is_ranked_by_votes_then_by_age():
    room = _qa_room()
    ann, ben, cas, dan = (_member(room) for _ in range(4))
    first = services.ask_question(room=room, user=ann, body="First")
    second = services.ask_question(room=room, user=ben, body="Second")
    third = services.ask_question(room=room, user=cas, body="Third")

    services.upvote_question(room=room, user=dan, question_id=third.pk)
    services.upvote_question(room=room, user=ann, question_id=third.pk)
    services.upvote_question(room=room, user=dan, question_id=second.pk)
    assert _order(room) == [("Third", 2), ("Second", 1), ("First", 0)]

    services.upvote_question(room=room, user=cas, question_id=first.pk)  # ties with Second: the older first
    assert _order(room) == [("Third", 2), ("First", 1), ("Second", 1)]

    services.remove_vote(room=room, user=dan, question_id=third.pk)
    services.remove_vote(room=room, user=ann, question_id=third.pk)
    assert _order(room) == [("First", 1), ("Second", 1), ("Third", 0)]
    assert Question.objects.get(pk=third.pk).votes_count == 0


def test_one_vote_each_and_none_for_ones_own_question():
    room = _qa_room()
    author, voter = _member(room), _member(room)
    question = services.ask_question(room=room, user=author, body="Why?")
    services.upvote_question(room=room, user=voter, question_id=question.pk)
    before = _events(room)

    with pytest.raises(QuestionError) as again:
        services.upvote_question(room=room, user=voter, question_id=question.pk)
    with pytest.raises(QuestionError) as own:
        services.upvote_question(room=room, user=author, question_id=question.pk)
    with pytest.raises(QuestionError) as unvoted:
        services.remove_vote(room=room, user=author, question_id=question.pk)

    assert (again.value.code, own.value.code, unvoted.value.code) == ("already_voted", "own_question", "no_vote")
    assert QuestionVote.objects.count() == 1 and Question.objects.get().votes_count == 1
    assert _events(room) == before


def test_votes_stop_when_the_qa_round_is_over():
    room = _qa_room()
    author, voter = _member(room), _member(room)
    question = services.ask_question(room=room, user=author, body="Why?")
    services.skip_round(room=room, actor=room.facilitator)
    with pytest.raises(PermissionDenied):
        services.upvote_question(room=room, user=voter, question_id=question.pk)


# --- Marking ----------------------------------------------------------------------------------------


def test_only_the_facilitator_marks_and_one_question_is_answered_at_a_time():
    room = _qa_room()
    ann, ben = _member(room), _member(room)
    first = services.ask_question(room=room, user=ann, body="First")
    second = services.ask_question(room=room, user=ben, body="Second")

    with pytest.raises(PermissionDenied):
        services.mark_question(room=room, actor=ben, question_id=first.pk, state="answered")

    services.mark_question(room=room, actor=room.facilitator, question_id=first.pk, state="answering")
    services.mark_question(room=room, actor=room.facilitator, question_id=second.pk, state="answering")
    states = {q["body"]: q["state"] for q in _last_list(room)["questions"]}
    assert states == {"First": "answered", "Second": "answering"}


def test_hiding_needs_a_reason_kept_on_record_and_drops_the_question_from_the_list():
    room = _qa_room()
    user = _member(room)
    question = services.ask_question(room=room, user=user, body="Rude")
    facilitator = room.facilitator

    with pytest.raises(QuestionError) as no_reason:
        services.mark_question(room=room, actor=facilitator, question_id=question.pk, state="hidden")
    with pytest.raises(QuestionError) as bad_state:
        services.mark_question(room=room, actor=facilitator, question_id=question.pk, state="open")
    services.mark_question(room=room, actor=facilitator, question_id=question.pk, state="hidden", reason="Insult")

    assert (no_reason.value.code, bad_state.value.code) == ("reason_required", "invalid")
    question.refresh_from_db()
    assert (question.state, question.hidden_reason, question.marked_by) == ("hidden", "Insult", facilitator)
    assert _last_list(room)["questions"] == []
    with pytest.raises(QuestionError) as gone:
        services.mark_question(room=room, actor=facilitator, question_id=question.pk, state="answered")
    assert gone.value.code == "not_found"


def test_an_answered_question_cannot_go_back_to_answering():
    room = _qa_room()
    question = services.ask_question(room=room, user=_member(room), body="Why?")
    services.mark_question(room=room, actor=room.facilitator, question_id=question.pk, state="answered")
    with pytest.raises(QuestionError) as caught:
        services.mark_question(room=room, actor=room.facilitator, question_id=question.pk, state="answering")
    assert caught.value.code == "illegal_transition"


# --- Over the WebSocket -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_upvote_reaches_another_client_as_the_new_ranking():
    room = _qa_room()
    alice, bob, carol = _member(room), _member(room), _member(room)
    older = services.ask_question(room=room, user=alice, body="Older question")
    newer = services.ask_question(room=room, user=carol, body="Newer question")
    to_alice, to_bob = communicator(room.pk, alice), communicator(room.pk, bob)

    async def scenario():
        hello = await enter(to_alice)
        await enter(to_bob)
        assert [q["id"] for q in hello["data"]["questions"]] == [older.pk, newer.pk]  # late joiners see the list
        await to_bob.send_json_to({"type": "question.vote", "data": {"question_id": newer.pk}})
        frame = await until(to_alice, "questions.updated")
        await to_bob.send_json_to({"type": "question.vote", "data": {"question_id": newer.pk}})
        refused = await until(to_bob, "error")
        await to_alice.disconnect()
        await to_bob.disconnect()
        return frame, refused

    frame, refused = async_to_sync(scenario)()
    assert [(q["id"], q["votes"]) for q in frame["data"]["questions"]] == [(newer.pk, 1), (older.pk, 0)]
    assert refused["code"] == "already_voted"
