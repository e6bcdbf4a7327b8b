"""Budget projects (issue 13): every project has a public page, the vote page lists the projects to
everyone before and after voting, staff write a project's page while the vote is prepared, and a funded
project's page shows its follow-up item."""

import pytest
from django.urls import reverse

from proposals.models import FollowUp
from tests.factories import AdminFactory, DepartmentFactory, ModeratorFactory, ResidentFactory, UserFactory
from tests.voting.factories import VoteFactory, cast_all, close, make_vote
from voting import services
from voting.models import Option
from voting.states import BudgetRule, VoteKind, VoteState

pytestmark = pytest.mark.django_db


def _budget(**fields):
    vote = make_vote(kind=VoteKind.BUDGET, labels=("Shade trees", "Benches", "Lights"), costs={1: 60, 2: 50, 3: 30},
                     budget=100, budget_rule=BudgetRule.GREEDY, **fields)
    Option.objects.filter(vote=vote, position=1).update(description="Forty trees along the stream.",
                                                        district="mapo")
    return vote


def _draft_budget(labels, **fields):
    return VoteFactory(kind=VoteKind.BUDGET, options=labels, budget=100, budget_rule=BudgetRule.GREEDY, **fields)


def _project_url(vote, position):
    return reverse("voting:project", args=[vote.pk, position])


def test_anonymous_visitors_see_the_projects_listed_each_with_its_page(client):
    vote = _budget()
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert page.count('data-testid="project"') == 3
    for position in (1, 2, 3):
        assert _project_url(vote, position) in page

    project = client.get(_project_url(vote, 1))
    assert project.status_code == 200
    text = project.content.decode()
    for expected in ("Shade trees", "Forty trees along the stream.", "60 won", "Mapo-gu", 'id="execution"'):
        assert expected in text


def test_the_projects_stay_listed_after_voting(client):
    vote = _budget()
    voter = ResidentFactory()
    services.cast_ballot(vote=vote, user=voter, choices=[1])
    client.force_login(voter)
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert 'data-testid="voted"' in page and page.count('data-testid="project"') == 3
    assert _project_url(vote, 2) in page


def test_a_voter_with_the_ballot_open_reaches_each_project_page_from_the_ballot(client):
    vote = _budget()
    client.force_login(ResidentFactory())
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert 'name="choice"' in page and all(_project_url(vote, p) in page for p in (1, 2, 3))


def test_unknown_projects_and_non_budget_options_have_no_page(client):
    vote = _budget()
    assert client.get(_project_url(vote, 9)).status_code == 404
    single = make_vote(kind=VoteKind.SINGLE)
    assert client.get(_project_url(single, 1)).status_code == 404
    draft = _draft_budget(["Hidden"])
    assert client.get(_project_url(draft, 1)).status_code == 404  # a draft vote is not public


def test_a_funded_project_shows_its_follow_up_item_and_goes_to_its_own_department(client):
    vote_department, project_department = DepartmentFactory(), DepartmentFactory(name="Parks Department")
    vote = _budget(department=vote_department)
    Option.objects.filter(vote=vote, position=1).update(department=project_department)
    cast_all(vote, [[1, 3], [1, 3], [2, 3]])
    vote = close(vote)
    assert vote.state == VoteState.TALLIED
    items = {i.option_position: i.department for i in FollowUp.objects.filter(vote=vote)}
    assert items == {1: project_department, 3: vote_department}

    funded = client.get(_project_url(vote, 1)).content.decode()
    assert 'data-testid="project-funded"' in funded and 'data-testid="project-follow-up"' in funded
    assert "Parks Department" in funded
    unfunded = client.get(_project_url(vote, 2)).content.decode()
    assert 'data-testid="project-follow-up"' not in unfunded and "The vote did not fund this project." in unfunded


# --- who may write a project's page ----------------------------------------------------------------

# a draft vote is not public: to others than staff it does not exist
EDITORS = {"anonymous": 302, "citizen": 404, "moderator": 404, "staff": 200}


@pytest.mark.parametrize("who,status", EDITORS.items())
def test_only_staff_edit_a_project_page(client, who, status):
    vote = _draft_budget(["Shade trees"])
    people = {"citizen": UserFactory(), "moderator": ModeratorFactory(),
              "staff": AdminFactory()}
    if who != "anonymous":
        client.force_login(people[who])
    url = reverse("voting:project_edit", args=[vote.pk, 1])
    assert client.get(url).status_code == status
    response = client.post(url, {"description": "Changed", "district": "gangnam", "department": ""})
    assert response.status_code == (302 if who == "staff" else status)
    changed = Option.objects.get(vote=vote, position=1).description == "Changed"
    assert changed is (who == "staff")


def test_a_scheduled_vote_keeps_its_project_pages(client):
    vote = _draft_budget(["Shade trees"], state=VoteState.SCHEDULED)
    client.force_login(AdminFactory())
    assert client.get(reverse("voting:project_edit", args=[vote.pk, 1])).status_code == 403
    with pytest.raises(Exception, match="keeps its projects"):
        services.update_project(option=vote.options.get(), actor=AdminFactory(), description="x", district="",
                                department=None)


def test_a_bad_district_is_refused_and_what_was_typed_is_kept(client):
    vote = _draft_budget(["Shade trees"])
    client.force_login(AdminFactory())
    response = client.post(reverse("voting:project_edit", args=[vote.pk, 1]),
                           {"description": "Forty trees", "district": "atlantis"})
    assert response.status_code == 200 and "Forty trees" in response.content.decode()
    assert Option.objects.get(vote=vote).description == ""


def test_editing_the_options_keeps_each_project_page_by_its_label():
    department = DepartmentFactory()
    vote = _draft_budget(["Shade trees", "Benches"])
    services.update_project(option=vote.options.get(position=1), actor=AdminFactory(), description="Forty trees",
                            district="mapo", department=department)
    from voting.services.authoring import _write_options
    _write_options(vote, services.VoteSpec(
        title=vote.title, question=vote.question, kind=vote.kind, opens_at=vote.opens_at, closes_at=vote.closes_at,
        budget=100, budget_rule=BudgetRule.GREEDY,
        options=[services.OptionSpec(label="Benches", cost=10), services.OptionSpec(label="Shade trees", cost=60)]))
    kept = vote.options.get(label="Shade trees")
    assert (kept.position, kept.description, kept.district, kept.department) == (2, "Forty trees", "mapo", department)
