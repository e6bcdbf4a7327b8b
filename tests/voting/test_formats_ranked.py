"""Ranked votes from and to the open formats: .blt export re-counted by `manage.py tally`, .blt / CVR import."""

import io
import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from tests.factories import AdminFactory, ResidentFactory
from voting import services
from voting.models import Option, Vote
from voting.states import VoteKind, VoteState
from voting.tally.ranked import RankedError, read_blt

pytestmark = pytest.mark.django_db


def tallied_ranked_vote(labels, ballots) -> Vote:
    now = timezone.now()
    vote = Vote.objects.create(title="Which square first", question="Rank them", kind=VoteKind.RANKED,
                               state=VoteState.OPEN, opens_at=now - timedelta(minutes=5),
                               closes_at=now + timedelta(hours=1))
    for position, label in enumerate(labels, start=1):
        Option.objects.create(vote=vote, position=position, label=label)
    for choices in ballots:
        services.cast_ballot(vote=vote, user=ResidentFactory(), choices=choices)
    assert services.sweep_votes(now=vote.closes_at + timedelta(seconds=1)) == 2
    return Vote.objects.get(pk=vote.pk)


def recount(tmp_path, text: str, suffix: str, rule: str) -> str:
    path = tmp_path / f"export{suffix}"
    path.write_text(text, encoding="utf-8")
    out = io.StringIO()
    call_command("tally", str(path), "--rule", rule, stdout=out)
    return out.getvalue()


def parse_irv(output: str) -> tuple[list[dict[str, int]], str]:
    rounds, winner = [], None
    for line in output.splitlines():
        if line.startswith("round "):
            counts = line.split(": ", 1)[1].rsplit(" (exhausted", 1)[0]
            rounds.append({m.group(1): int(m.group(2)) for m in re.finditer(r"([^,]+?) (\d+)(?:, |$)", counts)})
        elif line.startswith("winner: "):
            winner = line[len("winner: "):]
    return rounds, winner


def test_a_tallied_ranked_vote_exported_to_blt_recounts_to_the_same_rounds_and_winner(tmp_path):
    # Round 1: Plaza 4, Park 3, Pier 2, no majority; Pier goes and its ballots pass to Park, 5 to 4.
    ballots = [[1]] * 4 + [[2, 3]] * 3 + [[3, 2]] * 2
    vote = tallied_ranked_vote(["Plaza", "Park", "Pier"], ballots)
    label = {str(o.position): o.label for o in vote.options.all()}
    assert vote.result["winner"] == 2 and len(vote.result["rounds"]) == 2

    rounds, winner = parse_irv(recount(tmp_path, services.vote_to_blt(vote), ".blt", "irv"))

    assert winner == label[str(vote.result["winner"])] == "Park"
    assert rounds == [{label[p]: n for p, n in published.items()} for published in vote.result["rounds"]]


def test_the_blt_export_names_no_voter_and_keeps_the_candidate_order_for_the_tie_break():
    # A tie for fewest in every round goes to the candidate listed last: the export keeps the order.
    vote = tallied_ranked_vote(["Ann", "Bo", "Cy"], [[1], [2], [3], [1, 2]])
    election = read_blt(services.vote_to_blt(vote))
    assert election.candidates == ["Ann", "Bo", "Cy"] and election.title == "Which square first"
    assert sum(election.ballots.values()) == 4 and election.ballots[("Ann", "Bo")] == 1
    assert vote.result["eliminated"][0] == "3"  # Cy, listed last, among the tied


def test_labels_the_format_cannot_hold_are_made_safe_and_equal_labels_stay_apart():
    vote = tallied_ranked_vote(['The "Old" Mill', "Pier #2", "Park", "Park"], [[1, 2], [3], [4]])
    election = read_blt(services.vote_to_blt(vote))
    assert election.candidates == ["The 'Old' Mill", "Pier ＃2", "Park (3)", "Park (4)"]
    assert sum(election.ballots.values()) == 3


def blt(seats: int = 1) -> str:
    return f"""4 {seats}
-2
3 1 3 0
2 4 1 0
1 3 0
0
"Ann Lee"
"Withdrawn"
"Cy Park"
"Dee"
"Mayor 2026"
"""


def test_a_blt_file_makes_a_draft_ranked_vote_with_its_candidates_in_order():
    now = timezone.now()
    vote = services.vote_from_blt(text=blt(), actor=AdminFactory(), opens_at=now + timedelta(days=1),
                                  closes_at=now + timedelta(days=8))
    assert (vote.kind, vote.state, vote.title) == (VoteKind.RANKED, VoteState.DRAFT, "Mayor 2026")
    assert list(vote.options.values_list("position", "label")) == [(1, "Ann Lee"), (2, "Cy Park"), (3, "Dee")]
    assert not vote.ballots.exists()  # the file's ballots are for re-counting, not cast again


def test_a_multi_seat_blt_file_or_a_citizen_is_refused():
    now = timezone.now()
    times = {"opens_at": now + timedelta(days=1), "closes_at": now + timedelta(days=8)}
    with pytest.raises(RankedError):
        services.vote_from_blt(text=blt(seats=2), actor=AdminFactory(), **times)
    with pytest.raises(PermissionDenied):
        services.vote_from_blt(text=blt(), actor=ResidentFactory(), **times)
    with pytest.raises(PermissionDenied):
        services.vote_from_cvr(text="Rank 1,Rank 2\nAnn,Bo\n", actor=ResidentFactory(), **times)
    assert not Vote.objects.exists()


def test_a_cast_vote_record_makes_a_draft_ranked_vote_with_write_ins_as_one_candidate():
    cvr = ("ballot_id,1ST CHOICE MAYOR,2ND CHOICE MAYOR,3RD CHOICE MAYOR,precinct\n"
           "1,Betsy,overvote,UWI,P-1\n2,undervote,Mark,Betsy,P-2\n3,write-in,,Mark,P-3\n")
    now = timezone.now()
    vote = services.vote_from_cvr(text=cvr, actor=AdminFactory(), opens_at=now + timedelta(days=1),
                                  closes_at=now + timedelta(days=8), title="Mayor")
    assert vote.title == "Mayor" and vote.kind == VoteKind.RANKED and vote.state == VoteState.DRAFT
    assert list(vote.options.values_list("label", flat=True)) == ["Betsy", "Write-in", "Mark"]


def test_a_vote_exported_to_blt_imports_back_with_the_same_candidates():
    vote = tallied_ranked_vote(["Plaza", "Park", "Pier"], [[1, 2], [3]])
    now = timezone.now()
    again = services.vote_from_blt(text=services.vote_to_blt(vote), actor=AdminFactory(),
                                   opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    assert list(again.options.values_list("label", flat=True)) == ["Plaza", "Park", "Pier"]
    assert again.title == vote.title
