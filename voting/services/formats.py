"""Votes to and from the open formats: a participatory budget from a .pb file, and back to one.

A .pb file gives the projects (id, cost, name, category), the budget and the approval ballots of a
published election. ``vote_from_pb`` creates a draft budget vote with those projects (the ballots
of a past election are for checking the count with ``manage.py tally``, not for casting again), and
``vote_to_pb`` writes any budget vote with its ballots, as pabulib publishes elections (the ballots
carry no voter: the voter ids are their order of counting).
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from .. import rules
from ..models import Ballot, Option, Vote
from ..states import BudgetRule, VoteKind
from ..tally import pabulib


@transaction.atomic
def vote_from_pb(*, text: str, actor, opens_at: datetime, closes_at: datetime, rule: str = BudgetRule.GREEDY) -> Vote:
    if not rules.may_manage(actor):
        raise PermissionDenied(_("Only staff can create votes."))
    election = pabulib.read(text)
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


def vote_to_pb(vote: Vote) -> str:
    """The .pb text of a budget vote: META, PROJECTS (with votes and, once tallied, selected), VOTES."""
    options = list(vote.options.order_by("position"))
    ids = {o.position: o.external_id or str(o.position) for o in options}
    ballots = list(Ballot.objects.filter(vote=vote).order_by("pk").values_list("choices", flat=True))
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
