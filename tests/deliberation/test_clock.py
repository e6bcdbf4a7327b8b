"""The server's clock: room and round state machines, starting, pausing, adjusting, skipping, ending."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from deliberation.rooms import services
from deliberation.rooms.models import Room, RoomEvent, Round
from deliberation.rooms.services import clock
from deliberation.rooms.states import ROOM_TRANSITIONS, ROUND_TRANSITIONS, RoomState, RoundState
from tests.factories import AdminFactory, FacilitatorFactory, ResidentFactory, RoomFactory

pytestmark = pytest.mark.django_db


TOLERANCE = timedelta(seconds=2)


def _snapshot(room: Room) -> tuple:
    """Everything an illegal move must leave untouched."""
    room = Room.objects.get(pk=room.pk)
    rounds = list(room.rounds.order_by("position").values_list("state", "deadline_at", "remaining_seconds"))
    return room.state, room.current_round_id, room.last_seq, rounds, RoomEvent.objects.filter(room=room).count()


def _types(room: Room) -> list[str]:
    return list(RoomEvent.objects.filter(room=room).order_by("seq").values_list("type", flat=True))


def _rounds(room: Room) -> list[Round]:
    return list(room.rounds.order_by("position"))


# --- The transition tables -------------------------------------------------------------------------


@pytest.mark.parametrize("src", list(RoomState))
@pytest.mark.parametrize("dst", list(RoomState))
def test_room_moves_only_along_the_room_transition_table(src, dst):
    room = Room(state=src)
    if dst in ROOM_TRANSITIONS[src]:
        clock.ROOM_LIFECYCLE.move(room, dst, save=False)
        assert room.state == dst
    else:
        with pytest.raises(services.ClockError, match="The room cannot go from"):
            clock.ROOM_LIFECYCLE.move(room, dst, save=False)
        assert room.state == src


@pytest.mark.parametrize("src", list(RoundState))
@pytest.mark.parametrize("dst", list(RoundState))
def test_round_moves_only_along_the_round_transition_table(src, dst):
    rnd = Round(state=src)
    if dst in ROUND_TRANSITIONS[src]:
        clock.ROUND_LIFECYCLE.move(rnd, dst, save=False)
        assert rnd.state == dst
    else:
        with pytest.raises(services.ClockError, match="The round cannot go from"):
            clock.ROUND_LIFECYCLE.move(rnd, dst, save=False)
        assert rnd.state == src


# --- Illegal moves through the services: ClockError, nothing stored ---------------------------------


def _ended(room):
    services.end_room(room=room, actor=room.facilitator)


def _paused(room):
    services.pause_round(room=room, actor=room.facilitator)


def _first_round_done(room):
    services.expire_round(room_id=room.pk, round_id=room.current_round_id,
                          now=timezone.now() + timedelta(hours=1))


MOVES = {
    "open": lambda r, a: services.open_room(room=r, actor=a),
    "start": lambda r, a: services.start_round(room=r, actor=a),
    "pause": lambda r, a: services.pause_round(room=r, actor=a),
    "resume": lambda r, a: services.resume_round(room=r, actor=a),
    "adjust": lambda r, a: services.adjust_round(room=r, actor=a, seconds=60),
    "skip": lambda r, a: services.skip_round(room=r, actor=a),
    "end": lambda r, a: services.end_room(room=r, actor=a),
}

ILLEGAL = [
    # (stage, preparation, move, expected message)
    ("draft", None, "start", "cannot go from"),
    ("draft", None, "end", "cannot go from"),
    ("draft", None, "pause", "No round is running"),
    ("open", None, "open", "already open"),
    ("open", None, "pause", "No round is running"),
    ("open", None, "resume", "No round is running"),
    ("open", None, "skip", "No round is running"),
    ("open", None, "adjust", "No round is running"),
    ("live", None, "open", "already open"),
    ("live", None, "resume", "cannot go from"),
    ("live", None, "start", "already running"),
    ("live", _paused, "pause", "cannot go from"),
    ("live", _paused, "start", "already running"),
    ("live", _ended, "start", "has ended"),
    ("live", _ended, "open", "has ended"),
    ("live", _ended, "end", "has ended"),
    ("live", _ended, "pause", "has ended"),
    ("live", _first_round_done, "pause", "No round is running"),
]
ILLEGAL_IDS = [f"{move}-in-{prep.__name__.strip('_') if prep else stage}" for stage, prep, move, _ in ILLEGAL]


@pytest.mark.parametrize("stage, prepare, move, message", ILLEGAL, ids=ILLEGAL_IDS)
def test_an_illegal_move_raises_a_clock_error_and_stores_nothing(stage, prepare, move, message):
    room = RoomFactory(stage=stage, auto_advance=False)
    if prepare:
        prepare(room)
    before = _snapshot(room)

    with pytest.raises(services.ClockError, match=message):
        MOVES[move](room, room.facilitator)

    assert _snapshot(room) == before


def test_a_finished_round_cannot_be_started_again():
    room = RoomFactory(stage="live", auto_advance=False)
    first = room.current_round
    _first_round_done(room)  # the room waits in the lobby
    before = _snapshot(room)

    with pytest.raises(services.ClockError, match="no round left"):
        services.start_round(room=room, actor=room.facilitator, round_id=first.pk)

    assert _snapshot(room) == before


def test_starting_when_every_round_is_finished_is_refused():
    room = RoomFactory(stage="live", rounds=[{"kind": "discussion", "title": "Only", "duration_seconds": 60}])
    services.skip_round(room=room, actor=room.facilitator)

    with pytest.raises(services.ClockError, match="no round left"):
        services.start_round(room=room, actor=room.facilitator)
    assert Room.objects.get(pk=room.pk).state == RoomState.OPEN


# --- The legal moves -------------------------------------------------------------------------------


def test_opening_a_draft_room_emits_room_opened():
    room = RoomFactory()
    services.open_room(room=room, actor=room.facilitator)

    room.refresh_from_db()
    assert room.state == RoomState.OPEN and room.opened_at is not None
    assert _types(room) == ["room.opened"]


def test_start_sets_the_deadline_from_the_duration_and_announces_it():
    room = RoomFactory(stage="open")
    before = timezone.now()
    rnd = services.start_round(room=room, actor=room.facilitator)
    after = timezone.now()

    rnd.refresh_from_db()
    room.refresh_from_db()
    assert (room.state, room.current_round_id, rnd.state, rnd.position) == (
        RoomState.LIVE, rnd.pk, RoundState.RUNNING, 1)
    assert before + timedelta(seconds=600) <= rnd.deadline_at <= after + timedelta(seconds=600)
    event = RoomEvent.objects.filter(room=room).last()
    assert (event.type, event.actor) == ("round.started", room.facilitator)
    assert datetime.fromisoformat(event.data["deadline"]) == rnd.deadline_at
    assert before <= datetime.fromisoformat(event.data["server_time"]) <= after
    assert 598 <= event.data["remaining_seconds"] <= 600
    assert event.data["round"]["id"] == rnd.pk


def test_start_can_pick_a_later_round():
    room = RoomFactory(stage="open")
    third = _rounds(room)[2]

    services.start_round(room=room, actor=room.facilitator, round_id=third.pk)

    assert [r.state for r in _rounds(room)] == [RoundState.PENDING, RoundState.PENDING, RoundState.RUNNING]


def _set_left(room: Room, seconds: float) -> Round:
    rnd = Round.objects.get(pk=Room.objects.get(pk=room.pk).current_round_id)
    rnd.deadline_at = timezone.now() + timedelta(seconds=seconds)
    rnd.save(update_fields=["deadline_at"])
    return rnd


def test_pause_keeps_the_remaining_seconds_and_clears_the_deadline():
    room = RoomFactory(stage="live")
    _set_left(room, 123)

    rnd = services.pause_round(room=room, actor=room.facilitator)

    rnd.refresh_from_db()
    assert rnd.state == RoundState.PAUSED and rnd.deadline_at is None
    assert 121 <= rnd.remaining_seconds <= 123
    event = RoomEvent.objects.filter(room=room).last()
    assert event.type == "round.paused" and event.data["deadline"] is None
    assert event.data["remaining_seconds"] == rnd.remaining_seconds


def test_resume_sets_the_deadline_to_now_plus_the_remaining_seconds():
    room = RoomFactory(stage="live")
    _set_left(room, 123)
    services.pause_round(room=room, actor=room.facilitator)
    remaining = Round.objects.get(pk=room.current_round_id).remaining_seconds

    before = timezone.now()
    rnd = services.resume_round(room=room, actor=room.facilitator)

    rnd.refresh_from_db()
    assert rnd.state == RoundState.RUNNING and rnd.remaining_seconds is None
    assert abs(rnd.deadline_at - (before + timedelta(seconds=remaining))) < TOLERANCE
    assert _types(room)[-1] == "round.resumed"


@pytest.mark.parametrize("seconds", [60, -60])
def test_adjust_moves_the_deadline_by_the_given_seconds(seconds):
    room = RoomFactory(stage="live")
    old = Round.objects.get(pk=room.current_round_id).deadline_at

    rnd = services.adjust_round(room=room, actor=room.facilitator, seconds=seconds)

    rnd.refresh_from_db()
    assert abs(rnd.deadline_at - (old + timedelta(seconds=seconds))) < TOLERANCE
    event = RoomEvent.objects.filter(room=room).last()
    assert (event.type, event.data["by_seconds"]) == ("round.adjusted", seconds)
    assert datetime.fromisoformat(event.data["deadline"]) == rnd.deadline_at


def test_shortening_never_leaves_less_than_the_minimum():
    room = RoomFactory(stage="live")
    before = timezone.now()

    rnd = services.adjust_round(room=room, actor=room.facilitator, seconds=-3600)

    rnd.refresh_from_db()
    minimum = timedelta(seconds=clock.MIN_LEFT_SECONDS)
    assert before + minimum <= rnd.deadline_at <= timezone.now() + minimum
    assert rnd.state == RoundState.RUNNING


def test_adjusting_a_paused_round_changes_its_remaining_seconds():
    room = RoomFactory(stage="live")
    _set_left(room, 100)
    services.pause_round(room=room, actor=room.facilitator)

    rnd = services.adjust_round(room=room, actor=room.facilitator, seconds=60)

    rnd.refresh_from_db()
    assert rnd.state == RoundState.PAUSED and rnd.deadline_at is None
    assert 158 <= rnd.remaining_seconds <= 160


@pytest.mark.parametrize("paused", [False, True])
def test_skip_ends_the_round_and_starts_the_next(paused):
    room = RoomFactory(stage="live", auto_advance=False)  # skip moves on whatever auto_advance says
    if paused:
        services.pause_round(room=room, actor=room.facilitator)

    nxt = services.skip_round(room=room, actor=room.facilitator)

    first, second, _third = _rounds(room)
    assert (first.state, second.state, nxt.pk) == (RoundState.SKIPPED, RoundState.RUNNING, second.pk)
    assert first.ended_at is not None and first.deadline_at is None
    assert Room.objects.get(pk=room.pk).current_round_id == second.pk
    assert _types(room)[-2:] == ["round.ended", "round.started"]
    assert RoomEvent.objects.filter(room=room, type="round.ended").get().data["state"] == RoundState.SKIPPED


@pytest.mark.parametrize("paused", [False, True])
def test_end_room_finishes_the_current_round_and_emits_room_ended(paused):
    room = RoomFactory(stage="live")
    if paused:
        services.pause_round(room=room, actor=room.facilitator)

    services.end_room(room=room, actor=room.facilitator)

    room.refresh_from_db()
    assert (room.state, room.current_round_id) == (RoomState.ENDED, None) and room.ended_at is not None
    assert [r.state for r in _rounds(room)] == [RoundState.DONE, RoundState.PENDING, RoundState.PENDING]
    assert _rounds(room)[0].deadline_at is None
    assert _types(room)[-1] == "room.ended"


def test_an_open_room_can_end_without_running_a_round():
    room = RoomFactory(stage="open")
    services.end_room(room=room, actor=room.facilitator)
    assert Room.objects.get(pk=room.pk).state == RoomState.ENDED


# --- Who may control the clock ---------------------------------------------------------------------

CONTROLS = {name: MOVES[name] for name in ("start", "pause", "adjust", "skip", "end")}


@pytest.mark.parametrize("control", list(CONTROLS))
@pytest.mark.parametrize("who", [ResidentFactory, FacilitatorFactory])
def test_only_the_rooms_facilitator_controls_the_clock(control, who):
    room = RoomFactory(stage="open" if control == "start" else "live")
    before = _snapshot(room)

    with pytest.raises(PermissionDenied, match="facilitator"):
        CONTROLS[control](room, who())

    assert _snapshot(room) == before


@pytest.mark.parametrize("control", list(CONTROLS))
def test_a_city_admin_may_control_any_room(control):
    room = RoomFactory(stage="open" if control == "start" else "live")
    admin = AdminFactory()

    CONTROLS[control](room, admin)

    assert RoomEvent.objects.filter(room=room).last().actor == admin


def test_a_citizen_cannot_open_a_room():
    room = RoomFactory()
    with pytest.raises(PermissionDenied):
        services.open_room(room=room, actor=ResidentFactory())
    assert Room.objects.get(pk=room.pk).state == RoomState.DRAFT
