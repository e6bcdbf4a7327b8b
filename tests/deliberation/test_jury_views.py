"""The jury's pages and the private room's door, by role: an authorization matrix as a table, the WebSocket
admission of the private room, objects of another jury, and bad input kept on the forms."""

import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse

from deliberation.juries import services
from deliberation.juries.models import Jury, MinorityOpinion
from tests.deliberation.sockets import communicator, enter, refused_with
from tests.factories import AdminFactory, CategoryFactory, FacilitatorFactory, UserFactory, make_jury, vote_all

ROLES = ("anonymous", "citizen", "observer", "expert", "juror", "removed", "facilitator", "admin")


pytestmark = pytest.mark.usefixtures("small_juries")


def build(stage: str):
    """A jury of three in ``stage`` (verdict open, drafting or adopted) with one person of each role."""
    jury, facilitator, people = make_jury(jurors=3, stage="verdict")
    observer, expert = UserFactory(), UserFactory()
    services.add_observer(jury=jury, user=observer, actor=facilitator)
    services.add_expert(jury=jury, user=expert, actor=facilitator)
    if stage in ("drafting", "adopted"):
        vote_all(jury, people, ["yes"] * 3)
        services.save_recommendation(jury=jury, actor=facilitator, text="Night buses every 15 minutes.")
    if stage == "adopted":
        services.open_adoption_vote(jury=jury, actor=facilitator)
        vote_all(jury, people, ["yes"] * 3)
    services.remove_juror(jury=jury, user=people[2], actor=facilitator, reason="conflict of interest")
    jury.refresh_from_db()
    who = {"anonymous": None, "citizen": UserFactory(), "observer": observer, "expert": expert,
           "juror": people[0], "removed": people[2], "facilitator": facilitator, "admin": AdminFactory()}
    return jury, who


def _as(client, user):
    if user is not None:
        client.force_login(user)
    return client


OK, DENIED, LOGIN = 200, 403, "login"
DONE = 302  # a successful POST redirects

# action: (stage it needs, {role: expected}); roles not listed are DENIED.
MATRIX = {
    "public_page": ("verdict", dict.fromkeys(ROLES, OK)),
    "private_room": ("drafting", {"anonymous": LOGIN, "juror": OK, "facilitator": OK, "admin": OK}),
    "private_record": ("drafting", {"anonymous": LOGIN, "juror": OK, "facilitator": OK, "admin": OK}),
    "vote": ("verdict", {"anonymous": LOGIN, "juror": DONE}),
    "edit_draft": ("drafting", {"anonymous": LOGIN, "juror": DONE, "facilitator": DONE, "admin": DONE}),
    "minority": ("drafting", {"anonymous": LOGIN, "juror": DONE}),
    "publish": ("adopted", {"anonymous": LOGIN, "facilitator": DONE, "admin": DONE}),
}


def request(client, action: str, jury: Jury):
    if action == "public_page":
        return client.get(reverse("juries:jury", args=[jury.pk]))
    if action == "private_room":
        return client.get(reverse("rooms:room", args=[jury.private_room_id]))
    if action == "private_record":
        return client.get(reverse("rooms:record", args=[jury.private_room_id]))
    if action == "vote":
        return client.post(reverse("juries:jury_verdict", args=[jury.pk]), {"choice": "yes"})
    if action == "edit_draft":
        return client.post(reverse("juries:jury_draft", args=[jury.pk]), {"text": "Every 10 minutes."})
    if action == "minority":
        return client.post(reverse("juries:jury_minority", args=[jury.pk]), {"text": "No.", "signed": "on"})
    return client.post(reverse("juries:jury_manage", args=[jury.pk]), {"action": "publish"})


def effect(action: str, jury: Jury) -> bool:
    """Whether the action's write happened (checked for refusals too: a 403 must change nothing)."""
    jury.refresh_from_db()
    if action == "vote":
        return jury.verdicts.get(number=1).voters.count() == 1
    if action == "edit_draft":
        return jury.recommendation.text == "Every 10 minutes."
    if action == "minority":
        return MinorityOpinion.objects.filter(recommendation__jury=jury).exists()
    if action == "publish":
        return jury.state == "published" and jury.proposal_id is not None
    return False


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_authorization_matrix(client, action, role):
    stage, allowed = MATRIX[action]
    expected = allowed.get(role, DENIED)
    jury, who = build(stage)
    response = request(_as(client, who[role]), action, jury)
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected, response.content.decode()[:500]
    assert effect(action, jury) is (expected == DONE)


@pytest.mark.django_db
def test_refusals_say_why(client):
    jury, who = build("verdict")
    for role, text in (("expert", "Experts testify; they do not vote"), ("observer", "Observers watch the hearing"),
                       ("removed", "You were removed from this jury."), ("facilitator", "only the jurors vote")):
        response = _as(client, who[role]).post(reverse("juries:jury_verdict", args=[jury.pk]), {"choice": "no"})
        assert response.status_code == 403 and text in response.content.decode()
    response = _as(client, who["removed"]).get(reverse("rooms:room", args=[jury.private_room_id]))
    assert response.status_code == 403 and "You were removed from this room." in response.content.decode()


@pytest.mark.django_db
def test_a_juror_of_one_jury_has_no_part_in_another(client):
    mine, who = build("drafting")
    other, _ = build("drafting")
    client.force_login(who["juror"])
    assert client.get(reverse("rooms:room", args=[other.private_room_id])).status_code == 403
    assert client.post(reverse("juries:jury_draft", args=[other.pk]), {"text": "x"}).status_code == 403
    assert client.post(reverse("juries:jury_minority", args=[other.pk]), {"text": "x"}).status_code == 403
    assert client.post(reverse("juries:jury_manage", args=[other.pk]), {"action": "publish"}).status_code == 403
    client.force_login(mine.facilitator)
    assert client.get(reverse("juries:jury_manage", args=[other.pk])).status_code == 403
    assert client.get(reverse("rooms:room", args=[other.private_room_id])).status_code == 403


@pytest.mark.django_db
def test_a_juror_cannot_see_the_private_room_before_being_seated(client):
    jury, facilitator, _people = make_jury(jurors=3, stage="hearing")
    newcomer = UserFactory()
    client.force_login(newcomer)
    assert client.get(reverse("rooms:room", args=[jury.private_room_id])).status_code == 404  # not open yet
    jury, facilitator, _people = make_jury(jurors=3, stage="deliberating")
    assert client.get(reverse("rooms:room", args=[jury.private_room_id])).status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role, admitted, code", [
    ("anonymous", False, 4401), ("citizen", False, 4403), ("observer", False, 4403), ("expert", False, 4403),
    ("juror", True, None), ("removed", False, 4403), ("facilitator", True, None), ("admin", True, None),
])
def test_private_room_websocket_by_role(_fresh_channel_layer, role, admitted, code):  # noqa: F811
    jury, who = build("drafting")
    ws = communicator(jury.private_room_id, who[role])

    async def scenario():
        if admitted:
            hello = await enter(ws, resume=False)
            await ws.disconnect()
            return hello
        return await refused_with(ws)

    outcome = async_to_sync(scenario)()
    if admitted:
        assert outcome["data"]["room"]["id"] == jury.private_room_id
    else:
        assert outcome[1] == code


@pytest.mark.django_db
def test_create_form_keeps_what_was_typed_and_says_what_is_wrong(client, settings):
    del settings.JURY_MIN_SIZE
    client.force_login(FacilitatorFactory())
    category = CategoryFactory()
    data = {"kind": "jury", "title": "Night buses", "question": "Every 15 minutes?", "size": "25",
            "verdict_rule": "majority", "options": "", "category": category.pk, "briefing": "20", "testimony": "60",
            "questions": "40", "deliberation": "90"}
    response = client.post(reverse("juries:jury_create"), data)
    page = response.content.decode()
    assert response.status_code == 200 and "between 10 and 20 members" in page
    assert "Every 15 minutes?" in page and 'value="Night buses"' in page
    assert not Jury.objects.exists()
    response = client.post(reverse("juries:jury_create"), {**data, "size": "12"})
    jury = Jury.objects.get()
    assert response["Location"] == reverse("juries:jury_manage", args=[jury.pk])
    assert (jury.size, jury.room.rounds.count(), jury.private_room.rounds.get().duration_seconds) == (12, 3, 5400)
    assert client.get(reverse("juries:jury_create")).status_code == 200
    client.force_login(UserFactory())
    assert client.post(reverse("juries:jury_create"), data).status_code == 403


@pytest.mark.django_db
def test_bad_ballot_and_manage_input_come_back_with_a_clear_error(client):
    jury, who = build("verdict")
    client.force_login(who["juror"])
    response = client.post(reverse("juries:jury_verdict", args=[jury.pk]), {"choice": "maybe"})
    assert response.status_code == 400 and "Choose yes, no or abstain." in response.content.decode()
    client.force_login(who["facilitator"])
    response = client.post(reverse("juries:jury_manage", args=[jury.pk]),
                           {"action": "add_expert", "email": "nobody@example.org"})
    assert response.status_code == 400 and "No account has this email address." in response.content.decode()
    assert 'value="nobody@example.org"' in response.content.decode()
    response = client.post(reverse("juries:jury_manage", args=[jury.pk]), {"action": "close_verdict"})
    assert response.status_code == 400 and "more than half" in response.content.decode()
    # after a failed verdict, a round of 0 minutes is refused; its title and minutes come back as typed
    failed, facilitator, people = make_jury(jurors=2, stage="verdict")
    vote_all(failed, people, ["no", "no"])
    client.force_login(facilitator)
    response = client.post(reverse("juries:jury_manage", args=[failed.pk]),
                           {"action": "add_round", "title": "한 번 더", "minutes": "0"})
    page = response.content.decode()
    assert response.status_code == 400 and "between 1 and 600 minutes" in page
    assert 'value="한 번 더"' in page and 'value="0"' in page
    assert not failed.private_room.rounds.filter(title="한 번 더").exists()


@pytest.mark.django_db
def test_the_private_room_page_shows_the_draft_and_the_open_vote_to_a_juror(client):
    jury, who = build("verdict")
    client.force_login(who["juror"])
    page = client.get(reverse("rooms:room", args=[jury.private_room_id])).content.decode()
    assert 'id="verdict-link">' in page and reverse("juries:jury_verdict", args=[jury.pk]) in page
    jury, who = build("drafting")
    client.force_login(who["juror"])
    page = client.get(reverse("rooms:room", args=[jury.private_room_id])).content.decode()
    assert 'id="verdict-link" hidden' in page and "Night buses every 15 minutes." in page


@pytest.mark.django_db
def test_a_closed_votes_ballots_are_open_data_ordered_by_choice_and_an_open_one_is_not(client):
    jury, facilitator, people = make_jury(jurors=3, rule="ranked", options=["A", "B", "C"], stage="verdict")
    url = reverse("juries:jury_ballots", args=[jury.pk, 1])
    assert client.get(url).status_code == 404  # still open: nothing leaks before the close
    vote_all(jury, people, [["C"], ["A", "B"], ["B", "C", "A"]])
    lines = client.get(url).content.decode("utf-8-sig").splitlines()
    assert lines == ["rank_1,rank_2,rank_3", "A,B,", "B,C,A", "C,,"]
    jury, facilitator, people = make_jury(jurors=3, stage="verdict")
    vote_all(jury, people, ["yes", "no", "abstain"])
    lines = client.get(reverse("juries:jury_ballots", args=[jury.pk, 1])).content.decode("utf-8-sig").splitlines()
    assert lines == ["choice", "abstain", "no", "yes"]
    assert reverse("juries:jury_ballots", args=[jury.pk, 1]) in client.get(
        reverse("juries:jury", args=[jury.pk])).content.decode()


@pytest.mark.django_db
def test_the_jury_keeps_the_draw_that_chose_its_panel(client):
    from deliberation.panels.models import Draw, Pool

    draw = Draw.objects.create(pool=Pool.objects.create(name="Pool"), title="Night buses panel", size=12,
                               algorithm="legacy", state="drawn", people_csv="", quotas_csv="", pool_hash="x",
                               quotas_hash="y")
    Draw.objects.create(pool=draw.pool, title="Not drawn yet", size=12, algorithm="legacy", state="published",
                        people_csv="", quotas_csv="", pool_hash="x", quotas_hash="y")
    client.force_login(FacilitatorFactory())
    page = client.get(reverse("juries:jury_create")).content.decode()
    assert "Night buses panel" in page and "Not drawn yet" not in page
    client.post(reverse("juries:jury_create"), {
        "kind": "conference", "title": "Buses", "question": "How?", "size": "12", "verdict_rule": "majority",
        "category": CategoryFactory().pk, "draw": draw.pk, "briefing": "20", "testimony": "60", "questions": "40",
        "deliberation": "90"})
    assert Jury.objects.get().draw == draw
