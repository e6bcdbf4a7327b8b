"""Questions in a Q&A round: participants ask and upvote, the facilitator marks one answering or answered.

Every change emits one ``questions.updated`` event with the round's whole ranked list (most votes
first, then the oldest), hidden questions left out, so clients replace their view rather than patch it.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.ratelimit import check_rate

from deliberation.rooms import rules
from deliberation.rooms.realtime.events import append_event
from deliberation.rooms.selectors import questions_data
from deliberation.rooms.models import QUESTION_MAX, Question, QuestionVote, Room
from deliberation.rooms.states import QUESTION_TRANSITIONS, QuestionState
from deliberation.rooms.services.chat import clean_chat_text
from deliberation.rooms.services.locking import lock_room


class QuestionError(ValidationError):
    """A question move that cannot happen now (own question, second vote); the message says which."""


def emit_questions(room_id: int, round_id: int, now: datetime, actor=None) -> None:
    append_event(room_id=room_id, type="questions.updated", data=questions_data(round_id, now), actor=actor)


def _participant_lock(room_id: int, user) -> Room:
    room = lock_room(room_id)
    refusal = rules.refuse_question(user, room, rules.membership(user, room), timezone.now())
    if refusal:
        raise PermissionDenied(refusal)
    return room


def _question(room: Room, question_id: int) -> Question:
    question = Question.objects.select_for_update().filter(pk=question_id, room=room).first()
    if question is None or question.state == QuestionState.HIDDEN:
        raise QuestionError(_("There is no such question."), code="not_found")
    return question


@transaction.atomic
def ask_question(*, room: Room, user, body: str) -> Question:
    """A participant asks, in a running Q&A round; plain text like chat, at most QUESTION_MAX characters."""
    room, now = _participant_lock(room.pk, user), timezone.now()
    text = clean_chat_text(body, limit=QUESTION_MAX)
    check_rate(action="chat.message", user_id=user.pk)  # questions share the chat's limit
    question = Question.objects.create(room=room, round=room.current_round, author=user, body=text, created_at=now)
    emit_questions(room.pk, question.round_id, now, actor=user)
    return question


@transaction.atomic
def upvote_question(*, room: Room, user, question_id: int) -> Question:
    """One vote per person and question; not for one's own question."""
    room, now = _participant_lock(room.pk, user), timezone.now()
    question = _question(room, question_id)
    if question.round_id != room.current_round_id:
        raise QuestionError(_("This question belongs to an earlier round."), code="not_found")
    if question.author_id == user.pk:
        raise QuestionError(_("You cannot vote for your own question."), code="own_question")
    try:
        with transaction.atomic():
            QuestionVote.objects.create(question=question, user=user, created_at=now)
    except IntegrityError:
        raise QuestionError(_("You have already voted for this question."), code="already_voted") from None
    Question.objects.filter(pk=question.pk).update(votes_count=F("votes_count") + 1)
    emit_questions(room.pk, question.round_id, now, actor=user)
    question.refresh_from_db()
    return question


@transaction.atomic
def remove_vote(*, room: Room, user, question_id: int) -> Question:
    room, now = _participant_lock(room.pk, user), timezone.now()
    question = _question(room, question_id)
    deleted, _rows = QuestionVote.objects.filter(question=question, user=user).delete()
    if not deleted:
        raise QuestionError(_("You have not voted for this question."), code="no_vote")
    Question.objects.filter(pk=question.pk).update(votes_count=F("votes_count") - 1)
    emit_questions(room.pk, question.round_id, now, actor=user)
    question.refresh_from_db()
    return question


@transaction.atomic
def mark_question(*, room: Room, actor, question_id: int, state: str, reason: str = "") -> Question:
    """The facilitator marks a question answering, answered or hidden (hidden needs a reason, kept on record).

    One question is answered at a time: marking one ``answering`` marks the one before ``answered``.
    """
    room, now = lock_room(room.pk), timezone.now()
    refusal = rules.refuse_control(actor, room)
    if refusal:
        raise PermissionDenied(refusal)
    if state not in (QuestionState.ANSWERING, QuestionState.ANSWERED, QuestionState.HIDDEN):
        raise QuestionError(_("A question can be marked answering, answered or hidden."), code="invalid")
    question = _question(room, question_id)
    if state not in QUESTION_TRANSITIONS[question.state]:
        raise QuestionError(_("This question cannot go from “%(from)s” to “%(to)s”.")
                            % {"from": QuestionState(question.state).label, "to": QuestionState(state).label},
                            code="illegal_transition")
    reason = (reason or "").strip()[:300]
    if state == QuestionState.HIDDEN and not reason:
        raise QuestionError(_("A reason is required; it stays on record."), code="reason_required")
    if state == QuestionState.ANSWERING:
        (Question.objects.filter(round_id=question.round_id, state=QuestionState.ANSWERING)
         .update(state=QuestionState.ANSWERED))
    question.state, question.marked_by = state, actor
    if state == QuestionState.HIDDEN:
        question.hidden_reason = reason
    question.save(update_fields=["state", "marked_by", "hidden_reason"])
    emit_questions(room.pk, question.round_id, now, actor=actor)
    return question
