"""The Method of Equal Shares (Peters & Skowron) with the "add1" completion, as real elections run it.

Cost utilities (a voter's satisfaction from a project they approve is its cost), which is what
equalshares.net uses to compute the Polish and Swiss elections decided by MES. Every voter starts
with an equal share of the budget, ``budget / n``. In each step, among the projects whose
supporters can still pay for them, the one with the lowest price per unit of satisfaction
``rho = p / cost`` is bought, ``p`` being the most any supporter pays (those with less than ``p``
pay all they have); its supporters pay ``min(their money, p)``. It ends when no project is
affordable. Exact arithmetic; ties in ``rho`` go to the published order of budget.rank_key (more
votes, then cheaper, then the project id).

"add1" completion, as the official count of Wieliczka's Green Million 2023 ran it: MES rarely
spends the whole budget. Start from each voter's share rounded down to a whole unit; re-run MES
from scratch with every voter's share one unit higher (the virtual budget grows by the number of
voters), and go on while that outcome costs at most the real budget; keep the last outcome that
fits. It also stops once every project with a vote is funded (no higher share can change that
outcome; a project nobody voted for is never bought, so it cannot keep the completion going).
It does *not* stop at the first exhaustive outcome (nothing else with a vote fits the money
left): a higher share can still fund a different set within the budget, as Wieliczka's did (an
exhaustive-stop count funds 31 projects for 984,579 zł there; the official count, 30 for 995,079
zł). docs/voting.md gives the sources.

Shares at which no outcome could overspend or fund everything are not computed one by one: a
project can be bought at share ``s`` only if its supporters' whole shares cover it
(``s * votes >= cost``), so while the projects within reach at ``s`` cost at most the budget
together and some project with a vote is still out of reach, the completion cannot stop, and only
the last such share's outcome matters. The count jumps to it. Same outcome, far fewer runs when an
expensive project with few votes is out of reach for a long way.

How it is fast without giving up exactness (100,000 voters x 150 projects in a few seconds):

- Voters with the same ballot always hold the same money, so ballots are counted once with their
  number (``budget.weighted``), and voters whose money is equal form a *class*: at the start one
  class holds everyone; buying a project splits a class into its members who supported it and the
  others. A project keeps the weight of its supporters per class, so its price is computed over a
  few classes sorted by money, not over its voters. A class whose members all supported the bought
  project just pays (no voter is touched); a voter left with nothing leaves every project's count
  (they pay nothing more and do not count among those who can pay).
- Money is an integer over one common denominator ``D`` (every price ``(cost - paid) / left`` that
  is paid multiplies ``D`` by what it lacks), so comparing and summing money is integer work.
- A project's ``rho`` can only grow as its supporters' money shrinks, so the ``rho`` computed in an
  earlier step is a lower bound: projects are examined in the order of their bounds and the search
  stops at the first bound above the best found (as the reference implementation of
  equalshares.net does with the effective vote count).
"""

from fractions import Fraction

from .budget import BudgetOutcome, approval_counts, rank_key, weighted


class _Election:
    """Ballots grouped once, shared by every MES run of the add1 completion."""

    def __init__(self, costs: dict[str, int], ballots):
        self.costs = costs
        grouped = weighted(ballots)
        self.n = sum(grouped.values())
        self.votes = dict(approval_counts(grouped))
        self.order = rank_key(self.votes, costs)
        self.pids = sorted(costs, key=self.order)  # index = position in the published order
        index = {pid: i for i, pid in enumerate(self.pids)}
        self.cost = [costs[pid] for pid in self.pids]
        self.ballots: list[tuple[int, ...]] = []  # per ballot type: project indices (positive cost only)
        self.weight: list[int] = []
        self.supporters: list[list[int]] = [[] for _ in self.pids]  # per project: ballot types
        for ballot, number in grouped.items():
            mine = tuple(index[pid] for pid in ballot if costs[pid] > 0)
            t = len(self.ballots)
            self.ballots.append(mine)
            self.weight.append(number)
            for j in mine:
                self.supporters[j].append(t)
        self.free = [pid for pid in self.pids if costs[pid] == 0 and self.votes.get(pid)]

    def run(self, voter_money) -> list[str]:
        """MES where each voter holds ``voter_money``; the projects bought, in order."""
        voter_money = Fraction(voter_money)
        selected = list(self.free)
        if voter_money <= 0:
            return selected
        cost, ballots, weight, supporters = self.cost, self.ballots, self.weight, self.supporters
        denominator = voter_money.denominator  # D: every amount of money is an integer over D
        money = [voter_money.numerator]  # per class
        size = [self.n]  # per class: voters in it
        klass = [0] * len(ballots)  # per ballot type
        # per project: class -> weight of its supporters in that class (classes with money left only)
        held: dict[int, dict[int, int]] = {}
        for j, types in enumerate(supporters):
            if types and cost[j] > 0:
                held[j] = {0: sum(weight[t] for t in types)}
        bound = {j: Fraction(0) for j in held}  # a lower bound of each remaining project's rho
        while held:
            best = best_key = best_price = None
            for j in sorted(held, key=lambda j: (bound[j], j)):
                if best_key is not None and (bound[j], j) > best_key:
                    break  # its rho is at least its bound: it cannot beat the best any more
                need = cost[j] * denominator
                classes = sorted(held[j].items(), key=lambda item: money[item[0]])
                if sum(money[k] * w for k, w in classes) < need:
                    del held[j]  # money only shrinks: never affordable again
                    continue
                paid, left = 0, sum(w for _k, w in classes)
                for k, w in classes:  # the cap p: everyone pays min(have, p)
                    if money[k] * left >= need - paid:
                        break
                    paid += money[k] * w
                    left -= w
                price = Fraction(need - paid, left)  # p, in units of 1/D
                rho = price / (cost[j] * denominator)
                bound[j] = rho
                if best_key is None or (rho, j) < best_key:
                    best, best_key, best_price = j, (rho, j), price
            if best is None:
                break
            selected.append(self.pids[best])
            payers = held.pop(best)
            # One common denominator again: D grows by what the price's denominator lacks.
            scale = best_price.denominator
            if scale != 1:
                denominator *= scale
                money = [m * scale for m in money]
            price = best_price.numerator
            moved: dict[int, int] = {}  # old class -> the class its paying members move to
            gone: set[int] = set()  # classes of voters left with nothing
            for k, w in payers.items():
                after = max(0, money[k] - price)
                if w == size[k]:  # the whole class paid: it just has less now
                    money[k] = after
                    if after == 0:
                        gone.add(k)
                else:
                    moved[k] = len(money)
                    money.append(after)
                    size.append(w)
                    size[k] -= w
            for k in gone:
                for counts in held.values():
                    counts.pop(k, None)
            if moved:
                for t in supporters[best]:
                    k = klass[t]
                    if k not in moved:
                        continue
                    new, w = moved[k], weight[t]
                    klass[t] = new
                    keep = money[new] > 0
                    for j in ballots[t]:
                        counts = held.get(j)
                        if counts is None:
                            continue
                        left = counts[k] - w
                        if left:
                            counts[k] = left
                        else:
                            del counts[k]
                        if keep:
                            counts[new] = counts.get(new, 0) + w
        return selected


def equal_shares_fixed(costs: dict[str, int], ballots, voter_money: Fraction) -> list[str]:
    """MES where each voter holds ``voter_money``; the projects bought, in order.

    Ballots one per voter (lists of ids) or grouped ({ballot: number of voters}).
    """
    return _Election(costs, ballots).run(voter_money)


def _last_share_before_a_possible_stop(costs, votes, budget: int, share: int) -> int:
    """The highest share ``>= share`` below the first at which add1 could stop (see the module docstring).

    A voted project with positive cost is within reach from share ``ceil(cost / votes)``. add1 can
    stop at a share only where the projects within reach cost more than the budget together (an
    outcome could overspend) or all are within reach (an outcome could fund them all).
    """
    reach = sorted((-(-costs[p] // votes[p]), costs[p]) for p in costs if votes.get(p) and costs[p] > 0)
    within = sum(costs[p] for p in costs if votes.get(p) and costs[p] == 0)
    first_stop = reach[-1][0] if reach else share  # all within reach
    for needed, cost in reach:
        within += cost
        if within > budget:
            first_stop = needed
            break
    return max(share, first_stop - 1)


def equal_shares(costs: dict[str, int], ballots, budget: int) -> BudgetOutcome:
    """MES with the add1 completion; ``steps`` lists the per-voter shares computed and whether they fit."""
    election = _Election(costs, ballots)
    n, votes = election.n, election.votes
    if n == 0:
        return BudgetOutcome(rule="mes", budget=budget, selected=[], spent=0, votes=votes)
    chosen = election.run(Fraction(budget, n))
    share = budget // n
    steps = [(f"share {Fraction(budget, n)}", "fits")]
    voted = {p for p in costs if votes.get(p)}
    while not voted.issubset(chosen):  # every project with a vote funded: no higher share changes it
        share = _last_share_before_a_possible_stop(costs, votes, budget, share + 1)
        attempt = election.run(Fraction(share))
        if sum(costs[p] for p in attempt) > budget:
            steps.append((f"share {share}", "over_budget"))
            break
        steps.append((f"share {share}", "fits"))
        chosen = attempt
    return BudgetOutcome(rule="mes", budget=budget, selected=chosen, spent=sum(costs[p] for p in chosen),
                         votes=votes, steps=steps)
