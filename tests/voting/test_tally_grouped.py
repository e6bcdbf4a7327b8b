"""Grouped ballots ({ballot: number}) give the same outcome as one ballot per voter, and the fast MES
gives the same projects as the straightforward one it replaced (kept here as the reference)."""

import random
from collections import Counter
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.tally.budget import approval_counts, approval_winner, greedy, rank_key, weighted
from voting.tally.equal_shares import equal_shares, equal_shares_fixed
from voting.tally.ranked import group, instant_runoff


def reference_mes(costs: dict[str, int], ballots, voter_money: Fraction) -> list[str]:
    """MES as first written (one voter at a time, Fraction money): the definition the fast one must match."""
    supporters: dict[str, list[int]] = {pid: [] for pid in costs}
    for voter, ballot in enumerate(ballots):
        for pid in set(ballot):
            supporters[pid].append(voter)
    money = [Fraction(voter_money)] * len(ballots)
    order = rank_key(dict(approval_counts(ballots)), costs)
    remaining = {pid for pid in costs if supporters[pid] and costs[pid] > 0}
    selected = [pid for pid in sorted(costs, key=order) if costs[pid] == 0 and supporters[pid]]
    while True:
        best, best_key, best_price = None, None, None
        for pid in remaining.copy():
            cost = costs[pid]
            held = sorted(money[i] for i in supporters[pid])
            if sum(held) < cost:
                remaining.discard(pid)
                continue
            paid, left = Fraction(0), len(held)
            for have in held:
                price = (cost - paid) / left
                if have >= price:
                    break
                paid += have
                left -= 1
            key = (price / cost, order(pid))
            if best_key is None or key < best_key:
                best, best_key, best_price = pid, key, price
        if best is None:
            return selected
        selected.append(best)
        remaining.discard(best)
        for i in supporters[best]:
            money[i] -= min(money[i], best_price)


def random_election(rng: random.Random, *, projects=(1, 12), voters=(0, 60)):
    pids = [str(i) for i in range(rng.randint(*projects))]
    costs = {p: rng.choice([0] + [rng.randint(1, 12) * 10] * 6) for p in pids}  # round costs: many ties
    weights = [rng.random() for _ in pids]
    ballots = [list({rng.choices(pids, weights)[0] for _ in range(rng.randint(0, 5))})
               for _ in range(rng.randint(*voters))]
    return costs, ballots


@pytest.mark.parametrize("seed", range(300))
def test_the_fast_mes_buys_what_the_reference_buys_in_the_same_order(seed):
    rng = random.Random(seed)
    costs, ballots = random_election(rng)
    shares = [Fraction(rng.randint(0, 80)), Fraction(rng.randint(1, 900), rng.randint(1, 37))]
    if ballots:
        shares.append(Fraction(rng.randint(0, sum(costs.values())), len(ballots)))
    for share in shares:
        assert equal_shares_fixed(costs, ballots, share) == reference_mes(costs, ballots, share), share


@pytest.mark.parametrize("seed", range(20))
def test_the_fast_mes_matches_the_reference_with_many_money_classes(seed):
    """Hundreds of voters and 20-odd projects: many purchases split the voters into many classes."""
    rng = random.Random(1000 + seed)
    costs, ballots = random_election(rng, projects=(15, 25), voters=(150, 400))
    share = Fraction(rng.randint(1, 3000), rng.randint(1, 97))
    assert equal_shares_fixed(costs, ballots, share) == reference_mes(costs, ballots, share)


@pytest.mark.parametrize("seed", range(40))
def test_every_rule_gives_the_same_outcome_on_grouped_ballots(seed):
    rng = random.Random(2000 + seed)
    costs, ballots = random_election(rng, voters=(1, 60))
    grouped = Counter(tuple(b) for b in ballots)
    budget = rng.randint(0, sum(costs.values()) + 10)
    assert approval_counts(grouped) == approval_counts(ballots)
    assert approval_winner(costs, grouped) == approval_winner(costs, ballots)
    for stop in (False, True):
        a = greedy(costs, ballots, budget, stop_at_first_misfit=stop)
        b = greedy(costs, grouped, budget, stop_at_first_misfit=stop)
        assert (a.selected, a.steps, a.spent, a.votes) == (b.selected, b.steps, b.spent, b.votes)
    a, b = equal_shares(costs, ballots, budget), equal_shares(costs, grouped, budget)
    assert (a.selected, a.steps, a.spent, a.votes) == (b.selected, b.steps, b.spent, b.votes)


def test_weighted_counts_a_repeated_project_once_and_keeps_empty_ballots():
    assert weighted([["1", "1", "2"], ["2", "1"], []]) == Counter({frozenset({"1", "2"}): 2, frozenset(): 1})
    assert weighted({("1",): 3, ("1", "1"): 2, ("2",): 0}) == Counter({frozenset({"1"}): 5})


def test_add1_stops_when_only_projects_nobody_voted_for_would_still_fit():
    """A project without a vote is never bought at any share, so it must not keep the completion going
    (the first version looped for ever on this election)."""
    costs = {"a": 10, "b": 10, "nobody": 5, "free": 0}
    outcome = equal_shares(costs, [["a"], ["b"]], 100)
    assert outcome.selected == ["a", "b"] and outcome.spent == 20


@settings(max_examples=100, deadline=None)
@given(ballots=st.lists(st.lists(st.sampled_from("ABCD"), unique=True, max_size=4), max_size=50),
       copies=st.integers(min_value=1, max_value=4))
def test_instant_runoff_on_a_grouped_count_equals_the_count_of_repeated_ballots(ballots, copies):
    repeated = instant_runoff(list("ABCD"), group(ballots * copies))
    grouped = group(ballots)
    scaled = instant_runoff(list("ABCD"), Counter({r: n * copies for r, n in grouped.items()}))
    assert (repeated.winner, repeated.rounds, repeated.eliminated) == (scaled.winner, scaled.rounds, scaled.eliminated)


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["single", "multiple", "ranked", "budget"])
def test_the_web_tally_over_grouped_rows_equals_the_core_over_every_ballot(kind):
    """selectors.count groups identical ballots in SQL; the outcome is the core's over the ballots one by one,
    and the breakdowns add up to the ballots (an empty ballot included)."""
    import datetime

    from django.utils import timezone

    from voting.models import Ballot, Option, Vote
    from voting.selectors import count

    now = timezone.now()
    rng = random.Random(kind)
    costs = {p: rng.randint(1, 6) * 10 for p in range(1, 7)}
    budget = 100 if kind == "budget" else None
    vote = Vote.objects.create(title="t", question="?", kind=kind, state="closed", budget=budget,
                               budget_rule="mes" if kind == "budget" else "",
                               opens_at=now - datetime.timedelta(days=2), closes_at=now - datetime.timedelta(days=1))
    Option.objects.bulk_create([Option(vote=vote, position=p, label=str(p), cost=costs[p]) for p in costs])
    cast = [[rng.randint(1, 6)] if kind == "single" else rng.sample(range(1, 7), rng.randint(1, 4)) for _ in range(300)]
    cast.append([])
    cells = [(rng.choice(["18-29", "70+", ""]), rng.choice(["female", "male"]), rng.choice("abcdefg")) for _ in cast]
    Ballot.objects.bulk_create([Ballot(vote=vote, choices=c, receipt_hash=f"{i:064x}", age_band=a, gender=g, district=d)
                                for i, (c, (a, g, d)) in enumerate(zip(cast, cells))])
    result = count(vote)
    assert result["ballots"] == len(cast)
    assert result["counts"] == {str(p): sum(c.count(p) for c in cast) for p in costs}
    for index, field in enumerate(("age_band", "gender", "district")):
        groups = result["breakdown"][field]
        assert set(groups) == {cell[index] for cell in cells}
        for value, published in groups.items():
            mine = [c for c, cell in zip(cast, cells) if cell[index] == value]
            if not published.get("suppressed"):
                assert published == {"ballots": len(mine),
                                      "counts": {str(p): sum(c.count(p) for c in mine) for p in costs}}
    if kind == "ranked":
        outcome = instant_runoff([str(p) for p in costs], group([str(x) for x in c] for c in cast))
        assert result["rounds"] == outcome.rounds and result["winner"] == int(outcome.winner)
    if kind == "budget":
        outcome = equal_shares({str(p): c for p, c in costs.items()}, [[str(x) for x in c] for c in cast], 100)
        assert result["selected"] == [int(p) for p in outcome.selected] and result["steps"] == outcome.steps
