"""Live polls: the facilitator asks, participants answer (and may change their answer), results update live.

A poll closes at ``closes_at`` through ``expire_poll``: a Celery task queued for that instant and the
sweep (``expire_due_polls``, run by ``tasks.sweep_rounds``) both call it; it is idempotent. Results
go out as ``poll.results`` at most once a second per poll: an answer inside that second only marks
the poll ``results_dirty``, and ``flush_poll_results`` (a task queued for the end of the second, and
the sweep) sends the latest counts. ``poll.closed`` carries the final counts; they stay on record.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.rooms import rules
from deliberation.rooms.realtime.events import append_event
from deliberation.rooms.selectors import poll_data, poll_results
from deliberation.rooms.models import LiveAnswer, LivePoll, Room
from deliberation.rooms.states import SCALE, PollKind, PollState, RoomState
from deliberation.rooms.services.locking import lock_room, lock_room_for_facilitator, run_at

QUESTION_MAX = 300
OPTION_MAX = 100
MIN_OPTIONS, MAX_OPTIONS = 2, 10
MIN_DURATION, MAX_DURATION = 10, 3600
RESULTS_INTERVAL = timedelta(seconds=1)


class PollError(ValidationError):
    """A poll move that cannot happen (bad question, closed poll, invalid answer); the message says which."""


def _open_poll(room: Room, poll_id: int, now: datetime) -> LivePoll:
    poll = LivePoll.objects.select_for_update().filter(pk=poll_id, room=room).first()
    if poll is None:
        raise PollError(_("There is no such poll in this room."), code="no_poll")
    if poll.state != PollState.OPEN or poll.closes_at <= now:
        raise PollError(_("This poll is closed."), code="poll_closed")
    return poll


def _clean_question(question, kind, options, max_choices, duration_seconds):
    question = (question or "").strip() if isinstance(question, str) else ""
    if not question:
        raise PollError(_("Please write the poll's question."), code="invalid")
    if len(question) > QUESTION_MAX:
        raise PollError(_("A poll's question has at most %(n)d characters.") % {"n": QUESTION_MAX}, code="invalid")
    if kind not in PollKind.values:
        raise PollError(_("A poll is single choice, multiple choice or a scale."), code="invalid")
    if not isinstance(duration_seconds, int) or not MIN_DURATION <= duration_seconds <= MAX_DURATION:
        raise PollError(_("A poll stays open between %(min)d and %(max)d seconds.")
                        % {"min": MIN_DURATION, "max": MAX_DURATION}, code="invalid")
    options = list(options or [])
    if kind == PollKind.SCALE:
        if options or max_choices is not None:
            raise PollError(_("A scale poll has no options: people answer from 1 to 5."), code="invalid")
        return question, [], None
    if not all(isinstance(o, str) for o in options):
        raise PollError(_("Each option is a text."), code="invalid")
    options = [o.strip() for o in options]
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise PollError(_("A poll has between %(min)d and %(max)d options.")
                        % {"min": MIN_OPTIONS, "max": MAX_OPTIONS}, code="invalid")
    if any(not o for o in options):
        raise PollError(_("An option cannot be empty."), code="invalid")
    if any(len(o) > OPTION_MAX for o in options):
        raise PollError(_("An option has at most %(n)d characters.") % {"n": OPTION_MAX}, code="invalid")
    if len(set(options)) != len(options):
        raise PollError(_("Two options are the same."), code="invalid")
    if kind == PollKind.SINGLE:
        if max_choices is not None:
            raise PollError(_("A single-choice poll takes exactly one choice."), code="invalid")
        return question, options, None
    if max_choices is None:
        max_choices = len(options)
    if isinstance(max_choices, bool) or not isinstance(max_choices, int) or not 1 <= max_choices <= len(options):
        raise PollError(_("The number of choices allowed is between 1 and the number of options."), code="invalid")
    return question, options, max_choices


def _clean_choices(poll: LivePoll, choices) -> list[int]:
    if not isinstance(choices, list) or not all(isinstance(c, int) and not isinstance(c, bool) for c in choices):
        raise PollError(_("An answer is a list of whole numbers."), code="invalid_answer")
    if poll.kind == PollKind.SCALE:
        if len(choices) != 1 or choices[0] not in SCALE:
            raise PollError(_("Answer with one value from 1 to 5."), code="invalid_answer")
        return choices
    if any(not 0 <= c < len(poll.options) for c in choices):
        raise PollError(_("This poll has no such option."), code="invalid_answer")
    if poll.kind == PollKind.SINGLE:
        if len(choices) != 1:
            raise PollError(_("Choose exactly one option."), code="invalid_answer")
        return choices
    if len(set(choices)) != len(choices):
        raise PollError(_("Choose each option at most once."), code="invalid_answer")
    if not 1 <= len(choices) <= poll.max_choices:
        raise PollError(_("Choose between 1 and %(n)d options.") % {"n": poll.max_choices}, code="invalid_answer")
    return sorted(choices)


@transaction.atomic
def open_poll(*, room: Room, actor, question: str, kind: str, options: list | None = None,
              max_choices: int | None = None, duration_seconds: int) -> LivePoll:
    """The facilitator asks the room; the poll closes by itself after ``duration_seconds`` (10..3600)."""
    room, now = lock_room_for_facilitator(room.pk, actor), timezone.now()
    question, options, max_choices = _clean_question(question, kind, options, max_choices, duration_seconds)
    poll = LivePoll.objects.create(
        room=room, round_id=room.current_round_id if room.state == RoomState.LIVE else None, question=question,
        kind=kind, options=options, max_choices=max_choices, opened_at=now,
        closes_at=now + timedelta(seconds=duration_seconds), created_by=actor,
    )
    append_event(room_id=room.pk, type="poll.opened", actor=actor,
                 data={"poll": poll_data(poll), "closes_at": poll.closes_at.isoformat(),
                       "server_time": now.isoformat()})
    from deliberation.rooms.tasks import expire_poll  # in here: the task imports services (a cycle)

    run_at(expire_poll, room.pk, poll.pk, eta=poll.closes_at)
    return poll


def _flush(poll: LivePoll, now: datetime, *, schedule: bool = True) -> bool:
    """Send ``poll.results`` if the poll has unsent answers and the last send is a second old; else queue it."""
    if not poll.results_dirty or poll.state != PollState.OPEN:
        return False
    if poll.results_sent_at is not None and now - poll.results_sent_at < RESULTS_INTERVAL:
        from deliberation.rooms.tasks import flush_poll_results  # in here: the task imports services (a cycle)

        if schedule:  # one queued flush per pending batch is enough
            run_at(flush_poll_results, poll.room_id, poll.pk, eta=poll.results_sent_at + RESULTS_INTERVAL)
        return False
    poll.results_dirty, poll.results_sent_at = False, now
    poll.save(update_fields=["results_dirty", "results_sent_at"])
    append_event(room_id=poll.room_id, type="poll.results", data=poll_results(poll))
    return True


@transaction.atomic
def answer_poll(*, room: Room, user, poll_id: int, choices: list) -> LiveAnswer:
    """A participant answers (or changes their answer) while the poll is open."""
    room, now = lock_room(room.pk), timezone.now()
    refusal = rules.refuse_poll_answer(user, room, rules.membership(user, room))
    if refusal:
        raise PermissionDenied(refusal)
    poll = _open_poll(room, poll_id, now)
    choices = _clean_choices(poll, choices)
    answer = LiveAnswer.objects.select_for_update().filter(poll=poll, user=user).first()
    if answer is not None:
        answer.choices, answer.changed_at = choices, now
        answer.save(update_fields=["choices", "changed_at"])
    else:
        try:
            with transaction.atomic():  # the constraint is the last word if two tabs answer at once
                answer = LiveAnswer.objects.create(poll=poll, user=user, choices=choices, answered_at=now)
        except IntegrityError:
            raise PollError(_("You have already answered; try again to change it."), code="conflict") from None
    already_pending = poll.results_dirty
    poll.results_dirty = True
    poll.save(update_fields=["results_dirty"])
    _flush(poll, now, schedule=not already_pending)
    return answer


def _close(poll: LivePoll, now: datetime, actor=None) -> None:
    poll.state, poll.closed_at, poll.results_dirty = PollState.CLOSED, now, False
    poll.save(update_fields=["state", "closed_at", "results_dirty"])
    append_event(room_id=poll.room_id, type="poll.closed", actor=actor, data=poll_results(poll))


def close_open_polls(*, room: Room, now: datetime, actor=None) -> int:
    """Close every open poll of a room the caller has locked (the room is ending); final results go out."""
    polls = list(LivePoll.objects.select_for_update().filter(room=room, state=PollState.OPEN))
    for poll in polls:
        _close(poll, now, actor)
    return len(polls)


@transaction.atomic
def close_poll(*, room: Room, actor, poll_id: int) -> LivePoll:
    """The facilitator closes a poll before its time; the final results go to everyone."""
    room, now = lock_room_for_facilitator(room.pk, actor), timezone.now()
    poll = LivePoll.objects.select_for_update().filter(pk=poll_id, room=room).first()
    if poll is None:
        raise PollError(_("There is no such poll in this room."), code="no_poll")
    if poll.state != PollState.OPEN:
        raise PollError(_("This poll is closed."), code="poll_closed")
    _close(poll, now, actor)
    return poll


@transaction.atomic
def expire_poll(*, room_id: int, poll_id: int, now: datetime | None = None) -> bool:
    """The poll's time is up: close it. Idempotent; does nothing before ``closes_at`` or once closed."""
    now = now or timezone.now()
    room = lock_room(room_id)
    poll = LivePoll.objects.select_for_update().filter(pk=poll_id, room=room).first()
    if poll is None or poll.state != PollState.OPEN or poll.closes_at > now:
        return False
    _close(poll, now)
    return True


@transaction.atomic
def flush_poll_results(*, room_id: int, poll_id: int, now: datetime | None = None) -> bool:
    """Send the pending ``poll.results`` of a poll, if any and if its last send is a second old. Idempotent."""
    now = now or timezone.now()
    room = lock_room(room_id)
    poll = LivePoll.objects.select_for_update().filter(pk=poll_id, room=room).first()
    return poll is not None and _flush(poll, now)


def expire_due_polls(*, now: datetime | None = None) -> int:
    """The sweep: close every open poll past ``closes_at``, and send pending results; returns polls closed."""
    now = now or timezone.now()
    due = list(LivePoll.objects.filter(state=PollState.OPEN, closes_at__lte=now).values_list("room_id", "pk"))
    closed = sum(expire_poll(room_id=room_id, poll_id=poll_id, now=now) for room_id, poll_id in due)
    dirty = LivePoll.objects.filter(state=PollState.OPEN, results_dirty=True,
                                    results_sent_at__lte=now - RESULTS_INTERVAL).values_list("room_id", "pk")
    for room_id, poll_id in list(dirty):
        flush_poll_results(room_id=room_id, poll_id=poll_id, now=now)
    return closed
