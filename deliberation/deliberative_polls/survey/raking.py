"""Weights to population margins by raking (iterative proportional fitting), a short loop checked against ipfn.

Raking adjusts one weight per respondent so that, for every attribute taken alone (age band, gender,
district group ...), the weighted shares equal the population's. It cycles over the attributes,
scaling the weights of each category by target / current, until no weighted share is further than
``tolerance`` from its target. The fixed point is the one ``ipfn`` reaches on the table of cell
counts (tests/deliberation/test_raking.py compares them at 1e-6).
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from django.utils.translation import gettext


class RakingError(ValueError):
    """The margins cannot be reached: a category missing from the sample, or no convergence."""


@dataclass
class Raking:
    weights: list[float]  # one per respondent, in the sample's order, mean 1 (they sum to n)
    iterations: int
    max_error: float  # the largest |weighted share - target share| at the end

    @property
    def design_effect(self) -> float:
        return design_effect(self.weights)

    @property
    def effective_n(self) -> float:
        return effective_n(self.weights)


def rake(sample: Sequence[Mapping[str, str]], margins: Mapping[str, Mapping[str, float]], *,
         tolerance: float = 1e-10, max_iterations: int = 1000) -> Raking:
    """Weights for ``sample`` (one attribute mapping per respondent) reproducing ``margins``.

    ``margins`` is {attribute: {category: population count or share}}; each attribute's figures are
    normalised to shares, so counts from a census table can be passed as they are. Every respondent
    needs a category of every attribute that the margins list, and every category needs at least one
    respondent (a weight cannot be made from nobody): otherwise RakingError says which.
    """
    n = len(sample)
    if not n:
        raise RakingError(gettext("There are no respondents to weight."))
    targets, members = _targets_and_members(sample, margins)
    # Per attribute: each respondent's category as an index and the target shares in that order,
    # so one pass over an attribute is two numpy operations (bincount, then scaling by category).
    codes = {a: np.empty(n, dtype=np.intp) for a in targets}
    shares = {a: np.array(list(targets[a].values())) for a in targets}
    for a in targets:
        for k, category in enumerate(targets[a]):
            codes[a][members[a][category]] = k
    weights = np.ones(n)
    error = math.inf
    for iteration in range(1, max_iterations + 1):
        for a in targets:
            current = np.bincount(codes[a], weights=weights, minlength=len(shares[a]))
            weights *= (shares[a] * n / current)[codes[a]]
        total = weights.sum()
        error = max(float(np.abs(np.bincount(codes[a], weights=weights, minlength=len(shares[a])) / total
                                 - shares[a]).max()) for a in targets)
        if error <= tolerance:
            return Raking(weights.tolist(), iteration, error)
    raise RakingError(gettext("Raking did not converge in %(iterations)d iterations (largest error %(error).2g).")
                      % {"iterations": max_iterations, "error": error})


def design_effect(weights: Sequence[float]) -> float:
    """Kish's design effect of unequal weights: n * sum(w^2) / sum(w)^2 (1 when all weights are equal)."""
    total = sum(weights)
    return len(weights) * sum(w * w for w in weights) / (total * total)


def effective_n(weights: Sequence[float]) -> float:
    """Kish's effective sample size: sum(w)^2 / sum(w^2) = n / design effect."""
    total = sum(weights)
    return total * total / sum(w * w for w in weights)


def _targets_and_members(sample, margins):
    targets: dict[str, dict[str, float]] = {}
    members: dict[str, dict[str, list[int]]] = {}
    for attribute, figures in margins.items():
        total = float(sum(figures.values()))
        if total <= 0 or any(f < 0 for f in figures.values()):
            raise RakingError(gettext("The population margins of “%(attribute)s” must be positive.")
                              % {"attribute": attribute})
        targets[attribute] = {c: f / total for c, f in figures.items() if f > 0}
        members[attribute] = {c: [] for c in targets[attribute]}
        for i, respondent in enumerate(sample):
            category = respondent.get(attribute)
            if category not in members[attribute]:
                raise RakingError(gettext("Respondent %(index)d has “%(attribute)s” = %(category)s, which the "
                                          "population margins do not list.")
                                  % {"index": i + 1, "attribute": attribute, "category": repr(category)})
            members[attribute][category].append(i)
        missing = [c for c, indices in members[attribute].items() if not indices]
        if missing:
            raise RakingError(gettext("No respondent has “%(attribute)s” = %(categories)s, so the sample cannot be "
                                      "weighted to that margin; merge the category with a neighbour or drop it.")
                              % {"attribute": attribute, "categories": ", ".join(map(str, missing))})
    return targets, members
