"""governance.meetings services: the lifecycle, live rooms, the minutes deadline, attendance,
recommendations reaching the department's queue, annual documents and the overdue notice."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from deliberation.rooms.models import RoomMember
from deliberation.rooms.states import Access
from governance.meetings import selectors, services
from governance.meetings.tasks import notify_overdue_minutes
from governance.models import AnnualDocument, Attendance, CommitteeRecommendation, Meeting
from governance.states import DocumentState, MeetingMode, MeetingState
from proposals.models import FollowUp
from proposals.services import publish_answer
from proposals.states import FollowUpState, Verdict
from tests.factories import AdminFactory, FacilitatorFactory, OfficerFactory, UserFactory
from tests.governance.meetings_fixtures import make_committee, make_meeting, make_member

pytestmark = pytest.mark.django_db
SOON = timezone.now() + timedelta(days=3)


@pytest.fixture
def officer():
    return OfficerFactory()


@pytest.fixture
def committee(officer):
    return make_committee(department=officer.department, minutes_deadline_days=14, recommendation_due_days=30)


def schedule(committee, actor, **kw):
    return services.schedule_meeting(actor=actor, committee=committee, **{
        "title": "Budget review", "agenda": "1. **Budget**", "scheduled_at": SOON,
        "mode": MeetingMode.IN_PERSON, "place": "City Hall 3F", **kw})


def test_meetings_are_numbered_per_committee_and_the_agenda_is_rendered(committee, officer):
    first, second = schedule(committee, officer), schedule(committee, officer)
    other = schedule(make_committee(department=officer.department), officer)
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert "<strong>Budget</strong>" in first.agenda_html
    assert first.state == MeetingState.SCHEDULED and first.room is None


def test_a_meeting_in_person_needs_a_place(committee, officer):
    with pytest.raises(ValidationError) as exc:
        schedule(committee, officer, place=" ")
    assert "place" in exc.value.message_dict
    assert not Meeting.objects.exists()


def test_an_online_meeting_opens_a_live_room_for_the_current_members(committee, officer):
    sitting = make_member(committee)
    make_member(committee, with_account=False)
    gone = make_member(committee, ended_at=timezone.now() - timedelta(days=1))
    facilitator = FacilitatorFactory()
    meeting = schedule(committee, officer, mode=MeetingMode.HYBRID, facilitator=facilitator)
    room = meeting.room
    assert room is not None and room.facilitator == facilitator
    assert room.access == Access.INVITED and room.observers_allowed
    invited = set(RoomMember.objects.filter(room=room, invited=True).values_list("user_id", flat=True))
    assert invited == {sitting.user_id}
    assert gone.user_id not in invited


def test_an_online_meeting_without_a_facilitator_is_refused(committee, officer):
    with pytest.raises(ValidationError) as exc:
        schedule(committee, officer, mode=MeetingMode.ONLINE, place="")
    assert "facilitator" in exc.value.message_dict
    assert not Meeting.objects.exists()


def test_holding_stores_when_the_minutes_are_due(committee, officer):
    meeting = schedule(committee, officer)
    held_at = timezone.now() - timedelta(hours=2)
    services.hold_meeting(actor=officer, meeting=meeting, held_at=held_at)
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.HELD and meeting.held_at == held_at
    assert meeting.minutes_due_at == held_at + timedelta(days=14)
    committee.minutes_deadline_days = 3  # a changed rule does not move a past meeting's deadline
    committee.save()
    meeting.refresh_from_db()
    assert meeting.minutes_due_at == held_at + timedelta(days=14)


def test_a_meeting_cannot_be_held_in_the_future(committee, officer):
    meeting = schedule(committee, officer)
    with pytest.raises(ValidationError):
        services.hold_meeting(actor=officer, meeting=meeting, held_at=timezone.now() + timedelta(hours=1))
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.SCHEDULED


@pytest.mark.parametrize("first, then", [
    ("hold", "hold"), ("hold", "cancel"), ("cancel", "hold"), ("cancel", "cancel"),
])
def test_illegal_moves_are_refused_and_change_nothing(committee, officer, first, then):
    meeting = schedule(committee, officer)
    moves = {"hold": lambda: services.hold_meeting(actor=officer, meeting=meeting),
             "cancel": lambda: services.cancel_meeting(actor=officer, meeting=meeting, reason="No quorum")}
    moves[first]()
    meeting.refresh_from_db()
    before = (meeting.state, meeting.held_at, meeting.minutes_due_at, meeting.cancelled_reason)
    with pytest.raises(services.MeetingError, match="cannot go from"):
        moves[then]()
    meeting.refresh_from_db()
    assert (meeting.state, meeting.held_at, meeting.minutes_due_at, meeting.cancelled_reason) == before


def test_cancelling_needs_a_reason(committee, officer):
    meeting = schedule(committee, officer)
    with pytest.raises(ValidationError):
        services.cancel_meeting(actor=officer, meeting=meeting, reason="  ")
    services.cancel_meeting(actor=officer, meeting=meeting, reason="No quorum")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CANCELLED and meeting.cancelled_reason == "No quorum"


def test_minutes_are_overdue_past_their_due_date_until_published(committee, officer):
    late = make_meeting(committee, held_days_ago=15)
    fresh = make_meeting(committee, held_days_ago=13)
    assert late.minutes_overdue and not fresh.minutes_overdue
    assert list(selectors.overdue_minutes()) == [late]
    services.publish_minutes(actor=officer, meeting=late, minutes="# Minutes\n\nWe met.")
    late.refresh_from_db()
    assert not late.minutes_overdue and late.minutes_published_at is not None
    assert list(selectors.overdue_minutes()) == []
    with pytest.raises(PermissionDenied, match="no longer change"):
        services.publish_minutes(actor=officer, meeting=late, minutes="Rewritten")


def test_minutes_of_a_meeting_not_held_are_refused(committee, officer):
    meeting = schedule(committee, officer)
    with pytest.raises(PermissionDenied):
        services.publish_minutes(actor=officer, meeting=meeting, minutes="Too early")


def test_the_secretariat_hears_of_overdue_minutes_once(committee, officer):
    secretary = UserFactory(email="secretary@example.org")
    committee.secretaries.add(secretary)
    late = make_meeting(committee, held_days_ago=20)
    make_meeting(committee, held_days_ago=2)
    assert notify_overdue_minutes() == 1
    assert [m.to for m in mail.outbox] == [["secretary@example.org"]]
    assert notify_overdue_minutes() == 0  # idempotent: a second (or late) run sends nothing again
    assert len(mail.outbox) == 1
    late.refresh_from_db()
    assert late.minutes_overdue_notified_at is not None


def test_attendance_is_recorded_per_member_and_the_live_room_suggests_online(committee, officer):
    joined, other = make_member(committee), make_member(committee)
    outsider = make_member(make_committee())
    meeting = schedule(committee, officer, mode=MeetingMode.ONLINE, place="", facilitator=FacilitatorFactory())
    RoomMember.objects.filter(room=meeting.room, user=joined.user).update(seen_at=timezone.now(), connections=1)
    services.hold_meeting(actor=officer, meeting=meeting)
    assert selectors.suggested_attendance(meeting) == {joined.pk: "online", other.pk: ""}
    with pytest.raises(ValidationError):
        services.record_attendance(actor=officer, meeting=meeting, statuses={outsider.pk: "present"})
    with pytest.raises(ValidationError):
        services.record_attendance(actor=officer, meeting=meeting, statuses={other.pk: "asleep"})
    services.record_attendance(actor=officer, meeting=meeting, statuses={joined.pk: "online", other.pk: "excused"})
    assert dict(meeting.attendance.values_list("member_id", "status")) == {joined.pk: "online", other.pk: "excused"}


def test_a_citizen_cannot_run_meetings(committee):
    with pytest.raises(PermissionDenied):
        schedule(committee, UserFactory())
    meeting = make_meeting(committee)
    with pytest.raises(PermissionDenied):
        services.hold_meeting(actor=UserFactory(), meeting=meeting)


def _render_section(committee) -> str:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return render_to_string("governance/meetings/_committee_meetings.html", {"committee": committee}, request=request)


def test_a_recommendation_reaches_the_queue_and_its_answer_shows_on_the_committee_page(committee, officer):
    other_department = OfficerFactory().department
    meeting = make_meeting(committee, held_days_ago=1)
    rec = services.adopt_recommendation(actor=officer, meeting=meeting, title="Open the data",
                                        body="Publish the *budget*.", department=other_department)
    follow_up = FollowUp.objects.get(pk=rec.follow_up_id)
    assert follow_up.department == other_department and follow_up.state == FollowUpState.OPEN
    assert abs(follow_up.due_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert follow_up in FollowUp.objects.filter(department=other_department, state=FollowUpState.OPEN)
    page = _render_section(committee)
    assert "Open the data" in page and "The department has not answered yet." in page
    answering = OfficerFactory(department=other_department)
    publish_answer(officer=answering, follow_up=follow_up, verdict=Verdict.PARTIAL, body="We publish it in June.")
    page = _render_section(committee)
    assert "We publish it in June." in page and "Partially accepted" in page


def test_a_recommendation_needs_a_held_meeting(committee, officer):
    with pytest.raises(PermissionDenied):
        services.adopt_recommendation(actor=officer, meeting=make_meeting(committee), title="T", body="B",
                                      department=officer.department)
    assert not CommitteeRecommendation.objects.exists() and not FollowUp.objects.exists()


def test_the_annual_report_counts_the_record_of_its_year(committee, officer):
    a, b = make_member(committee), make_member(committee, gender="male", category="expert")
    make_member(committee, gender="male", term_start=timezone.localdate() + timedelta(days=400))  # not yet
    year = timezone.localdate().year
    on_time = make_meeting(committee, held_days_ago=0)
    late = make_meeting(committee, held_days_ago=0)
    unpublished = make_meeting(committee, held_days_ago=0)
    cancelled = make_meeting(committee)
    services.cancel_meeting(actor=officer, meeting=cancelled, reason="No quorum")
    make_meeting(committee)  # upcoming
    services.publish_minutes(actor=officer, meeting=on_time, minutes="ok")
    services.publish_minutes(actor=officer, meeting=late, minutes="late")
    Meeting.objects.filter(pk=late.pk).update(minutes_published_at=late.minutes_due_at + timedelta(days=1))
    for meeting, statuses in ((on_time, ("present", "online")), (late, ("absent", "excused")),
                              (unpublished, ("present", "absent"))):
        for member, status in zip((a, b), statuses):
            Attendance.objects.create(meeting=meeting, member=member, status=status)
    answered = services.adopt_recommendation(actor=officer, meeting=on_time, title="R1", body="b",
                                             department=officer.department)
    publish_answer(officer=officer, follow_up=answered.follow_up, verdict=Verdict.ACCEPTED, body="Yes.")
    services.adopt_recommendation(actor=officer, meeting=on_time, title="R2", body="b", department=officer.department)
    overdue = services.adopt_recommendation(actor=officer, meeting=late, title="R3", body="b",
                                            department=officer.department)
    FollowUp.objects.filter(pk=overdue.follow_up_id).update(due_at=timezone.now() - timedelta(days=1))

    doc = services.generate_document(actor=officer, committee=committee, year=year, kind=AnnualDocument.Kind.REPORT)
    f = doc.figures
    if cancelled.scheduled_at.year == year:  # (a meeting scheduled next week counts in next year on Dec 25-31)
        assert f["meetings"]["cancelled"] == 1
    assert f["meetings"]["held"] == 3
    assert f["attendance"] == {"recorded": 6, "attended": 3, "rate": 50.0, "present": 2, "online": 1,
                               "excused": 1, "absent": 2}
    assert f["minutes"] == {"held": 3, "published": 2, "on_time": 1, "late": 1, "unpublished": 1,
                            "on_time_rate": 33.3}
    assert f["recommendations"] == {"total": 3, "accepted": 1, "partial": 0, "not_accepted": 0, "awaiting": 1,
                                    "overdue": 1, "not_sent": 0}
    assert f["members"]["total"] == 2
    assert f["members"]["by_gender"] == {"female": 1, "male": 1}
    assert f["members"]["by_category"] == {"citizen": 1, "expert": 1}
    assert f["members"]["by_route"] == {"appointed": 2}
    assert "출석률: 50.0 %" in doc.body and doc.state == DocumentState.DRAFT  # in the city's language


def test_a_published_document_is_fixed(committee, officer):
    doc = services.generate_document(actor=officer, committee=committee, year=2025, kind=AnnualDocument.Kind.PLAN)
    doc = services.edit_document(actor=officer, document=doc, body="# Our plan\n\nMeet monthly.")
    regenerated = services.generate_document(actor=officer, committee=committee, year=2025,
                                             kind=AnnualDocument.Kind.PLAN)
    assert regenerated.pk == doc.pk and regenerated.body == "# Our plan\n\nMeet monthly."  # edits kept
    services.publish_document(actor=officer, document=doc)
    doc.refresh_from_db()
    assert doc.state == DocumentState.PUBLISHED and doc.published_at is not None
    with pytest.raises(PermissionDenied, match="fixed"):
        services.edit_document(actor=officer, document=doc, body="changed")
    with pytest.raises(PermissionDenied, match="fixed"):
        services.generate_document(actor=officer, committee=committee, year=2025, kind=AnnualDocument.Kind.PLAN)
    with pytest.raises(services.DocumentError):
        services.publish_document(actor=AdminFactory(), document=doc)
    doc.refresh_from_db()
    assert doc.body == "# Our plan\n\nMeet monthly."
