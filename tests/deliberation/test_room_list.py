"""The rooms list is public (issue 13): who sees which room in which section, and where each card leads."""

import re

import pytest
from django.urls import reverse

from deliberation.rooms import services
from tests.factories import AdminFactory, FacilitatorFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db

VIEWERS = ("anonymous", "citizen", "invitee", "other_facilitator", "facilitator", "staff")
# room -> the viewers who see it listed
LISTED = {
    "public live": set(VIEWERS),
    "public open": set(VIEWERS),
    "public ended": set(VIEWERS),
    "invited open": {"invitee", "facilitator", "staff"},
    "invited ended": {"invitee", "facilitator", "staff"},
    "draft": {"facilitator", "staff"},
}


def _end(room):
    services.end_room(room=room, actor=room.facilitator)
    room.refresh_from_db()
    return room


@pytest.fixture
def world():
    facilitator, invitee = FacilitatorFactory(), UserFactory()
    rooms = {
        "public live": RoomFactory(stage="live", facilitator=facilitator),
        "public open": RoomFactory(stage="open", facilitator=facilitator),
        "public ended": _end(RoomFactory(stage="live", facilitator=facilitator)),
        "invited open": RoomFactory(stage="open", access="invited", facilitator=facilitator),
        "invited ended": RoomFactory(stage="open", access="invited", facilitator=facilitator),
        "draft": RoomFactory(facilitator=facilitator),
    }
    for name, room in rooms.items():
        room.title = f"Room «{name}»"
        room.save(update_fields=["title"])
    for name in ("invited open", "invited ended"):
        services.invite_to_room(room=rooms[name], actor=facilitator, users=[invitee])
    _end(rooms["invited ended"])
    people = {"anonymous": None, "citizen": UserFactory(), "invitee": invitee,
              "other_facilitator": FacilitatorFactory(), "facilitator": facilitator, "staff": AdminFactory()}
    return rooms, people


def _section(page: str, state: str) -> str:
    match = re.search(rf'<section class="room-section" id="rooms-{state}".*?</section>', page, re.S)
    return match.group(0) if match else ""


@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_role_sees_the_rooms_it_may_see_in_their_section(client, world, viewer):
    rooms, people = world
    if people[viewer] is not None:
        client.force_login(people[viewer])
    response = client.get(reverse("rooms:list"))
    assert response.status_code == 200
    page = response.content.decode()
    for name, room in rooms.items():
        shown = viewer in LISTED[name]
        assert (f"Room «{name}»" in page) is shown, (viewer, name)
        if shown:
            assert f"Room «{name}»" in _section(page, room.state), (viewer, name)


def test_ended_rooms_link_their_record_and_the_others_their_room(client, world):
    rooms, _people = world
    page = client.get(reverse("rooms:list")).content.decode()
    ended = _section(page, "ended")
    assert reverse("rooms:record", args=[rooms["public ended"].pk]) in ended
    for name in ("public live", "public open"):
        assert reverse("rooms:room", args=[rooms[name].pk]) in page
        assert reverse("rooms:record", args=[rooms[name].pk]) not in page


def test_the_sections_say_when_they_are_empty(client):
    page = client.get(reverse("rooms:list")).content.decode()
    for state in ("live", "open", "ended"):
        assert 'class="empty"' in _section(page, state)
    assert 'id="rooms-draft"' not in page


def test_listing_publicly_opens_no_room_page_nor_a_private_record(client, world):
    rooms, people = world
    # the room pages keep their own rules: anonymous visitors sign in, a stranger cannot read an invited record
    response = client.get(reverse("rooms:room", args=[rooms["public live"].pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(reverse("rooms:record", args=[rooms["public ended"].pk])).status_code == 200
    assert client.get(reverse("rooms:record", args=[rooms["invited ended"].pk])).status_code == 302
    client.force_login(people["citizen"])
    assert client.get(reverse("rooms:record", args=[rooms["invited ended"].pk])).status_code == 403
    assert client.get(reverse("rooms:room", args=[rooms["invited open"].pk])).status_code == 403
