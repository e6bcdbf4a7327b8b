"""Instant-runoff over grouped rankings, and the BLT and CVR formats."""

from collections import Counter

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from voting.tally.ranked import RankedError, group, instant_runoff, read_blt, read_cvr, write_blt

BLT = """4 1
# a comment
-4
3 1 2 0
2 2 3 0
2 3 2 0
1 4 1 0
0
"Alice"
"Bob"
"Chen"
"Dora"
"Park committee"
"""


def test_a_blt_file_reads_weights_names_and_withdrawn_candidates_and_writes_back():
    election = read_blt(BLT)
    assert election.candidates == ["Alice", "Bob", "Chen"] and election.title == "Park committee"
    assert election.ballots == Counter({("Alice", "Bob"): 3, ("Bob", "Chen"): 2, ("Chen", "Bob"): 2,
                                        ("Alice",): 1})  # Dora withdrawn: her voter's next choice counts
    assert read_blt(write_blt(election)).ballots == election.ballots


def test_instant_runoff_publishes_every_round_and_transfers_to_the_next_continuing_choice():
    election = read_blt(BLT)
    outcome = instant_runoff(election.candidates, election.ballots)
    # Round 1: Alice 4, Bob 2, Chen 2 (of 8; no majority). Bob and Chen tie for fewest and tied in
    # every round so far: the one listed last (Chen) goes; his 2 ballots move to Bob.
    assert outcome.rounds[0] == {"Alice": 4, "Bob": 2, "Chen": 2}
    assert outcome.rounds[1] == {"Alice": 4, "Bob": 4}
    # Round 2: 4 to 4, still no majority; the tie for fewest goes back to round 1, where Bob had 2 to
    # Alice's 4: Bob goes and Alice wins alone.
    assert outcome.eliminated == ["Chen", "Bob"]
    assert outcome.winner == "Alice" and outcome.rounds[2] == {"Alice": 4} and outcome.exhausted[2] == 4


def test_a_cvr_skips_undervotes_and_overvotes_and_counts_a_repeat_once():
    text = ("ballot,1ST CHOICE MAYOR,2ND CHOICE MAYOR,3RD CHOICE MAYOR\n"
            "1,Hodges,Andrew,Samuels\n"
            "2,undervote,Andrew,Hodges\n"
            "3,Hodges,overvote,Andrew\n"
            "4,Samuels,Samuels,Hodges\n"
            "5,UWI,,\n")
    election = read_cvr(text)
    assert election.ballots == Counter({("Hodges", "Andrew", "Samuels"): 1, ("Andrew", "Hodges"): 1,
                                        ("Hodges", "Andrew"): 1, ("Samuels", "Hodges"): 1, ("Write-in",): 1})
    with pytest.raises(RankedError):
        read_cvr("id,name\n1,x\n")


names = ["A", "B", "C", "D"]
rankings = st.lists(st.lists(st.sampled_from(names), unique=True, max_size=4), min_size=1, max_size=60)


@settings(max_examples=200, deadline=None)
@given(ballots=rankings, seed=st.randoms())
def test_the_count_does_not_depend_on_the_order_of_the_ballots(ballots, seed):
    shuffled = list(ballots)
    seed.shuffle(shuffled)
    first, second = instant_runoff(names, group(ballots)), instant_runoff(names, group(shuffled))
    assert (first.winner, first.rounds, first.eliminated) == (second.winner, second.rounds, second.eliminated)
    if first.winner is not None:
        last = first.rounds[-1]
        assert last[first.winner] * 2 > sum(last.values()) or len(last) == 1


def test_the_tally_command_prints_every_round_and_the_winner(tmp_path):
    """No django_db mark: pytest-django makes any database access in here an error."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    path = tmp_path / "park.blt"
    path.write_text(BLT, encoding="utf-8")
    out = StringIO()
    call_command("tally", str(path), "--rule", "irv", stdout=out)
    assert out.getvalue().splitlines() == [
        "ballots 8: 0 rank no candidate, exhausted from round 1",
        "round 1: Alice 4, Bob 2, Chen 2 (exhausted 0)",
        "round 2: Alice 4, Bob 4 (exhausted 0)",
        "round 3: Alice 4 (exhausted 4)",
        "winner: Alice",
    ]
    out = StringIO()
    call_command("tally", str(path), "--rule", "plurality", stdout=out)
    assert out.getvalue().splitlines()[-1] == "winner: Alice"
    with pytest.raises(CommandError, match="counts .pb files"):
        call_command("tally", str(path), "--rule", "mes")


CVR_WITH_MARKS_ONLY = ("ballot,1ST CHOICE MAYOR,2ND CHOICE MAYOR,3RD CHOICE MAYOR\n"
                       "1,Hodges,Andrew,\n"
                       "2,Andrew,,\n"
                       "3,Hodges,,\n"
                       "4,overvote,overvote,undervote\n"  # only overvotes: no candidate at any rank
                       "5,undervote,,\n"  # nothing marked
                       "\n"  # an empty line: not a ballot
                       "6,,,\n")


def test_a_cvr_ballot_with_only_overvote_and_undervote_marks_is_exhausted_from_round_one():
    """US tabulators keep such ballots in the count: RCTab (the RCV Resource Center's tabulator,
    skip-to-next-rank overvote rule) records a ballot whose last marked rank is an overvote as
    inactive by exhausted choices, and a ballot ranking no one as inactive from round 1, both within
    the total number of ballots. They are not dropped: 6 ballots in, 6 ballots in every round."""
    election = read_cvr(CVR_WITH_MARKS_ONLY)
    assert sum(election.ballots.values()) == 6
    assert election.ballots[()] == 3
    assert (election.overvoted_only, election.blank) == (1, 2)
    outcome = instant_runoff(election.candidates, election.ballots)
    # Round 1: Hodges 2, Andrew 1 of the 3 ballots still counting: Hodges has more than half.
    assert outcome.rounds == [{"Hodges": 2, "Andrew": 1}] and outcome.winner == "Hodges"
    assert outcome.exhausted == [3]
    assert all(sum(counts.values()) + gone == 6 for counts, gone in zip(outcome.rounds, outcome.exhausted))


def test_a_blt_ballot_left_with_no_candidate_is_exhausted_from_round_one():
    """A ballot that ranks only a withdrawn candidate (or no one) still counts among the file's ballots."""
    text = BLT.replace("1 4 1 0\n", "1 4 1 0\n2 4 0\n1 0\n")
    election = read_blt(text)
    assert election.ballots[()] == 3 and sum(election.ballots.values()) == 11
    outcome = instant_runoff(election.candidates, election.ballots)
    assert outcome.exhausted[0] == 3 and sum(outcome.rounds[0].values()) == 8
    assert read_blt(write_blt(election)).ballots == election.ballots


def test_the_tally_command_counts_ballots_with_no_candidate_as_exhausted_and_says_how_many(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    path = tmp_path / "mayor.csv"
    path.write_text(CVR_WITH_MARKS_ONLY, encoding="utf-8")
    out = StringIO()
    call_command("tally", str(path), "--rule", "irv", stdout=out)
    assert out.getvalue().splitlines() == [
        "ballots 6: 3 rank no candidate (1 only overvotes, 2 blank), exhausted from round 1",
        "round 1: Hodges 2, Andrew 1 (exhausted 3)",
        "winner: Hodges",
    ]


@pytest.mark.parametrize("seats", [0, 2, 3])
def test_the_tally_command_refuses_a_blt_file_that_does_not_elect_one_seat(tmp_path, seats):
    """Instant-runoff elects one; a multi-seat file needs a named STV rule, which is not here."""
    from io import StringIO

    from django.core.management import CommandError, call_command
    from django.utils import translation

    path = tmp_path / "council.blt"
    path.write_text(BLT.replace("4 1\n", f"4 {seats}\n", 1), encoding="utf-8")
    out = StringIO()
    for rule in ("irv", "plurality"):
        with translation.override("en"), pytest.raises(CommandError, match=f"elects {seats} seats"):
            call_command("tally", str(path), "--rule", rule, stdout=out)
    assert out.getvalue() == ""  # no winner printed


def test_a_blt_ballot_line_with_a_negative_weight_is_refused():
    """A weight of -5 would take five ballots away from its first choice."""
    text = '2 1\n3 1 2 0\n-5 1 0\n0\n"Kim"\n"Lee"\n"Title"\n'
    with translation.override("en"), pytest.raises(RankedError, match="line 3"):
        read_blt(text)
