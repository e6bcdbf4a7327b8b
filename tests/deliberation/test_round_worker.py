"""Rounds ending at their deadline: expire_round, the sweep, the embedded sweeper and a real Celery worker.

The worker tests need PostgreSQL (the worker is another process and must see the test database) and
Redis (the broker); tests/services/with-services.sh provides both. Without them they fail.
"""

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from deliberation.rooms import services
from deliberation.rooms.models import Room, RoomEvent, Round
from deliberation.rooms.services import clock
from deliberation.rooms.states import RoomState, RoundState
from proposals import scheduler
from tests.factories import RoomFactory
from tests.processes import celery_worker

pytestmark = pytest.mark.django_db


def _current(room: Room) -> Round:
    return Round.objects.get(pk=Room.objects.get(pk=room.pk).current_round_id)


def _overdue(room: Room, seconds: float = 60) -> Round:
    """The current round's deadline passed ``seconds`` ago (e.g. while the server was down)."""
    rnd = _current(room)
    rnd.deadline_at = timezone.now() - timedelta(seconds=seconds)
    rnd.save(update_fields=["deadline_at"])
    return rnd


def _ended_events(room: Room) -> int:
    return RoomEvent.objects.filter(room=room, type="round.ended").count()


# --- expire_round ----------------------------------------------------------------------------------


def test_expiring_before_the_deadline_does_nothing():
    room = RoomFactory(stage="live")
    rnd = _current(room)

    assert services.expire_round(room_id=room.pk, round_id=rnd.pk) is False

    assert _current(room).state == RoundState.RUNNING
    assert _ended_events(room) == 0


def test_expiry_is_idempotent():
    room = RoomFactory(stage="live", auto_advance=False)
    rnd = _overdue(room)

    assert services.expire_round(room_id=room.pk, round_id=rnd.pk) is True
    assert services.expire_round(room_id=room.pk, round_id=rnd.pk) is False

    rnd.refresh_from_db()
    assert rnd.state == RoundState.DONE and rnd.deadline_at is None and rnd.ended_at is not None
    assert _ended_events(room) == 1
    assert RoomEvent.objects.filter(room=room, type="room.waiting").count() == 1


def test_a_paused_round_does_not_expire():
    room = RoomFactory(stage="live")
    rnd = _current(room)
    services.pause_round(room=room, actor=room.facilitator)

    assert services.expire_round(room_id=room.pk, round_id=rnd.pk, now=timezone.now() + timedelta(days=1)) is False
    assert _current(room).state == RoundState.PAUSED


def test_a_stale_task_after_an_extension_is_a_no_op():
    room = RoomFactory(stage="live")
    rnd = _current(room)
    old_deadline = rnd.deadline_at
    services.adjust_round(room=room, actor=room.facilitator, seconds=120)

    # The task queued for the old deadline runs at that deadline.
    assert services.expire_round(room_id=room.pk, round_id=rnd.pk, now=old_deadline) is False

    assert _current(room).state == RoundState.RUNNING
    assert _ended_events(room) == 0


def test_a_skipped_round_does_not_expire_again():
    room = RoomFactory(stage="live")
    rnd = _current(room)
    services.skip_round(room=room, actor=room.facilitator)
    second = _current(room)

    assert services.expire_round(room_id=room.pk, round_id=rnd.pk, now=timezone.now() + timedelta(days=1)) is False

    assert Round.objects.get(pk=rnd.pk).state == RoundState.SKIPPED
    assert _current(room) == second and second.state == RoundState.RUNNING
    assert _ended_events(room) == 1


def test_with_auto_advance_the_next_round_starts_at_once():
    room = RoomFactory(stage="live", auto_advance=True)
    rnd = _overdue(room)

    assert services.expire_round(room_id=room.pk, round_id=rnd.pk) is True

    room.refresh_from_db()
    first, second, third = room.rounds.order_by("position")
    assert (first.state, second.state, third.state) == (RoundState.DONE, RoundState.RUNNING, RoundState.PENDING)
    assert (room.state, room.current_round_id) == (RoomState.LIVE, second.pk)
    assert second.deadline_at > timezone.now()
    types = list(RoomEvent.objects.filter(room=room).order_by("seq").values_list("type", flat=True))
    assert types[-2:] == ["round.ended", "round.started"]
    assert RoomEvent.objects.filter(room=room).last().actor is None  # the clock, not a person


def test_without_auto_advance_the_room_waits_for_the_facilitator():
    room = RoomFactory(stage="live", auto_advance=False)
    rnd = _overdue(room)

    services.expire_round(room_id=room.pk, round_id=rnd.pk)

    room.refresh_from_db()
    assert (room.state, room.current_round_id) == (RoomState.OPEN, None)
    waiting = RoomEvent.objects.filter(room=room).last()
    assert waiting.type == "room.waiting"
    assert waiting.data["next_round_id"] == room.rounds.get(position=2).pk
    services.start_round(room=room, actor=room.facilitator)  # the facilitator carries on
    assert _current(room).position == 2


def test_the_last_round_ending_leaves_the_room_open_with_no_current_round():
    room = RoomFactory(stage="live", rounds=[{"kind": "discussion", "title": "Only", "duration_seconds": 60}])
    rnd = _overdue(room)

    services.expire_round(room_id=room.pk, round_id=rnd.pk)

    room.refresh_from_db()
    assert (room.state, room.current_round_id) == (RoomState.OPEN, None)
    assert RoomEvent.objects.filter(room=room).last().data["next_round_id"] is None


def test_the_sweep_ends_rounds_whose_deadline_passed_while_the_server_was_down():
    overdue, other_overdue, running = (RoomFactory(stage="live", auto_advance=False) for _ in range(3))
    _overdue(overdue, seconds=3600)
    _overdue(other_overdue, seconds=1)

    assert services.expire_due_rounds() == 2
    assert services.expire_due_rounds() == 0

    assert Room.objects.get(pk=overdue.pk).state == RoomState.OPEN
    assert Room.objects.get(pk=other_overdue.pk).state == RoomState.OPEN
    assert _current(running).state == RoundState.RUNNING


def test_the_sweep_task_and_the_deadline_task_call_the_same_idempotent_service():
    from deliberation import tasks

    room = RoomFactory(stage="live", auto_advance=False)
    rnd = _overdue(room)

    assert tasks.sweep_rounds.delay().get() == 1
    assert tasks.expire_round.delay(room.pk, rnd.pk).get() is False
    assert _ended_events(room) == 1


# --- The embedded sweeper (no broker, no beat) ------------------------------------------------------


def _poll(check, *, timeout: float, interval: float = 0.1):
    deadline, value = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            value = check()
        except OperationalError:  # SQLite's shared in-memory test database: the sweeper holds the lock
            connection.close()
            value = None
        if value:
            return value
        time.sleep(interval)
    return value


@pytest.mark.django_db(transaction=True)
def test_the_embedded_sweeper_ends_an_expired_round_within_seconds(monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 0)  # see tests/proposals/test_deadlines.py
    room = RoomFactory(stage="live", auto_advance=False)
    rnd = _overdue(room, seconds=1)
    scheduler._started.clear()  # once per process: allow this test to start it
    stop = scheduler.start_embedded_sweeper(interval=0.2)
    try:
        ended = _poll(lambda: Round.objects.get(pk=rnd.pk).state == RoundState.DONE, timeout=10)
    finally:
        stop.set()
        for thread in threading.enumerate():
            if thread.name == "deadline-sweeper":
                thread.join(timeout=5)
        scheduler._started.clear()

    assert ended
    assert Room.objects.get(pk=room.pk).state == RoomState.OPEN
    assert _ended_events(room) == 1
    assert not any(t.name == "deadline-sweeper" for t in threading.enumerate())


# --- A real worker on real Redis -------------------------------------------------------------------

WORKER_READY_SECONDS = 20  # worker start-up on a loaded machine, not a speed assertion


def _wait_until_ready(process, log_path: Path) -> None:
    deadline = time.monotonic() + WORKER_READY_SECONDS
    while time.monotonic() < deadline:
        if "ready." in log_path.read_text(errors="replace"):
            return
        assert process.poll() is None, "the worker exited:\n" + log_path.read_text()[-3000:]
        time.sleep(0.1)
    pytest.fail("the worker did not start:\n" + log_path.read_text()[-3000:])


def _wait_for_round(pk: int, state: str, *, timeout: float, process, log_path: Path) -> float:
    """Seconds waited until round ``pk`` reached ``state``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if Round.objects.values_list("state", flat=True).get(pk=pk) == state:
            return time.monotonic() - start
        assert process.poll() is None, "the worker exited:\n" + log_path.read_text()[-3000:]
        time.sleep(0.1)
    pytest.fail(f"round {pk} is not {state}; worker log:\n" + log_path.read_text()[-3000:])


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_moves_on_at_a_shortened_deadline(broker, tmp_path, monkeypatch):
    # Shorten to ~2 s so the test is quick; production keeps MIN_LEFT_SECONDS (5 s).
    monkeypatch.setattr(clock, "MIN_LEFT_SECONDS", 2)
    log_path = tmp_path / "worker.log"
    with celery_worker(log_path) as worker:
        _wait_until_ready(worker, log_path)
        room = RoomFactory(stage="open", rounds=[{"kind": "discussion", "title": "Short", "duration_seconds": 10},
                                                 {"kind": "qa", "title": "Next", "duration_seconds": 60}])
        first = services.start_round(room=room, actor=room.facilitator)  # 10 s; its task is queued
        first = services.adjust_round(room=room, actor=room.facilitator, seconds=-3600)
        left = (first.deadline_at - timezone.now()).total_seconds()
        assert 1 < left <= 2

        waited = _wait_for_round(first.pk, RoundState.DONE, timeout=left + 3, process=worker, log_path=log_path)

        assert waited >= left - 0.5  # not before the deadline
        room.refresh_from_db()
        second = room.rounds.get(position=2)
        assert (room.state, room.current_round_id, second.state) == (RoomState.LIVE, second.pk, RoundState.RUNNING)
        assert _ended_events(room) == 1
        assert "deliberation.tasks.expire_round" in log_path.read_text(errors="replace")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_deadline_missed_while_no_worker_ran_is_swept_when_a_worker_starts(broker, tmp_path):
    broker.conf.task_always_eager = True  # start without queueing a task: it was lost with the old broker
    room = RoomFactory(stage="live", auto_advance=False)
    still_running = RoomFactory(stage="live")
    broker.conf.task_always_eager = False
    rnd = _overdue(room, seconds=30)
    log_path = tmp_path / "worker.log"

    with celery_worker(log_path) as worker:  # nothing is queued: only the worker_ready sweep can end it
        _wait_for_round(rnd.pk, RoundState.DONE, timeout=WORKER_READY_SECONDS, process=worker, log_path=log_path)

    assert Room.objects.get(pk=room.pk).state == RoomState.OPEN
    assert _ended_events(room) == 1
    assert _current(still_running).state == RoundState.RUNNING
