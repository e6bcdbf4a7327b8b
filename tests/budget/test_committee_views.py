"""budget.committee over HTTP: every role against every action (the school, creating and seating
sub-committees, scoring, the shortlist, the vote), the public pages, and the sub-committee's room.

A POST is allowed when its effect is in the database afterwards and refused when nothing changed (an
anonymous visitor is sent to sign in, a signed-in one refused with 403); the server never answers 500.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from budget.committee import services
from budget.models import ProjectScore, SchoolAttendance, SchoolSession, SubCommittee
from budget.states import CycleStage, ProjectState
from deliberation.rooms.services import clock as room_services
from tests.budget.committee_world import world
from tests.budget.factories import BudgetFieldFactory
from tests.factories import standing_pool

ROLES = ["anonymous", "citizen", "officer", "member_own_field", "member_other_field", "chair", "staff"]
ALLOWED = {
    "school_page": {"staff"},
    "school_session": {"staff"},
    "school_attendance": {"staff"},
    "sub_committee_create": {"staff"},
    "sub_committee_assign": {"staff"},
    "score": {"member_own_field", "chair"},
    "shortlist": {"chair", "staff"},
    "create_vote": {"staff"},
    "sub_committees_page": set(ROLES),
    "sub_committee_page": set(ROLES),
}


@pytest.fixture
def setup(db):
    w = world()
    w.field3 = BudgetFieldFactory()
    w.cycle.fields.add(w.field3)
    people = {"anonymous": None, "citizen": w.citizen, "officer": w.officer, "member_own_field": w.member1.user,
              "member_other_field": w.member2.user, "chair": w.chair.user, "staff": w.staff}
    return w, people


def _act(action, client, w):
    """Do the action; return (status, whether its effect is in the database)."""
    slug = w.cycle.slug
    if action == "school_page":
        response = client.get(reverse("budget:school", args=[slug]))
        return response.status_code, response.status_code == 200 and b"school-table" in response.content or (
            response.status_code == 200 and b"session-form" in response.content)
    if action == "school_session":
        response = client.post(reverse("budget:school", args=[slug]), {
            "action": "session", "session-title": "1강", "session-held_on": "2026-03-02", "session-place": "시청"})
        return response.status_code, SchoolSession.objects.filter(title="1강").exists()
    if action == "school_attendance":
        session = SchoolSession.objects.create(cycle=w.cycle, title="2강", held_on=date(2026, 3, 9))
        response = client.post(reverse("budget:school", args=[slug]), {
            "action": "attendance", "attendance-session": session.pk, "attendance-emails": w.citizen.email})
        return response.status_code, SchoolAttendance.objects.filter(user=w.citizen).exists()
    if action == "sub_committee_create":
        response = client.post(reverse("budget:sub_committees", args=[slug]), {
            "field": w.field3.pk, "facilitator": w.facilitator.pk})
        return response.status_code, SubCommittee.objects.filter(field=w.field3).exists()
    if action == "sub_committee_assign":
        response = client.post(reverse("budget:sub_committee_members", args=[slug, w.field2.slug]), {
            "members": [w.member2.pk, w.member1.pk]})
        return response.status_code, w.sc2.members.filter(pk=w.member1.pk).exists()
    if action == "score":
        response = client.post(reverse("budget:score", args=[w.p1.pk]), {"score": "8"})
        return response.status_code, ProjectScore.objects.filter(project=w.p1).exists()
    if action == "shortlist":
        response = client.post(reverse("budget:shortlist", args=[slug, w.field1.slug]), {
            "projects": [w.p1.pk], "reasons": "주민 수요", f"reason_{w.p1.pk}": "시급"})
        w.p1.refresh_from_db()
        return response.status_code, w.p1.state == ProjectState.SHORTLISTED
    if action == "create_vote":
        services.publish_shortlist(sub_committee=w.sc1, actor=w.staff, chosen=[w.p1.pk, w.p2.pk], reasons="1")
        services.publish_shortlist(sub_committee=w.sc2, actor=w.staff, chosen=[w.p3.pk], reasons="2")
        response = client.post(reverse("budget:create_vote", args=[slug]))
        w.cycle.refresh_from_db()
        return response.status_code, w.cycle.vote_id is not None and w.cycle.stage == CycleStage.VOTE
    if action == "sub_committees_page":
        response = client.get(reverse("budget:sub_committees", args=[slug]))
        return response.status_code, response.status_code == 200 and b"sub-committees" in response.content
    if action == "sub_committee_page":
        response = client.get(reverse("budget:sub_committee", args=[slug, w.field1.slug]))
        return response.status_code, response.status_code == 200 and w.p1.title.encode() in response.content
    raise AssertionError(action)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_role_action_matrix(setup, role, action):
    w, people = setup
    client = Client()
    if people[role] is not None:
        client.force_login(people[role])
    status, effect = _act(action, client, w)
    assert status < 500
    if role in ALLOWED[action]:
        assert effect, (role, action, status)
    else:
        assert not effect, (role, action, status)
        assert status in (302, 403, 404), (role, action, status)
        if role == "anonymous":
            assert status == 302


def test_a_refused_score_says_why_and_stores_nothing(setup):
    w, people = setup
    client = Client()
    client.force_login(w.member1.user)
    response = client.post(reverse("budget:score", args=[w.p1.pk]), {"score": "11"}, follow=True,
                           HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    assert not ProjectScore.objects.exists()
    assert "점수는 1부터 10까지의 정수여야 합니다." in response.content.decode()


def test_a_refused_shortlist_keeps_what_was_typed(setup):
    w, _people = setup
    client = Client()
    client.force_login(w.chair.user)
    response = client.post(reverse("budget:shortlist", args=[w.cycle.slug, w.field1.slug]), {
        "projects": [w.p2.pk], "reasons": "", f"reason_{w.p2.pk}": "가로등이 시급함"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "가로등이 시급함" in body
    assert f'value="{w.p2.pk}" checked' in body and f'value="{w.p1.pk}" checked' not in body
    w.p2.refresh_from_db()
    assert w.p2.state == ProjectState.ELIGIBLE


def test_the_school_page_finds_pool_volunteers_by_name(setup):
    w, _people = setup
    pool = standing_pool()
    volunteer = pool.members.select_related("user").first().user
    SchoolSession.objects.create(cycle=w.cycle, title="1강", held_on=date(2026, 3, 2))
    client = Client()
    client.force_login(w.staff)
    response = client.get(reverse("budget:school", args=[w.cycle.slug]), {"q": volunteer.display_name})
    assert response.status_code == 200
    assert f'name="attendance-users" value="{volunteer.pk}"' in response.content.decode()
    session = SchoolSession.objects.get()
    response = client.post(reverse("budget:school", args=[w.cycle.slug]), {
        "action": "attendance", "attendance-session": session.pk, "attendance-users": [volunteer.pk]})
    assert response.status_code == 302
    assert SchoolAttendance.objects.filter(user=volunteer, session=session).exists()


def test_the_sub_committee_room_shows_the_projects_and_the_scoring_form_to_members(setup):
    w, _people = setup
    room = room_services.open_room(room=w.sc1.room, actor=w.facilitator)  # the facilitator lets people in
    member = Client()
    member.force_login(w.member1.user)
    page = member.get(reverse("rooms:room", args=[room.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-testid="budget-room-panel"' in body and w.p1.title in body and w.p3.title not in body
    assert reverse("budget:score", args=[w.p1.pk]) in body
    facilitator = Client()
    facilitator.force_login(w.facilitator)
    body = facilitator.get(reverse("rooms:room", args=[room.pk])).content.decode()
    assert 'data-testid="budget-room-panel"' in body
    assert reverse("budget:score", args=[w.p1.pk]) not in body


def test_a_refused_vote_names_the_unpublished_field_in_korean(setup):
    w, _people = setup
    client = Client()
    client.force_login(w.staff)
    response = client.post(reverse("budget:create_vote", args=[w.cycle.slug]), follow=True,
                           HTTP_ACCEPT_LANGUAGE="ko")
    body = response.content.decode()
    assert "다음 분야는 아직 선정 목록을 공개하지 않았습니다" in body and w.field1.name in body
    w.cycle.refresh_from_db()
    assert w.cycle.vote_id is None and w.cycle.stage == CycleStage.DELIBERATION


def test_a_cycle_being_prepared_is_hidden_from_the_public(db):
    w = world(stage=CycleStage.DRAFT)
    response = Client().get(reverse("budget:sub_committees", args=[w.cycle.slug]))
    assert response.status_code == 404


def test_the_published_shortlist_and_its_reasons_are_public(setup):
    w, _people = setup
    services.score_project(project=w.p1, sub_committee=w.sc1, user=w.member1.user, score=9)
    services.publish_shortlist(sub_committee=w.sc1, actor=w.chair.user, chosen=[w.p1.pk], reasons="가장 시급한 사업",
                               project_reasons={w.p1.pk: "통학로 안전"})
    response = Client().get(reverse("budget:sub_committee", args=[w.cycle.slug, w.field1.slug]),
                            HTTP_ACCEPT_LANGUAGE="ko")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="published-shortlist"' in body and "가장 시급한 사업" in body and "통학로 안전" in body
    assert "9.00" in body and "40,000,000" in body
    assert 'data-testid="shortlist-form"' not in body and 'data-testid="score-form"' not in body


def test_the_chair_publishes_the_shortlist_from_the_live_room_and_comes_back_to_it(setup):
    w, _people = setup
    room = room_services.open_room(room=w.sc1.room, actor=w.facilitator)
    room_path = reverse("rooms:room", args=[room.pk])
    member, chair = Client(), Client()
    member.force_login(w.member1.user)
    chair.force_login(w.chair.user)
    assert 'data-testid="room-shortlist"' not in member.get(room_path).content.decode()  # members score only
    body = chair.get(room_path).content.decode()
    assert 'data-testid="room-shortlist"' in body and f'value="{w.p1.pk}"' in body
    response = chair.post(reverse("budget:shortlist", args=[w.cycle.slug, w.field1.slug]),
                          {"projects": [w.p1.pk], "reasons": "발표를 듣고 시급성을 따졌습니다.", "next": room_path})
    assert response.status_code == 302 and response.url == room_path
    w.p1.refresh_from_db()
    w.p2.refresh_from_db()
    assert (w.p1.state, w.p2.state) == (ProjectState.SHORTLISTED, ProjectState.NOT_SHORTLISTED)
    assert 'data-testid="room-shortlist-published"' in chair.get(room_path).content.decode()


def test_a_form_s_next_address_never_leads_off_the_site(setup):
    w, _people = setup
    member = Client()
    member.force_login(w.member1.user)
    for elsewhere in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = member.post(reverse("budget:score", args=[w.p1.pk]), {"score": 7, "next": elsewhere})
        assert response.status_code == 302
        assert response.url == reverse("budget:sub_committee", args=[w.cycle.slug, w.field1.slug])
