"""The child-process side of a draw: maximin over profiles (``profiles``, HiGHS) or `sortition-algorithms`
(GPL-3.0) on plain data.

Only ever called inside an isolated process (see ``isolation``): the library seeds Python's global
``random`` (and takes seed 0 as "not reproducible", using ``secrets``), so it must not share a process
with the web server or with another draw. Returns plain data; words for people are made by the parent
(no Django settings, no gettext here).
"""

import logging

from sortition_algorithms import errors
from sortition_algorithms.committee_generation import (
    find_distribution_maximin,
    find_random_sample_legacy,
    setup_committee_generation,
    standardize_distribution,
)
from sortition_algorithms.features import FeatureValueMinMax, set_default_max_flex
from sortition_algorithms.people import People
from sortition_algorithms.utils import set_random_provider

from deliberation.panels.sortition import profiles
from deliberation.panels.sortition.isolation import report_progress

LEGACY_ATTEMPTS = 100  # the library's own default (Settings.max_attempts)


def _library_input(people: dict[str, dict[str, str]], features: dict[str, dict[str, tuple[int, int]]],
                   households: list[str]):
    collection = {
        feature: {value: FeatureValueMinMax(min=low, max=high) for value, (low, high) in values.items()}
        for feature, values in features.items()
    }
    set_default_max_flex(collection)
    library_people = People(columns_to_keep=list(households))
    for row_number, (person, row) in enumerate(people.items(), start=2):
        library_people.add(person, dict(row), collection, row_number)
    return collection, library_people


def _quiet() -> None:
    # The library logs every legacy attempt as a warning; a draw's output is its result, not its log.
    for name in ("sortition_algorithms", "sortition_algorithms_user"):
        logging.getLogger(name).setLevel(logging.ERROR)


class PipeReporter:
    """The library's progress reporter (``sortition_algorithms.progress``), passed on to the parent."""

    def __init__(self):
        self.phase, self.total = "", None

    def start_phase(self, name: str, total: int | None = None, *, message: str | None = None) -> None:
        self.phase, self.total = name, total
        report_progress({"phase": name, "current": 0, "total": total}, force=True)

    def update(self, current: int, *, message: str | None = None) -> None:
        report_progress({"phase": self.phase, "current": current, "total": self.total})

    def end_phase(self) -> None:
        pass


def _relaxation(error: errors.InfeasibleQuotasError) -> dict:
    return {"infeasible": {(feature, value): (minmax.min, minmax.max)
                           for feature, values in error.features.items() for value, minmax in values.items()}}


def _profiles(people, features, size: int) -> dict:
    table = profiles.group(people, list(features))
    phases = []

    def progress(event: dict) -> None:  # each phase's start at once, then at most once a second
        report_progress(event, force=event["phase"] not in phases)
        phases.append(event["phase"])

    try:
        solution = profiles.solve(table, features, size, progress=progress)
    except profiles.ProfilesInfeasible:
        # The quotas clash together: the library's relaxation says which, and by how much.
        collection, library_people = _library_input(people, features, [])
        try:
            setup_committee_generation(collection, library_people, size, [])
        except errors.InfeasibleQuotasError as error:
            return _relaxation(error)
        return {"failed": "the panel program found no panel, but the library's relaxation did"}
    return {"features": list(table.features), "profiles": [list(p) for p in table.profiles],
            "sizes": list(table.sizes), "panels": [list(panel) for panel in solution.panels],
            "probabilities": list(solution.probabilities), "lowest": solution.lowest, "gap": solution.gap,
            "iterations": solution.iterations, "uncovered": list(solution.uncovered)}


def run(task: str, people, features, size: int, seeds: list[int], households: list[str] = ()) -> dict:
    """``profiles``: maximin over profiles (the seeds are not used); ``maximin``: the library's maximin
    over people; ``legacy``: one panel per seed. ``households``: the address columns of the library's
    one-person-per-household check (not for ``profiles``, where it would make people of a profile differ)."""
    _quiet()
    if task == "profiles":
        return _profiles(people, features, size)
    collection, library_people = _library_input(people, features, households)
    try:
        if task == "maximin":
            set_random_provider(seeds[0])
            committees, probabilities, _report = find_distribution_maximin(
                collection, library_people, size, list(households), progress_reporter=PipeReporter())
            committees, probabilities = standardize_distribution(committees, probabilities)
            return {"panels": [sorted(panel) for panel in committees], "probabilities": probabilities}
        if task == "legacy":
            # The greedy draw only says it failed; the library's ILP check says which quota and by how much.
            setup_committee_generation(collection, library_people, size, list(households))
            panels = []
            for seed in seeds:
                set_random_provider(seed)
                committees, _report = find_random_sample_legacy(
                    library_people, collection, size, list(households), max_attempts=LEGACY_ATTEMPTS)
                panels.append(sorted(committees[0]))
            return {"panels": panels}
    except errors.InfeasibleQuotasError as error:
        return _relaxation(error)
    except (errors.SelectionError, errors.InfeasibleQuotasCantRelaxError) as error:
        return {"failed": str(error)}
    raise ValueError(f"unknown task {task!r}")
