"""Live polls (deliberation.rooms.services.live_polls): asking, answering, live results, closing and expiry."""

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from deliberation.rooms import selectors, services
from deliberation import tasks
from deliberation.rooms.models import LiveAnswer, LivePoll, Room, RoomEvent
from deliberation.rooms.realtime.protocol import ProtocolError, check_outbound, validate
from deliberation.rooms.services import PollError
from deliberation.rooms.states import MemberRole, PollState
from tests.factories import RoomFactory, UserFactory
from tests.factories import room_member_user as _member


def _events(room: Room, type_: str) -> list[dict]:
    datas = [e.data for e in RoomEvent.objects.filter(room=room, type=type_).order_by("seq")]
    for data in datas:
        check_outbound({"type": type_, "seq": 1, "data": data})
    return datas


def _open(room: Room, **fields) -> LivePoll:
    spec = {"question": "Where next?", "kind": "single", "options": ["Park", "Library", "Market"],
            "duration_seconds": 60, **fields}
    return services.open_poll(room=room, actor=room.facilitator, **spec)


# --- Opening -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_opening_a_poll_announces_it_with_its_deadline_and_the_server_time():
    room = RoomFactory(stage="live")
    poll = _open(room)

    assert poll.state == PollState.OPEN and poll.round_id == room.current_round_id
    assert (poll.closes_at - poll.opened_at) == timedelta(seconds=60)
    (opened,) = _events(room, "poll.opened")
    assert opened["poll"]["id"] == poll.pk and opened["poll"]["options"] == ["Park", "Library", "Market"]
    assert opened["closes_at"] == poll.closes_at.isoformat() and opened["server_time"]


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "message"), [
    ({"question": "   "}, "Please write the poll's question."),
    ({"question": "x" * 301}, "A poll's question has at most 300 characters."),
    ({"kind": "ranking"}, "A poll is single choice, multiple choice or a scale."),
    ({"options": ["Only one"]}, "A poll has between 2 and 10 options."),
    ({"options": [str(i) for i in range(11)]}, "A poll has between 2 and 10 options."),
    ({"options": ["Park", "x" * 101]}, "An option has at most 100 characters."),
    ({"options": ["Park", " "]}, "An option cannot be empty."),
    ({"options": ["Park", "Park"]}, "Two options are the same."),
    ({"options": ["Park", 3]}, "Each option is a text."),
    ({"duration_seconds": 9}, "A poll stays open between 10 and 3600 seconds."),
    ({"duration_seconds": 3601}, "A poll stays open between 10 and 3600 seconds."),
    ({"kind": "scale"}, "A scale poll has no options: people answer from 1 to 5."),
    ({"kind": "multiple", "max_choices": 4}, "The number of choices allowed is between 1 and the number of options."),
    ({"max_choices": 2}, "A single-choice poll takes exactly one choice."),
])
def test_an_invalid_poll_is_refused_with_a_clear_message_and_nothing_is_stored(fields, message):
    room = RoomFactory(stage="live")
    events = RoomEvent.objects.filter(room=room).count()

    with pytest.raises(PollError) as error:
        _open(room, **fields)

    assert error.value.messages == [message]
    assert not LivePoll.objects.exists()
    assert RoomEvent.objects.filter(room=room).count() == events


@pytest.mark.django_db
def test_only_the_facilitator_opens_or_closes_a_poll():
    room = RoomFactory(stage="live")
    citizen = _member(room)
    with pytest.raises(PermissionDenied):
        services.open_poll(room=room, actor=citizen, question="Q?", kind="scale", duration_seconds=30)
    poll = _open(room)
    with pytest.raises(PermissionDenied):
        services.close_poll(room=room, actor=citizen, poll_id=poll.pk)
    assert LivePoll.objects.get().state == PollState.OPEN


# --- Answering -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_kind_counts_its_answers():
    room = RoomFactory(stage="live")
    a, b, c = _member(room), _member(room), _member(room)
    single = _open(room)
    multiple = _open(room, kind="multiple", max_choices=2)
    scale = _open(room, kind="scale", options=[])

    for user, choice in ((a, 0), (b, 2), (c, 2)):
        services.answer_poll(room=room, user=user, poll_id=single.pk, choices=[choice])
    for user, choices in ((a, [0, 1]), (b, [1]), (c, [2, 1])):
        services.answer_poll(room=room, user=user, poll_id=multiple.pk, choices=choices)
    for user, value in ((a, 5), (b, 1), (c, 5)):
        services.answer_poll(room=room, user=user, poll_id=scale.pk, choices=[value])

    assert selectors.poll_results(single) == {"poll_id": single.pk, "counts": [1, 0, 2], "total": 3}
    assert selectors.poll_results(multiple)["counts"] == [1, 3, 1]
    assert selectors.poll_results(scale) == {"poll_id": scale.pk, "counts": [1, 0, 0, 0, 2], "total": 3}
    assert multiple.max_choices == 2 and scale.options == [] and scale.max_choices is None


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "choices", "message"), [
    ("single", [], "Choose exactly one option."),
    ("single", [0, 1], "Choose exactly one option."),
    ("single", [3], "This poll has no such option."),
    ("single", [-1], "This poll has no such option."),
    ("single", ["0"], "An answer is a list of whole numbers."),
    ("single", [True], "An answer is a list of whole numbers."),
    ("multiple", [], "Choose between 1 and 2 options."),
    ("multiple", [0, 1, 2], "Choose between 1 and 2 options."),
    ("multiple", [1, 1], "Choose each option at most once."),
    ("scale", [0], "Answer with one value from 1 to 5."),
    ("scale", [6], "Answer with one value from 1 to 5."),
    ("scale", [3, 4], "Answer with one value from 1 to 5."),
])
def test_an_invalid_answer_is_refused_and_nothing_is_stored(kind, choices, message):
    room = RoomFactory(stage="live")
    citizen = _member(room)
    extra = {"scale": {"options": []}, "multiple": {"max_choices": 2}}.get(kind, {})
    poll = _open(room, kind=kind, **extra)
    events = RoomEvent.objects.filter(room=room).count()

    with pytest.raises(PollError) as error:
        services.answer_poll(room=room, user=citizen, poll_id=poll.pk, choices=choices)

    assert error.value.messages == [message]
    assert not LiveAnswer.objects.exists()
    assert RoomEvent.objects.filter(room=room).count() == events


@pytest.mark.django_db
def test_an_answer_may_be_changed_while_open_and_counts_once():
    room = RoomFactory(stage="live")
    citizen = _member(room)
    poll = _open(room)

    first = services.answer_poll(room=room, user=citizen, poll_id=poll.pk, choices=[0])
    second = services.answer_poll(room=room, user=citizen, poll_id=poll.pk, choices=[1])

    assert first.pk == second.pk and second.changed_at is not None
    assert LiveAnswer.objects.get().choices == [1]
    assert selectors.poll_results(poll) == {"poll_id": poll.pk, "counts": [0, 1, 0], "total": 1}


@pytest.mark.django_db
def test_the_database_allows_one_answer_per_user_per_poll():
    room = RoomFactory(stage="live")
    citizen = _member(room)
    poll = _open(room)
    LiveAnswer.objects.create(poll=poll, user=citizen, choices=[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        LiveAnswer.objects.create(poll=poll, user=citizen, choices=[1])


@pytest.mark.django_db
@pytest.mark.parametrize(("fields", "message"), [
    ({"role": MemberRole.OBSERVER}, "Observers cannot answer polls."),
    ({"muted": True}, "The facilitator has muted you."),
    ({"removed_at": timezone.now()}, "You are not a participant of this room."),
])
def test_observers_muted_and_removed_members_cannot_answer(fields, message):
    room = RoomFactory(stage="live")
    user = _member(room, **fields)
    poll = _open(room)
    with pytest.raises(PermissionDenied, match=message):
        services.answer_poll(room=room, user=user, poll_id=poll.pk, choices=[0])
    with pytest.raises(PermissionDenied):
        services.answer_poll(room=room, user=UserFactory(), poll_id=poll.pk, choices=[0])  # a stranger
    assert not LiveAnswer.objects.exists()


@pytest.mark.django_db
def test_answers_are_refused_after_the_poll_closes_and_the_results_stay_on_record():
    room = RoomFactory(stage="live")
    citizen = _member(room)
    poll = _open(room)
    services.answer_poll(room=room, user=citizen, poll_id=poll.pk, choices=[2])

    services.close_poll(room=room, actor=room.facilitator, poll_id=poll.pk)

    with pytest.raises(PollError, match="This poll is closed."):
        services.answer_poll(room=room, user=citizen, poll_id=poll.pk, choices=[1])
    with pytest.raises(PollError, match="This poll is closed."):
        services.close_poll(room=room, actor=room.facilitator, poll_id=poll.pk)
    poll.refresh_from_db()
    assert poll.state == PollState.CLOSED and poll.closed_at is not None
    assert _events(room, "poll.closed") == [{"poll_id": poll.pk, "counts": [0, 0, 1], "total": 1}]
    assert LiveAnswer.objects.get().choices == [2]


@pytest.mark.django_db
def test_a_poll_past_its_time_is_closed_by_the_sweep_once():
    room = RoomFactory(stage="live")
    poll = _open(room, duration_seconds=30)

    assert services.expire_poll(room_id=room.pk, poll_id=poll.pk) is False  # too early
    later = poll.closes_at + timedelta(seconds=1)
    assert services.expire_due_polls(now=later) == 1
    assert services.expire_due_polls(now=later) == 0
    assert services.expire_poll(room_id=room.pk, poll_id=poll.pk, now=later) is False
    assert len(_events(room, "poll.closed")) == 1
    assert LivePoll.objects.get().state == PollState.CLOSED


@pytest.mark.django_db
def test_the_rounds_sweep_task_also_closes_overdue_polls():
    room = RoomFactory(stage="live")
    poll = _open(room, duration_seconds=30)
    LivePoll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert tasks.sweep_rounds() == 1
    assert tasks.sweep_rounds() == 0


@pytest.mark.django_db
def test_results_go_out_at_most_once_a_second_and_the_latest_counts_are_flushed():
    room = RoomFactory(stage="live")
    a, b, c = _member(room), _member(room), _member(room)
    poll = _open(room)

    services.answer_poll(room=room, user=a, poll_id=poll.pk, choices=[0])  # sent at once
    services.answer_poll(room=room, user=b, poll_id=poll.pk, choices=[1])  # within the second: pending
    services.answer_poll(room=room, user=c, poll_id=poll.pk, choices=[1])

    assert [r["counts"] for r in _events(room, "poll.results")] == [[1, 0, 0]]
    poll.refresh_from_db()
    assert poll.results_dirty
    later = poll.results_sent_at + timedelta(seconds=1)
    assert services.flush_poll_results(room_id=room.pk, poll_id=poll.pk, now=later) is True
    assert services.flush_poll_results(room_id=room.pk, poll_id=poll.pk, now=later) is False
    assert [r["counts"] for r in _events(room, "poll.results")] == [[1, 0, 0], [1, 2, 0]]
    assert _events(room, "poll.results")[-1]["total"] == 3


@pytest.mark.django_db
def test_the_sweep_flushes_pending_results():
    room = RoomFactory(stage="live")
    a, b = _member(room), _member(room)
    poll = _open(room)
    services.answer_poll(room=room, user=a, poll_id=poll.pk, choices=[0])
    services.answer_poll(room=room, user=b, poll_id=poll.pk, choices=[2])
    LivePoll.objects.filter(pk=poll.pk).update(results_sent_at=timezone.now() - timedelta(seconds=2))

    assert services.expire_due_polls() == 0  # nothing closed, but the results went out
    assert _events(room, "poll.results")[-1]["counts"] == [1, 0, 1]
    assert not LivePoll.objects.get().results_dirty


# --- The protocol ---------------------------------------------------------------------------------------


def test_the_protocol_checks_poll_frames():
    assert validate({"type": "poll.answer", "data": {"poll_id": 1, "choices": [0, 2]}}) == (
        "poll.answer", {"poll_id": 1, "choices": [0, 2]})
    for bad in ({"poll_id": 1, "choices": "0"}, {"poll_id": 1, "choices": list(range(11))}, {"poll_id": 1}):
        with pytest.raises(ProtocolError):
            validate({"type": "poll.answer", "data": bad})
    with pytest.raises(ProtocolError):
        validate({"type": "poll.open", "data": {"question": "Q", "kind": "scale", "duration_seconds": 5}})


# --- Over the WebSocket ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_answer_reaches_the_facilitator_and_another_citizen_as_live_results(_fresh_channel_layer):
    from tests.deliberation.sockets import communicator, enter, receive, until

    room = RoomFactory(stage="live")
    poll = _open(room)
    alice, bob = UserFactory(), UserFactory()
    host_ws, alice_ws, bob_ws = (communicator(room.pk, u) for u in (room.facilitator, alice, bob))

    async def scenario():
        for ws in (host_ws, alice_ws, bob_ws):
            await enter(ws)
        await alice_ws.send_json_to({"type": "poll.answer", "data": {"poll_id": poll.pk, "choices": [1]}})
        frames = [await until(host_ws, "poll.results"), await until(bob_ws, "poll.results")]
        await bob_ws.send_json_to({"type": "poll.answer", "data": {"poll_id": poll.pk, "choices": [7]}})
        error = await receive(bob_ws)
        await bob_ws.send_json_to({"type": "ping"})
        pong = await until(bob_ws, "pong")  # still connected
        for ws in (host_ws, alice_ws, bob_ws):
            await ws.disconnect()
        return frames, error, pong

    frames, error, pong = async_to_sync(scenario)()
    assert frames[0] == frames[1]
    assert frames[0]["data"] == {"poll_id": poll.pk, "counts": [0, 1, 0], "total": 1}
    assert error == {"type": "error", "code": "invalid_answer", "message": "This poll has no such option.",
                     "for": "poll.answer"}  # the frame it answers: the page says it next to the control
    assert pong["type"] == "pong"
    assert LiveAnswer.objects.get().user == alice


@pytest.fixture
def _with_broker():
    conf = tasks.expire_poll.app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False
    yield
    conf.task_always_eager = eager


@pytest.mark.django_db
@pytest.mark.usefixtures("_with_broker")
def test_with_a_broker_the_close_and_the_pending_results_are_queued_for_their_exact_time(
        monkeypatch, django_capture_on_commit_callbacks):
    queued = []
    for task in (tasks.expire_poll, tasks.flush_poll_results, tasks.expire_round):
        monkeypatch.setattr(task, "apply_async", lambda args, eta, name=task.name: queued.append((name, args, eta)))
    room = RoomFactory(stage="live")
    a, b, c = _member(room), _member(room), _member(room)
    queued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        poll = _open(room)
    with django_capture_on_commit_callbacks(execute=True):
        for user in (a, b, c):  # the first is sent at once; the next two wait for one queued flush
            services.answer_poll(room=room, user=user, poll_id=poll.pk, choices=[0])

    poll.refresh_from_db()
    assert queued == [
        ("deliberation.tasks.expire_poll", [room.pk, poll.pk], poll.closes_at),
        ("deliberation.tasks.flush_poll_results", [room.pk, poll.pk], poll.results_sent_at + timedelta(seconds=1)),
    ]


@pytest.mark.django_db
def test_ending_the_room_closes_its_open_polls_with_final_results():
    room = RoomFactory(stage="live")
    facilitator = room.facilitator
    poll = services.open_poll(room=room, actor=facilitator, question="버스 노선 확대에 찬성하십니까?",
                                   kind="single", options=["찬성", "반대"], duration_seconds=300)
    services.end_room(room=room, actor=facilitator)
    poll.refresh_from_db()
    assert poll.state == "closed" and poll.closed_at is not None
    types = list(RoomEvent.objects.filter(room=room).order_by("seq").values_list("type", flat=True))
    assert types[-2:] == ["poll.closed", "room.ended"]
    assert LivePoll.objects.filter(room=room, state="open").count() == 0
