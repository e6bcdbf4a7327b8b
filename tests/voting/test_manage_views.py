"""The pages that create and run votes, over HTTP: who may do what, bad input, illegal moves, imports, review.

The authorization matrix is written out as data: a GET is allowed when it answers 200 and refused when
it answers 302 (to the login page), 403 or 404; a POST is allowed when its effect is in the database
afterwards and refused when nothing changed. Either way the server never answers 500.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from proposals.models import FollowUp
from tests.factories import (
    AdminFactory, CategoryFactory, DepartmentFactory, FacilitatorFactory, ModeratorFactory, OfficerFactory,
    ProposalFactory, ResidentFactory, UserFactory,
)
from tests.imports import job_of, run_queued_imports
from tests.voting.factories import VoteFactory
from voting import services
from voting.models import Vote, VoterRoll, VotingSettings

pytestmark = pytest.mark.django_db


def _at(delta: timedelta) -> str:
    """A time as the datetime-local input sends it (Seoul time)."""
    return timezone.localtime(timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def _client(user) -> Client:
    client = Client(headers={"Accept-Language": "en"})
    if user is not None:
        client.force_login(user)
    return client


def form_data(**changes) -> dict:
    data = {"title": "Park benches", "question": "Which bench?", "kind": "single", "options": "Wood\nStone",
            "opens_at": _at(timedelta(days=1)), "closes_at": _at(timedelta(days=8)), "secret": "on",
            "answer_due_days": "60", "budget_rule": "greedy"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def allow_citizens():
    VotingSettings.objects.update_or_create(pk=1, defaults={"citizens_may_submit": True})


PB = ("META\nkey;value\ndescription;Mapo parks 2027\nbudget;100\nvote_type;approval\nmax_length;2\n"
      "PROJECTS\nproject_id;cost;votes;name;category\nP1;60;2;Shade trees;parks\nP2;50;1;Benches;parks\n"
      "P3;30;3;Lights;safety\nVOTES\nvoter_id;vote\n1;P1,P3\n")


def pb_upload(text=PB, name="mapo.pb"):
    return SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text, content_type="text/plain")


# -- The authorization matrix -----------------------------------------------------------------------

ROLES = ["anonymous", "citizen", "resident", "author", "moderator", "officer", "facilitator", "staff",
         "city_admin"]
MANAGERS = {"staff", "city_admin"}
ALLOWED = {
    "manage_page": MANAGERS,
    "create_page": MANAGERS,
    "create_post": MANAGERS,
    "proposal_vote_page": MANAGERS,
    "edit_others_draft_page": MANAGERS,
    "edit_others_draft": MANAGERS,
    "schedule_others_draft": MANAGERS,
    "cancel_others_draft": MANAGERS,
    "extend_page": MANAGERS,
    "extend_scheduled": MANAGERS,
    "import_page": MANAGERS,
    "import_post": MANAGERS,
    "review_queue_page": {"moderator", "city_admin"},
    "approve_submission": {"moderator", "city_admin"},
    "reject_submission": {"moderator", "city_admin"},
    "propose_page": {"resident", "author"},  # the verified residents, with the admin's switch on
    "propose_post": {"resident", "author"},
    "edit_submission_page": {"author"},
    "edit_submission": {"author"},
    "withdraw_submission": {"author"},
    "my_votes_page": set(ROLES) - {"anonymous"},
}
CASES = [(role, action) for action in ALLOWED for role in ROLES]


@pytest.fixture
def world(db):
    allow_citizens()
    author = ResidentFactory()
    people = {
        "anonymous": None, "citizen": UserFactory(), "resident": ResidentFactory(), "author": author,
        "moderator": ModeratorFactory(), "officer": OfficerFactory(), "facilitator": FacilitatorFactory(),
        "staff": UserFactory(is_staff=True), "city_admin": UserFactory(role=Role.ADMIN),
    }
    other_staff = AdminFactory()
    draft = VoteFactory(created_by=other_staff)
    scheduled = VoteFactory(created_by=other_staff)
    services.schedule(vote=scheduled, actor=other_staff)
    submission = VoteFactory(created_by=author, state="submitted")
    proposal = ProposalFactory(published=True)
    return {"people": people, "draft": draft, "scheduled": scheduled, "submission": submission,
            "proposal": proposal}


def _get(client, url) -> bool:
    status = client.get(url).status_code
    assert status in (200, 302, 403, 404), f"GET {url} answered {status}"
    return status == 200


def _post(client, url, data=None):
    response = client.post(url, data or {})
    assert response.status_code < 500, f"POST {url} answered {response.status_code}"
    return response


def _state(vote) -> str:
    return Vote.objects.get(pk=vote.pk).state


def _do(action: str, client: Client, w: dict) -> bool:
    draft, scheduled, submission = w["draft"], w["scheduled"], w["submission"]
    if action == "manage_page":
        return _get(client, "/votes/manage/")
    if action == "create_page":
        return _get(client, "/votes/new/")
    if action == "create_post":
        _post(client, "/votes/new/", form_data(title="Matrix vote"))
        return Vote.objects.filter(title="Matrix vote").exists()
    if action == "proposal_vote_page":
        return _get(client, f"/votes/new/?proposal={w['proposal'].pk}")
    if action in ("edit_others_draft_page", "edit_submission_page"):
        return _get(client, f"/votes/{(draft if action == 'edit_others_draft_page' else submission).pk}/edit/")
    if action in ("edit_others_draft", "edit_submission"):
        vote = draft if action == "edit_others_draft" else submission
        _post(client, f"/votes/{vote.pk}/edit/", form_data(title="Edited"))
        return Vote.objects.get(pk=vote.pk).title == "Edited"
    if action == "schedule_others_draft":
        _post(client, f"/votes/{draft.pk}/schedule/")
        return _state(draft) == "scheduled"
    if action == "cancel_others_draft":
        _post(client, f"/votes/{draft.pk}/cancel/")
        return _state(draft) == "cancelled"
    if action == "withdraw_submission":
        _post(client, f"/votes/{submission.pk}/cancel/")
        return _state(submission) == "cancelled"
    if action == "extend_page":
        return _get(client, f"/votes/{scheduled.pk}/extend/")
    if action == "extend_scheduled":
        new_close = scheduled.closes_at + timedelta(days=3)
        _post(client, f"/votes/{scheduled.pk}/extend/",
              {"closes_at": timezone.localtime(new_close).strftime("%Y-%m-%dT%H:%M")})
        return Vote.objects.get(pk=scheduled.pk).closes_at > scheduled.closes_at
    if action == "import_page":
        return _get(client, "/votes/import/")
    if action == "import_post":
        _post(client, "/votes/import/", {"file": pb_upload(), "opens_at": _at(timedelta(days=1)),
                                         "closes_at": _at(timedelta(days=9)), "budget_rule": "greedy"})
        run_queued_imports()
        return Vote.objects.filter(title="Mapo parks 2027").exists()
    if action == "review_queue_page":
        return _get(client, "/votes/submitted/")
    if action == "approve_submission":
        _post(client, f"/votes/{submission.pk}/review/", {"action": "approve"})
        return _state(submission) == "draft"
    if action == "reject_submission":
        _post(client, f"/votes/{submission.pk}/review/", {"action": "reject", "reason": "Off topic."})
        return _state(submission) == "rejected"
    if action == "propose_page":
        return _get(client, "/votes/propose/")
    if action == "propose_post":
        _post(client, "/votes/propose/", form_data(title="Citizen vote"))
        return Vote.objects.filter(title="Citizen vote", state="submitted").exists()
    if action == "my_votes_page":
        return _get(client, "/votes/mine/")
    raise AssertionError(action)


@pytest.mark.parametrize("role, action", CASES, ids=[f"{a}-{r}" for r, a in CASES])
def test_authorization_matrix(world, role, action):
    allowed = _do(action, _client(world["people"][role]), world)
    assert allowed == (role in ALLOWED[action]), f"{role} {'could' if allowed else 'could not'} {action}"


def test_the_user_menu_links_staff_to_the_votes_they_manage():
    assert "/votes/manage/" in _client(UserFactory(is_staff=True)).get("/votes/mine/").content.decode()
    assert "/votes/manage/" in _client(UserFactory(role=Role.ADMIN)).get("/votes/mine/").content.decode()
    assert "/votes/manage/" not in _client(ResidentFactory()).get("/votes/mine/").content.decode()


# -- Creating and editing: bad input keeps what was typed ------------------------------------------

@pytest.fixture
def staff_client():
    return _client(UserFactory(is_staff=True))


def test_a_new_vote_is_saved_as_a_draft_and_listed_with_its_actions(staff_client):
    response = staff_client.post("/votes/new/", form_data(districts=["mapo", "jongno"], min_age="19"))
    vote = Vote.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/votes/{vote.pk}/edit/"
    assert (vote.state, sorted(vote.districts), vote.min_age, vote.secret) == ("draft", ["jongno", "mapo"], 19, True)
    page = staff_client.get("/votes/manage/").content.decode()
    assert "Park benches" in page and f"/votes/{vote.pk}/schedule/" in page and f"/votes/{vote.pk}/cancel/" in page


BAD_FORMS = [
    ("no_title", dict(title=""), "This field is required."),
    ("closes_before_opening", dict(closes_at=_at(timedelta(hours=2)), opens_at=_at(timedelta(days=2))),
     "The vote must close after it opens."),
    ("opens_in_the_past", dict(opens_at=_at(-timedelta(days=1))), "The opening time must be in the future."),
    ("not_a_date", dict(opens_at="next tuesday"), "Enter a valid date/time."),
    ("one_option", dict(options="Only one"), "A vote needs at least two options."),
    ("repeated_option", dict(options="Wood\nWood"), "This option is listed twice: Wood."),
    ("too_many_choices", dict(kind="multiple", max_choices="5"), "At most 5 choices, but there are only 2 options."),
    ("secret_and_changeable", dict(allow_change="on"), "A secret ballot cannot be changed once cast"),
    ("unknown_kind", dict(kind="lottery"), "Select a valid choice."),
    ("bad_cost", dict(kind="budget", budget="100", options="Trees | 60 | parks\nBenches | lots"),
     "Line 2: the cost “lots” is not a whole number of won."),
    ("too_many_bars", dict(kind="budget", budget="100", options="a | 1 | b | c\nd | 2"),
     "Line 1: write name | cost | category, with at most two “|”."),
    ("missing_cost", dict(kind="budget", budget="100", options="Trees | 60\nBenches"),
     "Every project needs a cost; missing for: Benches."),
    ("no_budget", dict(kind="budget", options="Trees | 60\nBenches | 5"), "A participatory budget needs its total"),
    ("bad_budget", dict(kind="budget", budget="a lot", options="Trees | 60\nBenches | 5"),
     "The budget “a lot” is not a whole number of won."),
    ("bad_category_budget", dict(kind="budget", budget="100", options="Trees | 60 | parks\nBenches | 5",
                                 category_budgets="parks: 50"), "Line 1: write category | amount in won."),
    ("unknown_category", dict(kind="budget", budget="100", options="Trees | 60 | parks\nBenches | 5",
                              category_budgets="roads | 50"), "No project is in the category “roads”."),
    ("winner_without_department", dict(follow_up_winner="on"),
     "Choose the department that follows up the winning option."),
    ("young_age", dict(min_age="0"), "Ensure this value is greater than or equal to 1."),
    ("turnout_over_100", dict(kind="yes_no", quorum_percent="101"), "Ensure this value is less than or equal to 100."),
    ("unknown_acceptance", dict(kind="yes_no", acceptance="most"), "Select a valid choice."),
]


@pytest.mark.parametrize("name, changes, message", BAD_FORMS, ids=[b[0] for b in BAD_FORMS])
def test_bad_input_is_refused_clearly_and_the_form_keeps_what_was_typed(staff_client, name, changes, message):
    data = form_data(title="Kept title", description="Kept description", **{k: v for k, v in changes.items()
                                                                         if k not in ("title",)})
    if "title" in changes:
        data["title"] = changes["title"]
    response = staff_client.post("/votes/new/", data)
    page = response.content.decode()
    assert response.status_code == 200 and not Vote.objects.exists()
    assert message in page
    assert "Please correct the marked fields; what you typed is kept." in page or "form-errors" in page
    assert "Kept description" in page
    if name == "bad_cost":
        assert "Benches | lots" in page  # the options textarea comes back as typed


def test_a_yes_no_vote_keeps_its_acceptance_rule_and_turnout_quorum(staff_client):
    staff_client.post("/votes/new/", form_data(kind="yes_no", options="", acceptance="two_thirds",
                                               quorum_percent="25", quorum="100"))
    vote = Vote.objects.get()
    assert (vote.acceptance, vote.quorum_percent, vote.quorum) == ("two_thirds", 25, 100)
    page = staff_client.get(f"/votes/{vote.pk}/edit/").content.decode()
    assert 'value="two_thirds" selected' in page


def test_a_budget_vote_is_created_from_its_lines(staff_client):
    staff_client.post("/votes/new/", form_data(
        kind="budget", budget="1,000,000,000", budget_rule="mes", max_choices="3",
        options="Shade trees | 600,000,000 | 공원\nBenches | 50000000 | 공원\nLights | 30 000 000",
        category_budgets="공원 | 700,000,000"))
    vote = Vote.objects.get()
    assert (vote.budget, vote.budget_rule, vote.category_budgets, vote.max_choices) == (
        1_000_000_000, "mes", {"공원": 700_000_000}, 3)
    assert list(vote.options.values_list("label", "cost", "category")) == [
        ("Shade trees", 600_000_000, "공원"), ("Benches", 50_000_000, "공원"), ("Lights", 30_000_000, "")]
    page = staff_client.get(f"/votes/{vote.pk}/edit/").content.decode()
    assert "Shade trees | 600000000 | 공원" in page  # the edit page shows the lines back


def test_a_draft_is_edited_and_a_scheduled_vote_is_not(staff_client):
    vote = VoteFactory()
    response = staff_client.post(f"/votes/{vote.pk}/edit/", form_data(title="Renamed", options="X\nY\nZ"))
    assert response.status_code == 302
    vote.refresh_from_db()
    assert vote.title == "Renamed" and list(vote.options.values_list("label", flat=True)) == ["X", "Y", "Z"]
    staff_client.post(f"/votes/{vote.pk}/schedule/")
    response = staff_client.post(f"/votes/{vote.pk}/edit/", form_data(title="Late change"), follow=True)
    assert "keeps its question, options and rules" in response.content.decode()
    assert Vote.objects.get(pk=vote.pk).title == "Renamed"


# -- Moves refused clearly --------------------------------------------------------------------------

def test_illegal_moves_are_refused_with_their_reason(staff_client):
    draft, open_vote, one_option = VoteFactory(), VoteFactory(), VoteFactory(options=["Alone"])
    admin = AdminFactory()
    services.schedule(vote=open_vote, actor=admin)
    services.sweep_votes(now=open_vote.opens_at + timedelta(seconds=1))
    assert _state(open_vote) == "open"

    page = staff_client.post(f"/votes/{open_vote.pk}/cancel/", follow=True).content.decode()
    assert "A vote cannot go from “Open for voting” to “Cancelled”." in page and _state(open_vote) == "open"
    page = staff_client.post(f"/votes/{open_vote.pk}/schedule/", follow=True).content.decode()
    assert "A vote cannot go from “Open for voting” to “Scheduled”." in page
    page = staff_client.post(f"/votes/{one_option.pk}/schedule/", follow=True).content.decode()
    assert "A vote needs at least two options." in page and _state(one_option) == "draft"
    page = staff_client.post(f"/votes/{draft.pk}/extend/", {"closes_at": _at(timedelta(days=30))}).content.decode()
    assert "Only a scheduled or open vote can be extended." in page
    earlier = timezone.localtime(open_vote.closes_at - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page = staff_client.post(f"/votes/{open_vote.pk}/extend/", {"closes_at": earlier}).content.decode()
    assert "The new close must be later than the current one." in page
    later = timezone.localtime(open_vote.closes_at + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert staff_client.post(f"/votes/{open_vote.pk}/extend/", {"closes_at": later}).status_code == 302
    assert Vote.objects.get(pk=open_vote.pk).closes_at > open_vote.closes_at


def test_actions_need_post(staff_client):
    vote = VoteFactory()
    assert staff_client.get(f"/votes/{vote.pk}/schedule/").status_code == 405
    assert staff_client.get(f"/votes/{vote.pk}/cancel/").status_code == 405
    assert staff_client.post("/votes/999999/schedule/").status_code == 404


# -- A yes/no vote on a proposal --------------------------------------------------------------------

def test_a_proposal_prefills_a_yes_no_vote_with_its_department(staff_client):
    department = DepartmentFactory(name="Transport")
    proposal = ProposalFactory(title="Night buses", published=True,
                               category=CategoryFactory(default_department=department))
    page = staff_client.get(f"/votes/new/?proposal={proposal.pk}").content.decode()
    assert 'value="Vote: Night buses"' in page and "Night buses" in page
    assert f'name="proposal" value="{proposal.pk}"' in page
    assert 'value="yes_no"' in page and f'<option value="{department.pk}" selected>' in page
    data = form_data(kind="yes_no", options="", title="Vote: Night buses", proposal=str(proposal.pk),
                     department=str(department.pk))
    assert staff_client.post("/votes/new/", data).status_code == 302
    vote = Vote.objects.get()
    assert (vote.kind, vote.proposal, vote.department) == ("yes_no", proposal, department)
    assert list(vote.options.values_list("position", flat=True)) == [1, 2, 3]
    assert staff_client.get("/votes/new/?proposal=999999").status_code == 404
    assert staff_client.get("/votes/new/?proposal=abc").status_code == 404


# -- Creating from a .pb file -----------------------------------------------------------------------

def _import(client, file, **changes):
    data = {"file": file, "opens_at": _at(timedelta(days=1)), "closes_at": _at(timedelta(days=9)),
            "budget_rule": "greedy-stop"}
    data.update(changes)
    return client.post("/votes/import/", data)


def test_a_pb_file_becomes_a_draft_budget_vote(staff_client):
    job = job_of(_import(staff_client, pb_upload()))
    vote = Vote.objects.get()
    assert (job.state, job.result_url) == ("done", f"/votes/{vote.pk}/edit/")
    assert "imported as a draft with 3 projects" in staff_client.get(f"/imports/{job.pk}/").content.decode()
    assert (vote.kind, vote.budget, vote.budget_rule, vote.state) == ("budget", 100, "greedy-stop", "draft")
    assert list(vote.options.values_list("external_id", "cost", "category")) == [
        ("P1", 60, "parks"), ("P2", 50, "parks"), ("P3", 30, "safety")]


BROKEN_FILES = [
    ("data_before_meta", "budget;100\nMETA\n", "line 1: data before the META section"),
    ("no_projects", "META\nkey;value\nbudget;100\n", "no PROJECTS section"),
    ("bad_cost", "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\nP1;lots\n",
     "cost of project P1: not a number: &#x27;lots&#x27;"),
    ("no_budget", "META\nkey;value\ndescription;x\nPROJECTS\nproject_id;cost\nP1;5\n",
     "META budget: not a number: &#x27;&#x27;"),
    ("short_row", "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost;name\nP1;5\n",
     "line 6: 2 fields where the PROJECTS header has 3"),
    ("not_utf8", "META\nkey;value\ndescription;\udcff\n".encode("utf-8", "surrogateescape"),
     "Line 3: the file is not UTF-8 text; save it as UTF-8 (CSV UTF-8) and send it again."),
]


@pytest.mark.parametrize("name, text, message", BROKEN_FILES, ids=[b[0] for b in BROKEN_FILES])
def test_a_broken_pb_file_is_refused_with_the_readers_message(staff_client, name, text, message):
    job = job_of(_import(staff_client, pb_upload(text)))
    page = staff_client.get(f"/imports/{job.pk}/").content.decode()
    assert job.state == "failed" and not Vote.objects.exists()
    assert message in page, page[page.find("import-errors"):][:400]


def test_an_import_needs_a_file_and_a_close_after_the_opening(staff_client):
    page = _import(staff_client, pb_upload(), closes_at=_at(timedelta(hours=1)),
                   opens_at=_at(timedelta(days=2))).content.decode()
    assert "The vote must close after it opens." in page
    page = staff_client.post("/votes/import/", {"opens_at": _at(timedelta(days=1))}).content.decode()
    assert "This field is required." in page and not Vote.objects.exists()


# -- Citizens' votes through moderation -------------------------------------------------------------

def test_a_citizen_cannot_propose_until_an_admin_switches_it_on():
    client = _client(ResidentFactory())
    response = client.get("/votes/propose/")
    assert response.status_code == 403
    allow_citizens()
    page = client.get("/votes/propose/").content.decode()
    assert "Submit for review" in page and 'name="department"' not in page and 'value="budget"' not in page


def test_a_citizens_vote_goes_through_review_and_the_citizen_sees_its_status():
    allow_citizens()
    citizen, moderator = ResidentFactory(), ModeratorFactory()
    mine = _client(citizen)
    response = mine.post("/votes/propose/", form_data(title="More benches?", kind="yes_no", options=""))
    assert response.status_code == 302 and response["Location"] == "/votes/mine/"
    vote = Vote.objects.get()
    assert (vote.state, vote.created_by) == ("submitted", citizen)
    assert "Awaiting review" in mine.get("/votes/mine/").content.decode()

    # A budget vote is staff's: refused on the form, what was typed kept.
    page = mine.post("/votes/propose/", form_data(title="My budget", kind="budget")).content.decode()
    assert "Select a valid choice." in page and 'value="My budget"' in page

    reviewer = _client(moderator)
    assert "More benches?" in reviewer.get("/votes/submitted/").content.decode()
    page = reviewer.post(f"/votes/{vote.pk}/review/", {"action": "reject", "reason": ""}, follow=True).content.decode()
    assert "Give the reason; its author will read it." in page and _state(vote) == "submitted"
    page = reviewer.post(f"/votes/{vote.pk}/review/", {"action": "approve_schedule"}, follow=True).content.decode()
    assert "Only staff can schedule votes; approve it as a draft instead." in page and _state(vote) == "submitted"
    reviewer.post(f"/votes/{vote.pk}/review/", {"action": "reject", "reason": "Already decided last year."})
    assert _state(vote) == "rejected"
    page = mine.get("/votes/mine/").content.decode()
    assert "Not approved" in page and "Already decided last year." in page
    assert "More benches?" not in reviewer.get("/votes/submitted/").content.decode()


def test_a_city_admin_approves_and_schedules_at_once():
    allow_citizens()
    vote = VoteFactory(created_by=ResidentFactory(), state="submitted")
    _client(UserFactory(role=Role.ADMIN)).post(f"/votes/{vote.pk}/review/", {"action": "approve_schedule"})
    assert _state(vote) == "scheduled"


def test_approved_votes_reach_staff_as_drafts():
    allow_citizens()
    vote = VoteFactory(created_by=ResidentFactory(), state="submitted")
    _client(ModeratorFactory()).post(f"/votes/{vote.pk}/review/", {"action": "approve"})
    assert _state(vote) == "draft"
    page = _client(UserFactory(is_staff=True)).get("/votes/manage/").content.decode()
    assert f"/votes/{vote.pk}/schedule/" in page


# -- The admin --------------------------------------------------------------------------------------

def test_the_admin_shows_votes_and_the_switch():
    client = _client(AdminFactory())
    VoteFactory()
    assert client.get("/admin/voting/vote/").status_code == 200
    assert client.get("/admin/voting/votingsettings/").status_code == 200
    response = client.post("/admin/voting/votingsettings/add/", {"citizens_may_submit": "on"})
    assert response.status_code == 302 and VotingSettings.load().citizens_may_submit is True
    assert client.get("/admin/voting/votingsettings/add/").status_code == 403  # one row only


PAST = ("META\nkey;value\ndescription;Mapo parks 2025\nbudget;100\nvote_type;approval\n"
        "PROJECTS\nproject_id;cost;name;category\nP1;60;Shade trees;parks\nP2;50;Benches;parks\n"
        "P3;30;Lights;safety\nVOTES\nvoter_id;vote\n1;P1,P3\n2;P1\n3;P2\n4;P3,P2\n5;P3\n")


def test_a_past_election_is_imported_with_its_ballots_counted_and_handed_on(staff_client):
    department = DepartmentFactory()
    job = job_of(_import(staff_client, pb_upload(PAST), with_ballots="on", department=str(department.pk),
                         opens_at=_at(-timedelta(days=20)), closes_at=_at(-timedelta(days=10)), budget_rule="greedy"))
    vote = Vote.objects.get()
    assert (job.state, job.result_url, job.rows_done, job.rows_total) == ("done", f"/votes/{vote.pk}/results/", 5, 5)
    # Votes: P3 3, P1 2, P2 2 (P2 cheaper than P1, so first of the two); greedy: P3 (30), P2 (80), P1 does not fit.
    ids = {o.position: o.external_id for o in vote.options.all()}
    assert (vote.state, vote.result["ballots"], [ids[p] for p in vote.result["selected"]]) == (
        "tallied", 5, ["P3", "P2"])
    assert FollowUp.objects.filter(vote=vote, department=department).count() == 2
    assert not VoterRoll.objects.filter(vote=vote).exists()
    page = staff_client.get(f"/votes/{vote.pk}/").content.decode()
    assert "<strong data-live-turnout>5</strong>" in page


@pytest.mark.parametrize("changes, message", [
    (dict(closes_at=_at(timedelta(days=1))), "A past election closed in the past"),
    (dict(file=None), "line 18: voter 6: unknown project P9"),
])
def test_a_past_election_that_cannot_be_is_refused_and_nothing_is_stored(staff_client, changes, message):
    data = dict(with_ballots="on", opens_at=_at(-timedelta(days=20)), closes_at=_at(-timedelta(days=10)))
    data.update(changes)
    file = pb_upload(PAST + "6;P9\n") if "file" in data else pb_upload(PAST)
    data.pop("file", None)
    response = _import(staff_client, file, **data)
    if response.status_code == 302:  # the file is read by a job; its page says why
        job = job_of(response)
        assert job.state == "failed"
        response = staff_client.get(f"/imports/{job.pk}/")
    assert response.status_code == 200 and message in response.content.decode()
    assert not Vote.objects.exists()


def test_the_staff_pages_offer_each_state_the_moves_its_transitions_allow():
    from voting.rules import manage_actions

    assert manage_actions("draft") == {"edit", "schedule", "cancel"}
    assert manage_actions("submitted") == {"edit", "review"}
    assert manage_actions("scheduled") == {"extend", "cancel"}
    assert manage_actions("open") == {"extend"}
    assert all(manage_actions(state) == set() for state in ("closed", "tallied", "cancelled", "rejected"))
