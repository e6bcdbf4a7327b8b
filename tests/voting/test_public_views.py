"""The public voting pages over HTTP: every bad ballot refused one by one with nothing stored, the
form keeping what was chosen, eligibility shown before voting, receipts, results, and who sees what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests.factories import (
    AdminFactory, DepartmentFactory, FacilitatorFactory, ModeratorFactory, OfficerFactory, ResidentFactory,
    UserFactory,
)
from voting import services
from voting.models import Ballot, Option, Vote, VoterRoll
from voting.states import BudgetRule, VoteKind, VoteState

pytestmark = pytest.mark.django_db


def _vote(kind=VoteKind.SINGLE, state=VoteState.OPEN, options=("Parks", "Libraries", "Buses"), costs=None,
          **fields):
    now = timezone.now()
    vote = Vote.objects.create(title="City priorities", question="What first?", kind=kind, state=state,
                               opens_at=now - timedelta(hours=1), closes_at=now + timedelta(days=1), **fields)
    for position, label in enumerate(options, start=1):
        Option.objects.create(vote=vote, position=position, label=label, cost=(costs or {}).get(position),
                              category="green" if position == 1 else "")
    return vote


def _login(client, user=None):
    user = user or ResidentFactory(birth_year=1990, district="jongno", gender="female")
    client.force_login(user)
    return user


def _stored(vote) -> tuple[int, int]:
    """Ballots (sealed ones of a secret vote included) and roll rows."""
    from voting.selectors import turnout

    return turnout(vote), VoterRoll.objects.filter(vote=vote).count()


def _closed(vote):
    """The vote closed as the worker closes it (a secret vote's sealed ballots become ballots)."""
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    assert services.move_vote_if_due(vote_id=vote.pk)
    return Ballot.objects.filter(vote=vote)


# --- Casting ---------------------------------------------------------------------------------------

def test_a_ballot_cast_over_http_is_stored_and_the_receipt_is_shown_once(client):
    vote = _vote()
    _login(client)
    response = client.post(reverse("voting:cast", args=[vote.pk]), {"choice": "2"})
    assert response.status_code == 302 and response["Location"] == reverse("voting:detail", args=[vote.pk])
    assert _stored(vote) == (1, 1)

    page = client.get(response["Location"]).content.decode()
    code = page.split('data-testid="receipt-code">')[1].split("<")[0]
    assert "You have voted in this vote" in page
    assert 'data-testid="receipt-code"' not in client.get(response["Location"]).content.decode()  # once only
    ballot = _closed(vote).get()
    assert ballot.choices == [2] and ballot.receipt_hash == services.receipt_hash(vote.pk, code)


BAD_BALLOTS = [
    # (kind, fields, costs, POST data, message)
    (VoteKind.SINGLE, {}, None, {"choice": "9"}, "This ballot names an option that is not in this vote."),
    (VoteKind.SINGLE, {}, None, {"choice": "parks"}, "This ballot names an option that is not in this vote."),
    (VoteKind.SINGLE, {}, None, {"choice": ["1", "2"]}, "Choose exactly one option."),
    (VoteKind.SINGLE, {}, None, {}, "Please choose at least one option."),
    (VoteKind.MULTIPLE, {"max_choices": 2}, None, {"choice": ["1", "2", "3"]}, "Choose at most 2 options."),
    (VoteKind.MULTIPLE, {"max_choices": 2}, None, {"choice": ["1", "1"]}, "An option appears twice on this ballot."),
    (VoteKind.RANKED, {}, None, {"rank_1": "1", "rank_2": "1"}, "Two options have the same rank."),
    (VoteKind.RANKED, {}, None, {"rank_1": "1", "rank_3": "3"}, "Ranks must run 1, 2, 3… without a gap."),
    (VoteKind.RANKED, {}, None, {"rank_1": "first"}, "A rank is a whole number."),
    (VoteKind.RANKED, {}, None, {"rank_7": "1"}, "This ballot names an option that is not in this vote."),
    (VoteKind.BUDGET, {"budget": 100, "budget_rule": BudgetRule.GREEDY}, {1: 60, 2: 50, 3: 10},
     {"choice": ["1", "2"]}, "These projects cost 110, more than the budget of 100."),
    (VoteKind.BUDGET, {"budget": 100, "budget_rule": BudgetRule.GREEDY, "category_budgets": {"green": 50}},
     {1: 60, 2: 30, 3: 10}, {"choice": ["1"]}, "The projects in “green” cost more than its budget of 50."),
]


@pytest.mark.parametrize("kind, fields, costs, data, message", BAD_BALLOTS,
                         ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD_BALLOTS)])
def test_a_tampered_ballot_is_refused_over_http_with_its_reason_and_nothing_is_stored(
        client, kind, fields, costs, data, message):
    vote = _vote(kind=kind, costs=costs, **fields)
    _login(client)
    response = client.post(reverse("voting:cast", args=[vote.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _stored(vote) == (0, 0)


def test_a_project_of_another_vote_is_refused_over_http(client):
    vote = _vote(kind=VoteKind.BUDGET, costs={1: 10, 2: 10, 3: 10}, budget=100, budget_rule=BudgetRule.GREEDY)
    other = _vote(kind=VoteKind.BUDGET, options=[f"P{i}" for i in range(1, 7)], costs=dict.fromkeys(range(1, 7), 5),
                  budget=100, budget_rule=BudgetRule.GREEDY)
    _login(client)
    response = client.post(reverse("voting:cast", args=[vote.pk]), {"choice": ["1", "6"]})  # 6 is only in `other`
    assert response.status_code == 400
    assert "not in this vote" in response.content.decode()
    assert _stored(vote) == (0, 0) and _stored(other) == (0, 0)


def test_a_refused_ballot_keeps_what_was_chosen(client):
    vote = _vote(kind=VoteKind.BUDGET, costs={1: 60, 2: 50, 3: 10}, budget=100, budget_rule=BudgetRule.GREEDY)
    _login(client)
    page = client.post(reverse("voting:cast", args=[vote.pk]), {"choice": ["1", "2"]}).content.decode()
    assert 'value="1" checked' in page and 'value="2" checked' in page and 'value="3" checked' not in page

    ranked = _vote(kind=VoteKind.RANKED)
    page = client.post(reverse("voting:cast", args=[ranked.pk]), {"rank_1": "2", "rank_2": "2", "rank_3": ""})
    body = page.content.decode()
    assert body.count('<option value="2" selected>') == 2  # both ranks as typed


@pytest.mark.parametrize("case, message", [
    ("not_open_yet", "This vote is not open yet."),
    ("scheduled", "This vote is not open yet."),
    ("closed", "This vote is closed."),
    ("past_close", "This vote is closed."),
    ("unverified", "Only verified residents can vote."),
    ("too_young", "This vote is for people aged 19 or over."),
    ("other_district", "This vote is for residents of:"),
])
def test_who_may_not_vote_is_refused_over_http_and_told_why_before_voting(client, case, message):
    now = timezone.now()
    vote = _vote(min_age=19, districts=["jongno"])
    user = ResidentFactory(birth_year=1990, district="jongno")
    if case == "not_open_yet":
        Vote.objects.filter(pk=vote.pk).update(opens_at=now + timedelta(hours=1))
    elif case == "scheduled":
        Vote.objects.filter(pk=vote.pk).update(state=VoteState.SCHEDULED)
    elif case == "closed":
        Vote.objects.filter(pk=vote.pk).update(state=VoteState.CLOSED)
    elif case == "past_close":
        Vote.objects.filter(pk=vote.pk).update(opens_at=now - timedelta(days=2), closes_at=now - timedelta(seconds=1))
    elif case == "unverified":
        user = UserFactory(birth_year=1990, district="jongno")
    elif case == "too_young":
        user.birth_year = now.year - 15
        user.save()
    elif case == "other_district":
        user.district = "gangnam"
        user.save()
    _login(client, user)

    shown = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert message in shown and 'data-testid="refusal"' in shown and "Cast my ballot" not in shown

    response = client.post(reverse("voting:cast", args=[vote.pk]), {"choice": "1"})
    assert response.status_code == 403
    assert message in response.content.decode()
    assert _stored(vote) == (0, 0)


def test_a_second_ballot_is_refused_over_http(client):
    vote = _vote()
    _login(client)
    assert client.post(reverse("voting:cast", args=[vote.pk]), {"choice": "1"}).status_code == 302
    response = client.post(reverse("voting:cast", args=[vote.pk]), {"choice": "2"})
    assert response.status_code == 400
    assert "You have already voted in this vote." in response.content.decode()
    assert list(_closed(vote).values_list("choices", flat=True)) == [[1]]


def test_an_open_vote_that_allows_changes_shows_the_ballot_and_replaces_it(client):
    vote = _vote(kind=VoteKind.MULTIPLE, max_choices=2, secret=False, allow_change=True)
    _login(client)
    client.post(reverse("voting:cast", args=[vote.pk]), {"choice": ["1", "3"]})
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert "Change my ballot" in page and 'value="1" checked' in page and 'value="3" checked' in page
    assert client.post(reverse("voting:cast", args=[vote.pk]), {"choice": ["2"]}).status_code == 302
    assert list(Ballot.objects.filter(vote=vote).values_list("choices", flat=True)) == [[2]]


def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_is_stored(client):
    vote = _vote()
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert "Please sign in to vote." in page
    response = client.post(reverse("voting:cast", args=[vote.pk]), {"choice": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _stored(vote) == (0, 0)


def test_casting_is_post_only(client):
    vote = _vote()
    _login(client)
    assert client.get(reverse("voting:cast", args=[vote.pk])).status_code == 405


def test_the_page_shows_eligibility_turnout_and_the_rule(client):
    vote = _vote(kind=VoteKind.BUDGET, costs={1: 60, 2: 50, 3: 10}, budget=100, budget_rule=BudgetRule.GREEDY_STOP,
                 min_age=19, districts=["jongno", "jung"])
    for _ in range(3):
        ResidentFactory(birth_year=1980, district="jung")
    ResidentFactory(birth_year=1980, district="gangnam")  # not eligible: district
    voter = _login(client)  # jongno, 1990
    services.cast_ballot(vote=vote, user=voter, choices=[3])
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert "Aged 19 or over." in page and "Living in:" in page
    assert "<strong data-live-turnout>1</strong> ballots of 4 people who may vote" in page
    assert "counting stops there" in page  # the greedy-stop rule in words


def test_the_pages_eligible_count_is_kept_a_minute_per_condition_and_the_quorum_counts_exactly(client):
    from django.core.cache import cache

    from voting.selectors import eligible_count, shown_eligible_count

    citywide, in_jung = _vote(), _vote(districts=["jung"])
    for _ in range(2):
        ResidentFactory(birth_year=1980, district="jung")
    ResidentFactory(birth_year=1980, district="gangnam")
    assert (shown_eligible_count(citywide), shown_eligible_count(in_jung)) == (3, 2)  # never shared
    ResidentFactory(birth_year=1980, district="jung")  # verified a moment later
    assert (shown_eligible_count(citywide), eligible_count(citywide)) == (3, 4)  # the page's, until it expires
    assert "of 3 people who may vote" in client.get(reverse("voting:detail", args=[citywide.pk])).content.decode()
    cache.clear()  # as after SHOWN_ELIGIBLE_SECONDS
    assert shown_eligible_count(citywide) == 4


# --- Results and receipts ----------------------------------------------------------------------------

def _tallied(vote, choices_by_voter):
    voters = []
    for choices in choices_by_voter:
        voter = ResidentFactory(birth_year=1990, gender="female", district="jongno")
        services.cast_ballot(vote=vote, user=voter, choices=choices)
        voters.append(voter)
    Vote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(seconds=1),
                                           opens_at=timezone.now() - timedelta(days=1))
    services.sweep_votes()
    vote.refresh_from_db()
    assert vote.state == VoteState.TALLIED
    return vote


def test_results_are_hidden_until_the_tally_then_published_with_the_rounds(client):
    vote = _vote(kind=VoteKind.RANKED, options=("Kim", "Lee", "Park"))
    services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[1])
    assert "The results are published after the close." in client.get(
        reverse("voting:results", args=[vote.pk])).content.decode()
    vote = _tallied(vote, [[2, 1]] * 2 + [[3, 2]] * 2 + [[1]] * 1)
    page = client.get(reverse("voting:results", args=[vote.pk])).content.decode()
    assert "Round by round" in page and "Exhausted ballots" in page
    assert "Winner: Lee" in page  # all tie at 2 in round 1; Park, listed last, goes first
    assert page.count('data-testid="result-row"') == 3


def test_budget_results_list_the_funded_projects_and_the_steps(client):
    vote = _vote(kind=VoteKind.BUDGET, costs={1: 60, 2: 50, 3: 10}, budget=100, budget_rule=BudgetRule.GREEDY)
    vote = _tallied(vote, [[1, 3]] * 3 + [[2]] * 2)
    assert vote.result["selected"] == [3, 1]  # 1 and 3 tie on votes: the cheaper first
    page = client.get(reverse("voting:results", args=[vote.pk])).content.decode()
    assert page.count("data-selected") == 2
    assert "2 projects funded, 70 of 100 won." in page
    assert "Does not fit the remaining budget" in page


def test_small_groups_are_suppressed_in_the_published_breakdown(client):
    vote = _vote()
    vote = _tallied(vote, [[1]] * 3)  # three ballots: every group is under 5
    page = client.get(reverse("voting:results", args=[vote.pk])).content.decode()
    assert "Who voted how" in page
    # a table whose every row would be suppressed is one line saying so, not a table of dashes
    assert page.count('data-testid="breakdown-hidden"') == 3  # age band, gender, district
    assert "Too few ballots to publish" not in page and 'id="breakdown-caption-' not in page


def test_a_published_breakdown_is_a_labelled_region_that_scrolls_by_keyboard(client):
    vote = _tallied(_vote(), [[1]] * 6)  # one group of six in each field: shown
    page = client.get(reverse("voting:results", args=[vote.pk])).content.decode()
    assert 'data-testid="breakdown-hidden"' not in page
    for field in ("age_band", "gender", "district"):
        assert (f'<div class="table-wrap" role="region" tabindex="0" aria-labelledby="breakdown-caption-{field}">'
                in page)
        assert f'<caption id="breakdown-caption-{field}"' in page


def test_a_voter_finds_their_receipt_after_the_close(client):
    vote = _vote()
    voter = _login(client)
    _ballot, code = services.cast_ballot(vote=vote, user=voter, choices=[1])
    before = client.post(reverse("voting:receipt", args=[vote.pk]), {"code": code}).content.decode()
    assert "published when the vote closes" in before and "receipt-found" not in before
    _tallied(vote, [])
    found = client.post(reverse("voting:receipt", args=[vote.pk]), {"code": code}).content.decode()
    assert 'data-testid="receipt-found"' in found
    missing = client.post(reverse("voting:receipt", args=[vote.pk]), {"code": code + "x"}).content.decode()
    assert 'data-testid="receipt-missing"' in missing
    # a code in the URL (which logs keep) is not read: the check is a POST
    by_url = client.get(reverse("voting:receipt", args=[vote.pk]), {"code": code}).content.decode()
    assert 'data-testid="receipt-found"' not in by_url and 'data-testid="receipt-missing"' not in by_url


def test_the_vote_page_shows_the_follow_ups_it_created(client):
    department = DepartmentFactory()
    vote = _vote(kind=VoteKind.BUDGET, costs={1: 60, 2: 50, 3: 10}, budget=100, budget_rule=BudgetRule.GREEDY,
                 department=department)
    _tallied(vote, [[1, 3]] * 2)
    page = client.get(reverse("voting:detail", args=[vote.pk])).content.decode()
    assert page.count('data-testid="follow-up"') == 2
    assert department.name in page and "The department has not answered yet." in page


# --- Who sees what -----------------------------------------------------------------------------------

ROLES = {
    "anonymous": None,
    "citizen": lambda: UserFactory(),
    "resident": lambda: ResidentFactory(),
    "moderator": lambda: ModeratorFactory(),
    "officer": lambda: OfficerFactory(),
    "facilitator": lambda: FacilitatorFactory(),
    "city_admin": lambda: UserFactory(role=Role.ADMIN),
    "staff": lambda: AdminFactory(),
}
MANAGERS = {"city_admin", "staff"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", [s.value for s in VoteState])
def test_who_sees_a_vote_in_each_state(client, role, state):
    author = ResidentFactory()
    vote = _vote(state=state, created_by=author)
    if ROLES[role]:
        _login(client, ROLES[role]())
    public = state in ("scheduled", "open", "closed", "tallied", "cancelled")
    expected = 200 if public or role in MANAGERS else 404
    for name in ("voting:detail", "voting:results", "voting:receipt"):
        assert client.get(reverse(name, args=[vote.pk])).status_code == expected, name
    listed = client.get(reverse("voting:list"), {"section": {"scheduled": "upcoming", "open": "open"}.get(
        state, "results")}).content.decode()
    assert (reverse("voting:detail", args=[vote.pk]) in listed) == (state in ("scheduled", "open", "closed",
                                                                               "tallied"))


@pytest.mark.parametrize("role", ROLES)
def test_who_may_cast_in_an_open_vote(client, role):
    vote = _vote()
    user = ROLES[role]() if ROLES[role] else None
    if user:
        _login(client, user)
    response = client.post(reverse("voting:cast", args=[vote.pk]), {"choice": "1"})
    may = user is not None and user.is_verified_resident
    assert response.status_code == (302 if may else 403 if user else 302)
    assert _stored(vote) == ((1, 1) if may else (0, 0))


def test_the_list_has_open_upcoming_and_results(client):
    open_vote = _vote()
    upcoming = _vote(state=VoteState.SCHEDULED)
    draft = _vote(state=VoteState.DRAFT)
    page = client.get(reverse("voting:list")).content.decode()
    assert reverse("voting:detail", args=[open_vote.pk]) in page
    assert reverse("voting:detail", args=[upcoming.pk]) not in page
    upcoming_page = client.get(reverse("voting:list"), {"section": "upcoming"}).content.decode()
    assert reverse("voting:detail", args=[upcoming.pk]) in upcoming_page
    assert reverse("voting:detail", args=[draft.pk]) not in upcoming_page


def test_live_results_are_on_the_page_only_where_the_vote_shows_them(client):
    hidden = _vote()
    live = _vote(live_results=True, secret=False)  # a secret vote shows the turnout only (test_live_secrecy.py)
    for vote in (hidden, live):
        for choice in (1, 1, 3):
            services.cast_ballot(vote=vote, user=ResidentFactory(), choices=[choice])
    page = client.get(reverse("voting:detail", args=[live.pk])).content.decode()
    assert 'data-live-count="1">2<' in page and 'data-live-count="3">1<' in page
    assert 'data-live-bar="1" style="width: 66.7%"' in page
    assert "data-live-count" not in client.get(reverse("voting:detail", args=[hidden.pk])).content.decode()


# --- Acceptance and quorum rules ----------------------------------------------------------------------

@pytest.mark.parametrize("acceptance, yes, no, abstain, passed", [
    ("majority", 3, 2, 10, True), ("majority", 2, 2, 0, False),
    ("absolute", 3, 2, 10, False), ("absolute", 6, 2, 3, True), ("absolute", 5, 2, 3, False),
    ("two_thirds", 4, 2, 0, True), ("two_thirds", 3, 2, 0, False), ("two_thirds", 0, 0, 5, False),
])
def test_a_yes_no_vote_passes_by_its_acceptance_rule(acceptance, yes, no, abstain, passed):
    vote = _vote(kind=VoteKind.YES_NO, options=("Yes", "No", "Abstain"), acceptance=acceptance)
    vote = _tallied(vote, [[1]] * yes + [[2]] * no + [[3]] * abstain)
    assert (vote.result["passed"], vote.result["acceptance"]) == (passed, acceptance)


def test_a_turnout_quorum_is_a_share_of_the_people_who_may_vote_at_the_close():
    # 8 verified residents of Jongno may vote (the voters included); 25% is 2 ballots.
    vote = _vote(kind=VoteKind.YES_NO, options=("Yes", "No", "Abstain"), quorum_percent=25, districts=["jongno"])
    for _ in range(6):
        ResidentFactory(district="jongno")
    ResidentFactory(district="mapo")  # may not vote: not counted
    tallied = _tallied(vote, [[1], [1]])  # two more Jongno residents vote: 8 may vote
    assert (tallied.result["eligible"], tallied.result["quorum_met"], tallied.result["passed"]) == (8, True, True)

    short = _vote(kind=VoteKind.YES_NO, options=("Yes", "No", "Abstain"), quorum_percent=25, districts=["jongno"])
    tallied = _tallied(short, [[1]])  # 1 of 9
    assert (tallied.result["eligible"], tallied.result["quorum_met"], tallied.result["passed"]) == (9, False, False)


def test_the_list_offers_proposing_a_vote_only_where_an_admin_allows_it(client):
    from voting.models import VotingSettings

    _login(client)
    assert reverse("voting:propose") not in client.get(reverse("voting:list")).content.decode()
    VotingSettings.objects.update_or_create(pk=1, defaults={"citizens_may_submit": True})
    page = client.get(reverse("voting:list")).content.decode()
    assert reverse("voting:propose") in page and reverse("voting:mine") in page
    client.force_login(AdminFactory())
    page = client.get(reverse("voting:list")).content.decode()
    assert reverse("voting:create") in page and reverse("voting:propose") not in page
