"""Chat in a room, and the room's event log that numbers every broadcast (seq, resume, rollback)."""

import asyncio
import re
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts.ratelimit import RateLimited
from deliberation.rooms import services
from deliberation.rooms.realtime.events import events_after, group_name
from deliberation.rooms.models import CHAT_MAX, ChatMessage, Room, RoomEvent, RoomMember, Round
from deliberation.rooms.states import MemberRole, RoundState
from tests.factories import FacilitatorFactory, ResidentFactory, RoomFactory
from tests.factories import room_member as _member
from tests.races import run_together

pytestmark = pytest.mark.django_db


def _seqs(room: Room) -> list[int]:
    return list(RoomEvent.objects.filter(room=room).order_by("seq").values_list("seq", flat=True))


# --- Who may write, and when -----------------------------------------------------------------------


def test_a_member_posts_a_message_stored_with_the_seq_of_its_event():
    room = RoomFactory(stage="live")
    author = _member(room).user

    message = services.post_message(room=room, author=author, body="  Hello, neighbours  ")

    event = RoomEvent.objects.get(room=room, type="chat.message")
    assert (message.body, message.seq, message.author) == ("Hello, neighbours", event.seq, author)
    assert event.data == {"author_id": author.pk, "author": author.public_name, "body": "Hello, neighbours",
                          "table_id": None}
    assert Room.objects.get(pk=room.pk).last_seq == event.seq


def test_the_facilitator_may_write_without_a_membership():
    room = RoomFactory(stage="live")
    services.post_message(room=room, author=room.facilitator, body="Welcome")
    assert ChatMessage.objects.filter(room=room).count() == 1


def _refused(room: Room, author, body: str = "hello", match: str = "") -> None:
    events = RoomEvent.objects.filter(room=room).count()
    with pytest.raises(PermissionDenied, match=match):
        services.post_message(room=room, author=author, body=body)
    assert not ChatMessage.objects.filter(room=room).exists()
    assert RoomEvent.objects.filter(room=room).count() == events


def test_a_non_member_cannot_write():
    room = RoomFactory(stage="live")
    _refused(room, ResidentFactory(), match="not a participant")


def test_another_facilitator_who_is_not_a_member_cannot_write():
    room = RoomFactory(stage="live")
    _refused(room, FacilitatorFactory(), match="not a participant")


def test_a_removed_member_cannot_write():
    room = RoomFactory(stage="live")
    _refused(room, _member(room, removed_at=timezone.now()).user, match="not a participant")


def test_an_observer_reads_but_cannot_write():
    room = RoomFactory(stage="live")
    _refused(room, _member(room, role=MemberRole.OBSERVER).user, match="Observers")


def test_a_muted_member_cannot_write():
    room = RoomFactory(stage="live")
    _refused(room, _member(room, muted=True).user, match="muted")


def test_the_chat_is_closed_in_a_break_round():
    room = RoomFactory(stage="open")
    services.start_round(room=room, actor=room.facilitator, round_id=room.rounds.get(kind="break").pk)
    _refused(room, _member(room).user, match="closed in this round")


def test_the_chat_is_closed_in_a_round_with_chat_open_false():
    room = RoomFactory(stage="live", rounds=[
        {"kind": "presentation", "title": "Talk", "duration_seconds": 600, "chat_open": False}])
    _refused(room, _member(room).user, match="closed in this round")


@pytest.mark.parametrize("stage", ["open", "paused"])
def test_the_chat_is_closed_when_no_round_runs(stage):
    room = RoomFactory(stage="open" if stage == "open" else "live")
    if stage == "paused":
        services.pause_round(room=room, actor=room.facilitator)
    _refused(room, _member(room).user, match="when a round is running")


# --- What may be written ---------------------------------------------------------------------------


@pytest.mark.parametrize("body, code", [
    ("", "empty"), ("   \n\t ", "empty"), ("\x00\x07\x1b", "empty"), ("x" * (CHAT_MAX + 1), "too_long"),
])
def test_an_empty_or_too_long_message_is_refused(body, code):
    room = RoomFactory(stage="live")
    events = RoomEvent.objects.filter(room=room).count()

    with pytest.raises(ValidationError) as refused:
        services.post_message(room=room, author=_member(room).user, body=body)

    assert refused.value.code == code
    assert not ChatMessage.objects.exists()
    assert RoomEvent.objects.filter(room=room).count() == events


def test_a_message_of_exactly_the_maximum_length_is_accepted():
    room = RoomFactory(stage="live")
    message = services.post_message(room=room, author=_member(room).user, body="x" * CHAT_MAX)
    assert len(message.body) == CHAT_MAX


def test_control_characters_are_stripped_but_newlines_and_tabs_kept():
    assert services.clean_chat_text("hi\x00\x07 there\x1b[31m\x7f\n\tbye") == "hi there[31m\x7f\n\tbye"


def test_posting_too_often_is_rate_limited(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat.message": (2, 30)}
    room = RoomFactory(stage="live")
    author, other = _member(room).user, _member(room).user
    services.post_message(room=room, author=author, body="one")
    services.post_message(room=room, author=author, body="two")

    with pytest.raises(RateLimited):
        services.post_message(room=room, author=author, body="three")

    assert list(ChatMessage.objects.values_list("body", flat=True)) == ["one", "two"]
    services.post_message(room=room, author=other, body="mine")  # the limit is per person


# --- Hiding a message ------------------------------------------------------------------------------


@pytest.fixture
def posted():
    room = RoomFactory(stage="live")
    return room, services.post_message(room=room, author=_member(room).user, body="rude words")


def test_hiding_keeps_the_message_on_record_with_who_and_why(posted):
    room, message = posted

    services.hide_message(room=room, actor=room.facilitator, seq=message.seq, reason="  Insults  ")

    message.refresh_from_db()
    assert message.body == "rude words"
    assert message.hidden_at is not None
    assert (message.hidden_by, message.hidden_reason) == (room.facilitator, "Insults")
    event = RoomEvent.objects.get(room=room, type="chat.hidden")
    assert (event.data, event.actor) == ({"seq": message.seq}, room.facilitator)


def test_hiding_twice_emits_chat_hidden_once(posted):
    room, message = posted
    services.hide_message(room=room, actor=room.facilitator, seq=message.seq, reason="Insults")
    first = ChatMessage.objects.get(pk=message.pk).hidden_at

    services.hide_message(room=room, actor=room.facilitator, seq=message.seq, reason="Again")

    assert RoomEvent.objects.filter(room=room, type="chat.hidden").count() == 1
    assert ChatMessage.objects.get(pk=message.pk).hidden_at == first
    assert ChatMessage.objects.get(pk=message.pk).hidden_reason == "Insults"


@pytest.mark.parametrize("who", ["author", "citizen", "other facilitator"])
def test_only_the_facilitator_can_hide_a_message(posted, who):
    room, message = posted
    actor = {"author": message.author, "citizen": ResidentFactory(), "other facilitator": FacilitatorFactory()}[who]

    with pytest.raises(PermissionDenied, match="facilitator"):
        services.hide_message(room=room, actor=actor, seq=message.seq, reason="Insults")

    assert ChatMessage.objects.get(pk=message.pk).hidden_at is None
    assert not RoomEvent.objects.filter(type="chat.hidden").exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_hiding_requires_a_reason(posted, reason):
    room, message = posted

    with pytest.raises(ValidationError) as refused:
        services.hide_message(room=room, actor=room.facilitator, seq=message.seq, reason=reason)

    assert refused.value.code == "reason_required"
    assert ChatMessage.objects.get(pk=message.pk).hidden_at is None


def test_hiding_an_unknown_message_is_refused(posted):
    room, message = posted
    with pytest.raises(ValidationError) as refused:
        services.hide_message(room=room, actor=room.facilitator, seq=message.seq + 100, reason="Insults")
    assert refused.value.code == "not_found"


# --- The event log ---------------------------------------------------------------------------------


def test_seqs_are_one_to_n_without_gaps_and_independent_per_room():
    room, other = RoomFactory(stage="live"), RoomFactory(stage="live")
    for n in range(3):
        services.post_message(room=room, author=room.facilitator, body=f"a{n}")
        services.post_message(room=other, author=other.facilitator, body=f"b{n}")
    services.pause_round(room=room, actor=room.facilitator)

    for r in (room, other):
        seqs = _seqs(r)
        assert seqs == list(range(1, len(seqs) + 1))
        assert Room.objects.get(pk=r.pk).last_seq == len(seqs)
    assert len(_seqs(room)) == len(_seqs(other)) + 1  # one more event, not a shared counter


def test_events_after_returns_exactly_the_later_events_in_order():
    room = RoomFactory(stage="live")
    for n in range(5):
        services.post_message(room=room, author=room.facilitator, body=f"m{n}")
    k = 4

    missed = events_after(room_id=room.pk, seq=k)

    assert [e["seq"] for e in missed] == list(range(k + 1, Room.objects.get(pk=room.pk).last_seq + 1))
    assert [e["data"]["body"] for e in missed] == [f"m{n}" for n in range(5)][-len(missed):]
    assert set(missed[0]) == {"type", "seq", "data"}
    assert events_after(room_id=room.pk, seq=Room.objects.get(pk=room.pk).last_seq) == []


def test_a_rolled_back_transaction_leaves_no_event():
    room = RoomFactory(stage="live")
    before = (_seqs(room), Room.objects.get(pk=room.pk).last_seq)

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.post_message(room=room, author=room.facilitator, body="never happened")
            raise RuntimeError("the caller failed after the service")

    assert (_seqs(room), Room.objects.get(pk=room.pk).last_seq) == before
    assert not ChatMessage.objects.exists()
    services.post_message(room=room, author=room.facilitator, body="next")
    assert _seqs(room) == before[0] + [before[1] + 1]  # the rolled-back seq is handed out again


def test_the_broadcast_leaves_only_after_the_commit(django_capture_on_commit_callbacks):
    room = RoomFactory(stage="live")
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group_name(room.pk), channel)

    with django_capture_on_commit_callbacks() as callbacks:
        message = services.post_message(room=room, author=room.facilitator, body="after commit")
    assert len(callbacks) == 1  # queued for the commit, not sent

    callbacks[0]()

    async def receive():
        return await asyncio.wait_for(layer.receive(channel), timeout=5)

    frame = async_to_sync(receive)()
    assert frame["event"] == {"type": "chat.message", "seq": message.seq,
                              "data": RoomEvent.objects.get(seq=message.seq, room=room).data}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_chat_gets_consecutive_seqs_without_duplicates():
    assert connection.vendor == "postgresql", "row locks need PostgreSQL; run under tests/services/with-services.sh"
    room = RoomFactory(stage="live")
    earlier = Room.objects.get(pk=room.pk).last_seq
    authors = [_member(room).user for _ in range(10)]

    errors = run_together(*[
        (lambda author=author: services.post_message(room=room, author=author, body=f"from {author.pk}"))
        for author in authors])

    assert errors == []
    assert _seqs(room) == list(range(1, earlier + 11))
    assert sorted(ChatMessage.objects.filter(room=room).values_list("seq", flat=True)) == list(
        range(earlier + 1, earlier + 11))
    assert Room.objects.get(pk=room.pk).last_seq == earlier + 10


# --- A line sent again (after a lost connection) is stored once: the client's id (issue 11) -------------


def test_the_same_client_id_twice_stores_one_message_and_the_second_gets_the_firsts_ack():
    room = RoomFactory(stage="live")
    author = _member(room).user
    client_id = "3f1c2a9e-4b7d-4c1e-9a55-0d2b6f1e8c70"

    first = services.post_message(room=room, author=author, body="Shade first?", client_id=client_id)
    events = _seqs(room)
    again = services.post_message(room=room, author=author, body="Shade first?", client_id=client_id)

    assert ChatMessage.objects.filter(room=room).count() == 1
    assert _seqs(room) == events  # no second event either: nobody sees the line twice
    assert again.pk == first.pk
    assert services.chat_ack(again) == services.chat_ack(first) == {
        "type": "chat.ack", "data": {"client_id": client_id, "seq": first.seq}}


def test_a_resend_is_acknowledged_even_after_the_round_has_closed():
    """The line was stored before the round ended; the ack that was lost must still come."""
    room = RoomFactory(stage="live")
    author = _member(room).user
    first = services.post_message(room=room, author=author, body="before the end", client_id="line-000001")
    services.skip_round(room=room, actor=room.facilitator)  # the coffee break: chat closed

    again = services.post_message(room=room, author=author, body="before the end", client_id="line-000001")

    assert again.pk == first.pk


def test_the_same_client_id_from_another_author_or_room_is_another_message():
    room, other_room = RoomFactory(stage="live"), RoomFactory(stage="live")
    alice, bob = _member(room).user, _member(room).user
    RoomMember.objects.create(room=other_room, user=alice)

    for author, in_room in ((alice, room), (bob, room), (alice, other_room)):
        services.post_message(room=in_room, author=author, body="hi", client_id="same-id-0001")

    assert ChatMessage.objects.count() == 3


def test_the_database_refuses_a_second_message_with_the_same_client_id():
    room = RoomFactory(stage="live")
    author = _member(room).user
    message = services.post_message(room=room, author=author, body="once", client_id="db-unique-01")
    with pytest.raises(IntegrityError), transaction.atomic():
        ChatMessage.objects.create(room=room, seq=message.seq + 100, author=author, body="twice",
                                   client_id="db-unique-01")


def test_messages_without_a_client_id_are_not_deduplicated():
    room = RoomFactory(stage="live")
    author = _member(room).user
    services.post_message(room=room, author=author, body="same words")
    services.post_message(room=room, author=author, body="same words")
    assert ChatMessage.objects.filter(room=room).count() == 2


@pytest.mark.parametrize("client_id", ["", "short", "x" * 65, "has space 123", "<script>12"])
def test_a_malformed_client_id_is_refused(client_id):
    room = RoomFactory(stage="live")
    with pytest.raises(ValidationError) as refused:
        services.post_message(room=room, author=_member(room).user, body="hello", client_id=client_id)
    assert refused.value.code == "invalid_field"
    assert not ChatMessage.objects.exists()


# --- Refused by the clock, not only by the state the worker sets (issue 11) ------------------------------


def test_chat_is_refused_once_the_rounds_deadline_has_passed_even_if_its_state_still_says_running():
    room = RoomFactory(stage="live")  # the worker that would end the round is down: its state stays running
    Round.objects.filter(pk=room.current_round_id).update(deadline_at=timezone.now() - timedelta(seconds=1))

    _refused(room, _member(room).user, match="time is up")

    assert Round.objects.get(pk=room.current_round_id).state == RoundState.RUNNING


# --- Cheap refusals before the room's lock (issue 11) -----------------------------------------------------


def test_a_rate_limited_chat_line_does_not_lock_the_room_row(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat.message": (1, 60)}
    room = RoomFactory(stage="live")
    author = _member(room).user
    services.post_message(room=room, author=author, body="one")

    with CaptureQueriesContext(connection) as queries, pytest.raises(RateLimited):
        services.post_message(room=room, author=author, body="two")

    assert not [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]


@pytest.mark.parametrize("body", ["   ", "x" * (CHAT_MAX + 1)])
def test_an_empty_or_too_long_line_does_not_lock_the_room_row(body):
    room = RoomFactory(stage="live")
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError):
        services.post_message(room=room, author=_member(room).user, body=body)
    assert not [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]


def test_a_muted_members_line_does_not_lock_the_room_row():
    room = RoomFactory(stage="live")
    with CaptureQueriesContext(connection) as queries, pytest.raises(PermissionDenied):
        services.post_message(room=room, author=_member(room, muted=True).user, body="hello")
    assert not [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]


def test_the_no_javascript_form_posted_twice_with_its_client_id_stores_the_line_once(client):
    """A browser without JavaScript may post the form again (a retry after a timeout, a refresh): the
    page's hidden client id makes the second post an acknowledgement, not a second message."""
    room = RoomFactory(stage="live")
    author = _member(room).user
    client.force_login(author)
    page = client.get(reverse("rooms:room", args=[room.pk]))
    client_id = re.search(r'name="client_id" value="([^"]+)"', page.content.decode()).group(1)

    for _ in range(2):
        response = client.post(reverse("rooms:chat_post", args=[room.pk]),
                               {"body": "Said once", "client_id": client_id})
        assert response.status_code == 302

    assert list(ChatMessage.objects.filter(room=room).values_list("body", "client_id")) == [("Said once", client_id)]
    assert client.get(reverse("rooms:room", args=[room.pk])).content.decode().count(client_id) == 0  # a new one


def test_the_no_javascript_form_reused_with_another_line_is_refused_and_the_line_kept(client):
    """After Back, the old page's form carries its old client id with a new line: that line must not be
    dropped as if it were the first one sent again."""
    room = RoomFactory(stage="live")
    author = _member(room).user
    client.force_login(author)
    page = client.get(reverse("rooms:room", args=[room.pk]))
    client_id = re.search(r'name="client_id" value="([^"]+)"', page.content.decode()).group(1)
    url = reverse("rooms:chat_post", args=[room.pk])
    client.post(url, {"body": "The first line", "client_id": client_id})

    with translation.override("en"):
        client.post(url, {"body": "Another line", "client_id": client_id})
        again = client.get(reverse("rooms:room", args=[room.pk])).content.decode()
    assert list(ChatMessage.objects.filter(room=room).values_list("body", flat=True)) == ["The first line"]
    assert "already sent with another line" in again  # said, not silently dropped
    assert "Another line" in again  # the typed text is kept in the form
