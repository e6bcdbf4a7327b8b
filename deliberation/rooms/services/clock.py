"""The server's clock: starting, pausing, resuming, adjusting, skipping and ending rounds.

The running round's ``deadline_at`` lives in the database; every event about the clock carries the
deadline and the server's time, so clients count down to the same instant whatever their own clock
says. When a deadline passes the room moves on (or stops) through ``expire_round``, called by a
Celery task queued for the deadline and by the sweep (beat, worker start, the embedded sweeper):
both are idempotent.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.lifecycle import IllegalTransition, Lifecycle
from deliberation.rooms import rules
from deliberation.rooms.realtime.events import append_event
from deliberation.rooms.selectors import round_data
from deliberation.rooms.services.locking import lock_room, run_at
from deliberation.rooms.services.live_polls import close_open_polls
from deliberation.rooms.services.queue import clear_queue
from deliberation.rooms.services.tables import close_tables
from deliberation.rooms.models import Room, Round
from deliberation.rooms.states import FINISHED_ROUND_STATES, ROOM_TRANSITIONS, ROUND_TRANSITIONS, RoomState, RoundState

MIN_LEFT_SECONDS = 5  # shortening never leaves less than this, so nobody loses a round by surprise


class ClockError(IllegalTransition):
    """An illegal move of a room or a round; the message says which."""


ROOM_LIFECYCLE = Lifecycle(
    Room, ROOM_TRANSITIONS, error=ClockError, labels=RoomState, stamps={RoomState.ENDED: "ended_at"},
    message=gettext_noop("The room cannot go from “%(from)s” to “%(to)s”."),
)
ROUND_LIFECYCLE = Lifecycle(
    Round, ROUND_TRANSITIONS, error=ClockError, labels=RoundState,
    message=gettext_noop("The round cannot go from “%(from)s” to “%(to)s”."),
    stamps={RoundState.DONE: "ended_at", RoundState.SKIPPED: "ended_at"},
)


def check_control(actor, room: Room) -> None:
    """May ``actor`` run this room's clock now? The deadline task and the sweep move it without asking."""
    if not rules.is_facilitator(actor, room):
        raise PermissionDenied(rules.refuse_control(actor, room))
    if room.state == RoomState.ENDED:  # an illegal move, not a matter of permission
        raise ClockError(_("This room has ended."), code="room_ended")


def _lock(room_id: int, actor) -> Room:
    room = lock_room(room_id)
    check_control(actor, room)
    return room


def _current(room: Room) -> Round:
    rnd = Round.objects.select_for_update().filter(pk=room.current_round_id).first()
    if rnd is None or rnd.state in FINISHED_ROUND_STATES:
        raise ClockError(_("No round is running."), code="no_round")
    return rnd


def _schedule_expiry(rnd: Round) -> None:
    from deliberation.rooms.tasks import expire_round  # in here: the task imports services (a cycle)

    run_at(expire_round, rnd.room_id, rnd.pk, eta=rnd.deadline_at)


def _start(room: Room, rnd: Round, now: datetime, actor) -> Round:
    rnd.started_at = now
    rnd.deadline_at = now + timedelta(seconds=rnd.duration_seconds)
    ROUND_LIFECYCLE.move(rnd, RoundState.RUNNING, now=now, fields=["started_at", "deadline_at"])
    if room.state != RoomState.LIVE:
        ROOM_LIFECYCLE.move(room, RoomState.LIVE, now=now, save=False)  # saved with its current round
    room.current_round = rnd
    room.save(update_fields=["state", "current_round"])
    append_event(room_id=room.pk, type="round.started", data=round_data(rnd, now), actor=actor)
    _schedule_expiry(rnd)
    return rnd


def _finish(room: Room, rnd: Round, to: str, now: datetime, actor, *, advance: bool) -> Round | None:
    """End ``rnd`` (done or skipped); start the next round if ``advance``, else wait in the lobby."""
    rnd.deadline_at, rnd.remaining_seconds = None, None
    ROUND_LIFECYCLE.move(rnd, to, now=now, fields=["deadline_at", "remaining_seconds"])
    append_event(room_id=room.pk, type="round.ended", actor=actor,
                 data={"round_id": rnd.pk, "state": to, "server_time": now.isoformat()})
    clear_queue(room=room, now=now, actor=actor)
    following = room.rounds.select_for_update().filter(state=RoundState.PENDING).order_by("position").first()
    if advance and following is not None:
        return _start(room, following, now, actor)
    room.current_round = None
    if room.state == RoomState.LIVE:
        ROOM_LIFECYCLE.move(room, RoomState.OPEN, now=now, save=False)  # saved with its current round
    room.save(update_fields=["state", "current_round"])
    append_event(room_id=room.pk, type="room.waiting", actor=actor,
                 data={"next_round_id": following.pk if following else None, "server_time": now.isoformat()})
    return None


@transaction.atomic
def open_room(*, room: Room, actor) -> Room:
    room = _lock(room.pk, actor)
    if room.state != RoomState.DRAFT:  # the table allows LIVE -> OPEN, but only between rounds, not from here
        raise ClockError(_("The room is already open."), code="already_open")
    room.opened_at = timezone.now()
    ROOM_LIFECYCLE.move(room, RoomState.OPEN, now=room.opened_at, fields=["opened_at"])
    append_event(room_id=room.pk, type="room.opened", data={"server_time": room.opened_at.isoformat()}, actor=actor)
    return room


@transaction.atomic
def start_round(*, room: Room, actor, round_id: int | None = None) -> Round:
    """Start the given pending round, or the next one in the agenda."""
    room, now = _lock(room.pk, actor), timezone.now()
    if room.current_round_id and Round.objects.filter(pk=room.current_round_id, state__in=[
            RoundState.RUNNING, RoundState.PAUSED]).exists():
        raise ClockError(_("A round is already running; end or skip it first."), code="round_running")
    pending = room.rounds.select_for_update().filter(state=RoundState.PENDING).order_by("position")
    rnd = pending.filter(pk=round_id).first() if round_id else pending.first()
    if rnd is None:
        raise ClockError(_("There is no round left to start."), code="no_round")
    return _start(room, rnd, now, actor)


@transaction.atomic
def pause_round(*, room: Room, actor) -> Round:
    room, now = _lock(room.pk, actor), timezone.now()
    rnd = _current(room)
    left = rnd.seconds_left(now)
    rnd.remaining_seconds, rnd.deadline_at = left, None
    ROUND_LIFECYCLE.move(rnd, RoundState.PAUSED, now=now, fields=["remaining_seconds", "deadline_at"])
    append_event(room_id=room.pk, type="round.paused", data=round_data(rnd, now), actor=actor)
    return rnd


@transaction.atomic
def resume_round(*, room: Room, actor) -> Round:
    room, now = _lock(room.pk, actor), timezone.now()
    rnd = _current(room)
    rnd.deadline_at, rnd.remaining_seconds = now + timedelta(seconds=rnd.remaining_seconds or 0), None
    ROUND_LIFECYCLE.move(rnd, RoundState.RUNNING, now=now, fields=["remaining_seconds", "deadline_at"])
    append_event(room_id=room.pk, type="round.resumed", data=round_data(rnd, now), actor=actor)
    _schedule_expiry(rnd)
    return rnd


@transaction.atomic
def adjust_round(*, room: Room, actor, seconds: int) -> Round:
    """Extend (positive) or shorten (negative) the current round; never below MIN_LEFT_SECONDS left."""
    room, now = _lock(room.pk, actor), timezone.now()
    rnd = _current(room)
    left = max(float(MIN_LEFT_SECONDS), (rnd.seconds_left(now) or 0) + seconds)
    if rnd.state == RoundState.RUNNING:
        rnd.deadline_at = now + timedelta(seconds=left)
    else:
        rnd.remaining_seconds = left
    rnd.save(update_fields=["deadline_at", "remaining_seconds"])
    append_event(room_id=room.pk, type="round.adjusted", data={**round_data(rnd, now), "by_seconds": seconds},
                 actor=actor)
    if rnd.state == RoundState.RUNNING:
        _schedule_expiry(rnd)
    return rnd


@transaction.atomic
def skip_round(*, room: Room, actor) -> Round | None:
    """End the current round now and move to the next one (whatever auto_advance says)."""
    room, now = _lock(room.pk, actor), timezone.now()
    return _finish(room, _current(room), RoundState.SKIPPED, now, actor, advance=True)


@transaction.atomic
def end_room(*, room: Room, actor) -> Room:
    room, now = _lock(room.pk, actor), timezone.now()
    for rnd in room.rounds.select_for_update().filter(state__in=[RoundState.RUNNING, RoundState.PAUSED]):
        rnd.deadline_at, rnd.remaining_seconds = None, None
        ROUND_LIFECYCLE.move(rnd, RoundState.DONE, now=now, fields=["deadline_at", "remaining_seconds"])
    close_open_polls(room=room, now=now, actor=actor)  # final results before the room is over
    close_tables(room=room, now=now, actor=actor)  # the summaries too
    room.current_round = None
    ROOM_LIFECYCLE.move(room, RoomState.ENDED, now=now, fields=["current_round"])
    append_event(room_id=room.pk, type="room.ended", data={"server_time": now.isoformat()}, actor=actor)
    return room


@transaction.atomic
def expire_round(*, room_id: int, round_id: int, now: datetime | None = None) -> bool:
    """The round's time is up: finish it and move on (or stop, as the room is configured).

    Idempotent and safe late: does nothing unless that round is still running past its deadline
    (a paused, extended, skipped or finished round is left alone).
    """
    now = now or timezone.now()
    room = lock_room(room_id)
    rnd = Round.objects.select_for_update().filter(pk=round_id, room_id=room_id).first()
    if rnd is None or rnd.state != RoundState.RUNNING or rnd.deadline_at is None or rnd.deadline_at > now:
        return False
    _finish(room, rnd, RoundState.DONE, now, None, advance=room.auto_advance)
    return True


def expire_due_rounds(*, now: datetime | None = None) -> int:
    """The sweep: every running round past its deadline (e.g. while the server was down)."""
    now = now or timezone.now()
    due = list(Round.objects.filter(state=RoundState.RUNNING, deadline_at__lte=now).values_list("room_id", "pk"))
    return sum(expire_round(room_id=room_id, round_id=round_id, now=now) for room_id, round_id in due)


def skip_by_vote(*, room: Room, rnd: Round, now: datetime) -> Round | None:
    """The room voted to move on (services.floor.vote_move_on): skip ``rnd`` like ``skip_round``, by nobody.

    The caller holds the room's lock (``lock_room(room_id)``) and has checked ``rnd`` is the current round.
    """
    return _finish(room, rnd, RoundState.SKIPPED, now, None, advance=True)
