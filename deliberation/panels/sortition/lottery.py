"""Drawing a panel by lot: the project's interface over `sortition-algorithms`, seeded by RFC 3797.

- ``maximin`` (the library's default, and ours): the fair-selection method of Flanigan et al.
  (Nature 2021). It computes a distribution over quota-satisfying panels that maximises the smallest
  selection probability of anyone in the pool; it needs only the open HiGHS solver (``highspy``), not
  gurobi. The distribution does not depend on the public values (the library's generator is seeded
  with the published constant ``DISTRIBUTION_SEED``), so it is published first; the panel is then
  picked from it with the RFC 3797 hash (``pick_panel``).
- ``legacy``: the library's simple greedy stratified draw, seeded with the RFC 3797 hash. Fast on any
  pool, but some people's chances can be far from equal; no distribution is computed.

Every library call runs in a new spawned process (``isolation``), so the same inputs and public values
give the same panel on any machine, whatever ran before.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from deliberation.panels.sortition import rfc3797
from deliberation.panels.sortition.feasibility import explain_infeasible, explain_relaxation
from deliberation.panels.sortition.isolation import IsolatedFailure, run_isolated
from deliberation.panels.sortition.pool import Pool, Quota, SortitionError, features_of

ALGORITHMS = ("maximin", "legacy")
DEFAULT_ALGORITHM = "maximin"
DISTRIBUTION_SEED = 1  # the library's generator while it builds the maximin distribution (published)
WEIGHT_SCALE = 10**9  # probabilities are published, and picked from, as whole parts per billion
ENGINE = "deliberation.panels.sortition.engine.run"


class InfeasibleQuotas(SortitionError):
    """No panel of this size meets the quotas; ``lines`` say which quota and by how much."""


@dataclass(frozen=True)
class Distribution:
    """Panels (ids sorted; panels in sorted order) with their weights, parts per billion of the total."""

    panels: tuple[tuple[str, ...], ...]
    weights: tuple[int, ...]

    @property
    def probabilities(self) -> tuple[float, ...]:
        total = sum(self.weights)
        return tuple(weight / total for weight in self.weights)

    def marginals(self, people: Sequence[str]) -> dict[str, float]:
        """Each person's probability of selection: the total probability of the panels they are on."""
        chances = dict.fromkeys(people, 0.0)
        for panel, probability in zip(self.panels, self.probabilities, strict=True):
            for person in panel:
                chances[person] += probability
        return chances


@dataclass(frozen=True)
class DrawResult:
    selected: tuple[str, ...]  # ids, sorted
    algorithm: str
    key: str  # the RFC 3797 key string of the public values
    marginals: dict[str, float] | None = None  # when the algorithm computes a distribution
    distribution: Distribution | None = None  # maximin
    panel_index: int | None = None  # the picked panel's position in the distribution
    peak_memory_kb: int = 0  # of the child process that ran the library
    seconds: float = 0.0


def _plain(pool: Pool, quotas: list[Quota]):
    features = features_of(quotas)
    # By id, not by the file's row order: the same people give the same panel however the file is sorted.
    people = {person: {feature: row[feature] for feature in features} for person, row in sorted(pool.people.items())}
    bounds = {feature: {value: (q.min, q.max) for value, q in values.items()} for feature, values in features.items()}
    return people, bounds


def library_seed(key: str) -> int:
    """The seed the library's generator gets for a legacy draw: the RFC 3797 integer of selection 0."""
    return rfc3797.random_integer(key, 0) or 1  # the library reads 0 as "unseeded"


def _run(pool: Pool, quotas: list[Quota], size: int, task: str, seeds: list[int], timeout: float | None,
         progress=None):
    reasons = explain_infeasible(pool, quotas, size)
    if reasons:
        raise InfeasibleQuotas(reasons)
    people, bounds = _plain(pool, quotas)
    try:
        outcome = run_isolated(ENGINE, task, people, bounds, size, seeds, timeout=timeout, progress=progress)
    except IsolatedFailure as error:
        raise SortitionError([_("The draw could not be completed (the computation stopped). Nothing was "
                                "drawn; try again, or ask the platform's operators if it happens again.")],
                             detail=str(error)) from None
    if "infeasible" in outcome.value:
        raise InfeasibleQuotas(explain_relaxation(quotas, outcome.value["infeasible"]))
    if "failed" in outcome.value:
        raise SortitionError([_("The lot found no panel that meets every quota with these people: once the "
                                "other quotas are filled, too few people are left for at least one of them. "
                                "Widen the quotas or add people to the pool, then prepare a new draw.")],
                             detail=outcome.value["failed"])
    return outcome


def compute_distribution(pool: Pool, quotas: list[Quota], size: int, *, timeout: float | None = None,
                         progress=None) -> tuple[Distribution, float, int]:
    """The maximin distribution, publishable before the public values: (distribution, seconds, peak kB).

    ``progress(event)`` receives the library's progress as it runs (about once a second):
    ``{"phase": "multiplicative_weights" | "maximin_optimization" | ..., "current": n, "total": n | None}``.
    """
    outcome = _run(pool, quotas, size, "maximin", [DISTRIBUTION_SEED], timeout, progress)
    weighted = sorted(
        (tuple(panel), round(probability * WEIGHT_SCALE))
        for panel, probability in zip(outcome.value["panels"], outcome.value["probabilities"], strict=True))
    weighted = [(panel, weight) for panel, weight in weighted if weight > 0]
    distribution = Distribution(tuple(p for p, _w in weighted), tuple(w for _p, w in weighted))
    return distribution, outcome.seconds, outcome.peak_memory_kb


def pick_panel(distribution: Distribution, key: str) -> int:
    """The panel the public values pick: RFC 3797 integer of selection 0, modulo the total weight,
    located on the cumulative weights of the panels in their published order."""
    point = rfc3797.random_integer(key, 0) % sum(distribution.weights)
    for index, weight in enumerate(distribution.weights):
        if point < weight:
            return index
        point -= weight
    raise AssertionError("unreachable: the point is below the total weight")


def draw_each(pool: Pool, quotas: list[Quota], size: int, seeds: Sequence[str],
              algorithm: str = DEFAULT_ALGORITHM, *, timeout: float | None = None) -> list[DrawResult]:
    """One draw per seed (public values as text), sharing one child process and one distribution."""
    if algorithm not in ALGORITHMS:
        raise SortitionError([_("Unknown algorithm “%(name)s”; choose one of: %(names)s.")
                              % {"name": algorithm, "names": ", ".join(ALGORITHMS)}])
    try:
        keys = [rfc3797.key_from_text(seed) for seed in seeds]
    except rfc3797.PublicValuesError as error:
        raise SortitionError([str(error)]) from None
    if algorithm == "maximin":
        distribution, seconds, peak = compute_distribution(pool, quotas, size, timeout=timeout)
        marginals = distribution.marginals(list(pool.people))
        results = []
        for key in keys:
            index = pick_panel(distribution, key)
            results.append(DrawResult(distribution.panels[index], algorithm, key, marginals, distribution,
                                      index, peak, seconds))
        return results
    outcome = _run(pool, quotas, size, "legacy", [library_seed(key) for key in keys], timeout)
    return [DrawResult(tuple(panel), algorithm, key, peak_memory_kb=outcome.peak_memory_kb,
                       seconds=outcome.seconds) for panel, key in zip(outcome.value["panels"], keys, strict=True)]


def draw(pool: Pool, quotas: list[Quota], size: int, seed: str, algorithm: str = DEFAULT_ALGORITHM,
         *, timeout: float | None = None) -> DrawResult:
    """Draw one panel of ``size`` meeting ``quotas``; ``seed`` is the public values (or one number)."""
    return draw_each(pool, quotas, size, [seed], algorithm, timeout=timeout)[0]
