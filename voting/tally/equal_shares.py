"""The Method of Equal Shares (Peters & Skowron) with the "add1" completion, as real elections run it.

Cost utilities (a voter's satisfaction from a project they approve is its cost), which is what
equalshares.net uses to compute the Polish and Swiss elections decided by MES. Every voter starts
with an equal share of the budget, ``budget / n``. In each step, among the projects whose
supporters can still pay for them, the one with the lowest price per unit of satisfaction
``rho = p / cost`` is bought, ``p`` being the most any supporter pays (those with less than ``p``
pay all they have); its supporters pay ``min(their money, p)``. It ends when no project is
affordable. Exact arithmetic (Fraction); ties in ``rho`` go to the published order of
budget.rank_key (more votes, then cheaper, then the project id).

"add1" completion: MES rarely spends the whole budget. Start from each voter's share rounded down
to a whole unit; while some unselected project would still fit in the real budget, re-run MES with
every voter's share one unit higher, and keep that outcome if it costs at most the real budget;
stop at the first that does not fit (equalshares.net, "completion").
"""

from fractions import Fraction

from .budget import BudgetOutcome, approval_counts, rank_key


def _supporters(costs: dict[str, int], ballots) -> dict[str, list[int]]:
    supporters: dict[str, list[int]] = {pid: [] for pid in costs}
    for voter, ballot in enumerate(ballots):
        for pid in set(ballot):
            supporters[pid].append(voter)
    return supporters


def equal_shares_fixed(costs: dict[str, int], ballots, voter_money: Fraction) -> list[str]:
    """MES where each voter holds ``voter_money``; the projects bought, in order."""
    supporters = _supporters(costs, ballots)
    money = [Fraction(voter_money)] * len(ballots)
    order = rank_key(dict(approval_counts(ballots)), costs)
    remaining = {pid for pid in costs if supporters[pid] and costs[pid] > 0}
    selected = [pid for pid in sorted(costs, key=order) if costs[pid] == 0 and supporters[pid]]
    while True:
        best, best_key, best_price = None, None, None
        for pid in remaining.copy():
            cost = costs[pid]
            held = sorted(money[i] for i in supporters[pid])
            if sum(held) < cost:
                remaining.discard(pid)  # money only shrinks: never affordable again
                continue
            paid, left = Fraction(0), len(held)
            for have in held:  # the cap p: everyone pays min(have, p)
                price = (cost - paid) / left
                if have >= price:
                    break
                paid += have
                left -= 1
            key = (price / cost, order(pid))
            if best_key is None or key < best_key:
                best, best_key, best_price = pid, key, price
        if best is None:
            return selected
        selected.append(best)
        remaining.discard(best)
        for i in supporters[best]:
            money[i] -= min(money[i], best_price)


def equal_shares(costs: dict[str, int], ballots, budget: int) -> BudgetOutcome:
    """MES with the add1 completion; ``steps`` lists the per-voter shares tried and whether they fit."""
    n = len(ballots)
    votes = dict(approval_counts(ballots))
    if n == 0:
        return BudgetOutcome(rule="mes", budget=budget, selected=[], spent=0, votes=votes)
    chosen = equal_shares_fixed(costs, ballots, Fraction(budget, n))
    share = budget // n
    steps = [(f"share {Fraction(budget, n)}", "fits")]
    while True:
        spent = sum(costs[p] for p in chosen)
        if all(spent + costs[p] > budget for p in costs if p not in chosen):
            break  # exhaustive: nothing more fits
        share += 1
        attempt = equal_shares_fixed(costs, ballots, Fraction(share))
        if sum(costs[p] for p in attempt) > budget:
            steps.append((f"share {share}", "over_budget"))
            break
        steps.append((f"share {share}", "fits"))
        chosen = attempt
    return BudgetOutcome(rule="mes", budget=budget, selected=chosen, spent=sum(costs[p] for p in chosen),
                         votes=votes, steps=steps)
