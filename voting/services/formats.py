"""Votes to and from the open formats: a participatory budget from a .pb file and back to one; a ranked
vote from a .blt file or a cast-vote-record CSV, and back to a .blt file.

A .pb file gives the projects (id, cost, name, category), the budget and the approval ballots of a
published election. ``vote_from_pb`` creates a draft budget vote with those projects (the ballots
of a past election are for checking the count with ``manage.py tally``, not for casting again), and
``vote_to_pb`` writes any budget vote with its ballots, as pabulib publishes elections (the ballots
carry no voter: the voter ids number them in a canonical order, by their choices, never in the
order they were cast, which could be matched with the voter roll).
"""

import io
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from imports.registry import ErrorList

from .. import rules
from ..models import Ballot, Option, Vote
from ..states import BudgetRule, VoteKind, VoteState
from ..tally import pabulib, ranked
from .ballots import receipt_hash
from .lifecycle import VoteError, tally


Source = Callable[[], Iterable[str]]
Progress = Callable[[int, int | None], None]
BALLOT_BATCH = 5000


def _no_progress(done: int, total: int | None) -> None:
    return None


def _source(text: str | None, source: Source | None) -> Source:
    if source is not None:
        return source
    body = (text or "").lstrip("\ufeff")
    return lambda: io.StringIO(body)


def _head(source: Source) -> pabulib.Election:
    """META and PROJECTS, read until the VOTES section starts (a .pb file lists them in that order)."""
    election = pabulib.Election()
    for section, _line, header, cells in pabulib.rows(source()):
        if section == "VOTES":
            break
        if not cells:
            if section == "PROJECTS":
                election.project_columns = header
        elif section == "META":
            election.meta[cells[0]] = cells[1] if len(cells) > 1 else ""
        else:
            record = dict(zip(header, cells))
            election.projects[record[header[0]]] = record
    if not election.projects:
        raise pabulib.PabulibError(_("no PROJECTS section"))
    return election


def _approvals(source: Source) -> Iterator[tuple[int, str, list[str]]]:
    """(line, voter id, chosen project ids in the order written) for each row of VOTES, read incrementally."""
    for section, line, header, cells in pabulib.rows(source()):
        if section == "VOTES" and cells:
            record = dict(zip(header, cells))
            yield line, record.get("voter_id", ""), [p.strip() for p in (record.get("vote") or "").split(",")
                                                     if p.strip()]


@transaction.atomic
def vote_from_pb(*, actor, opens_at: datetime, closes_at: datetime, rule: str = BudgetRule.GREEDY,
                 text: str | None = None, source: Source | None = None, head: pabulib.Election | None = None) -> Vote:
    """A draft budget vote with the file's projects and budget; the file is read up to its VOTES."""
    if not rules.may_manage(actor):
        raise PermissionDenied(_("Only staff can create votes."))
    election = head or _head(_source(text, source))
    costs = election.costs()
    meta = election.meta
    vote = Vote.objects.create(
        title=(meta.get("description") or meta.get("unit") or "Participatory budget")[:160],
        question=(meta.get("description") or "")[:300], kind=VoteKind.BUDGET, budget=election.budget,
        budget_rule=rule, opens_at=opens_at, closes_at=closes_at, created_by=actor,
        max_choices=int(meta["max_length"]) if meta.get("max_length", "").isdigit() else None)
    Option.objects.bulk_create([
        Option(vote=vote, position=position, label=(row.get("name") or pid)[:200], cost=costs[pid],
               category=(row.get("category") or "")[:80], external_id=pid[:64])
        for position, (pid, row) in enumerate(election.projects.items(), start=1)])
    return vote


def _check_ballots(source: Source, projects: dict, progress: Progress) -> int:
    """Every ballot's projects are known (else every bad line, up to 50, is refused); the number of ballots."""
    errors, count = ErrorList(), 0
    for line, voter, chosen in _approvals(source):
        count += 1
        unknown = [p for p in chosen if p not in projects]
        if unknown:
            errors.add(_("line %(line)d: %(problem)s") % {"line": line, "problem": _(
                "voter %(voter)s: unknown project %(project)s") % {"voter": voter, "project": unknown[0]}})
        if count % BALLOT_BATCH == 0:
            progress(count, None)
    if errors:
        raise pabulib.PabulibError("\n".join(errors.messages()))
    return count


def check_past(*, closes_at: datetime) -> None:
    """A past election's close is in the past (asked by the form before its file is queued, and again here)."""
    if closes_at > timezone.now():
        raise VoteError(_("A past election closed in the past: set its times as they were."), code="not_past")


@transaction.atomic
def election_from_pb(*, actor, opens_at: datetime, closes_at: datetime, rule: str = BudgetRule.GREEDY,
                     department=None, text: str | None = None, source: Source | None = None,
                     progress: Progress = _no_progress) -> Vote:
    """A past participatory budget with its ballots (paper ballots, or an election held elsewhere),
    published as counted by the platform's rule, so its result and its file sit with the city's votes.

    The one vote that starts closed: its ballots were cast outside the platform, so it never opens
    here. It is created with its projects as ``vote_from_pb`` makes them, its approval ballots (no
    voter, no roll, no demographic cells) and then tallied like any closed vote, handing accepted
    projects to ``department`` if one is given. Its times must be in the past. The file is read
    twice, a row at a time: to check every ballot (nothing is stored if one names an unknown project),
    then to store the ballots in batches.
    """
    check_past(closes_at=closes_at)
    source = _source(text, source)
    head = _head(source)
    total = _check_ballots(source, head.projects, progress)  # before anything is stored
    vote = vote_from_pb(actor=actor, opens_at=opens_at, closes_at=closes_at, rule=rule, head=head)
    positions = {pid: position for position, pid in enumerate(head.projects, start=1)}  # as vote_from_pb numbers them
    cast_on = timezone.localdate(closes_at)
    batch, number = [], 0
    for _line, _voter, chosen in _approvals(source):
        number += 1
        batch.append(Ballot(vote=vote, choices=list(dict.fromkeys(positions[p] for p in chosen)), cast_on=cast_on,
                            receipt_hash=receipt_hash(vote.pk, f"imported-{number}")))
        if len(batch) == BALLOT_BATCH:
            Ballot.objects.bulk_create(batch)
            batch = []
            progress(number, total)
    Ballot.objects.bulk_create(batch)
    progress(number, total)
    Vote.objects.filter(pk=vote.pk).update(state=VoteState.CLOSED, department=department, secret=True)
    tally(vote_id=vote.pk)
    vote.refresh_from_db()
    return vote


def vote_to_pb(vote: Vote) -> str:
    """The .pb text of a budget vote: META, PROJECTS (with votes and, once tallied, selected), VOTES."""
    options = list(vote.options.order_by("position"))
    ids = {o.position: o.external_id or str(o.position) for o in options}
    # In a canonical order, not the order cast: that order could be matched with the voter roll's.
    ballots = sorted(Ballot.objects.filter(vote=vote).values_list("choices", flat=True), key=lambda c: sorted(c))
    votes = {p: 0 for p in ids}
    for choices in ballots:
        for p in choices:
            votes[p] = votes.get(p, 0) + 1
    selected = set(vote.result.get("selected", [])) if vote.result else set()
    election = pabulib.Election(
        meta={"description": vote.title, "country": "South Korea", "unit": "Seoul", "instance": str(vote.opens_at.year),
              "num_projects": str(len(options)), "num_votes": str(len(ballots)), "budget": str(vote.budget),
              "vote_type": "approval", "rule": vote.budget_rule or "greedy",
              "date_begin": vote.opens_at.strftime("%d.%m.%Y"), "date_end": vote.closes_at.strftime("%d.%m.%Y")},
        project_columns=["project_id", "cost", "votes", "name", "category", "selected"],
        projects={ids[o.position]: {"project_id": ids[o.position], "cost": str(o.cost), "votes": str(votes[o.position]),
                                    "name": o.label, "category": o.category,
                                    "selected": "1" if o.position in selected else "0"} for o in options},
        vote_columns=["voter_id", "vote"],
        votes=[{"voter_id": str(i), "vote": ",".join(ids[p] for p in choices)}
               for i, choices in enumerate(ballots, start=1)],
    )
    return pabulib.write(election)


# --- Ranked votes: BLT (ERS / OpenSTV) and cast-vote-record CSVs --------------------------------------

def _blt_name(text: str) -> str:
    # The BLT reader strips quotes and treats "#" as the start of a comment, even inside a name.
    return " ".join(text.replace('"', "'").replace("#", "＃").split()) or "?"


def vote_to_blt(vote: Vote) -> str:
    """The .blt text of a ranked vote: its options as candidates in their order (the IRV tie-break's
    order), each ranking once with its number of ballots (no voter), the vote's title.

    Candidate names are the labels (quotes and "#" replaced, as the format cannot hold them); two
    equal labels get their position added, so every name stands for one option.
    """
    options = list(vote.options.order_by("position"))
    labels = [_blt_name(o.label) for o in options]
    names = {o.position: (label if labels.count(label) == 1 else f"{label} ({o.position})")
             for o, label in zip(options, labels)}
    counted = ranked.group(tuple(p for p in choices if p in names)
                           for choices in Ballot.objects.filter(vote=vote).values_list("choices", flat=True))
    # Most frequent rankings first, then by positions: no trace of the order the ballots were cast in.
    ballots = Counter({tuple(names[p] for p in ranking): n
                       for ranking, n in sorted(counted.items(), key=lambda item: (-item[1], item[0]))})
    election = ranked.RankedElection(candidates=[names[o.position] for o in options], title=_blt_name(vote.title),
                                     ballots=ballots)
    return ranked.write_blt(election)


def _ranked_vote(election: ranked.RankedElection, *, actor, opens_at: datetime, closes_at: datetime,
                 title: str) -> Vote:
    if not rules.may_manage(actor):
        raise PermissionDenied(_("Only staff can create votes."))
    if election.seats != 1:
        raise ranked.RankedError(_("This file elects %(n)d candidates; a ranked vote here elects one.")
                                 % {"n": election.seats})
    if len(election.candidates) < 2:
        raise ranked.RankedError(_("A ranked vote needs at least two candidates."))
    title = (title or election.title or _("Ranked vote"))[:160]
    vote = Vote.objects.create(title=title, question=title[:300], kind=VoteKind.RANKED, opens_at=opens_at,
                               closes_at=closes_at, created_by=actor)
    Option.objects.bulk_create([Option(vote=vote, position=position, label=name[:200])
                                for position, name in enumerate(election.candidates, start=1)])
    return vote


@transaction.atomic
def vote_from_blt(*, text: str, actor, opens_at: datetime, closes_at: datetime, title: str = "") -> Vote:
    """A draft ranked vote whose options are the .blt file's candidates (withdrawn ones left out), in the
    file's order; the file's ballots are for re-counting with ``manage.py tally``, not cast again."""
    return _ranked_vote(ranked.read_blt(text), actor=actor, opens_at=opens_at, closes_at=closes_at, title=title)


@transaction.atomic
def vote_from_cvr(*, text: str, actor, opens_at: datetime, closes_at: datetime, title: str = "") -> Vote:
    """A draft ranked vote whose options are the candidates of a cast-vote-record CSV, in order of first
    appearance (write-ins as one "Write-in"; the markers' rule is in voting/tally/ranked.py)."""
    return _ranked_vote(ranked.read_cvr(text), actor=actor, opens_at=opens_at, closes_at=closes_at, title=title)
