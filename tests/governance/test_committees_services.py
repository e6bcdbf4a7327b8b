"""governance.committees services: committees, members, the chair, open calls through their lifecycle, the
published selection, draws by lot seating confirmed people, and the personal-data section."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import personal_data
from accounts.demographics import age_band
from deliberation.panels import services as panel_services
from governance.committees import rules, services
from governance.committees.personal_data import erase, export
from governance.models import Application, Committee, Member
from governance.states import ApplicationState, MemberRoute, OpenCallState
from tests.factories import (
    POOL_QUOTAS, AdminFactory, DepartmentFactory, OfficerFactory, ProposalFactory, UserFactory, mark_drawn,
    send_invitations, standing_pool,
)
from tests.governance.factories import CommitteeFactory, MemberFactory, OpenCallFactory

pytestmark = pytest.mark.django_db


def committee_fields(department, **extra):
    return {"name": "야간교통위원회", "name_en": "Night transport committee", "slug": "night-transport",
            "legal_status": Committee.LegalStatus.NON_STATUTORY, "function": Committee.Function.DELIBERATIVE,
            "department": department, "mandate": "Night buses.", "legal_basis": "", "term_start": date(2026, 1, 1),
            "term_end": date(2027, 12, 31), "size": 5, "is_agenda_committee": False, "proposal": None, "vote": None,
            "policy": "", "min_citizen_share": 40, "max_gender_share": 60, "minutes_deadline_days": 14,
            "recommendation_due_days": 30, **extra}


def test_officer_creates_a_committee_of_their_department_with_its_secretariat():
    officer = OfficerFactory()
    secretary = UserFactory()
    committee = services.create_committee(actor=officer, secretaries=[secretary],
                                          **committee_fields(officer.department))
    assert committee.min_citizen_share == 40
    assert rules.may_manage_committee(secretary, committee) is None


def test_officer_cannot_create_a_committee_for_another_department():
    with pytest.raises(PermissionDenied):
        services.create_committee(actor=OfficerFactory(), **committee_fields(DepartmentFactory()))


def test_agenda_committee_links_exactly_one_proposal_vote_or_policy():
    admin, department = AdminFactory(), DepartmentFactory()
    with pytest.raises(ValidationError, match="exactly one"):
        services.create_committee(actor=admin, **committee_fields(department, is_agenda_committee=True))
    with pytest.raises(ValidationError, match="Only an agenda committee"):
        services.create_committee(actor=admin, **committee_fields(department, policy="Night buses"))
    proposal = ProposalFactory(published=True)
    committee = services.create_committee(actor=admin, **committee_fields(department, is_agenda_committee=True,
                                                                          proposal=proposal))
    assert committee.proposal == proposal
    updated = services.update_committee(committee=committee, actor=admin, proposal=None, policy="Night bus plan")
    assert (updated.proposal, updated.policy) == (None, "Night bus plan")


def test_appointment_needs_a_reason_and_a_free_seat():
    committee = CommitteeFactory(size=1)
    admin = AdminFactory()
    with pytest.raises(ValidationError, match="why"):
        services.appoint_member(committee=committee, actor=admin, name="Kim", category="expert", gender="male",
                                reason=" ")
    member = services.appoint_member(committee=committee, actor=admin, name="Kim", category="expert",
                                     gender="male", reason="Transport engineer")
    assert (member.route, member.route_note) == (MemberRoute.APPOINTED, "Transport engineer")
    with pytest.raises(ValidationError, match="seats"):
        services.appoint_member(committee=committee, actor=admin, name="Lee", category="expert", gender="female",
                                reason="Planner")


def test_one_current_chair_and_an_ended_member_cannot_chair():
    committee = CommitteeFactory()
    admin = AdminFactory()
    first, second = MemberFactory(committee=committee), MemberFactory(committee=committee)
    services.set_chair(member=first, actor=admin)
    services.set_chair(member=second, actor=admin)
    first.refresh_from_db()
    assert not first.is_chair and Member.objects.get(pk=second.pk).is_chair
    with pytest.raises(ValidationError, match="reason"):
        services.end_membership(member=first, actor=admin, reason="")
    services.end_membership(member=first, actor=admin, reason="Moved abroad")
    with pytest.raises(ValidationError, match="current member"):
        services.set_chair(member=first, actor=admin)
    with pytest.raises(ValidationError, match="already ended"):
        services.end_membership(member=first, actor=admin, reason="again")


def test_open_call_lifecycle_refuses_illegal_moves_naming_the_states():
    admin = AdminFactory()
    call = services.create_open_call(committee=CommitteeFactory(), actor=admin, title="Citizens", description="x",
                                     seats=2, opens_at=timezone.now(), closes_at=timezone.now() + timedelta(days=3))
    assert call.state == OpenCallState.DRAFT
    with pytest.raises(services.OpenCallError, match="cannot go from"):
        services.close_call(call=call, actor=admin)
    services.open_call(call=call, actor=admin)
    call.refresh_from_db()
    assert call.state == OpenCallState.OPEN and call.published_at is not None
    with pytest.raises(services.OpenCallError, match="cannot go from"):
        services.publish_selection(call=call, actor=admin, decisions={}, note="x")
    with pytest.raises(ValidationError, match="draft"):
        services.update_open_call(call=call, actor=admin, seats=3)
    services.cancel_call(call=call, actor=admin)
    with pytest.raises(services.OpenCallError):
        services.open_call(call=call, actor=admin)


def test_a_call_whose_closing_time_passed_cannot_be_opened():
    admin = AdminFactory()
    call = OpenCallFactory(state=OpenCallState.DRAFT, opens_at=timezone.now() - timedelta(days=5),
                           closes_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationError, match="closing time"):
        services.open_call(call=call, actor=admin)


def test_apply_rules_once_while_open_not_a_member_and_with_a_gender():
    call = OpenCallFactory()
    citizen = UserFactory(gender="female")
    services.apply(call=call, user=citizen, statement="I ride the N26 every night.")
    assert rules.may_apply(citizen, call) == "You have already applied to this call."
    assert "gender" in rules.may_apply(UserFactory(), call)
    member = UserFactory(gender="male")
    MemberFactory(committee=call.committee, user=member)
    assert "already a member" in rules.may_apply(member, call)
    later = OpenCallFactory(opens_at=timezone.now() + timedelta(days=1), closes_at=timezone.now() + timedelta(days=3))
    assert "not open" in rules.may_apply(citizen, later)


def test_withdraw_only_while_the_call_is_open():
    call = OpenCallFactory()
    citizen = UserFactory(gender="female")
    application = services.apply(call=call, user=citizen, statement="Statement text")
    with pytest.raises(PermissionDenied):
        services.withdraw_application(application=application, user=UserFactory())
    services.close_call(call=call, actor=AdminFactory())
    with pytest.raises(PermissionDenied, match="while the call is open"):
        services.withdraw_application(application=application, user=citizen)


def closed_call_with(applicants: int, seats: int = 2):
    call = OpenCallFactory(seats=seats)
    people = [UserFactory(gender="female" if i % 2 else "male", birth_year=1985, district="mapo")
              for i in range(applicants)]
    applications = [services.apply(call=call, user=p, statement=f"Statement {i}") for i, p in enumerate(people)]
    services.close_call(call=call, actor=AdminFactory())
    return call, applications


def test_selection_needs_every_decision_with_a_reason_and_respects_the_seats():
    call, (a, b, c) = closed_call_with(3)
    admin = AdminFactory()
    with pytest.raises(ValidationError) as refused:
        services.publish_selection(call=call, actor=admin, decisions={a.pk: (True, "Good")}, note="Ranked")
    assert set(refused.value.per_application) == {b.pk, c.pk}
    with pytest.raises(ValidationError, match="2 seats"):
        services.publish_selection(call=call, actor=admin, note="Ranked",
                                   decisions={a.pk: (True, "x"), b.pk: (True, "y"), c.pk: (True, "z")})
    with pytest.raises(ValidationError, match="how the selection"):
        services.publish_selection(call=call, actor=admin, note=" ",
                                   decisions={a.pk: (True, "x"), b.pk: (False, "y"), c.pk: (False, "z")})
    assert Member.objects.count() == 0


def test_published_selection_seats_the_selected_with_their_profile_and_application():
    call, (a, b) = closed_call_with(2)
    members = services.publish_selection(call=call, actor=AdminFactory(), note="By lived experience",
                                         decisions={a.pk: (True, "Rides nightly"), b.pk: (False, "Seats full")})
    call.refresh_from_db()
    assert call.state == OpenCallState.SELECTED and call.selected_at and call.selection_note == "By lived experience"
    (member,) = members
    assert (member.route, member.application_id, member.route_note) == (MemberRoute.OPEN_CALL, a.pk, "Rides nightly")
    assert (member.gender, member.district, member.category) == (a.applicant.gender, "mapo", "citizen")
    assert member.age_band == age_band(1985)
    assert Application.objects.get(pk=b.pk).state == ApplicationState.NOT_SELECTED


def test_a_draw_by_lot_seats_each_confirmed_person_once():
    pool = standing_pool()
    assert pool.standing
    admin = AdminFactory()
    committee = CommitteeFactory(size=6)
    committee_draw = services.start_committee_draw(committee=committee, size=4, quotas_text=POOL_QUOTAS, actor=admin,
                                                   algorithm="legacy")
    draw = mark_drawn(committee_draw.draw)
    invitations = send_invitations(draw)
    for invitation in invitations[:3]:
        panel_services.answer_invitation(invitation=invitation, user=invitation.user, accept=True)
    seated, skipped = services.seat_drawn_members(committee_draw=committee_draw, actor=admin)
    assert len(seated) == 3 and skipped == []
    assert {m.route for m in seated} == {MemberRoute.LOT}
    assert {m.invitation_id for m in seated} == {i.pk for i in invitations[:3]}
    assert all(m.gender and m.district for m in seated)
    panel_services.answer_invitation(invitation=invitations[3], user=invitations[3].user, accept=True)
    again, _skipped = services.seat_drawn_members(committee_draw=committee_draw, actor=admin)
    assert [m.invitation_id for m in again] == [invitations[3].pk]
    assert committee.members.filter(route=MemberRoute.LOT).count() == 4


def test_only_city_staff_start_a_draw_even_for_a_committee_they_manage():
    committee = CommitteeFactory()
    officer = OfficerFactory(department=committee.department)
    with pytest.raises(PermissionDenied, match="staff"):
        services.start_committee_draw(committee=committee, size=2, quotas_text=POOL_QUOTAS, actor=officer)


def test_download_my_data_and_account_deletion():
    assert "governance_committees" in {s.name for s in personal_data.sections()}
    call, (selected, other) = closed_call_with(2)
    services.publish_selection(call=call, actor=AdminFactory(), note="n",
                               decisions={selected.pk: (True, "yes"), other.pk: (False, "no")})
    data = export(selected.applicant)
    assert data["committee_applications"][0]["statement"] == "Statement 0"
    assert data["committee_memberships"][0]["route"] == "open_call"
    erase(selected.applicant)
    erase(other.applicant)
    assert not Application.objects.filter(pk=other.pk).exists()
    kept = Application.objects.get(pk=selected.pk)
    assert kept.statement == ""
    member = kept.member
    assert member.user is None and member.ended_at is not None


def test_a_call_past_its_closing_time_is_closed_by_the_beat_task_once():
    """The deadline lives in the database: the task closes what is due, twice or late changes nothing."""
    from governance.committees.tasks import close_due_calls
    from governance.states import OpenCallState
    from tests.governance.factories import OpenCallFactory

    due = OpenCallFactory(opens_at=timezone.now() - timedelta(days=9), closes_at=timezone.now() - timedelta(minutes=1))
    running = OpenCallFactory()
    draft = OpenCallFactory(state=OpenCallState.DRAFT, opens_at=timezone.now() - timedelta(days=9),
                            closes_at=timezone.now() - timedelta(days=1))
    assert close_due_calls() == 1
    assert close_due_calls() == 0
    due.refresh_from_db(), running.refresh_from_db(), draft.refresh_from_db()
    assert (due.state, running.state, draft.state) == (OpenCallState.CLOSED, OpenCallState.OPEN, OpenCallState.DRAFT)
