"""The Method of Equal Shares: hand-worked cases, and pabutools (GPL-3.0, installed --no-deps) as an oracle."""

import random
from fractions import Fraction

import pytest
from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
from pabutools.rules import method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from voting.tally.budget import approval_counts, rank_key
from voting.tally.equal_shares import equal_shares, equal_shares_fixed


def pabutools_mes(costs: dict[str, int], ballots, voter_money: Fraction) -> set[str]:
    """pabutools' MES with cost satisfaction at a given per-voter share (no completion)."""
    projects = {pid: Project(pid, cost) for pid, cost in costs.items()}
    instance = Instance(budget_limit=voter_money * len(ballots))
    instance.update(projects.values())
    profile = ApprovalProfile([ApprovalBallot([projects[p] for p in set(b)]) for b in ballots])
    ours = rank_key(dict(approval_counts(ballots)), costs)  # the same published tie-break as ours
    ties = TieBreakingRule(lambda _instance, _profile, project: ours(project.name))
    return {p.name for p in method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=ties)}


def test_a_majority_cannot_take_the_whole_budget():
    """Six voters want A-projects, four want B-projects: MES gives the four their share; greedy would not."""
    costs = {"A1": 40, "A2": 40, "A3": 40, "B1": 40, "B2": 40}
    ballots = [["A1", "A2", "A3"]] * 6 + [["B1", "B2"]] * 4
    # Each voter holds 12. A1 costs the six A-voters 6.67 each (rho 1/6), B1 the four B-voters 10 each
    # (rho 1/4): A1 first; then the A-voters hold 6 x 5.33 = 32 < 40, so A2 is out and B1 is bought.
    assert equal_shares_fixed(costs, ballots, Fraction(120, 10)) == ["A1", "B1"]
    # add1: at a share of 13 nothing changes; at 14 the A-voters keep 6 x 7.33 = 44 after A1 and buy A2
    # (rho 1/6 again) before B1; the 120 are spent and nothing more fits, so that is the outcome.
    outcome = equal_shares(costs, ballots, 120)
    assert outcome.selected == ["A1", "A2", "B1"] and outcome.spent == 120
    assert outcome.steps == [("share 12", "fits"), ("share 13", "fits"), ("share 14", "fits")]


def test_add1_raises_the_share_until_the_outcome_is_exhaustive():
    """Four voters, 100 to spend. At the real share of 25, x and y tie at rho 1/2 and y (cheaper) is
    bought; then x's supporters hold 25 + 10 < 50 and z's 25 + 10 < 60: only 30 spent. add1 raises the
    share a unit at a time: at 33, x's supporters hold 33 + 18 = 51 and buy x. 80 are spent and z (60)
    no longer fits, so it stops there."""
    costs = {"x": 50, "y": 30, "z": 60}
    ballots = [["x"], ["x", "y"], ["z"], ["y", "z"]]
    assert equal_shares_fixed(costs, ballots, Fraction(25)) == ["y"]
    assert equal_shares_fixed(costs, ballots, Fraction(32)) == ["y"]
    outcome = equal_shares(costs, ballots, 100)
    assert outcome.selected == ["y", "x"] and outcome.spent == 80
    assert outcome.steps[0] == ("share 25", "fits") and outcome.steps[-1] == ("share 33", "fits")
    assert len(outcome.steps) == 9  # 25, then 26 … 33


def test_add1_keeps_the_last_outcome_within_the_real_budget():
    """When a higher share would buy more than the budget holds, the previous outcome stands."""
    costs = {"a": 60, "b": 60}
    ballots = [["a"], ["a"], ["b"], ["b"]]  # at 25 each, a and b each cost their pair 30 each: 120 > 100
    outcome = equal_shares(costs, ballots, 100)
    assert outcome.spent <= 100 and outcome.steps[-1][1] == "over_budget"
    assert outcome.selected == []  # neither pair can pay 60 with 50, and both at once would cost 120


@pytest.mark.parametrize("seed", range(60))
def test_the_same_projects_as_pabutools_on_random_elections(seed):
    rng = random.Random(seed)
    projects = [str(i) for i in range(rng.randint(3, 9))]
    costs = {p: rng.randint(1, 12) * 10 for p in projects}  # round costs: plenty of ties to break
    ballots = [rng.sample(projects, rng.randint(1, len(projects))) for _ in range(rng.randint(5, 40))]
    budget = rng.randint(50, sum(costs.values()))
    share = Fraction(budget, len(ballots))
    assert set(equal_shares_fixed(costs, ballots, share)) == pabutools_mes(costs, ballots, share)
    for extra in (1, 2, 5):  # the shares add1 tries
        assert set(equal_shares_fixed(costs, ballots, Fraction(budget // len(ballots) + extra))) == pabutools_mes(
            costs, ballots, Fraction(budget // len(ballots) + extra))


@pytest.mark.parametrize("seed", range(20))
def test_add1_selects_what_pabutools_completion_selects_when_the_share_is_whole(seed):
    """pabutools' own completion (``voter_budget_increment=1``) starts at budget / n and adds 1: when
    that share is whole and every project has a vote, it tries the same shares as add1."""
    rng = random.Random(500 + seed)
    projects = [str(i) for i in range(rng.randint(3, 9))]
    costs = {p: rng.randint(1, 12) * 10 for p in projects}
    ballots = [[p] for p in projects] + [rng.sample(projects, rng.randint(1, len(projects)))
                                         for _ in range(rng.randint(5, 30))]
    budget = rng.randint(1, sum(costs.values()) // len(ballots) + 1) * len(ballots)
    instance_projects = {pid: Project(pid, cost) for pid, cost in costs.items()}
    instance = Instance(budget_limit=budget)
    instance.update(instance_projects.values())
    profile = ApprovalProfile([ApprovalBallot([instance_projects[p] for p in set(b)]) for b in ballots])
    ours = rank_key(dict(approval_counts(ballots)), costs)
    ties = TieBreakingRule(lambda _instance, _profile, project: ours(project.name))
    theirs = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, tie_breaking=ties, voter_budget_increment=1)
    assert set(equal_shares(costs, ballots, budget).selected) == {p.name for p in theirs}
