"""Reads of the voting module: a vote's result counted from its ballots, and its published breakdowns.

``count`` is the web tally: it goes through the same pure core (voting/tally) as `manage.py tally`.
"""

from collections import Counter

from .models import Ballot, Vote
from .states import BudgetRule, VoteKind
from .tally.budget import greedy
from .tally.equal_shares import equal_shares
from .tally.ranked import instant_runoff


def count(vote: Vote) -> dict:
    """The result of a vote from its ballots, by the kind's rule (the same code as `manage.py tally`)."""
    options = {o.position: o for o in vote.options.all()}
    ballots = list(Ballot.objects.filter(vote=vote).values_list("choices", flat=True))
    result = {"ballots": len(ballots), "quorum": vote.quorum,
              "quorum_met": vote.quorum is None or len(ballots) >= vote.quorum}
    counts = Counter(c for ballot in ballots for c in ballot)
    result["counts"] = {str(p): counts.get(p, 0) for p in options}
    result["breakdown"] = breakdown(vote, options)
    if vote.kind in (VoteKind.SINGLE, VoteKind.MULTIPLE, VoteKind.YES_NO):
        # Most votes wins; a tie goes to the option listed first (published with the result).
        winner = min(options, key=lambda p: (-counts.get(p, 0), p)) if ballots else None
        result["winner"] = winner
        if vote.kind == VoteKind.YES_NO:  # options 1 yes, 2 no, 3 abstain; abstentions count for turnout only
            result["passed"] = result["quorum_met"] and counts.get(1, 0) > counts.get(2, 0)
    elif vote.kind == VoteKind.RANKED:
        names = [str(p) for p in options]
        outcome = instant_runoff(names, Counter(tuple(str(c) for c in b) for b in ballots if b))
        result.update(winner=int(outcome.winner) if outcome.winner else None, rounds=outcome.rounds,
                      exhausted=outcome.exhausted, eliminated=outcome.eliminated)
    elif vote.kind == VoteKind.BUDGET:
        costs = {str(p): o.cost for p, o in options.items()}
        approvals = [[str(c) for c in b] for b in ballots]
        if vote.budget_rule == BudgetRule.MES:
            outcome = equal_shares(costs, approvals, vote.budget)
        else:
            outcome = greedy(costs, approvals, vote.budget,
                             stop_at_first_misfit=vote.budget_rule == BudgetRule.GREEDY_STOP)
        result.update(selected=[int(p) for p in outcome.selected], spent=outcome.spent, steps=outcome.steps,
                      rule=outcome.rule)
    return result


SMALL_CELL = 5  # a group of fewer ballots than this is not published (nobody is identified by it)
BREAKDOWN_FIELDS = ("age_band", "gender", "district")


def breakdown(vote: Vote, options: dict) -> dict:
    """Ballots and choices per age band, gender and district, from the cells each ballot carries.

    Never from the voter roll (a secret ballot has no link to it). A group with fewer than
    SMALL_CELL ballots is suppressed; if only one group of a field would be suppressed, the next
    smallest is too, so it cannot be worked out from the total. Unknown profile values form their
    own group ("").
    """
    rows = list(Ballot.objects.filter(vote=vote).values_list("choices", *BREAKDOWN_FIELDS))
    published = {}
    for index, field in enumerate(BREAKDOWN_FIELDS, start=1):
        groups: dict[str, Counter] = {}
        sizes: Counter = Counter()
        for row in rows:
            value = row[index]
            sizes[value] += 1
            groups.setdefault(value, Counter()).update(row[0])
        hidden = {v for v, n in sizes.items() if n < SMALL_CELL}
        if len(hidden) == 1 and len(sizes) > 1:
            hidden.add(min((v for v in sizes if v not in hidden), key=lambda v: (sizes[v], v)))
        published[field] = {
            value: ({"suppressed": True} if value in hidden else
                    {"ballots": sizes[value], "counts": {str(p): groups[value].get(p, 0) for p in options}})
            for value in sorted(sizes)
        }
    return published
