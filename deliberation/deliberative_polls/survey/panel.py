"""The panel as a whole: attrition, representativeness against the population, small subgroups."""

from collections import Counter
from collections.abc import Mapping, Sequence

from deliberation.deliberative_polls.survey.questions import Participant
from deliberation.deliberative_polls.survey.stats import scipy_stats, number

SMALL_GROUP = 5  # as voting.selectors.SMALL_CELL: a subgroup of fewer participants is not published


def suppressed(sizes: Mapping[str, int]) -> set[str]:
    """The subgroups not to publish: those under SMALL_GROUP, and, if that is only one, the next smallest.

    The same rule as the voting breakdowns: with one group hidden, its figures could be worked out
    from the total and the others, so a second one is hidden with it.
    """
    hidden = {value for value, n in sizes.items() if n < SMALL_GROUP}
    if len(hidden) == 1 and len(sizes) > 1:
        hidden.add(min((v for v in sizes if v not in hidden), key=lambda v: (sizes[v], v)))
    return hidden


def subgroups(participants: Sequence[Participant], attribute: str) -> dict[str, list[int]]:
    """{attribute value: indices of the participants who have it}; a missing value is its own group ("")."""
    groups: dict[str, list[int]] = {}
    for i, p in enumerate(participants):
        groups.setdefault(str(p.attributes.get(attribute, "")), []).append(i)
    return dict(sorted(groups.items()))


def attrition(participants: Sequence[Participant], attributes: Sequence[str] = ()) -> dict:
    """How many took T1, how many T2, how many missed T2 (and the share), overall and by subgroup."""
    result = _attrition_counts(participants)
    result["by_subgroup"] = {}
    for attribute in attributes:
        groups = subgroups(participants, attribute)
        hidden = suppressed({v: len(ix) for v, ix in groups.items()})
        result["by_subgroup"][attribute] = {
            value: {"suppressed": True} if value in hidden else _attrition_counts([participants[i] for i in ix])
            for value, ix in groups.items()}
    return result


def _attrition_counts(participants: Sequence[Participant]) -> dict:
    t1 = len(participants)
    missed = sum(1 for p in participants if p.t2 is None)
    return {"t1": t1, "t2": t1 - missed, "missed_t2": missed, "missed_share": missed / t1 if t1 else None}


def representativeness(participants: Sequence[Participant], margins: Mapping[str, Mapping[str, float]]) -> dict:
    """Per attribute: sample share against population share per value, and a chi-square goodness of fit.

    The test compares the panel's counts with the counts the population shares would give a panel of
    this size (scipy ``chisquare``, k - 1 degrees of freedom); a panel value the margins do not list
    is shown with population share 0 and makes the test impossible (statistic None).
    """
    n = len(participants)
    result = {}
    for attribute, figures in margins.items():
        total = float(sum(figures.values()))
        observed = Counter(str(p.attributes.get(attribute, "")) for p in participants)
        values = list(figures) + sorted(v for v in observed if v not in figures)
        rows = []
        for value in values:
            population = figures.get(value, 0) / total
            sample = observed.get(value, 0) / n if n else None
            rows.append({"value": value, "sample_count": observed.get(value, 0), "sample_share": sample,
                         "population_share": population,
                         "difference": sample - population if sample is not None else None})
        test = {"statistic": None, "df": None, "pvalue": None}
        if n and all(v in figures for v in observed):
            expected = [figures[v] / total * n for v in figures]
            chi = scipy_stats().chisquare([observed.get(v, 0) for v in figures], expected)
            test = {"statistic": number(chi.statistic), "df": len(figures) - 1, "pvalue": number(chi.pvalue)}
        result[attribute] = {"n": n, "values": rows, "chi_square": test}
    return result
