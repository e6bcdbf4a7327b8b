"""A vote's downloads over HTTP: results (JSON, CSV, breakdowns), anonymous ballots (.pb, .blt), receipts."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import AdminFactory, ResidentFactory
from tests.voting.factories import cast_all, close, make_vote
from voting import services
from voting.models import Vote
from voting.states import BudgetRule, VoteKind, VoteState

pytestmark = pytest.mark.django_db

FILES = ("results_json", "results_csv", "breakdown_csv", "export_pb", "export_blt", "receipts")


def get(client, name: str, vote, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(reverse(f"voting:{name}", args=[vote.pk]))


def recount(tmp_path, text: str, suffix: str, rule: str) -> list[str]:
    path = tmp_path / f"export{suffix}"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("tally", str(path), "--rule", rule, stdout=out)
    return out.getvalue().splitlines()


def rows(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # spreadsheets read Korean labels right
    return list(csv.DictReader(io.StringIO(text[1:])))


# --- round trips: the downloads re-count to the published outcome ---------------------------------------

def test_the_pb_download_of_a_tallied_budget_vote_recounts_to_the_selected_projects(client, tmp_path):
    vote = make_vote(kind=VoteKind.BUDGET, labels="abcd", costs={1: 60, 2: 50, 3: 30, 4: 20}, budget=100,
                     budget_rule=BudgetRule.GREEDY)
    cast_all(vote, [[1, 3], [1, 3], [2, 3], [2, 4], [1]])
    vote = close(vote)
    assert vote.result["selected"] == [3, 1]  # 3 and 1 tie on votes: the cheaper first

    response = get(client, "export_pb", vote)

    assert response.status_code == 200 and response["Content-Disposition"].endswith('.pb"')
    selected = recount(tmp_path, response.content.decode(), ".pb", "greedy")
    assert selected == [f"p{p}" for p in vote.result["selected"]]


def test_the_blt_download_of_a_tallied_ranked_vote_recounts_to_the_same_rounds_and_winner(client, tmp_path):
    vote = make_vote(kind=VoteKind.RANKED, labels=("Plaza", "Park", "Pier"))
    cast_all(vote, [[1]] * 4 + [[2, 3]] * 3 + [[3, 2]] * 2)
    vote = close(vote)

    lines = recount(tmp_path, get(client, "export_blt", vote).content.decode(), ".blt", "irv")

    assert lines == ["ballots 9: 0 rank no candidate, exhausted from round 1",
                     "round 1: Plaza 4, Park 3, Pier 2 (exhausted 0)", "round 2: Park 5, Plaza 4 (exhausted 0)",
                     "winner: Park"]
    assert vote.result["winner"] == 2 and vote.result["rounds"] == [{"1": 4, "2": 3, "3": 2}, {"1": 4, "2": 5}]


def test_ballot_downloads_of_an_open_vote_name_no_voter_and_keep_no_casting_order(client):
    first = make_vote(kind=VoteKind.BUDGET, labels="abc", costs={1: 10, 2: 10, 3: 10}, budget=30, secret=False)
    second = make_vote(kind=VoteKind.BUDGET, labels="abc", costs={1: 10, 2: 10, 3: 10}, budget=30, secret=False)
    ballots = [[3], [1, 2], [2], [1, 3]]
    cast_all(first, ballots)
    cast_all(second, list(reversed(ballots)))
    first, second = close(first), close(second)
    texts = [get(client, "export_pb", v).content.decode() for v in (first, second)]
    assert texts[0].split("VOTES")[1] == texts[1].split("VOTES")[1]  # the same file whatever the order cast
    voters = [b.voter for b in first.ballots.all()]
    assert all(v is not None for v in voters)  # not secret: the database knows them, the file does not
    for voter in voters:
        assert voter.email not in texts[0] and voter.display_name not in texts[0]


# --- the published result -------------------------------------------------------------------------------

def test_results_json_is_the_published_result_with_its_suppressed_cells(client):
    vote = make_vote(quorum=3)
    cast_all(vote, [[1]] * 5, district="jongno")
    cast_all(vote, [[2], [2]], district="jung")
    vote = close(vote)

    data = json.loads(get(client, "results_json", vote).content)

    assert data["final"] is True and data["result"] == vote.result
    assert data["result"]["breakdown"]["district"]["jung"] == {"suppressed": True}
    assert data["vote"]["rule"] == "plurality" and data["vote"]["quorum"] == 3
    assert [o["label"] for o in data["options"]] == ["Park", "Library", "Pool"]


def test_results_csv_has_one_row_per_option_with_the_votes_and_the_winner(client):
    vote = make_vote(kind=VoteKind.YES_NO, labels=("Yes", "No", "Abstain"), quorum=2)
    cast_all(vote, [[1], [1], [2]])
    table = rows(get(client, "results_csv", close(vote)))
    assert [(r["position"], r["label"], r["votes"], r["winner"]) for r in table] == [
        ("1", "Yes", "2", "1"), ("2", "No", "1", "0"), ("3", "Abstain", "0", "0")]
    assert {(r["ballots"], r["quorum"], r["quorum_met"], r["passed"], r["rule"]) for r in table} == {
        ("3", "2", "1", "1", "yes-no-majority")}


def test_results_csv_of_a_ranked_vote_has_the_rounds_and_the_exhausted_ballots(client):
    vote = make_vote(kind=VoteKind.RANKED, labels=("Plaza", "Park", "Pier"))
    cast_all(vote, [[1]] * 4 + [[2]] * 3 + [[3, 2]] * 2 + [[3]])
    table = rows(get(client, "results_csv", close(vote)))
    assert [(r["label"], r["round_1"], r["round_2"]) for r in table] == [
        ("Plaza", "4", "4"), ("Park", "3", "5"), ("Pier", "3", ""), ("exhausted", "0", "1")]


def test_results_csv_of_a_budget_vote_has_the_steps_and_a_label_cannot_be_a_formula(client):
    vote = make_vote(kind=VoteKind.BUDGET, labels=("=HYPERLINK(1)", "b", "c"), costs={1: 60, 2: 50, 3: 30},
                     budget=100, budget_rule=BudgetRule.GREEDY)
    cast_all(vote, [[1, 3], [1, 3], [2, 3]])
    table = rows(get(client, "results_csv", close(vote)))
    assert table[0]["label"] == "'=HYPERLINK(1)"
    assert [(r["project_id"], r["selected"], r["step"], r["step_outcome"]) for r in table] == [
        ("p1", "1", "2", "selected"), ("p2", "0", "3", "does_not_fit"), ("p3", "1", "1", "selected")]


def test_breakdown_csv_keeps_suppressed_groups_suppressed(client):
    vote = make_vote()
    cast_all(vote, [[1]] * 5, district="jongno")
    cast_all(vote, [[2]], district="jung")
    cast_all(vote, [[3]], district="mapo")  # two small groups: neither can be worked out from the total
    table = rows(get(client, "breakdown_csv", close(vote)))
    district = [r for r in table if r["field"] == "district"]
    assert [(r["group"], r["suppressed"], r["ballots"], r["votes"]) for r in district if r["group"] == "jung"] == [
        ("jung", "1", "", "")]
    assert ("jongno", "0", "5", "1", "5") in {(r["group"], r["suppressed"], r["ballots"], r["position"], r["votes"])
                                                 for r in district}


def test_an_open_vote_with_live_results_exports_its_counts_so_far_and_nothing_else(client):
    vote = make_vote(live_results=True, secret=False)  # a secret one exports nothing while open
    cast_all(vote, [[1], [3]])
    data = json.loads(get(client, "results_json", vote).content)
    assert data["final"] is False and data["result"] == {"ballots": 2, "counts": {"1": 1, "2": 0, "3": 1}}
    table = rows(get(client, "results_csv", vote))
    assert [r["votes"] for r in table] == ["1", "0", "1"] and "winner" not in table[0]
    for name in ("breakdown_csv", "receipts", "export_pb", "export_blt"):
        assert get(client, name, vote).status_code == 404


def test_an_open_vote_without_live_results_exports_nothing_even_to_staff(client):
    vote = make_vote(live_results=False)
    cast_all(vote, [[1]])
    for name in FILES:
        assert get(client, name, vote, user=AdminFactory()).status_code == 404


# --- who may download what, and when --------------------------------------------------------------------

@pytest.mark.parametrize("who", ["anonymous", "citizen", "staff"])
def test_everyone_downloads_a_tallied_votes_results_and_receipts(client, who):
    vote = make_vote(kind=VoteKind.RANKED)
    cast_all(vote, [[1, 2], [2]])
    vote = close(vote)
    user = {"anonymous": None, "citizen": ResidentFactory(), "staff": AdminFactory()}[who]
    for name in ("results_json", "results_csv", "breakdown_csv", "export_blt", "receipts"):
        assert get(client, name, vote, user=user).status_code == 200, name
    assert get(client, "export_pb", vote, user=user).status_code == 404  # not a budget vote


@pytest.mark.parametrize("state", [VoteState.DRAFT, VoteState.SUBMITTED, VoteState.CANCELLED, VoteState.SCHEDULED])
def test_a_vote_not_run_has_no_downloads_for_anyone(client, state):
    vote = make_vote(live_results=True)
    Vote.objects.filter(pk=vote.pk).update(state=state)
    for user in (None, ResidentFactory(), AdminFactory()):
        for name in FILES:
            assert get(client, name, vote, user=user).status_code == 404, (name, user)


def test_receipts_are_published_after_the_close_sorted_with_each_voters_hash(client):
    vote = make_vote()
    codes = cast_all(vote, [[1], [2], [3]])
    assert get(client, "receipts", vote).status_code == 404  # open: not yet
    response = get(client, "receipts", close(vote))
    hashes = response.content.decode().split()
    assert response["Content-Type"].startswith("text/plain")
    assert hashes == sorted(hashes) and set(hashes) == {services.receipt_hash(vote.pk, c) for c in codes}


def test_downloads_are_read_only(client):
    vote = close(make_vote())
    assert client.post(reverse("voting:results_csv", args=[vote.pk])).status_code == 405
