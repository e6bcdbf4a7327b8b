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
    # (rho 1/6 again) before B1: the 120 are spent. Shares 15-19 buy the same; at 20 the A-voters keep
    # 6 x 6.67 = 40 after A1 and A2 and buy A3, the B-voters 4 x 10 = 40 after B1 and buy B2: 200 > 120.
    outcome = equal_shares(costs, ballots, 120)
    assert outcome.selected == ["A1", "A2", "B1"] and outcome.spent == 120
    assert outcome.steps == [(f"share {share}", "fits") for share in range(12, 20)] + [("share 20", "over_budget")]


def test_add1_raises_the_share_while_the_outcome_fits_the_budget():
    """Four voters, 100 to spend. At the real share of 25, x and y tie at rho 1/2 and y (cheaper) is
    bought; then x's supporters hold 25 + 10 < 50 and z's 25 + 10 < 60: only 30 spent. add1 raises the
    share a unit at a time: at 33, x's supporters hold 33 + 18 = 51 and buy x: 80 spent, and z (60) no
    longer fits the 20 left, but the count goes on while the outcome fits. z is out of reach of its two
    supporters until their shares reach 60 together: at 38 they hold 38 + 23 = 61 and buy it after y
    and x: 140 > 100, so share 37's {y, x} stands. Shares 26-28 are not computed: below 30 neither x
    (2 voters x 25 = 50) nor z (60) can be afforded by its supporters, so no outcome there can differ
    in a way that ends the count."""
    costs = {"x": 50, "y": 30, "z": 60}
    ballots = [["x"], ["x", "y"], ["z"], ["y", "z"]]
    assert equal_shares_fixed(costs, ballots, Fraction(25)) == ["y"]
    assert equal_shares_fixed(costs, ballots, Fraction(32)) == ["y"]
    assert equal_shares_fixed(costs, ballots, Fraction(33)) == ["y", "x"]
    assert equal_shares_fixed(costs, ballots, Fraction(37)) == ["y", "x"]
    assert set(equal_shares_fixed(costs, ballots, Fraction(38))) == {"x", "y", "z"}
    outcome = equal_shares(costs, ballots, 100)
    assert outcome.selected == ["y", "x"] and outcome.spent == 80
    assert outcome.steps[0] == ("share 25", "fits") and outcome.steps[1] == ("share 29", "fits")
    assert outcome.steps[-2:] == [("share 37", "fits"), ("share 38", "over_budget")]


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


def official_add1(costs: dict[str, int], ballots, budget: int) -> tuple[set[str], tuple[str, str]]:
    """The official add1 completion, share by share, over pabutools' completion-free MES: the projects
    funded and the last share tried."""
    voted = {p for p in costs if any(p in b for b in ballots)}
    chosen = pabutools_mes(costs, ballots, Fraction(budget, len(ballots)))
    share, last = budget // len(ballots), (f"share {Fraction(budget, len(ballots))}", "fits")
    while not voted <= chosen:
        share += 1
        attempt = pabutools_mes(costs, ballots, Fraction(share))
        if sum(costs[p] for p in attempt) > budget:
            return chosen, (f"share {share}", "over_budget")
        chosen, last = attempt, (f"share {share}", "fits")
    return chosen, last


@pytest.mark.parametrize("seed", range(40))
def test_add1_selects_what_the_official_completion_over_pabutools_mes_selects(seed):
    """pabutools' own completion (``voter_budget_increment=1``) stops at the first exhaustive outcome,
    which the official count does not (the test below), so it is no oracle for add1 any more; its
    completion-free MES still is, run share by share by ``official_add1``. This also checks that the
    shares add1 skips change nothing: the last share tried is the same."""
    rng = random.Random(500 + seed)
    projects = [str(i) for i in range(rng.randint(3, 8))]
    costs = {p: rng.randint(1, 12) * 10 for p in projects}
    ballots = [rng.sample(projects, rng.randint(1, len(projects))) for _ in range(rng.randint(4, 25))]
    budget = rng.randint(1, sum(costs.values()))
    outcome = equal_shares(costs, ballots, budget)
    selected, last = official_add1(costs, ballots, budget)
    assert (set(outcome.selected), outcome.steps[-1]) == (selected, last)
    assert outcome.spent <= budget

def test_add1_goes_on_past_an_exhaustive_outcome_while_the_outcome_fits_the_budget():
    """The official add1 (Wieliczka 2023): raise every voter's share by one unit while the outcome
    stays within the budget and keep the last that fits; stopping at the first exhaustive outcome
    funds a different, cheaper set.

    Five voters, 130 to spend, so the share starts at 26. Voters 1-3 vote X (90), voters 1-2 also Y
    (40); voter 4 votes W (10), voter 5 votes T (27). With cost utilities a project's rho is its
    highest payment per unit of cost: 1/3 for X (three payers), 1/2 for Y, 1 for W and T.

    - Share 26: X is out of reach (3 x 26 = 78 < 90). Y costs voters 1-2 20 each (rho 1/2), W
      costs voter 4 10; T needs 27 from voter 5, who has 26. {Y, W} = 50 spent, and T still fits.
    - Share 27: T too: {Y, W, T} = 77. Exhaustive: the 53 left cannot pay X (90). The early-stop
      completion ends here.
    - Shares 28, 29: the same {Y, W, T}; within the budget, so go on.
    - Share 30: X is affordable (3 x 30 = 90) and its rho 1/3 is the best: voters 1-3 pay 30 each
      and have nothing left for Y. W and T follow (rho 1 each; W is cheaper). {X, W, T} = 127 <= 130.
    - Shares 31-49: voters 1-2 keep share - 30 each after X, less than Y's 40 together: still
      {X, W, T}.
    - Share 50: 2 x 20 = 40 buys Y after X: {X, Y, W, T} = 167 > 130. Stop; keep share 49's outcome.
    """
    costs = {"X": 90, "Y": 40, "W": 10, "T": 27}
    ballots = [["X", "Y"], ["X", "Y"], ["X"], ["W"], ["T"]]
    assert equal_shares_fixed(costs, ballots, Fraction(27)) == ["Y", "W", "T"]
    assert equal_shares_fixed(costs, ballots, Fraction(30)) == ["X", "W", "T"]
    assert equal_shares_fixed(costs, ballots, Fraction(49)) == ["X", "W", "T"]
    assert equal_shares_fixed(costs, ballots, Fraction(50)) == ["X", "Y", "W", "T"]
    for share, bought in ((27, {"Y", "W", "T"}), (30, {"X", "W", "T"}), (49, {"X", "W", "T"}), (50, set(costs))):
        assert pabutools_mes(costs, ballots, Fraction(share)) == bought  # the hand count, checked
    # pabutools' own completion stops at the exhaustive share 27, as the early-stop completion did.
    projects = {pid: Project(pid, cost) for pid, cost in costs.items()}
    instance = Instance(budget_limit=130)
    instance.update(projects.values())
    profile = ApprovalProfile([ApprovalBallot([projects[p] for p in b]) for b in ballots])
    theirs = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
    assert {p.name for p in theirs} == {"Y", "W", "T"}
    outcome = equal_shares(costs, ballots, 130)
    assert outcome.selected == ["X", "W", "T"] and outcome.spent == 127
    assert outcome.steps[-1] == ("share 50", "over_budget")
    assert outcome.steps[-2] == ("share 49", "fits")


def test_add1_jumps_over_shares_where_nothing_could_end_the_count():
    """A project far out of reach of its few supporters would keep add1 running one MES per unit for
    a billion units. Until its voter's share covers it, the projects within reach (a, b: 20) fit the
    budget and one project with a vote is unfunded, so no share can end the count: add1 computes
    only the last of those shares, then the first at which big can be bought (and overspends)."""
    costs = {"a": 10, "b": 10, "big": 10**9}
    outcome = equal_shares(costs, [["a"], ["b"], ["big"]], 30)
    assert outcome.selected == ["a", "b"] and outcome.spent == 20
    assert outcome.steps == [("share 10", "fits"), ("share 999999999", "fits"), ("share 1000000000", "over_budget")]
