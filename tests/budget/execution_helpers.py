"""A budget cycle taken through a real vote (voting's authoring, casting and tally services) to execution."""

from datetime import timedelta

from django.utils import timezone

from budget.models import BudgetProject
from budget.states import CycleStage, ProjectState
from tests.budget.factories import make_cycle, make_project
from tests.factories import AdminFactory, ResidentFactory
from voting import services as voting
from voting.models import Vote
from voting.services.authoring import OptionSpec, VoteSpec, create_vote, update_project

COSTS = (200_000_000, 200_000_000, 150_000_000)
# Votes 1: 3, 2: 3, 3: 1; greedy within 500,000,000 funds projects 1 and 2 (400M), project 3 no longer fits.
BALLOTS = ([1, 2], [1, 2], [1, 3], [2])


def shortlisted_cycle(*, costs=COSTS, **cycle_fields):
    cycle = make_cycle(stage=CycleStage.VOTE, **cycle_fields)
    fields = list(cycle.fields.all())
    projects = [make_project(cycle=cycle, state=ProjectState.SHORTLISTED, cost=cost, field=fields[i % 2],
                             title=f"사업 {i + 1}", district="mapo" if i % 2 else "jongno")
                for i, cost in enumerate(costs)]
    return cycle, projects


def make_budget_vote(cycle, projects, *, staff=None):
    """The cycle's vote from its shortlist, made as staff make one, open now."""
    staff = staff or AdminFactory()
    now = timezone.now()
    spec = VoteSpec(title=cycle.title, question="Which projects?", kind="budget", opens_at=now + timedelta(minutes=1),
                    closes_at=now + timedelta(minutes=2), budget=cycle.total_budget, budget_rule=cycle.budget_rule,
                    options=[OptionSpec(label=p.title, cost=p.cost, category=p.field.slug) for p in projects])
    vote = create_vote(actor=staff, spec=spec)
    for project, option in zip(projects, vote.options.order_by("position")):
        update_project(option=option, actor=staff, description=project.description, district=project.district,
                       department=project.department)
        BudgetProject.objects.filter(pk=project.pk).update(option=option)
    cycle.vote = vote
    cycle.save(update_fields=["vote"])
    voting.schedule(vote=vote, actor=staff)
    # Opening time brought forward to now (check_spec wants it in the future when the vote is written).
    Vote.objects.filter(pk=vote.pk).update(opens_at=now - timedelta(minutes=1))
    voting.sweep_votes(now=now)
    return Vote.objects.get(pk=vote.pk)


def cast_and_tally(vote, ballots=BALLOTS):
    for choices in ballots:
        voting.cast_ballot(vote=vote, user=ResidentFactory(), choices=choices)
    voting.sweep_votes(now=vote.closes_at + timedelta(seconds=1))
    return Vote.objects.get(pk=vote.pk)


def funded_cycle():
    """A cycle in execution: projects 1 and 2 funded, 3 not; returns (cycle, projects, vote)."""
    cycle, projects = shortlisted_cycle()
    vote = cast_and_tally(make_budget_vote(cycle, projects))
    cycle.refresh_from_db()
    for p in projects:
        p.refresh_from_db()
    return cycle, projects, vote
