"""Participatory budgets decided by votes: the greedy rules real cities use, in exact arithmetic.

Ballots are approval ballots (each voter's set of project ids), given one per voter (a list of
lists) or grouped (a mapping from a ballot, any iterable of ids, to how many voters cast it: what
the web tally reads from the database with one GROUP BY). Both give the same outcome. Projects are considered in the
order of the published tie-break, ``rank_key``: more votes first, then the cheaper project, then
the project id (numbers by value, so "9" before "10"). The two greedy variants differ only in what
happens at the first project that no longer fits the money left:

- ``greedy`` (most cities): skip it and go on down the list;
- ``greedy-stop`` (Wrocław 2024): stop there.

The Method of Equal Shares is in equal_shares.py.
"""

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass
class BudgetOutcome:
    rule: str
    budget: int
    selected: list[str]
    spent: int
    votes: dict[str, int]
    # Per project, in the order considered: (project id, "selected" | "does_not_fit" | "not_reached")
    steps: list[tuple[str, str]] = field(default_factory=list)


def weighted(ballots) -> Counter:
    """Ballots as {frozenset of ids: number of voters}, from one ballot per voter or a grouped mapping.

    A project listed twice on one ballot counts once; an empty ballot is kept (it counts in the
    number of voters, which sets each voter's share in the Method of Equal Shares).
    """
    grouped: Counter = Counter()
    if isinstance(ballots, Mapping):
        for ballot, number in ballots.items():
            if number:
                grouped[frozenset(ballot)] += number
    else:
        for ballot in ballots:
            grouped[frozenset(ballot)] += 1
    return grouped


def approval_counts(ballots) -> Counter:
    """Votes per project; a project listed twice on one ballot counts once. Ballots one per voter or grouped."""
    counts: Counter = Counter()
    for ballot, number in weighted(ballots).items():
        for pid in ballot:
            counts[pid] += number
    return counts


def _id_key(project_id: str):
    return (0, int(project_id), "") if project_id.isdigit() else (1, 0, project_id)


def rank_key(votes: dict[str, int], costs: dict[str, int]):
    """The published order: more votes, then cheaper, then the project id."""
    return lambda pid: (-votes.get(pid, 0), costs[pid], _id_key(pid))


def greedy(costs: dict[str, int], ballots, budget: int, *, stop_at_first_misfit: bool = False) -> BudgetOutcome:
    votes = approval_counts(ballots)
    order = sorted(costs, key=rank_key(votes, costs))
    selected, spent, steps, stopped = [], 0, [], False
    for pid in order:
        if stopped:
            steps.append((pid, "not_reached"))
        elif spent + costs[pid] <= budget:
            selected.append(pid)
            spent += costs[pid]
            steps.append((pid, "selected"))
        else:
            steps.append((pid, "does_not_fit"))
            stopped = stop_at_first_misfit
    rule = "greedy-stop" if stop_at_first_misfit else "greedy"
    return BudgetOutcome(rule=rule, budget=budget, selected=selected, spent=spent, votes=dict(votes), steps=steps)


def approval_winner(costs: dict[str, int], ballots) -> str | None:
    """Single-winner approval voting: the most approved option; ties by the same published order."""
    votes = approval_counts(ballots)
    return min(costs, key=rank_key(votes, costs)) if costs else None
