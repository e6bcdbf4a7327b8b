"""Known answers: real elections whose official outcomes are published, from PyPI source distributions.

The Łódź 2020 participatory budgets (abcvoting 2.19.2's test data, official outcome in the files'
``selected`` column; Łódź decides by greedy) and the Minneapolis 2013 mayoral cast-vote record
(votekit 3.5.0's example data; official final round Hodges 38,870, Andrew 24,972). Downloaded at
set-up with ``pip download --no-deps --no-binary :all:`` from the package registry, never committed.
"""

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command

from voting.tally import pabulib
from voting.tally.budget import greedy
from voting.tally.ranked import instant_runoff, read_cvr

SOURCES = {"abcvoting==2.19.2": "abcvoting-2.19.2.tar.gz", "votekit==3.5.0": "votekit-3.5.0.tar.gz"}


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("published")
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-q",
                    "--disable-pip-version-check", "-d", str(where), *SOURCES], check=True, timeout=600)
    with tarfile.open(where / SOURCES["abcvoting==2.19.2"]) as archive:
        archive.extractall(where, members=[m for m in archive.getmembers() if "poland_lodz_2020" in m.name],
                           filter="data")
    minneapolis = "votekit-3.5.0/examples/data/mn_2013_cast_vote_record.csv"
    with tarfile.open(where / SOURCES["votekit==3.5.0"]) as archive:
        archive.extractall(where, members=[archive.getmember(minneapolis)], filter="data")
    return where


def test_lodz_2020_greedy_selects_exactly_the_official_projects(published):
    files = sorted(published.glob("abcvoting-2.19.2/tests/data/poland_lodz_2020_*.pb"))
    assert len(files) == 3
    for path in files:
        election = pabulib.read(path.read_text(encoding="utf-8-sig"))
        assert election.meta["rule"] == "greedy"
        official = {pid for pid, row in election.projects.items() if row["selected"] == "1"}
        outcome = greedy(election.costs(), election.approvals(), election.budget)
        assert set(outcome.selected) == official, path.name


def test_minneapolis_2013_final_round_is_the_official_one(published, capsys):
    path = published / "votekit-3.5.0/examples/data/mn_2013_cast_vote_record.csv"
    election = read_cvr(path.read_text(encoding="utf-8-sig"))
    outcome = instant_runoff(election.candidates, election.ballots)
    assert outcome.winner == "BETSY HODGES"
    assert outcome.rounds[-1] == {"BETSY HODGES": 38_870, "MARK ANDREW": 24_972}
    # Every one of the file's 80,101 ballots is in every round: 686 name no candidate (47 only overvotes,
    # 639 blank) and are exhausted from round 1 instead of dropped.
    assert sum(election.ballots.values()) == 80_101 and (election.overvoted_only, election.blank) == (47, 639)
    assert all(sum(counts.values()) + gone == 80_101 for counts, gone in zip(outcome.rounds, outcome.exhausted))
    assert outcome.exhausted[0] == 686
    call_command("tally", str(path), "--rule", "irv")  # the command prints the same final round
    assert "BETSY HODGES 38870, MARK ANDREW 24972" in capsys.readouterr().out


@pytest.mark.django_db
def test_lodz_2020_imported_as_past_elections_publish_the_official_projects(published, client):
    """Each Łódź 2020 file becomes a vote with its ballots, counted by the web tally: the results page
    and the vote's .pb download show exactly the official projects."""
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import AdminFactory
    from voting import services

    admin, now = AdminFactory(), timezone.now()
    for path in sorted(published.glob("abcvoting-2.19.2/tests/data/poland_lodz_2020_*.pb")):
        text = path.read_text(encoding="utf-8-sig")
        election = pabulib.read(text)
        official = {pid for pid, row in election.projects.items() if row["selected"] == "1"}
        vote = services.election_from_pb(text=text, actor=admin, opens_at=now - timedelta(days=30),
                                         closes_at=now - timedelta(days=1))
        ids = {o.position: o.external_id for o in vote.options.all()}
        assert vote.state == "tallied" and vote.result["ballots"] == len(election.votes), path.name
        assert {ids[p] for p in vote.result["selected"]} == official, path.name
        recounted = pabulib.read(services.vote_to_pb(vote))
        assert {pid for pid, row in recounted.projects.items() if row["selected"] == "1"} == official
        page = client.get(f"/votes/{vote.pk}/results/").content.decode()
        assert page.count("data-selected") == len(official)
