"""The vote lifecycle: scheduling, opening and closing by time (also after a restart), the tally."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import AdminFactory, ResidentFactory
from voting import services
from voting.models import Option, Vote
from voting.services import VoteError, cast_ballot
from voting.states import BudgetRule, VoteKind, VoteState

pytestmark = pytest.mark.django_db


def _vote(kind=VoteKind.SINGLE, labels=("Yes", "No", "Abstain"), costs=None, **fields):
    now = timezone.now()
    vote = Vote.objects.create(title="t", question="q", kind=kind, opens_at=now + timedelta(minutes=1),
                               closes_at=now + timedelta(hours=1), **fields)
    for position, label in enumerate(labels, start=1):
        Option.objects.create(vote=vote, position=position, label=label, cost=(costs or {}).get(position))
    return vote


def _run(vote, ballots):
    """Schedule, open by the sweep, cast, close by the sweep (which tallies); returns the vote."""
    admin = AdminFactory()
    services.schedule(vote=vote, actor=admin)
    assert services.sweep_votes(now=vote.opens_at) == 1
    for choices in ballots:
        Vote.objects.filter(pk=vote.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
        cast_ballot(vote=vote, user=ResidentFactory(), choices=choices)
    # The close passed while "the server was down": the sweep closes and tallies it late, once.
    assert services.sweep_votes(now=vote.closes_at + timedelta(hours=5)) == 2
    assert services.sweep_votes(now=vote.closes_at + timedelta(hours=6)) == 0
    return Vote.objects.get(pk=vote.pk)


def test_a_yes_no_vote_passes_on_more_yes_than_no_and_abstentions_only_count_for_turnout():
    vote = _run(_vote(kind=VoteKind.YES_NO, quorum=5), [[1], [1], [2], [3], [3]])
    assert vote.state == VoteState.TALLIED and vote.result["ballots"] == 5
    assert vote.result["counts"] == {"1": 2, "2": 1, "3": 2} and vote.result["passed"] is True


def test_a_yes_no_vote_without_its_quorum_does_not_pass():
    vote = _run(_vote(kind=VoteKind.YES_NO, quorum=10), [[1], [1], [2]])
    assert vote.result["quorum_met"] is False and vote.result["passed"] is False


def test_a_budget_vote_selects_by_its_rule():
    costs = {1: 60, 2: 50, 3: 30}
    ballots = [[1, 3], [1, 3], [2, 3]]  # votes: 3 three times, 1 twice, 2 once
    greedy_vote = _run(_vote(kind=VoteKind.BUDGET, labels="abc", costs=costs, budget=100,
                             budget_rule=BudgetRule.GREEDY), ballots)
    assert greedy_vote.result["selected"] == [3, 1] and greedy_vote.result["spent"] == 90
    assert greedy_vote.result["steps"][-1] == ["2", "does_not_fit"]


def test_a_ranked_vote_publishes_its_rounds():
    vote = _run(_vote(kind=VoteKind.RANKED, labels="abc"), [[1, 2], [2, 1], [3, 2], [2, 3], [1, 3]])
    # Round 1: a 2, b 2, c 1: c goes and its ballot moves to b, who wins 3 to 2.
    assert vote.result["rounds"] == [{"1": 2, "2": 2, "3": 1}, {"1": 2, "2": 3}]
    assert vote.result["eliminated"] == ["3"] and vote.result["winner"] == 2


def test_illegal_moves_and_late_changes_are_refused():
    vote = _vote()
    admin = AdminFactory()
    with pytest.raises(PermissionDenied):
        services.schedule(vote=vote, actor=ResidentFactory())
    assert services.tally(vote_id=vote.pk) is False  # a draft is not counted
    with pytest.raises(VoteError) as illegal:
        services.transition(vote, VoteState.TALLIED)
    assert illegal.value.code == "illegal_transition"
    services.schedule(vote=vote, actor=admin)
    with pytest.raises(VoteError) as refused:
        services.extend_close(vote=vote, actor=admin, closes_at=vote.closes_at - timedelta(minutes=5))
    assert refused.value.code == "not_later"
    later = vote.closes_at + timedelta(days=1)
    assert services.extend_close(vote=vote, actor=admin, closes_at=later).closes_at == later


def test_a_secret_vote_cannot_allow_changing_a_ballot():
    vote = _vote(secret=True, allow_change=True)
    with pytest.raises(VoteError) as refused:
        services.schedule(vote=vote, actor=AdminFactory())
    assert refused.value.code == "secret_change"


def test_breakdowns_come_from_the_ballots_cells_and_small_groups_are_suppressed_with_a_complement():
    from voting.models import Ballot
    from voting.selectors import breakdown

    vote = _vote()
    cells = ([("30-39", "female", "jongno")] * 6 + [("60-69", "male", "jongno")] * 5
             + [("18-29", "male", "mapo")] * 2)
    for i, (band, gender, district) in enumerate(cells):
        Ballot.objects.create(vote=vote, choices=[1 if i % 2 else 2], receipt_hash=f"h{i}", age_band=band,
                              gender=gender, district=district)
    options = {o.position: o for o in vote.options.all()}
    published = breakdown(vote, options)
    # Age: 18-29 has 2 (< 5) and would be the only one hidden, so the next smallest (60-69, 5) goes too.
    assert published["age_band"]["18-29"] == {"suppressed": True}
    assert published["age_band"]["60-69"] == {"suppressed": True}
    assert published["age_band"]["30-39"]["ballots"] == 6
    assert published["gender"]["male"]["ballots"] == 7 and published["gender"]["female"]["ballots"] == 6
    # District: only two groups, so hiding Mapo's 2 hides Jongno too (11 = 13 - 2 otherwise).
    assert published["district"] == {"jongno": {"suppressed": True}, "mapo": {"suppressed": True}}


def test_accepted_outcomes_go_to_the_departments_follow_up_queue():
    from proposals.models import FollowUp
    from tests.factories import DepartmentFactory

    department = DepartmentFactory()
    budget = _run(_vote(kind=VoteKind.BUDGET, labels=["Shade trees", "Benches", "Lights"], costs={1: 60, 2: 50, 3: 30},
                        budget=100, budget_rule=BudgetRule.GREEDY, department=department),
                  [[1, 3], [1, 3], [2, 3]])
    items = FollowUp.objects.filter(vote=budget).order_by("option_position")
    assert [(i.option_position, i.title, i.department) for i in items] == [
        (1, "Shade trees", department), (3, "Lights", department)]
    assert budget.result["follow_ups"] == 2 and all(i.due_at > budget.tallied_at for i in items)

    passed = _run(_vote(kind=VoteKind.YES_NO, department=department), [[1], [1], [2]])
    failed = _run(_vote(kind=VoteKind.YES_NO, department=department), [[2], [2], [1]])
    nowhere = _run(_vote(kind=VoteKind.YES_NO), [[1]])
    assert FollowUp.objects.filter(vote=passed).count() == 1
    assert not FollowUp.objects.filter(vote__in=[failed, nowhere]).exists()


def test_a_budget_vote_comes_from_a_pb_file_and_goes_back_to_one_that_counts_the_same(tmp_path):
    from django.core.management import call_command

    from voting.services import vote_from_pb, vote_to_pb
    from voting.tally import pabulib

    text = ("META\nkey;value\ndescription;Mapo parks 2027\nbudget;100\nvote_type;approval\nmax_length;2\n"
            "PROJECTS\nproject_id;cost;votes;name;category\nP1;60;2;Shade trees;parks\nP2;50;1;Benches;parks\n"
            "P3;30;3;Lights;safety\nVOTES\nvoter_id;vote\n1;P1,P3\n2;P1,P3\n3;P2,P3\n")
    now = timezone.now()
    vote = vote_from_pb(text=text, actor=AdminFactory(), opens_at=now + timedelta(minutes=1),
                        closes_at=now + timedelta(hours=1))
    assert (vote.kind, vote.budget, vote.max_choices, vote.title) == (VoteKind.BUDGET, 100, 2, "Mapo parks 2027")
    assert [(o.external_id, o.cost, o.category) for o in vote.options.all()] == [
        ("P1", 60, "parks"), ("P2", 50, "parks"), ("P3", 30, "safety")]
    vote = _run(vote, [[1, 3], [1, 3], [2, 3]])
    exported = vote_to_pb(vote)
    election = pabulib.read(exported)
    assert election.approvals() == [["P1", "P3"], ["P1", "P3"], ["P2", "P3"]]
    assert {pid for pid, row in election.projects.items() if row["selected"] == "1"} == {"P1", "P3"}
    path = tmp_path / "export.pb"
    path.write_text(exported, encoding="utf-8")
    from io import StringIO

    out = StringIO()
    call_command("tally", str(path), "--rule", "greedy", stdout=out)  # anyone can re-count the export
    assert out.getvalue().split() == ["P3", "P1"]
