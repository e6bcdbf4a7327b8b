"""Greedy participatory-budget rules and the .pb format, on small instances worked by hand."""

from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.tally import pabulib
from voting.tally.budget import greedy

PB = """META
key;value
description;A small test budget
budget;100
vote_type;approval
PROJECTS
project_id;cost;votes;name
1;60;3;Trees
2;50;2;Benches
3;30;2;Lights
10;10;1;Signs
VOTES
voter_id;vote
a;1,2
b;1,3
c;1,3,2
d;10
"""


def test_a_pb_file_reads_budget_costs_and_ballots_and_writes_back_the_same():
    election = pabulib.read(PB)
    assert election.budget == 100
    assert election.costs() == {"1": 60, "2": 50, "3": 30, "10": 10}
    assert election.approvals() == [["1", "2"], ["1", "3"], ["1", "3", "2"], ["10"]]
    assert pabulib.read(pabulib.write(election)).approvals() == election.approvals()


def test_greedy_skips_what_no_longer_fits_and_greedy_stop_stops_there():
    election = pabulib.read(PB)
    skip = greedy(election.costs(), election.approvals(), election.budget)
    stop = greedy(election.costs(), election.approvals(), election.budget, stop_at_first_misfit=True)
    # Order: Trees (3 votes), then Lights (2 votes, cheaper than Benches), Benches (2), Signs (1).
    assert skip.selected == ["1", "3", "10"] and skip.spent == 100
    assert [s for _p, s in skip.steps] == ["selected", "selected", "does_not_fit", "selected"]
    assert stop.selected == ["1", "3"] and [s for _p, s in stop.steps][-1] == "not_reached"


def test_an_unknown_project_on_a_ballot_is_an_error_that_names_it():
    import pytest

    from django.utils import translation

    with translation.override("en"), pytest.raises(pabulib.PabulibError, match="unknown project 7"):
        pabulib.read(PB.replace("d;10", "d;7")).approvals()
    with translation.override("ko"), pytest.raises(pabulib.PabulibError, match="알 수 없는 사업 7"):  # Korean
        pabulib.read(PB.replace("d;10", "d;7")).approvals()


ballots_strategy = st.lists(st.lists(st.sampled_from(["1", "2", "3", "4", "5"]), max_size=5), max_size=40)
costs_strategy = st.fixed_dictionaries({p: st.integers(min_value=1, max_value=100) for p in "12345"})


@settings(max_examples=200, deadline=None)
@given(ballots=ballots_strategy, costs=costs_strategy, budget=st.integers(min_value=0, max_value=300),
       seed=st.randoms())
def test_greedy_never_exceeds_the_budget_and_ignores_the_order_of_ballots(ballots, costs, budget, seed):
    shuffled = list(ballots)
    seed.shuffle(shuffled)
    for stop in (False, True):
        outcome = greedy(costs, ballots, budget, stop_at_first_misfit=stop)
        assert outcome.spent == sum(costs[p] for p in outcome.selected) <= budget
        assert greedy(costs, shuffled, budget, stop_at_first_misfit=stop).selected == outcome.selected


def test_the_tally_command_prints_the_selected_ids_and_touches_no_database(tmp_path):
    """No django_db mark: pytest-django makes any database access in here an error."""
    import pytest
    from django.core.management import CommandError, call_command

    path = tmp_path / "small.pb"
    path.write_text(PB, encoding="utf-8")
    from io import StringIO

    from voting.tally.equal_shares import equal_shares

    election = pabulib.read(PB)
    mes = "".join(p + "\n" for p in equal_shares(election.costs(), election.approvals(), election.budget).selected)
    for rule, expected in (("greedy", "1\n3\n10\n"), ("greedy-stop", "1\n3\n"), ("mes", mes), ("approval", "1\n")):
        out = StringIO()
        call_command("tally", str(path), "--rule", rule, stdout=out)
        assert out.getvalue() == expected
    broken = tmp_path / "broken.pb"
    broken.write_text(PB.replace("d;10", "d;7"), encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError, match="unknown project 7"):
        call_command("tally", str(broken), "--rule", "greedy")
