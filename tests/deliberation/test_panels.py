"""From a drawn panel to seats: confirming an invitation seats the person in the jury or the deliberative
poll drawn from that draw; a member who drops out leaves the jury; a jury or poll linked after people
confirmed seats them (deliberation.juries.services.seating, deliberative_polls.services.seat_confirmed)."""

import pytest

from deliberation.juries import rules as jury_rules, services as jury_services
from deliberation.deliberative_polls import services as dpoll_services
from deliberation.panels import services as panel_services
from deliberation.panels.models import Invitation
from deliberation.rooms.models import RoomMember
from tests.factories import AdminFactory, CategoryFactory, DrawnDrawFactory, FacilitatorFactory
from tests.factories import send_invitations as _send

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_juries")]  # a panel of four here


def _jury(draw, size=4):
    return jury_services.create_jury(facilitator=FacilitatorFactory(), kind="jury", title="Night buses", size=size,
                                question="Should night buses run every 15 minutes?", verdict_rule="majority",
                                category=CategoryFactory(), draw=draw)


def _confirm(invitation, capture):
    with capture(execute=True):
        panel_services.answer_invitation(invitation=invitation, user=invitation.user, accept=True)


def test_confirming_seats_the_juror_and_declining_seats_no_one_until_the_replacement_confirms(
        django_capture_on_commit_callbacks):
    draw = DrawnDrawFactory()
    jury = _jury(draw)
    first, second, *_rest = _send(draw)
    assert not jury_rules.is_seated(first.user, jury)
    _confirm(first, django_capture_on_commit_callbacks)
    assert jury_rules.is_seated(first.user, jury)
    assert RoomMember.objects.filter(room=jury.private_room, user=first.user, invited=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        panel_services.answer_invitation(invitation=second, user=second.user, accept=False)
    assert not jury_rules.is_seated(second.user, jury)
    replacement = Invitation.objects.get(replaces=second)
    assert replacement.user is not None and not jury_rules.is_seated(replacement.user, jury)
    _confirm(replacement, django_capture_on_commit_callbacks)
    assert jury_rules.is_seated(replacement.user, jury)
    assert jury_rules.seated_jurors(jury).count() == 2


def test_a_member_staff_record_as_dropping_out_leaves_both_of_the_jurys_rooms(django_capture_on_commit_callbacks):
    draw = DrawnDrawFactory()
    jury = _jury(draw)
    first = _send(draw)[0]
    _confirm(first, django_capture_on_commit_callbacks)
    first.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        panel_services.withdraw_invitation(invitation=first, actor=AdminFactory(), reason="Moved abroad")
    assert not jury_rules.is_seated(first.user, jury)
    removed = RoomMember.objects.filter(user=first.user, room__in=[jury.room, jury.private_room])
    assert removed.count() == 2 and all(member.removed_at is not None for member in removed)


def test_a_jury_linked_after_people_confirmed_seats_exactly_those_who_confirmed(django_capture_on_commit_callbacks):
    draw = DrawnDrawFactory()
    invitations = _send(draw)
    _confirm(invitations[0], django_capture_on_commit_callbacks)
    _confirm(invitations[2], django_capture_on_commit_callbacks)
    jury = _jury(draw)
    seated = set(jury_rules.seated_jurors(jury).values_list("user_id", flat=True))
    assert seated == {invitations[0].user_id, invitations[2].user_id}


def test_a_full_jury_leaves_the_extra_confirmation_to_staff_without_failing_the_citizen(
        django_capture_on_commit_callbacks):
    draw = DrawnDrawFactory()
    jury = _jury(draw, size=2)
    invitations = _send(draw)
    for invitation in invitations[:3]:
        _confirm(invitation, django_capture_on_commit_callbacks)  # the third finds the jury full: no error
    invitations[2].refresh_from_db()
    assert invitations[2].state == "confirmed"
    assert jury_rules.seated_jurors(jury).count() == 2 and not jury_rules.is_seated(invitations[2].user, jury)


def test_a_deliberative_poll_seats_confirmed_members_and_seating_the_drawn_panel_takes_only_them(
        django_capture_on_commit_callbacks):
    draw = DrawnDrawFactory()
    poll = dpoll_services.create_dpoll(actor=FacilitatorFactory(), title="Night buses", draw=draw)
    invitations = _send(draw)
    _confirm(invitations[1], django_capture_on_commit_callbacks)
    assert list(poll.participants.values_list("user_id", flat=True)) == [invitations[1].user_id]
    other = dpoll_services.create_dpoll(actor=FacilitatorFactory(), title="Night buses, again")
    seated, _skipped = dpoll_services.seat_drawn_panel(poll=other, actor=AdminFactory(), draw=draw)
    assert seated == 1 and list(other.participants.values_list("user_id", flat=True)) == [invitations[1].user_id]
