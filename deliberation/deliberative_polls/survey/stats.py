"""The figures of one question for one group of participants: distributions, paired change, tests.

Method (docs/juries.md, "The deliberative poll's statistics", says why):

- Scales: the mean change T2 - T1 over the participants who answered both (paired), its 95 % t
  confidence interval, the paired t-test (primary: it tests the very mean change published, and
  with panels of hundreds the mean of the differences is close to normal) and the Wilcoxon
  signed-rank test (reported beside it, for ordinal scales and small subgroups; zero differences
  dropped, scipy's default; exact without ties or zeros up to 50 pairs, else the normal
  approximation with the tie correction: see ``wilcoxon_method``).
- Yes/no: McNemar's test on the 2x2 table of T1 x T2 answers, exact (binomial) when fewer than 25
  answers changed, else the chi-square with continuity correction.
- Single choice: the shift in shares, and the Stuart-Maxwell test of marginal homogeneity of the
  T1 x T2 table (statsmodels ``SquareTable.homogeneity``); None when the table is degenerate.
- Weighted: the weights (from raking the T1 respondents, see raking.py) are rescaled within the
  figures' set of participants to sum to Kish's effective sample size, so that ``DescrStatsW``,
  which treats the sum of weights as the number of observations, widens the interval by the
  design effect.
"""

import math
import warnings
from collections.abc import Sequence

import numpy as np

from deliberation.deliberative_polls.survey.questions import NO, YES, Question
from deliberation.deliberative_polls.survey.raking import design_effect, effective_n

CONFIDENCE = 0.95
EXACT_MCNEMAR_BELOW = 25  # discordant pairs: below this the exact binomial test


# scipy.stats and statsmodels are imported where a report is computed, not with the module: the
# module is loaded with the app (its receivers), and importing them costs every process that starts
# (daphne, a worker, manage.py) about 3 s and 100 MB that most never use.
def scipy_stats():
    from scipy import stats

    return stats


def number(x) -> float | None:
    """A float for JSON, None for NaN or infinity (json.dumps would write NaN, which is not JSON)."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


def kish_weights(weights: Sequence[float]) -> np.ndarray:
    """Weights rescaled to sum to their effective sample size (see the module docstring)."""
    w = np.asarray(weights, dtype=float)
    return w * (effective_n(w) / w.sum())


def distribution(question: Question, answers: Sequence, weights: Sequence[float] | None = None) -> dict:
    """Counts and shares per value (and weighted shares, and means for scales) of one survey's answers."""
    n = len(answers)
    counts = {value: 0 for value in question.values()}
    weighted = dict.fromkeys(counts, 0.0)
    for i, value in enumerate(answers):
        counts[value] += 1
        if weights is not None:
            weighted[value] += weights[i]
    total_weight = sum(weights) if weights is not None else 0.0
    rows = []
    for value, count in counts.items():
        row = {"value": value, "count": count, "share": count / n if n else None}
        if weights is not None:
            row["weighted_share"] = weighted[value] / total_weight if total_weight else None
        rows.append(row)
    result = {"n": n, "values": rows}
    if question.is_scale:
        result["mean"] = number(np.mean(answers)) if n else None
        if weights is not None:
            result["weighted_mean"] = number(np.average(answers, weights=weights)) if n else None
    return result


def paired_change(before: Sequence[float], after: Sequence[float], weights: Sequence[float] | None = None) -> dict:
    """Mean change after - before with its CI, the paired t-test and Wilcoxon; weighted figures too."""
    from statsmodels.stats.weightstats import DescrStatsW
    x1, x2 = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    n = len(x1)
    result = {"n": n, "mean_t1": None, "mean_t2": None, "mean_change": None, "ci_low": None, "ci_high": None,
              "t_statistic": None, "t_pvalue": None, "wilcoxon_statistic": None, "wilcoxon_pvalue": None,
              "primary_test": "paired_t"}
    if n < 2:
        return result
    diff = x2 - x1
    low, high = DescrStatsW(diff).tconfint_mean(alpha=1 - CONFIDENCE)
    result.update(mean_t1=number(x1.mean()), mean_t2=number(x2.mean()), mean_change=number(diff.mean()),
                  ci_low=number(low), ci_high=number(high))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all differences equal: no variance, NaN statistic
        t = scipy_stats().ttest_rel(x2, x1)
        result.update(t_statistic=number(t.statistic), t_pvalue=number(t.pvalue))
        if np.any(diff != 0):
            w = scipy_stats().wilcoxon(x2, x1, method=wilcoxon_method(diff))
            result.update(wilcoxon_statistic=number(w.statistic), wilcoxon_pvalue=number(w.pvalue))
    if weights is not None:
        result["weighted"] = weighted_change(x1, x2, weights)
    return result


def wilcoxon_method(diff: np.ndarray) -> str:
    """"exact" for up to 50 nonzero differences without ties, else the normal approximation.

    The approximation corrects for ties and zeros. scipy's "auto" would run a permutation test
    when there are ties (always, on a Likert scale), about 0.2 s a question and subgroup.
    """
    nonzero = diff[diff != 0]
    magnitudes = np.abs(nonzero)
    has_ties = len(np.unique(magnitudes)) < len(magnitudes)
    return "exact" if len(nonzero) == len(diff) and len(diff) <= 50 and not has_ties else "approx"


def weighted_change(x1: np.ndarray, x2: np.ndarray, weights: Sequence[float]) -> dict:
    """Weighted means and mean change (DescrStatsW, Kish-rescaled weights), its CI and weighted t-test."""
    from statsmodels.stats.weightstats import DescrStatsW
    w = kish_weights(weights)
    diff = DescrStatsW(x2 - x1, weights=w)
    low, high = diff.tconfint_mean(alpha=1 - CONFIDENCE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        t, p, _df = diff.ttest_mean(0)
    return {"mean_t1": number(np.average(x1, weights=w)), "mean_t2": number(np.average(x2, weights=w)),
            "mean_change": number(diff.mean), "ci_low": number(low), "ci_high": number(high),
            "t_statistic": number(t), "t_pvalue": number(p),
            "design_effect": number(design_effect(w)), "effective_n": number(w.sum())}


def yesno_change(before: Sequence[str], after: Sequence[str]) -> dict:
    """The 2x2 table T1 x T2 (yes first) and McNemar's test: exact below EXACT_MCNEMAR_BELOW changes."""
    from statsmodels.stats.contingency_tables import mcnemar
    table = paired_table((YES, NO), before, after)
    discordant = table[0][1] + table[1][0]
    result = {"n": len(before), "table": table, "yes_to_no": table[0][1], "no_to_yes": table[1][0],
              "exact": discordant < EXACT_MCNEMAR_BELOW, "statistic": None, "pvalue": None}
    if discordant:
        test = mcnemar(np.array(table), exact=result["exact"], correction=True)
        result.update(statistic=number(test.statistic), pvalue=number(test.pvalue))
    elif before:
        result["pvalue"] = 1.0  # nobody changed their answer
    return result


def choice_change(question: Question, before: Sequence[str], after: Sequence[str]) -> dict:
    """Shares at T1 and T2 among the paired, their shift, and the Stuart-Maxwell test of the T1 x T2 table."""
    from statsmodels.stats.contingency_tables import SquareTable
    values = question.values()
    table = paired_table(values, before, after)
    n = len(before)
    shift = []
    for i, value in enumerate(values):
        t1 = sum(table[i]) / n if n else None
        t2 = sum(row[i] for row in table) / n if n else None
        shift.append({"value": value, "share_t1": t1, "share_t2": t2,
                      "shift": t2 - t1 if n else None})
    result = {"n": n, "table": table, "shift": shift, "test": "stuart_maxwell", "statistic": None, "df": None,
              "pvalue": None}
    if n:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                test = SquareTable(np.array(table, dtype=float), shift_zeros=False).homogeneity("stuart_maxwell")
            result.update(statistic=number(test.statistic), df=int(test.df), pvalue=number(test.pvalue))
        except (np.linalg.LinAlgError, ValueError):
            pass  # a singular covariance (e.g. nobody changed): no test, the shift is still shown
    return result


def paired_table(values: Sequence, before: Sequence, after: Sequence) -> list[list[int]]:
    """Counts of (T1 answer, T2 answer): rows T1, columns T2, in the order of ``values``."""
    index = {value: i for i, value in enumerate(values)}
    table = [[0] * len(values) for _ in values]
    for a, b in zip(before, after, strict=True):
        table[index[a]][index[b]] += 1
    return table


def difference_in_differences(d_delib: Sequence[float], d_control: Sequence[float],
                              w_delib: Sequence[float] | None = None,
                              w_control: Sequence[float] | None = None) -> dict:
    """Mean change of the deliberating group minus that of the control, Welch CI and t-test.

    The two groups are independent samples of changes (each participant's T2 - T1), with unequal
    variances: statsmodels ``CompareMeans`` with ``usevar="unequal"`` (Welch-Satterthwaite degrees
    of freedom). Weighted when both weight lists are given (each group's weights Kish-rescaled).
    """
    from statsmodels.stats.weightstats import CompareMeans, DescrStatsW
    result = {"n_deliberation": len(d_delib), "n_control": len(d_control), "difference": None, "ci_low": None,
              "ci_high": None, "t_statistic": None, "pvalue": None, "df": None}
    if len(d_delib) < 2 or len(d_control) < 2:
        return result
    if w_delib is not None and w_control is not None:
        a = DescrStatsW(np.asarray(d_delib, float), weights=kish_weights(w_delib))
        b = DescrStatsW(np.asarray(d_control, float), weights=kish_weights(w_control))
    else:
        a, b = DescrStatsW(np.asarray(d_delib, float)), DescrStatsW(np.asarray(d_control, float))
    compare = CompareMeans(a, b)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        low, high = compare.tconfint_diff(alpha=1 - CONFIDENCE, usevar="unequal")
        t, p, df = compare.ttest_ind(usevar="unequal")
    result.update(difference=number(a.mean - b.mean), ci_low=number(low), ci_high=number(high),
                  t_statistic=number(t), pvalue=number(p), df=number(df))
    return result
