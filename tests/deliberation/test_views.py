"""The room pages: who sees which room, creating a room with its agenda, the room page by role."""

import pytest
from django.urls import reverse

from deliberation.rooms import services
from deliberation.rooms.models import Room
from tests.factories import FacilitatorFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def _agenda_post(rows: list[dict], **room) -> dict:
    data = {"title": "Shade on Main Street", "description": "Trees or awnings?", "access": "public",
            "observers_allowed": "on", "auto_advance": "on", **room,
            "rounds-TOTAL_FORMS": "3", "rounds-INITIAL_FORMS": "0", "rounds-MIN_NUM_FORMS": "0",
            "rounds-MAX_NUM_FORMS": "40"}
    for n in range(3):
        row = {"kind": "discussion", "speakers": "queue", "chat_open": "on", "turn_seconds": "120",
               "title": "", "duration_minutes": ""}
        row.update(rows[n] if n < len(rows) else {})
        data.update({f"rounds-{n}-{key}": value for key, value in row.items()})
    return data


def test_anonymous_visitors_are_sent_to_sign_in(client):
    room = RoomFactory(stage="open")
    # the list is public (tests/deliberation/test_room_list.py); creating and entering a room are not
    for url in (reverse("rooms:create"),
                reverse("rooms:room", args=[room.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_shows_public_and_invited_rooms_and_own_drafts_only(client):
    facilitator, citizen = FacilitatorFactory(), UserFactory()
    public = RoomFactory(stage="live", title="Public room", facilitator=facilitator)
    RoomFactory(title="Someone's draft")
    own_draft = RoomFactory(title="My draft", facilitator=facilitator)
    invited = RoomFactory(stage="open", title="Invited room", access="invited", facilitator=facilitator)
    RoomFactory(stage="open", title="Closed circle", access="invited")
    services.invite_to_room(room=invited, actor=facilitator, users=[citizen])

    client.force_login(citizen)
    page = client.get(reverse("rooms:list")).content.decode()
    assert public.title in page and invited.title in page
    assert "Closed circle" not in page and "Someone's draft" not in page
    assert "room-state-live" in page

    client.force_login(facilitator)
    page = client.get(reverse("rooms:list")).content.decode()
    assert own_draft.title in page and "Someone's draft" not in page


def test_create_is_for_facilitators_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("rooms:create")).status_code == 403
    assert client.post(reverse("rooms:create"), _agenda_post([])).status_code == 403


def test_create_form_has_three_empty_agenda_rows(client):
    client.force_login(FacilitatorFactory())
    response = client.get(reverse("rooms:create"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="rounds-2-title"' in page and 'name="rounds-3-title"' not in page


def test_valid_post_creates_the_room_with_its_agenda_in_seconds(client):
    facilitator = FacilitatorFactory()
    client.force_login(facilitator)
    response = client.post(reverse("rooms:create"), _agenda_post([
        {"title": "Opening", "duration_minutes": "10"},
        {"kind": "break", "title": "Coffee", "duration_minutes": "5"},
    ]))
    room = Room.objects.get(title="Shade on Main Street")
    assert response.status_code == 302 and response["Location"] == reverse("rooms:room", args=[room.pk])
    assert room.facilitator == facilitator and room.state == "draft"
    assert [(r.title, r.duration_seconds, r.chat_open) for r in room.rounds.order_by("position")] == [
        ("Opening", 600, True), ("Coffee", 300, False)]


def test_invalid_post_keeps_everything_typed(client):
    client.force_login(FacilitatorFactory())
    response = client.post(reverse("rooms:create"), _agenda_post(
        [{"title": "Opening", "duration_minutes": "0"},
         {"title": "Questions from the floor", "duration_minutes": "15"}],
        title="", description="Kept description"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Kept description" in page and 'value="Opening"' in page and 'value="Questions from the floor"' in page
    assert 'value="15"' in page and "errorlist" in page
    assert not Room.objects.exists()


def test_an_agenda_without_rounds_is_refused(client):
    client.force_login(FacilitatorFactory())
    response = client.post(reverse("rooms:create"), _agenda_post([]))
    assert response.status_code == 200 and b"An agenda needs at least one round." in response.content
    assert not Room.objects.exists()


def test_facilitator_sees_the_controls_and_a_citizen_does_not(client):
    room = RoomFactory(stage="live")
    client.force_login(room.facilitator)
    page = client.get(reverse("rooms:room", args=[room.pk])).content.decode()
    assert 'data-frame="clock.start"' in page and 'data-frame="clock.adjust"' in page
    assert "Opening discussion" in page and f'data-last-seq="{room.last_seq}"' in page

    client.force_login(UserFactory())
    response = client.get(reverse("rooms:room", args=[room.pk]))
    page = response.content.decode()
    assert response.status_code == 200 and "data-frame" not in page
    assert 'id="room-clock"' in page and "Opening discussion" in page and "room.js" in page


def test_draft_room_shows_the_open_form_to_its_facilitator_and_is_hidden_from_others(client):
    room = RoomFactory()
    client.force_login(room.facilitator)
    page = client.get(reverse("rooms:room", args=[room.pk])).content.decode()
    assert reverse("rooms:open", args=[room.pk]) in page
    client.force_login(UserFactory())
    assert client.get(reverse("rooms:room", args=[room.pk])).status_code == 404


def test_invited_only_room_is_refused_to_an_uninvited_citizen(client):
    room = RoomFactory(stage="open", access="invited")
    client.force_login(UserFactory())
    assert client.get(reverse("rooms:room", args=[room.pk])).status_code in (403, 404)


def test_room_page_shows_recent_visible_chat_escaped(client):
    room = RoomFactory(stage="live")
    citizen = UserFactory()
    services.join(room=room, user=citizen)
    services.post_message(room=room, author=citizen, body="<script>alert(1)</script>")
    hidden = services.post_message(room=room, author=citizen, body="Rude words")
    services.hide_message(room=room, actor=room.facilitator, seq=hidden.seq, reason="Abuse")
    client.force_login(citizen)
    page = client.get(reverse("rooms:room", args=[room.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "Rude words" not in page


def test_open_is_a_post_by_the_facilitator(client):
    room = RoomFactory()
    client.force_login(UserFactory())
    assert client.post(reverse("rooms:open", args=[room.pk])).status_code == 404
    client.force_login(room.facilitator)
    assert client.get(reverse("rooms:open", args=[room.pk])).status_code == 405
    response = client.post(reverse("rooms:open", args=[room.pk]))
    assert response.status_code == 302
    room.refresh_from_db()
    assert room.state == "open"
