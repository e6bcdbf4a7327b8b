"""The committees' pages: an open call end to end (apply, close, select, publish), bad input keeping what
was typed, what the public sees of a selection, and who may do what (the authorization matrix)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from governance.models import Application, Committee, CommitteeDraw, Member, OpenCall
from governance.states import ApplicationState, MemberRoute, OpenCallState
from tests.factories import (
    POOL_QUOTAS, AdminFactory, DepartmentFactory, DrawnDrawFactory, ModeratorFactory, OfficerFactory, UserFactory,
)
from tests.governance.factories import CommitteeFactory, MemberFactory, OpenCallFactory

pytestmark = pytest.mark.django_db


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_open_call_end_to_end_through_the_pages(client):
    committee = CommitteeFactory()
    officer = OfficerFactory(department=committee.department)
    client.force_login(officer)
    response = client.post(reverse("committees:call_new", args=[committee.slug]), {
        "title": "Night riders wanted", "description": "Residents who ride night buses.", "seats": 1,
        "category": "citizen", "opens_at": local(timezone.now() - timedelta(hours=1)),
        "closes_at": local(timezone.now() + timedelta(days=7))})
    call = OpenCall.objects.get()
    assert response.status_code == 302 and call.state == OpenCallState.DRAFT
    assert client.get(reverse("committees:call", args=[call.pk])).status_code == 200  # staff see the draft
    client.logout()
    assert client.get(reverse("committees:call", args=[call.pk])).status_code == 404  # the public does not
    client.force_login(officer)
    client.post(reverse("committees:call_move", args=[call.pk, "open"]))
    call.refresh_from_db()
    assert call.state == OpenCallState.OPEN

    alice, bob = UserFactory(gender="female", district="mapo", birth_year=1990), UserFactory(gender="male")
    for person, text in ((alice, "I ride the N26 home from my night shift."), (bob, "Bus stops need more light.")):
        client.force_login(person)
        response = client.post(reverse("committees:call", args=[call.pk]), {"statement": text})
        assert response.status_code == 302
    assert 'data-testid="my-application"' in client.get(reverse("committees:call", args=[call.pk])).content.decode()
    assert "Night riders wanted" in client.get(reverse("committees:my_applications")).content.decode()

    client.force_login(officer)
    client.post(reverse("committees:call_move", args=[call.pk, "close"]))
    a, b = Application.objects.get(applicant=alice), Application.objects.get(applicant=bob)
    page = client.get(reverse("committees:call_select", args=[call.pk]))
    assert page.status_code == 200 and "I ride the N26" in page.content.decode()
    response = client.post(reverse("committees:call_select", args=[call.pk]), {
        f"decision_{a.pk}": "selected", f"reason_{a.pk}": "Lived experience of night travel",
        f"decision_{b.pk}": "not_selected", f"reason_{b.pk}": "One seat only", "note": "Ranked by lived experience"})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.state == OpenCallState.SELECTED
    member = Member.objects.get()
    assert (member.user, member.route, member.application) == (alice, MemberRoute.OPEN_CALL, a)

    client.logout()
    public = client.get(reverse("committees:call", args=[call.pk])).content.decode()
    assert "Ranked by lived experience" in public and "Lived experience of night travel" in public
    assert "Bus stops need more light" not in public and "I ride the N26" not in public  # statements stay private
    assert bob.display_name not in public and "One seat only" not in public  # the not-selected are not named
    committee_page = client.get(reverse("committees:detail", args=[committee.slug])).content.decode()
    assert alice.display_name in committee_page and 'data-route="open_call"' in committee_page


def test_apply_with_bad_input_keeps_what_was_typed(client):
    call = OpenCallFactory()
    client.force_login(UserFactory(gender="female"))
    response = client.post(reverse("committees:call", args=[call.pk]), {"statement": "Too short <b>"})
    assert response.status_code == 400
    assert "Too short &lt;b&gt;" in response.content.decode()
    assert not Application.objects.exists()


def test_selection_with_a_missing_reason_keeps_what_was_typed(client):
    call = OpenCallFactory(state=OpenCallState.CLOSED)
    application = Application.objects.create(call=call, applicant=UserFactory(gender="male"), statement="s" * 30)
    client.force_login(AdminFactory())
    response = client.post(reverse("committees:call_select", args=[call.pk]), {
        f"decision_{application.pk}": "selected", f"reason_{application.pk}": "", "note": "Our careful note"})
    assert response.status_code == 400 and "Our careful note" in response.content.decode()
    call.refresh_from_db()
    assert call.state == OpenCallState.CLOSED


def test_committee_form_with_bad_input_keeps_what_was_typed(client):
    officer = OfficerFactory()
    client.force_login(officer)
    response = client.post(reverse("committees:new"), {
        "name": "청년위원회 초안", "slug": "new", "legal_status": "statutory", "function": "advisory",
        "department": officer.department_id, "mandate": "Youth policy mandate typed here", "term_start": "2026-01-01",
        "size": 5, "min_citizen_share": 30, "max_gender_share": 60, "minutes_deadline_days": 14,
        "recommendation_due_days": 30, "secretary_emails": "nobody@example.org"})
    body = response.content.decode()
    assert response.status_code == 400
    assert "청년위원회 초안" in body and "Youth policy mandate typed here" in body and "nobody@example.org" in body
    assert not Committee.objects.exists()


def test_an_applicant_withdraws_and_another_citizen_cannot(client):
    call = OpenCallFactory()
    application = Application.objects.create(call=call, applicant=UserFactory(gender="male"), statement="s" * 30)
    client.force_login(UserFactory())
    assert client.post(reverse("committees:application_withdraw", args=[application.pk])).status_code == 404
    client.force_login(application.applicant)
    client.post(reverse("committees:application_withdraw", args=[application.pk]))
    application.refresh_from_db()
    assert application.state == ApplicationState.WITHDRAWN


# --- The authorization matrix ------------------------------------------------------------------------

ROLES = ["anonymous", "citizen", "moderator", "officer_other", "officer_own", "secretary", "admin"]
MANAGERS = {"officer_own", "secretary", "admin"}


@pytest.fixture
def world():
    committee = CommitteeFactory(size=20)
    secretary = UserFactory(gender="female")
    committee.secretaries.add(secretary)
    users = {"anonymous": None, "citizen": UserFactory(gender="male"), "moderator": ModeratorFactory(gender="male"),
             "officer_other": OfficerFactory(department=DepartmentFactory(), gender="female"),
             "officer_own": OfficerFactory(department=committee.department, gender="male"),
             "secretary": secretary, "admin": AdminFactory(gender="female")}
    member = MemberFactory(committee=committee)
    draft = OpenCallFactory(committee=committee, state=OpenCallState.DRAFT)
    closed = OpenCallFactory(committee=committee, state=OpenCallState.CLOSED)
    committee_draw = CommitteeDraw.objects.create(committee=committee, draw=DrawnDrawFactory())
    return {"committee": committee, "users": users, "member": member, "draft": draft, "closed": closed,
            "committee_draw": committee_draw}


def _as(client, world, role):
    client.logout()
    if world["users"][role] is not None:
        client.force_login(world["users"][role])


PAGES = {  # GET pages: who may see them
    "new": (lambda w: reverse("committees:new"), {"officer_other", "officer_own", "admin"}),
    "edit": (lambda w: reverse("committees:edit", args=[w["committee"].slug]), MANAGERS),
    "manage": (lambda w: reverse("committees:manage", args=[w["committee"].slug]), MANAGERS),
    "appoint": (lambda w: reverse("committees:appoint", args=[w["committee"].slug]), MANAGERS),
    "member_end": (lambda w: reverse("committees:member_end", args=[w["member"].pk]), MANAGERS),
    "call_new": (lambda w: reverse("committees:call_new", args=[w["committee"].slug]), MANAGERS),
    "call_manage": (lambda w: reverse("committees:call_manage", args=[w["draft"].pk]), MANAGERS),
    "call_select": (lambda w: reverse("committees:call_select", args=[w["closed"].pk]), MANAGERS),
    "draw_new": (lambda w: reverse("committees:draw_new", args=[w["committee"].slug]), {"admin"}),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_open_each_manage_page(client, world, role):
    _as(client, world, role)
    for name, (url, allowed) in PAGES.items():
        response = client.get(url(world))
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response["Location"], name
        else:
            assert response.status_code == (200 if role in allowed else 403), (name, role)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_do_each_manage_action(client, world, role):
    """Every write, posted by each role: done by those allowed, refused (and nothing changed) otherwise."""
    _as(client, world, role)
    allowed = role in MANAGERS
    committee, member, draft, closed = world["committee"], world["member"], world["draft"], world["closed"]
    refused = 302 if role == "anonymous" else 403

    def post(url, data=None):
        response = client.post(url, data or {})
        assert (response.status_code in (302,)) if allowed else response.status_code == refused, (
            url, role, response.status_code, response.content.decode()[-3000:])
        return response

    post(reverse("committees:edit", args=[committee.slug]), {
        "name": "바뀐 이름", "slug": committee.slug, "legal_status": "statutory", "function": "advisory",
        "department": committee.department_id, "mandate": "m", "term_start": "2026-01-01", "size": 20,
        "min_citizen_share": 0, "max_gender_share": 60, "minutes_deadline_days": 14, "recommendation_due_days": 30,
        "secretary_emails": world["users"]["secretary"].email})
    assert (Committee.objects.get(pk=committee.pk).name == "바뀐 이름") == allowed
    post(reverse("committees:appoint", args=[committee.slug]), {
        "name": "Appointed Person", "category": "expert", "gender": "male", "reason": "Engineer"})
    assert Member.objects.filter(name="Appointed Person").exists() == allowed
    post(reverse("committees:member_chair", args=[member.pk]))
    assert Member.objects.get(pk=member.pk).is_chair == allowed
    post(reverse("committees:call_new", args=[committee.slug]), {
        "title": "New call", "description": "d", "seats": 1, "category": "citizen",
        "opens_at": local(timezone.now()), "closes_at": local(timezone.now() + timedelta(days=2))})
    assert OpenCall.objects.filter(title="New call").exists() == allowed
    post(reverse("committees:call_move", args=[draft.pk, "open"]))
    assert (OpenCall.objects.get(pk=draft.pk).state == OpenCallState.OPEN) == allowed
    post(reverse("committees:call_select", args=[closed.pk]), {"note": "No applicants came."})
    assert (OpenCall.objects.get(pk=closed.pk).state == OpenCallState.SELECTED) == allowed
    post(reverse("committees:draw_seat", args=[world["committee_draw"].pk]))
    post(reverse("committees:member_end", args=[member.pk]), {"reason": "Term served"})
    assert (Member.objects.get(pk=member.pk).ended_at is not None) == allowed


@pytest.mark.parametrize("role", ROLES)
def test_who_may_start_a_draw(client, world, role):
    _as(client, world, role)
    response = client.post(reverse("committees:draw_new", args=[world["committee"].slug]),
                           {"algorithm": "legacy", "size": 4, "quotas": POOL_QUOTAS})
    if role == "admin":
        assert response.status_code == 302 and CommitteeDraw.objects.count() == 2
    else:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert CommitteeDraw.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_who_may_apply(client, world, role):
    """Anyone signed in (with a gender in the profile) may apply, once; the anonymous are sent to sign in.
    A current member may not (the secretary here is not a member)."""
    call = OpenCallFactory(committee=world["committee"])
    _as(client, world, role)
    response = client.post(reverse("committees:call", args=[call.pk]), {"statement": "I know this district well."})
    assert response.status_code == 302
    assert Application.objects.filter(call=call).exists() == (role != "anonymous")
    if role != "anonymous":
        client.post(reverse("committees:call", args=[call.pk]), {"statement": "A second try at applying."})
        assert Application.objects.filter(call=call).count() == 1


def test_a_current_member_may_not_apply(client):
    call = OpenCallFactory()
    person = UserFactory(gender="female")
    MemberFactory(committee=call.committee, user=person)
    client.force_login(person)
    client.post(reverse("committees:call", args=[call.pk]), {"statement": "I know this district well."})
    assert not Application.objects.exists()


def test_the_public_pages_are_public(client, world):
    for url in (reverse("committees:list"), reverse("committees:detail", args=[world["committee"].slug])):
        assert client.get(url).status_code == 200
    assert client.get(reverse("committees:my_applications")).status_code == 302
