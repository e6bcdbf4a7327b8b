"""The cycle's downloads: its projects as a pabulib .pb file, its execution table as CSV (docs/budget.md).

The .pb file reuses voting's own export of the vote (``voting.services.formats.vote_to_pb``: ballots in a
canonical order, votes per project, the official ``selected`` column once tallied) and adds what the cycle
knows about each project (its number, field, district); before there is a tallied vote it lists the
cycle's projects with no votes.
"""

from accounts.districts import District
from budget.models import BudgetCycle, BudgetProject
from voting.services.formats import vote_to_pb
from voting.states import VoteState
from voting.tally import pabulib

from . import selectors

PROJECT_COLUMNS = ["project_id", "cost", "votes", "name", "category", "target", "district", "number", "selected"]


def _meta(cycle: BudgetCycle, *, num_projects: int, num_votes: int) -> dict[str, str]:
    unit = District(cycle.district).label if cycle.district else "Seoul"
    meta = {"description": cycle.title, "country": "South Korea", "unit": "Seoul", "instance": str(cycle.year),
            "num_projects": str(num_projects), "num_votes": str(num_votes), "budget": str(cycle.total_budget),
            "vote_type": "approval", "rule": cycle.budget_rule}
    if cycle.district:
        meta["subunit"] = str(unit)
    meta["date_begin"] = cycle.vote_opens_at.strftime("%d.%m.%Y")
    meta["date_end"] = cycle.vote_closes_at.strftime("%d.%m.%Y")
    return meta


def _project_fields(p: BudgetProject) -> dict[str, str]:
    return {"name": p.title, "category": p.field.slug, "target": p.district, "district": p.district,
            "number": str(p.number or "")}


def cycle_to_pb(cycle: BudgetCycle) -> str:
    vote = cycle.vote
    if vote is not None and vote.state == VoteState.TALLIED:
        election = pabulib.read(vote_to_pb(vote))
        by_position = {p.option.position: p for p in BudgetProject.objects.filter(cycle=cycle, option__vote=vote)
                       .select_related("option", "field")}
        # vote_to_pb writes the options in position order: its rows line up with them.
        positions = list(vote.options.order_by("position").values_list("position", flat=True))
        for position, row in zip(positions, election.projects.values()):
            project = by_position.get(position)
            if project is not None:
                row.update(_project_fields(project))
        election.meta = {**_meta(cycle, num_projects=len(election.projects), num_votes=len(election.votes)),
                         "rule": vote.budget_rule or cycle.budget_rule}
        election.project_columns = PROJECT_COLUMNS
        return pabulib.write(election)
    projects = list(BudgetProject.objects.filter(cycle=cycle, state__in=_listed_states(cycle))
                    .select_related("field").order_by("number", "pk"))
    rows = {str(p.number): {"project_id": str(p.number), "cost": str(p.cost or 0), **_project_fields(p)}
            for p in projects}
    return pabulib.write(pabulib.Election(
        meta=_meta(cycle, num_projects=len(rows), num_votes=0), projects=rows,
        project_columns=[c for c in PROJECT_COLUMNS if c not in ("votes", "selected")]))


def _listed_states(cycle: BudgetCycle) -> list[str]:
    """Before the vote's result: the shortlist once there is one, else the eligible projects."""
    if BudgetProject.objects.filter(cycle=cycle, state__in=selectors.SHORTLISTED_STATES).exists():
        return selectors.SHORTLISTED_STATES
    return selectors.ELIGIBLE_STATES


EXECUTION_HEADER = ["number", "title", "field", "district", "location", "decided_won", "spent_won", "stage",
                    "last_report_on", "completed_on", "overdue"]


def execution_table(cycle: BudgetCycle) -> tuple[list[str], list[list]]:
    rows = selectors.funded_projects(cycle)
    return EXECUTION_HEADER, [[r["number"], r["title"], r["field__slug"], r["district"], r["location"], r["decided"],
                               r["spent"], r["execution_stage"], r["last_report_on"] or "", r["completed_on"] or "",
                               int(r["overdue"])] for r in rows]
