"""Drawing a panel by lot: the project's interface over the maximin solvers, seeded by RFC 3797.

- ``maximin`` (the default): the fair-selection method of Flanigan et al. (Nature 2021), solved over
  profiles (``profiles``): a distribution over quota-satisfying panels that maximises the smallest
  selection probability of anyone in the pool, where a panel is a count per profile (a profile: one
  value of every quota feature). Its size grows with the number of profiles, not with the pool. The
  distribution does not depend on the public values, so it is published first; the public values then
  pick a profile panel (RFC 3797 selection 0) and, profile by profile in published order, its people
  (the RFC's own selection, indices from 1): everyone of a profile has the same chance.
- ``maximin-people``: the same maximin solved person by person by `sortition-algorithms` (HiGHS),
  for a draw with the one-person-per-household check (people of a profile are then no longer
  interchangeable); practical up to about 1,500 people (docs/benchmarks.md).
- ``legacy``: the library's simple greedy stratified draw, seeded with the RFC 3797 hash. Fast on any
  pool, but some people's chances can be far from equal; no distribution is computed.

Every solver call runs in a new process (``isolation``), so the same inputs and public values give the
same panel on any machine, whatever ran before.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from deliberation.panels.sortition import profiles, rfc3797
from deliberation.panels.sortition.feasibility import explain_infeasible, explain_relaxation
from deliberation.panels.sortition.isolation import IsolatedFailure, run_isolated
from deliberation.panels.sortition.pool import Pool, Quota, SortitionError, features_of

ALGORITHMS = ("maximin", "maximin-people", "legacy")
DEFAULT_ALGORITHM = "maximin"
MAXIMIN = ("maximin", "maximin-people")
DISTRIBUTION_SEED = 1  # the library's generator while it builds the maximin distribution (published)
WEIGHT_SCALE = 10**9  # probabilities are published, and picked from, as whole parts per billion
ENGINE = "deliberation.panels.sortition.engine.run"


class InfeasibleQuotas(SortitionError):
    """No panel of this size meets the quotas; ``lines`` say which quota and by how much."""


def method_for(algorithm: str, households: Sequence[str] = ()) -> str:
    """The algorithm that runs: maximin with the one-person-per-household check runs person by person,
    because people of one profile who share an address are no longer interchangeable."""
    return "maximin-people" if algorithm == "maximin" and households else algorithm


class _Weighted:
    weights: tuple[int, ...]

    @property
    def probabilities(self) -> tuple[float, ...]:
        total = sum(self.weights)
        return tuple(weight / total for weight in self.weights)


def _ppb(panels, probabilities) -> list[tuple[tuple, int]]:
    """Panels in sorted order with their weights in parts per billion, the zero weights left out."""
    weighted = sorted((tuple(panel), round(probability * WEIGHT_SCALE))
                      for panel, probability in zip(panels, probabilities, strict=True))
    return [(panel, weight) for panel, weight in weighted if weight > 0]


@dataclass(frozen=True)
class Distribution(_Weighted):
    """Panels of people (ids sorted; panels in sorted order) with their weights, parts per billion of the
    total: the library's maximin (``maximin-people``)."""

    panels: tuple[tuple[str, ...], ...]
    weights: tuple[int, ...]

    def marginals(self, people: Sequence[str]) -> dict[str, float]:
        """Each person's probability of selection: the total probability of the panels they are on."""
        chances = dict.fromkeys(people, 0.0)
        for panel, probability in zip(self.panels, self.probabilities, strict=True):
            for person in panel:
                chances[person] += probability
        return chances

    def record(self) -> dict:
        return {"method": "people", "panels": [list(p) for p in self.panels], "weights": list(self.weights)}


@dataclass(frozen=True)
class ProfileDistribution(_Weighted):
    """Maximin over profiles: panels as counts per profile (profiles sorted, panels in sorted order) with
    their weights in parts per billion; ``gap`` bounds how far the smallest chance is below the optimum."""

    features: tuple[str, ...]
    profiles: tuple[tuple[str, ...], ...]
    sizes: tuple[int, ...]
    panels: tuple[tuple[int, ...], ...]
    weights: tuple[int, ...]
    gap: float = 0.0
    iterations: int = 0

    def chances(self) -> tuple[float, ...]:
        """Each profile's chance: its expected count on the panel over its size (everyone's in it)."""
        expected = [0.0] * len(self.profiles)
        for panel, probability in zip(self.panels, self.probabilities, strict=True):
            for k, count in enumerate(panel):
                expected[k] += probability * count
        return tuple(total / size for total, size in zip(expected, self.sizes, strict=True))

    def marginals(self, pool: Pool) -> dict[str, float]:
        chance = dict(zip(self.profiles, self.chances(), strict=True))
        return {person: chance[tuple(row[f] for f in self.features)] for person, row in pool.people.items()}

    def record(self) -> dict:
        return {"method": "profiles", "features": list(self.features), "profiles": [list(p) for p in self.profiles],
                "sizes": list(self.sizes), "panels": [list(p) for p in self.panels], "weights": list(self.weights),
                "gap": self.gap, "iterations": self.iterations}

    @classmethod
    def from_record(cls, record: dict) -> "ProfileDistribution":
        return cls(tuple(record["features"]), tuple(map(tuple, record["profiles"])), tuple(record["sizes"]),
                   tuple(map(tuple, record["panels"])), tuple(record["weights"]), record.get("gap", 0.0),
                   record.get("iterations", 0))

    def people(self, pool: Pool, index: int, key: str) -> tuple[str, ...]:
        """The people of profile panel ``index``: profile by profile in published order, the panel's count
        of the profile's members (ids sorted) by the RFC 3797 selection, indices from 1 on (0 picked the
        panel). Sorted ids."""
        members = profiles.group(pool.people, self.features)
        if members.profiles != self.profiles or members.sizes != self.sizes:
            raise SortitionError([_("The pool is not the one this distribution was computed for (its profiles "
                                    "differ); draw from the published PEOPLE.csv.")])
        chosen, selection = [], 1
        for people, count in zip(members.members, self.panels[index], strict=True):
            remaining = list(people)
            for _seat in range(count):
                chosen.append(remaining.pop(rfc3797.random_integer(key, selection) % len(remaining)))
                selection += 1
        return tuple(sorted(chosen))


def distribution_from_record(record: dict) -> Distribution | ProfileDistribution:
    """A published distribution (``Draw.distribution``); a record without ``method`` is the library's."""
    if record.get("method") == "profiles":
        return ProfileDistribution.from_record(record)
    return Distribution(tuple(map(tuple, record["panels"])), tuple(record["weights"]))


@dataclass(frozen=True)
class DrawResult:
    selected: tuple[str, ...]  # ids, sorted
    algorithm: str  # the algorithm that ran (``method_for``)
    key: str  # the RFC 3797 key string of the public values
    marginals: dict[str, float] | None = None  # when the algorithm computes a distribution
    distribution: Distribution | ProfileDistribution | None = None  # maximin
    panel_index: int | None = None  # the picked panel's position in the distribution
    peak_memory_kb: int = 0  # of the child process that ran the solver
    seconds: float = 0.0


def _plain(pool: Pool, quotas: list[Quota], households: Sequence[str]):
    features = features_of(quotas)
    columns = [*features, *households]
    # By id, not by the file's row order: the same people give the same panel however the file is sorted.
    people = {person: {column: row[column] for column in columns} for person, row in sorted(pool.people.items())}
    bounds = {feature: {value: (q.min, q.max) for value, q in values.items()} for feature, values in features.items()}
    return people, bounds


def check_households(pool: Pool, quotas: list[Quota], households: Sequence[str]) -> None:
    """The household columns must be columns of PEOPLE.csv, and not features of the quotas."""
    features = features_of(quotas)
    lines = [_("PEOPLE line 1: no column “%(column)s” for the one-person-per-household check.") % {"column": c}
             for c in households if c not in pool.columns]
    lines += [_("“%(column)s” is a feature of the quotas; the household check needs address columns.")
              % {"column": c} for c in households if c in features]
    if lines:
        raise SortitionError(lines)


def library_seed(key: str) -> int:
    """The seed the library's generator gets for a legacy draw: the RFC 3797 integer of selection 0."""
    return rfc3797.random_integer(key, 0) or 1  # the library reads 0 as "unseeded"


def _run(pool: Pool, quotas: list[Quota], size: int, task: str, seeds: list[int], timeout: float | None,
         progress=None, households: Sequence[str] = ()):
    reasons = explain_infeasible(pool, quotas, size)
    if reasons:
        raise InfeasibleQuotas(reasons)
    check_households(pool, quotas, households)
    people, bounds = _plain(pool, quotas, households)
    try:
        outcome = run_isolated(ENGINE, task, people, bounds, size, seeds, list(households), timeout=timeout,
                               progress=progress)
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


def compute_distribution(pool: Pool, quotas: list[Quota], size: int, *, algorithm: str = DEFAULT_ALGORITHM,
                         households: Sequence[str] = (), timeout: float | None = None,
                         progress=None) -> tuple[Distribution | ProfileDistribution, float, int]:
    """The maximin distribution, publishable before the public values: (distribution, seconds, peak kB).

    ``algorithm`` is ``maximin`` (over profiles) or ``maximin-people`` (the library, person by person),
    after ``method_for``. ``progress(event)`` receives the solver's progress as it runs (about once a
    second): ``{"phase": "covering" | "multiplicative_weights" | "maximin_optimization" | ...,
    "current": n, "total": n | None}``.
    """
    if algorithm == "maximin":
        outcome = _run(pool, quotas, size, "profiles", [], timeout, progress)
        value = outcome.value
        weighted = _ppb(value["panels"], value["probabilities"])
        distribution = ProfileDistribution(
            tuple(value["features"]), tuple(map(tuple, value["profiles"])), tuple(value["sizes"]),
            tuple(p for p, _w in weighted), tuple(w for _p, w in weighted), value["gap"], value["iterations"])
        return distribution, outcome.seconds, outcome.peak_memory_kb
    if algorithm != "maximin-people":
        raise ValueError(f"{algorithm!r} computes no distribution")
    outcome = _run(pool, quotas, size, "maximin", [DISTRIBUTION_SEED], timeout, progress, households)
    weighted = _ppb(outcome.value["panels"], outcome.value["probabilities"])
    distribution = Distribution(tuple(p for p, _w in weighted), tuple(w for _p, w in weighted))
    return distribution, outcome.seconds, outcome.peak_memory_kb


def pick_panel(distribution: Distribution | ProfileDistribution, key: str) -> int:
    """The panel the public values pick: RFC 3797 integer of selection 0, modulo the total weight,
    located on the cumulative weights of the panels in their published order."""
    point = rfc3797.random_integer(key, 0) % sum(distribution.weights)
    for index, weight in enumerate(distribution.weights):
        if point < weight:
            return index
        point -= weight
    raise AssertionError("unreachable: the point is below the total weight")


def selected_people(distribution: Distribution | ProfileDistribution, pool: Pool, index: int,
                    key: str) -> tuple[str, ...]:
    """The people of the picked panel: the panel itself, or its profile counts filled by lot."""
    if isinstance(distribution, ProfileDistribution):
        return distribution.people(pool, index, key)
    return distribution.panels[index]


def draw_each(pool: Pool, quotas: list[Quota], size: int, seeds: Sequence[str],
              algorithm: str = DEFAULT_ALGORITHM, *, households: Sequence[str] = (),
              timeout: float | None = None) -> list[DrawResult]:
    """One draw per seed (public values as text), sharing one child process and one distribution."""
    if algorithm not in ALGORITHMS:
        raise SortitionError([_("Unknown algorithm “%(name)s”; choose one of: %(names)s.")
                              % {"name": algorithm, "names": ", ".join(ALGORITHMS)}])
    try:
        keys = [rfc3797.key_from_text(seed) for seed in seeds]
    except rfc3797.PublicValuesError as error:
        raise SortitionError([str(error)]) from None
    algorithm = method_for(algorithm, households)
    if algorithm in MAXIMIN:
        distribution, seconds, peak = compute_distribution(pool, quotas, size, algorithm=algorithm,
                                                           households=households, timeout=timeout)
        if isinstance(distribution, ProfileDistribution):
            marginals = distribution.marginals(pool)
        else:
            marginals = distribution.marginals(list(pool.people))
        results = []
        for key in keys:
            index = pick_panel(distribution, key)
            results.append(DrawResult(selected_people(distribution, pool, index, key), algorithm, key, marginals,
                                      distribution, index, peak, seconds))
        return results
    outcome = _run(pool, quotas, size, "legacy", [library_seed(key) for key in keys], timeout,
                   households=households)
    return [DrawResult(tuple(panel), algorithm, key, peak_memory_kb=outcome.peak_memory_kb,
                       seconds=outcome.seconds) for panel, key in zip(outcome.value["panels"], keys, strict=True)]


def draw(pool: Pool, quotas: list[Quota], size: int, seed: str, algorithm: str = DEFAULT_ALGORITHM,
         *, households: Sequence[str] = (), timeout: float | None = None) -> DrawResult:
    """Draw one panel of ``size`` meeting ``quotas``; ``seed`` is the public values (or one number);
    ``households``: address columns, at most one person of each household (the library's check)."""
    return draw_each(pool, quotas, size, [seed], algorithm, households=households, timeout=timeout)[0]
