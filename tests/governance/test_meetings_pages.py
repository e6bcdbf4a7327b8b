"""governance.meetings pages: the public meeting and document pages, forms that keep what was typed, the
follow-up card's source panel, and who may use each manage page."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from governance.meetings import services
from governance.models import AnnualDocument, Attendance, Meeting
from governance.states import MeetingMode
from tests.factories import AdminFactory, FacilitatorFactory, FollowUpFactory, OfficerFactory, UserFactory
from tests.governance.meetings_fixtures import make_committee, make_meeting, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    officer = OfficerFactory()
    committee = make_committee(department=officer.department)
    secretary = UserFactory()
    committee.secretaries.add(secretary)
    member = make_member(committee)
    return {
        "committee": committee,
        "anonymous": None,
        "citizen": UserFactory(),
        "member": member.user,
        "other_officer": OfficerFactory(),
        "officer": officer,
        "secretary": secretary,
        "admin": AdminFactory(),
    }


ALLOWED = {"officer", "secretary", "admin"}
ROLES = ["anonymous", "citizen", "member", "other_officer", "officer", "secretary", "admin"]


def _urls(committee):
    scheduled, to_cancel = make_meeting(committee), make_meeting(committee)
    held = make_meeting(committee, held_days_ago=1)
    AnnualDocument.objects.create(committee=committee, year=2025, kind="report", body="draft")
    return {
        "schedule": reverse("meetings:schedule", args=[committee.slug]),
        "hold": reverse("meetings:hold", args=[scheduled.pk]),
        "cancel": reverse("meetings:cancel", args=[to_cancel.pk]),
        "attendance": reverse("meetings:attendance", args=[held.pk]),
        "minutes": reverse("meetings:minutes", args=[held.pk]),
        "recommend": reverse("meetings:recommend", args=[held.pk]),
        "document_generate": reverse("meetings:document_generate", args=[committee.slug]),
        "document_edit": reverse("meetings:document_edit", args=[committee.slug, 2025, "report"]),
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_manage_page_answers_each_role(client, people, role):
    urls = _urls(people["committee"])
    if people[role] is not None:
        client.force_login(people[role])
    for action, url in urls.items():
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response["Location"], action
        elif role in ALLOWED:
            assert response.status_code == 200, action
        else:
            assert response.status_code == 403, action


@pytest.mark.parametrize("role", ROLES)
def test_each_manage_post_is_refused_to_whom_it_is_not_for(client, people, role):
    committee = people["committee"]
    urls = _urls(committee)
    if people[role] is not None:
        client.force_login(people[role])
    member = committee.members.get()
    posts = {
        "schedule": {"title": "New", "agenda": "a", "scheduled_at": "2030-01-01T10:00", "mode": "in_person",
                     "place": "Hall"},
        "cancel": {"reason": "No quorum"},
        "attendance": {f"member_{member.pk}": "present"},
        "minutes": {"minutes": "We met."},
        "recommend": {"kind": "recommendation", "title": "R", "body": "b", "department": committee.department_id},
        "document_generate": {"kind": "plan", "year": "2026"},
        "document_edit": {"body": "edited", "publish": "1"},
        "hold": {"held_at": ""},
    }
    before = (Meeting.objects.count(), Attendance.objects.count(), AnnualDocument.objects.count())
    for action, data in posts.items():
        response = client.post(urls[action], data)
        expected = 302 if role == "anonymous" or role in ALLOWED else 403
        assert response.status_code == expected, (action, response.status_code)
    after = (Meeting.objects.count(), Attendance.objects.count(), AnnualDocument.objects.count())
    meeting_states = set(committee.meetings.values_list("state", flat=True))
    if role in ALLOWED:
        assert after == (before[0] + 1, before[1] + 1, before[2] + 1)
        assert committee.recommendations.count() == 1
        assert AnnualDocument.objects.get(year=2025).state == "published"
        assert meeting_states == {"scheduled", "held", "cancelled"}
    else:
        assert after == before and meeting_states == {"scheduled", "held"}
        assert committee.recommendations.count() == 0
        assert AnnualDocument.objects.get(year=2025).body == "draft"


def test_bad_input_keeps_what_was_typed(client, people):
    committee = people["committee"]
    client.force_login(people["secretary"])
    response = client.post(reverse("meetings:schedule", args=[committee.slug]), {
        "title": "Mobility hearing", "agenda": "1. Bus lanes in Mapo", "scheduled_at": "2030-01-01T10:00",
        "mode": "in_person", "place": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Say where the meeting takes place." in page
    assert 'value="Mobility hearing"' in page and "1. Bus lanes in Mapo" in page
    assert not committee.meetings.exists()
    held = make_meeting(committee, held_days_ago=1)
    response = client.post(reverse("meetings:recommend", args=[held.pk]), {
        "kind": "recommendation", "title": "Keep this title", "body": "", "department": committee.department_id})
    assert response.status_code == 200 and 'value="Keep this title"' in response.content.decode()
    response = client.post(reverse("meetings:hold", args=[make_meeting(committee).pk]),
                           {"held_at": "2099-01-01T10:00"})
    assert response.status_code == 200 and 'value="2099-01-01T10:00"' in response.content.decode()
    doc = AnnualDocument.objects.create(committee=committee, year=2025, kind="plan", body="draft")
    response = client.post(reverse("meetings:document_edit", args=[committee.slug, 2025, "plan"]),
                           {"body": "x" * 50001})
    assert response.status_code == 200 and "x" * 50001 in response.content.decode()
    doc.refresh_from_db()
    assert doc.body == "draft"


def test_the_public_meeting_page(client, people):
    committee, officer = people["committee"], people["officer"]
    meeting = services.schedule_meeting(
        actor=officer, committee=committee, title="Clean air", agenda="1. **Fine dust**",
        scheduled_at=timezone.now() + timedelta(days=1), mode=MeetingMode.HYBRID, place="Seoul City Hall",
        facilitator=FacilitatorFactory())
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "<strong>Fine dust</strong>" in page and "Seoul City Hall" in page
    assert reverse("rooms:room", args=[meeting.room_id]) in page
    assert "Record as held" not in page  # no manage links for the public
    services.hold_meeting(actor=officer, meeting=meeting, held_at=timezone.now() - timedelta(days=15))
    member = committee.members.get()
    services.record_attendance(actor=officer, meeting=meeting, statuses={member.pk: "online"})
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert member.name in page and "Present online" in page
    assert 'data-testid="minutes-overdue"' in page
    services.publish_minutes(actor=officer, meeting=meeting, minutes="We *agreed*.")
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "We <em>agreed</em>." in page and "minutes-overdue" not in page


def test_minutes_due_shows_the_date_before_the_deadline(client, people):
    meeting = make_meeting(people["committee"], held_days_ago=1)
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert 'data-testid="minutes-due"' in page and "Minutes due by" in page


def test_a_draft_document_is_not_public_and_a_published_one_prints(client, people):
    committee, officer = people["committee"], people["officer"]
    doc = services.generate_document(actor=officer, committee=committee, year=2025, kind="report")
    url = reverse("meetings:document", args=[committee.slug, 2025, "report"])
    assert client.get(url).status_code == 404
    services.publish_document(actor=officer, document=doc)
    page = client.get(url).content.decode()
    assert 'data-testid="figures"' in page and "governance/meetings/document.css" in page
    assert "2025년 운영성과보고서" in page


def test_the_follow_up_card_names_the_committee_and_meeting(client, people):
    committee, officer = people["committee"], people["officer"]
    meeting = make_meeting(committee, held_days_ago=1)
    rec = services.adopt_recommendation(actor=officer, meeting=meeting, title="Plant trees", body="More shade.",
                                        department=officer.department)
    client.force_login(officer)
    page = client.get(reverse("proposals:follow_up_work", args=[rec.follow_up_id])).content.decode()
    expected = f"Recommendation of committee {committee.display_name}, meeting {meeting.number}"
    assert expected in page and reverse("meetings:meeting", args=[meeting.pk]) in page
    plain = FollowUpFactory()  # a proposal's item: no committee panel
    assert "committee-recommendation-source" not in render_to_string("proposals/_follow_up.html",
                                                                      {"follow_up": plain})
    response = client.post(reverse("proposals:follow_up_work", args=[rec.follow_up_id]), {
        "form": "answer", "answer-verdict": "accepted", "answer-body": "Done by spring."})
    assert response.status_code == 302
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert "Done by spring." in page and "committee-recommendation-source" in page
