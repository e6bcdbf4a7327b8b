"""The child-process side of a draw: runs `sortition-algorithms` (GPL-3.0) on plain data.

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

from deliberation.panels.sortition.isolation import report_progress

LEGACY_ATTEMPTS = 100  # the library's own default (Settings.max_attempts)


def _library_input(people: dict[str, dict[str, str]], features: dict[str, dict[str, tuple[int, int]]]):
    collection = {
        feature: {value: FeatureValueMinMax(min=low, max=high) for value, (low, high) in values.items()}
        for feature, values in features.items()
    }
    set_default_max_flex(collection)
    library_people = People(columns_to_keep=[])
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


def run(task: str, people, features, size: int, seeds: list[int]) -> dict:
    """``maximin``: the distribution over panels (the seeds are not used); ``legacy``: one panel per seed."""
    _quiet()
    collection, library_people = _library_input(people, features)
    try:
        if task == "maximin":
            set_random_provider(seeds[0])
            committees, probabilities, _report = find_distribution_maximin(
                collection, library_people, size, [], progress_reporter=PipeReporter())
            committees, probabilities = standardize_distribution(committees, probabilities)
            return {"panels": [sorted(panel) for panel in committees], "probabilities": probabilities}
        if task == "legacy":
            # The greedy draw only says it failed; the library's ILP check says which quota and by how much.
            setup_committee_generation(collection, library_people, size, [])
            panels = []
            for seed in seeds:
                set_random_provider(seed)
                committees, _report = find_random_sample_legacy(
                    library_people, collection, size, [], max_attempts=LEGACY_ATTEMPTS)
                panels.append(sorted(committees[0]))
            return {"panels": panels}
    except errors.InfeasibleQuotasError as error:
        relaxed = {(feature, value): (minmax.min, minmax.max)
                   for feature, values in error.features.items() for value, minmax in values.items()}
        return {"infeasible": relaxed}
    except (errors.SelectionError, errors.InfeasibleQuotasCantRelaxError) as error:
        return {"failed": str(error)}
    raise ValueError(f"unknown task {task!r}")
