"""Maximin over profiles: the fair distribution of Flanigan et al. (Nature 2021), solved on profile counts.

A person's *profile* is their value for every feature of the quotas. People of one profile are
interchangeable for the quotas, so averaging any distribution over the ways of permuting them keeps
every quota and cannot lower the smallest chance: an optimal maximin distribution exists in which
everyone of a profile has the same chance (docs/juries.md, "Maximin over profiles", has the argument).
So the problem is solved over panels written as counts per profile instead of sets of people:

    maximise  z
    such that sum over panels P of p(P) * P[k] >= z * n[k]   for every profile k that some panel can hold
              sum of p(P) = 1, p >= 0

where a panel P is a vector of whole numbers with 0 <= P[k] <= n[k], adding up to the panel size and
meeting every quota. It is solved by column generation, as the library does for people: a linear
program over the panels found so far gives the weights q[k] of its dual; an integer program finds
the panel with the largest sum of q[k] * P[k] / n[k]; if that is no larger than the current z (within
``TOLERANCE``), no panel can raise z and the distribution is optimal, else the panel joins and the
loop goes on. The size of both programs depends on the number of profiles, not on the pool.

Profiles no panel can hold are reported (their people's chance is 0 whatever the method), like the
library's "uncovered" people. Pure data in, pure data out; HiGHS (``highspy``, MIT) is the solver,
run on one thread so that the same inputs give the same distribution.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import highspy

TOLERANCE = 1e-9  # stop when no panel raises the smallest chance by more than this (a probability)
ROUND = 1e-6  # a solver's value this close to a whole number is that number


class ProfilesInfeasible(Exception):
    """No panel of this size meets the quotas together (the caller explains which, and by how much)."""


@dataclass(frozen=True)
class ProfileTable:
    """The pool grouped by profile: profiles sorted, each with its members' ids sorted."""

    features: tuple[str, ...]
    profiles: tuple[tuple[str, ...], ...]
    members: tuple[tuple[str, ...], ...]

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(people) for people in self.members)


def group(people: Mapping[str, Mapping[str, str]], features: Sequence[str]) -> ProfileTable:
    """People (id -> row) grouped by their values of ``features``, in sorted order, ids sorted."""
    by_profile: dict[tuple[str, ...], list[str]] = {}
    for person, row in people.items():
        by_profile.setdefault(tuple(row[feature] for feature in features), []).append(person)
    profiles = sorted(by_profile)
    return ProfileTable(tuple(features), tuple(profiles), tuple(tuple(sorted(by_profile[p])) for p in profiles))


def _quiet_highs() -> highspy.Highs:
    solver = highspy.Highs()
    for option, value in (("output_flag", False), ("threads", 1), ("random_seed", 0)):
        solver.setOptionValue(option, value)
    return solver


class _PanelFinder:
    """The integer program over profile counts: the best panel for given weights, or None if none exists."""

    def __init__(self, table: ProfileTable, bounds: Mapping[str, Mapping[str, tuple[int, int]]], size: int):
        self.count = len(table.profiles)
        self.solver = _quiet_highs()
        for option, value in (("mip_rel_gap", 1e-10), ("mip_abs_gap", 1e-12)):
            self.solver.setOptionValue(option, value)
        solver, count = self.solver, self.count
        solver.addVars(count, [0.0] * count, [float(n) for n in table.sizes])
        solver.changeColsIntegrality(count, list(range(count)), [highspy.HighsVarType.kInteger] * count)
        everyone = list(range(count))
        solver.addRow(float(size), float(size), count, everyone, [1.0] * count)
        for position, feature in enumerate(table.features):
            for value, (low, high) in bounds[feature].items():
                having = [k for k, profile in enumerate(table.profiles) if profile[position] == value]
                solver.addRow(float(low), float(high), len(having), having, [1.0] * len(having))
        solver.changeObjectiveSense(highspy.ObjSense.kMaximize)

    def best(self, weights: Sequence[float]) -> tuple[int, ...] | None:
        self.solver.changeColsCost(self.count, list(range(self.count)), list(weights))
        self.solver.run()
        status = self.solver.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the panel program stopped: {self.solver.modelStatusToString(status)}")
        return tuple(int(round(value)) for value in self.solver.getSolution().col_value)


def _dual_master(covered: Sequence[int], count: int) -> tuple[highspy.Highs, int]:
    """min z over q >= 0 (one per profile that panels can hold), sum q = 1; panels add rows
    sum_k P[k] / n[k] * q[k] - z <= 0. Column ``count`` is z; the others are q by profile."""
    solver = _quiet_highs()
    solver.addVars(count + 1, [0.0] * (count + 1), [0.0] * count + [highspy.kHighsInf])
    solver.changeColsBounds(len(covered), list(covered), [0.0] * len(covered), [1.0] * len(covered))
    solver.changeColCost(count, 1.0)
    solver.addRow(1.0, 1.0, len(covered), list(covered), [1.0] * len(covered))
    return solver, count


def _add_panel_row(master: highspy.Highs, z: int, panel: Sequence[int], sizes: Sequence[int]) -> None:
    held = [k for k, c in enumerate(panel) if c]
    master.addRow(-highspy.kHighsInf, 0.0, len(held) + 1, held + [z],
                  [panel[k] / sizes[k] for k in held] + [-1.0])


def _primal(panels: list[tuple[int, ...]], covered: Sequence[int], sizes: Sequence[int]) -> list[float]:
    """The probabilities of ``panels`` that maximise the smallest chance of the covered profiles."""
    solver = _quiet_highs()
    count = len(panels)
    solver.addVars(count + 1, [0.0] * (count + 1), [1.0] * (count + 1))
    solver.changeColCost(count, 1.0)
    solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
    solver.addRow(1.0, 1.0, count, list(range(count)), [1.0] * count)
    for k in covered:
        holding = [i for i, panel in enumerate(panels) if panel[k]]
        solver.addRow(0.0, highspy.kHighsInf, len(holding) + 1, holding + [count],
                      [panels[i][k] / sizes[k] for i in holding] + [-1.0])
    solver.run()
    values = [max(0.0, value) for value in solver.getSolution().col_value[:count]]
    total = sum(values)
    return [value / total for value in values]


@dataclass(frozen=True)
class ProfileSolution:
    panels: tuple[tuple[int, ...], ...]  # counts per profile, in the table's profile order
    probabilities: tuple[float, ...]
    lowest: float  # the smallest chance of a profile some panel can hold, as the linear program found it
    gap: float  # the optimum is at most ``lowest + gap``: the solver's optimality gap, as a probability
    iterations: int
    uncovered: tuple[int, ...]  # profiles no panel can hold (chance 0)


def solve(table: ProfileTable, bounds: Mapping[str, Mapping[str, tuple[int, int]]], size: int,
          progress: Callable[[dict], None] | None = None) -> ProfileSolution:
    """The maximin distribution over profile panels (raises ``ProfilesInfeasible`` when there is no panel)."""
    report = progress or (lambda event: None)
    sizes, count = table.sizes, len(table.profiles)
    finder = _PanelFinder(table, bounds, size)
    # Cover: panels that hold every profile any panel can hold, each found by asking for as many people
    # as possible from the profiles not yet held; when that maximum is 0, the rest cannot be held.
    panels: list[tuple[int, ...]] = []
    waiting = set(range(count))
    report({"phase": "covering", "current": 0, "total": count})
    while waiting:
        panel = finder.best([1.0 if k in waiting else 0.0 for k in range(count)])
        if panel is None:
            raise ProfilesInfeasible()
        held = {k for k in waiting if panel[k]}
        if not held:
            break
        panels.append(panel)
        waiting -= held
        report({"phase": "covering", "current": count - len(waiting), "total": count})
    uncovered = tuple(sorted(waiting))
    covered = [k for k in range(count) if k not in waiting]
    master, z_column = _dual_master(covered, count)
    for panel in dict.fromkeys(panels):
        _add_panel_row(master, z_column, panel, sizes)
    known = set(panels)
    iterations = 0
    while True:
        iterations += 1
        master.run()
        solution = master.getSolution().col_value
        weights, lowest = [max(0.0, q) for q in solution[:count]], solution[z_column]
        # The panel program's objective, scaled so the best value is about 1 (chances are small numbers).
        scale = 1.0 / max(lowest, 1e-12)
        best = finder.best([weights[k] / sizes[k] * scale for k in range(count)])
        value = sum(weights[k] * best[k] / sizes[k] for k in range(count))
        gap = max(0.0, value - lowest)
        report({"phase": "maximin_optimization", "current": iterations, "total": None})
        if gap <= TOLERANCE or best in known:
            break
        known.add(best)
        panels.append(best)
        _add_panel_row(master, z_column, best, sizes)
    probabilities = _primal(panels, covered, sizes)
    kept = sorted((panel, probability) for panel, probability in zip(panels, probabilities, strict=True)
                  if probability > 0)
    return ProfileSolution(tuple(p for p, _w in kept), tuple(w for _p, w in kept), lowest, gap, iterations,
                           uncovered)
