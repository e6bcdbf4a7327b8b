"""Creating rooms and agendas, agenda templates, inviting, and who may join a room."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from deliberation.rooms import rules, selectors, services
from deliberation.rooms.models import AgendaTemplate, Room, RoomEvent, RoomMember, Round
from deliberation.rooms.services.rooms import MAX_ROUNDS
from deliberation.rooms.states import Access, MemberRole, RoomState, RoundKind, RoundState, Speakers
from tests.factories import (
    AdminFactory, FacilitatorFactory, ModeratorFactory, OfficerFactory, ResidentFactory, RoomFactory, UserFactory,
    default_agenda,
)

pytestmark = pytest.mark.django_db


def _nothing_stored() -> bool:
    return not (Room.objects.exists() or Round.objects.exists() or AgendaTemplate.objects.exists())


# --- Creating a room -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [FacilitatorFactory, AdminFactory])
def test_a_facilitator_or_admin_creates_a_draft_room_with_its_agenda(who):
    user = who()

    room = services.create_room(facilitator=user, title="  Park renewal  ", rounds=default_agenda())

    room.refresh_from_db()
    assert (room.title, room.state, room.facilitator, room.current_round, room.last_seq) == (
        "Park renewal", RoomState.DRAFT, user, None, 0)
    rounds = list(room.rounds.order_by("position"))
    assert [(r.position, r.kind, r.title, r.duration_seconds, r.state) for r in rounds] == [
        (1, "discussion", "Opening discussion", 600, RoundState.PENDING),
        (2, "break", "Coffee", 300, RoundState.PENDING),
        (3, "qa", "Questions", 600, RoundState.PENDING),
    ]
    assert rounds[0].speakers == Speakers.QUEUE and rounds[0].chat_open
    assert not RoomEvent.objects.exists()


@pytest.mark.parametrize("who", [UserFactory, ResidentFactory, OfficerFactory, ModeratorFactory])
def test_only_facilitators_create_rooms(who):
    with pytest.raises(PermissionDenied, match="Only facilitators"):
        services.create_room(facilitator=who(), title="Mine", rounds=default_agenda())
    assert _nothing_stored()


def test_a_break_round_always_has_its_chat_closed():
    room = services.create_room(facilitator=FacilitatorFactory(), title="Break", rounds=[
        {"kind": RoundKind.BREAK, "title": "Coffee", "duration_seconds": 300, "chat_open": True},
        {"kind": RoundKind.DISCUSSION, "title": "Talk", "duration_seconds": 300, "chat_open": True},
    ])
    assert list(room.rounds.order_by("position").values_list("chat_open", flat=True)) == [False, True]


def _round(**fields) -> dict:
    return {"kind": "discussion", "title": "Talk", "duration_seconds": 300, **fields}


BAD_AGENDAS = {
    "no rounds": [],
    "unknown field": [_round(colour="red")],
    "state smuggled in": [_round(state="running")],
    "duration under 10 s": [_round(duration_seconds=9)],
    "more than 40 rounds": [_round() for _ in range(MAX_ROUNDS + 1)],
    "unknown kind": [_round(kind="party")],
    "missing title": [{"kind": "discussion", "duration_seconds": 300}],
    "bad later round": [_round(), _round(), _round(turn_seconds=5)],
}


@pytest.mark.parametrize("case", list(BAD_AGENDAS))
def test_an_invalid_agenda_is_refused_and_nothing_is_stored(case):
    with pytest.raises(ValidationError) as refused:
        services.create_room(facilitator=FacilitatorFactory(), title="Room", rounds=BAD_AGENDAS[case])
    assert refused.value.messages
    assert _nothing_stored()


def test_exactly_forty_rounds_of_ten_seconds_are_accepted():
    room = services.create_room(facilitator=FacilitatorFactory(), title="Long",
                                rounds=[_round(duration_seconds=10) for _ in range(MAX_ROUNDS)])
    assert room.rounds.count() == MAX_ROUNDS


@pytest.mark.parametrize("fields", [{"title": "   "}, {"access": "secret"}])
def test_an_invalid_room_is_refused_and_nothing_is_stored(fields):
    with pytest.raises(ValidationError):
        services.create_room(facilitator=FacilitatorFactory(), rounds=default_agenda(), **{"title": "R", **fields})
    assert _nothing_stored()


# --- Agenda templates ------------------------------------------------------------------------------


def test_a_facilitator_saves_an_agenda_template_that_can_create_a_room():
    user = FacilitatorFactory()

    template = services.save_agenda_template(actor=user, name=" Round table ", rounds=default_agenda())

    template.refresh_from_db()
    assert (template.name, template.created_by, template.rounds) == ("Round table", user, default_agenda())
    room = services.create_room(facilitator=user, title="From template", rounds=template.rounds)
    assert room.rounds.count() == 3


def test_a_citizen_cannot_save_an_agenda_template():
    with pytest.raises(PermissionDenied):
        services.save_agenda_template(actor=ResidentFactory(), name="Mine", rounds=default_agenda())
    assert _nothing_stored()


@pytest.mark.parametrize("case", ["no rounds", "unknown field", "duration under 10 s"])
def test_an_invalid_agenda_template_is_refused(case):
    with pytest.raises(ValidationError):
        services.save_agenda_template(actor=FacilitatorFactory(), name="Bad", rounds=BAD_AGENDAS[case])
    assert _nothing_stored()


def test_template_names_are_unique():
    services.save_agenda_template(actor=FacilitatorFactory(), name="Forum", rounds=default_agenda())
    with pytest.raises(ValidationError):
        services.save_agenda_template(actor=FacilitatorFactory(), name="Forum", rounds=default_agenda())
    assert AgendaTemplate.objects.count() == 1


# --- Inviting and joining --------------------------------------------------------------------------


def _refusal(user, room: Room, **kwargs):
    room = Room.objects.get(pk=room.pk)
    return rules.refuse_join(user, room, rules.membership(user, room), **kwargs)


def _join_refused(user, room: Room, code: int, **kwargs) -> None:
    refusal = _refusal(user, room, **kwargs)
    assert refusal is not None and refusal[0] == code
    members = RoomMember.objects.count()
    with pytest.raises(PermissionDenied) as refused:
        services.join(room=room, user=user, **kwargs)
    assert str(refused.value) == refusal[1]
    assert RoomMember.objects.count() == members


def test_anyone_signed_in_joins_a_public_open_room_as_a_participant():
    room, user = RoomFactory(stage="open"), ResidentFactory()

    member = services.join(room=room, user=user)

    assert (member.room, member.user, member.role, member.invited) == (room, user, MemberRole.PARTICIPANT, False)
    assert services.join(room=room, user=user) == member  # joining again keeps the one membership


def test_an_anonymous_visitor_is_asked_to_sign_in():
    _join_refused(AnonymousUser(), RoomFactory(stage="open"), rules.CLOSE_UNAUTHENTICATED)


def test_nobody_but_the_facilitator_joins_a_draft_room():
    room = RoomFactory()
    _join_refused(ResidentFactory(), room, rules.CLOSE_FORBIDDEN)
    assert _refusal(room.facilitator, room) is None


@pytest.mark.parametrize("access", [Access.INVITED, Access.PANEL])
def test_an_invited_only_room_refuses_an_uninvited_citizen(access):
    room = RoomFactory(stage="open", access=access)
    _join_refused(ResidentFactory(), room, rules.CLOSE_FORBIDDEN)


def test_an_invited_only_room_admits_an_invited_citizen():
    room, guest = RoomFactory(stage="open", access=Access.INVITED), ResidentFactory()

    assert services.invite_to_room(room=room, actor=room.facilitator, users=[guest]) == 1

    assert _refusal(guest, room) is None
    member = services.join(room=room, user=guest)
    assert (member.invited, member.role) == (True, MemberRole.PARTICIPANT)


def test_a_member_who_joined_a_public_room_is_not_thereby_invited():
    room, user = RoomFactory(stage="open"), ResidentFactory()
    services.join(room=room, user=user)
    Room.objects.filter(pk=room.pk).update(access=Access.INVITED)
    _join_refused(user, room, rules.CLOSE_FORBIDDEN)


def test_inviting_an_existing_member_marks_them_invited_with_the_role():
    room, user = RoomFactory(stage="open"), ResidentFactory()
    services.join(room=room, user=user)

    services.invite_to_room(room=room, actor=room.facilitator, users=[user], role=MemberRole.SPEAKER)

    member = RoomMember.objects.get(room=room, user=user)
    assert (member.invited, member.role) == (True, MemberRole.SPEAKER)


@pytest.mark.parametrize("who", [ResidentFactory, FacilitatorFactory])
def test_only_the_facilitator_invites(who):
    room = RoomFactory(stage="open")
    with pytest.raises(PermissionDenied):
        services.invite_to_room(room=room, actor=who(), users=[ResidentFactory()])
    assert not RoomMember.objects.exists()


def test_a_removed_member_is_refused_even_when_invited():
    room, user = RoomFactory(stage="open", access=Access.INVITED), ResidentFactory()
    services.invite_to_room(room=room, actor=room.facilitator, users=[user])
    RoomMember.objects.filter(room=room, user=user).update(removed_at=timezone.now())

    _join_refused(user, room, rules.CLOSE_FORBIDDEN)
    assert "removed" in _refusal(user, room)[1]


def test_an_observer_joins_when_observers_are_allowed():
    room, user = RoomFactory(stage="open"), ResidentFactory()
    member = services.join(room=room, user=user, as_observer=True)
    assert member.role == MemberRole.OBSERVER


def test_observers_are_refused_when_the_room_does_not_admit_them():
    room = RoomFactory(stage="open", observers_allowed=False)
    _join_refused(ResidentFactory(), room, rules.CLOSE_FORBIDDEN, as_observer=True)
    assert services.join(room=room, user=ResidentFactory()).role == MemberRole.PARTICIPANT


def test_an_invited_observer_is_refused_when_the_room_does_not_admit_observers():
    room, user = RoomFactory(stage="open", observers_allowed=False), ResidentFactory()
    services.invite_to_room(room=room, actor=room.facilitator, users=[user], role=MemberRole.OBSERVER)
    _join_refused(user, room, rules.CLOSE_FORBIDDEN)


def test_the_snapshot_on_connect_has_the_agenda_and_the_running_clock():
    room = RoomFactory(stage="live")

    snapshot = selectors.room_state_snapshot(Room.objects.get(pk=room.pk), room.facilitator)

    assert snapshot["room"]["state"] == RoomState.LIVE and snapshot["room"]["is_live"]
    assert snapshot["room"]["last_seq"] == Room.objects.get(pk=room.pk).last_seq
    assert [r["position"] for r in snapshot["agenda"]] == [1, 2, 3]
    assert snapshot["current"]["round"]["position"] == 1
    assert 0 < snapshot["current"]["remaining_seconds"] <= 600


def test_hello_gives_a_late_arrival_the_open_poll_their_answer_their_votes_and_the_move_on_count():
    from deliberation.rooms.models import RoomMember

    room = RoomFactory(stage="live")
    late = ResidentFactory()
    RoomMember.objects.create(room=room, user=late, muted=True)
    voter = ResidentFactory()
    RoomMember.objects.create(room=room, user=voter)
    poll = services.open_poll(room=room, actor=room.facilitator, question="Trees?", kind="single",
                              options=["Yes", "No"], max_choices=None, duration_seconds=60)
    services.answer_poll(room=room, user=voter, poll_id=poll.pk, choices=[1])
    services.vote_move_on(room=room, user=voter)

    for_voter = selectors.room_state_snapshot(Room.objects.get(pk=room.pk), voter)
    for_late = selectors.room_state_snapshot(Room.objects.get(pk=room.pk), late)

    assert for_voter["poll"]["poll"]["id"] == poll.pk and for_voter["poll"]["counts"] == [0, 1]
    assert for_voter["poll"]["your_choices"] == [1] and for_late["poll"]["your_choices"] is None
    assert for_late["move_on"]["votes"] == 1 and for_late["move_on"]["needed"] == 2
    assert for_late["you"]["muted"] is True and for_voter["you"]["muted"] is False


def test_arrivals_of_one_moment_are_admitted_together_each_with_their_own_answer(django_assert_max_num_queries):
    from django.test import Client

    from deliberation.rooms.models import RoomMember

    def key(user):
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    room = RoomFactory(stage="live", access=Access.INVITED)
    guests = [ResidentFactory() for _ in range(5)]
    services.invite_to_room(room=room, actor=room.facilitator, users=guests)
    stranger = ResidentFactory()
    arrivals = ([{"room_id": room.pk, "session_key": key(g), "language": "en"} for g in guests]
                + [{"room_id": room.pk, "session_key": key(guests[0]), "language": "en"},  # a second tab
                   {"room_id": room.pk, "session_key": key(stranger), "language": "ko"},
                   {"room_id": room.pk, "session_key": "nobody", "language": "en"},
                   {"room_id": 999_999, "session_key": key(guests[1]), "language": "en"}])

    # About 30 queries whatever the batch size: auth 2, room and members 2, presence (with its update once a
    # second) and the shared hello part (once a second per room) for the rest.
    with django_assert_max_num_queries(35):
        results = services.enter_many(arrivals)

    assert [r["refusal"] is None for r in results] == [True] * 6 + [False] * 3
    assert results[6]["refusal"] == (4403, "초대받은 사람만 들어갈 수 있는 토론방입니다.")
    assert results[7]["refusal"][0] == 4401 and results[8]["refusal"][0] == 4404
    assert [r["user"] for r in results[:6]] == [*guests, guests[0]]
    assert results[0]["snapshot"]["you"]["user_id"] == guests[0].pk
    assert RoomMember.objects.get(room=room, user=guests[0]).connections == 2
    assert RoomMember.objects.get(room=room, user=guests[4]).connections == 1
    assert not RoomMember.objects.filter(room=room, user=stranger).exists()


def test_the_shared_hello_parts_a_process_keeps_are_bounded_to_the_rooms_used_last(monkeypatch):
    from deliberation.rooms import selectors as room_selectors

    monkeypatch.setattr(room_selectors._room_parts, "maxsize", 3)
    rooms = [RoomFactory(stage="live") for _ in range(5)]
    for room in rooms:
        room_selectors.room_state_snapshot(Room.objects.get(pk=room.pk), room.facilitator)
    assert len(room_selectors._room_parts) == 3
    assert [pk for pk in room_selectors._room_parts.entries] == [room.pk for room in rooms[2:]]
