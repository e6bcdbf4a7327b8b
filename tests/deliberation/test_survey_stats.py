"""The deliberative poll's statistics (deliberation/deliberative_polls/survey): known answers against scipy and statsmodels."""

import csv
import json
import math

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from scipy import stats as scipy_stats
from statsmodels.stats.contingency_tables import SquareTable, mcnemar
from statsmodels.stats.weightstats import DescrStatsW

from deliberation.deliberative_polls.survey.exports import (
    TABLES, anonymous_label, response_rows, table_rows, write_tables,
)
from deliberation.deliberative_polls.survey.panel import attrition, representativeness, suppressed
from deliberation.deliberative_polls.survey.questions import Participant, Question, validate_answer
from deliberation.deliberative_polls.survey.report import build_report, question_figures
from deliberation.deliberative_polls.survey.stats import (
    choice_change, difference_in_differences, distribution, kish_weights, paired_change, wilcoxon_method,
    yesno_change,
)

BEFORE = [2, 3, 3, 4, 1, 2, 5, 3, 2, 4, 3, 1, 2, 4, 3]
AFTER = [3, 4, 3, 5, 2, 2, 5, 4, 3, 4, 4, 2, 2, 3, 4]
WEIGHTS = [1.2, 0.8, 1.0, 1.5, 0.6, 1.1, 0.9, 1.3, 0.7, 1.0, 1.4, 0.5, 1.0, 1.2, 0.8]

LIKERT = Question("trust", "likert5", "I trust the city's plan")
YN = Question("support", "yesno", "Do you support the plan?")
PICK = Question("option", "choice", "Which option?", choices=("a", "b", "c"))
TEN = Question("score", "scale10", "Score the plan")


# --- validation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("question, value", [(LIKERT, 0), (LIKERT, 6), (Question("q", "likert7"), 8), (TEN, 11),
                                             (TEN, -1), (LIKERT, True), (LIKERT, 2.5), (LIKERT, "x"), (LIKERT, None)])
def test_an_answer_outside_the_scale_is_refused_with_the_range(question, value):
    with pytest.raises(ValidationError) as refused:
        validate_answer(question, value)
    assert refused.value.code == "out_of_scale"
    low, high = {"likert5": (1, 5), "likert7": (1, 7), "scale10": (0, 10)}[question.kind]
    assert f"from {low} to {high}" in refused.value.messages[0]


def test_answers_on_the_scale_are_accepted_as_whole_numbers():
    assert validate_answer(LIKERT, 5) == 5
    assert validate_answer(LIKERT, "3") == 3
    assert validate_answer(TEN, 0) == 0
    assert validate_answer(YN, "no") == "no"
    assert validate_answer(PICK, "b") == "b"


@pytest.mark.parametrize("question, value", [(YN, "maybe"), (YN, True), (PICK, "d")])
def test_a_choice_not_offered_is_refused_with_the_choices(question, value):
    with pytest.raises(ValidationError, match="must be one of") as refused:
        validate_answer(question, value)
    assert refused.value.code == "not_a_choice"


def test_the_report_refuses_a_participant_with_an_out_of_scale_answer():
    participants = [Participant("a", {}, {"trust": 3}, {"trust": 9})]
    with pytest.raises(ValidationError, match="from 1 to 5"):
        build_report([LIKERT], participants)


# --- scales: paired change ------------------------------------------------------------------------

def test_paired_change_matches_scipy_and_statsmodels():
    change = paired_change(BEFORE, AFTER)
    diff = np.array(AFTER) - np.array(BEFORE)
    t = scipy_stats.ttest_rel(AFTER, BEFORE)
    w = scipy_stats.wilcoxon(AFTER, BEFORE, method="approx")  # ties and zeros: the normal approximation
    low, high = DescrStatsW(diff).tconfint_mean()
    assert change["n"] == 15
    assert change["mean_change"] == pytest.approx(diff.mean()) == pytest.approx(8 / 15)
    assert change["t_statistic"] == pytest.approx(t.statistic) and change["t_pvalue"] == pytest.approx(t.pvalue)
    assert change["wilcoxon_statistic"] == pytest.approx(w.statistic)
    assert change["wilcoxon_pvalue"] == pytest.approx(w.pvalue)
    assert (change["ci_low"], change["ci_high"]) == pytest.approx((low, high))
    # the t interval by hand: mean +- t(0.975, n - 1) * s / sqrt(n)
    half = scipy_stats.t.ppf(0.975, 14) * diff.std(ddof=1) / math.sqrt(15)
    assert (change["ci_low"], change["ci_high"]) == pytest.approx((diff.mean() - half, diff.mean() + half))
    assert change["primary_test"] == "paired_t"


def test_weighted_change_uses_kish_rescaled_weights_in_descrstatsw():
    weighted = paired_change(BEFORE, AFTER, WEIGHTS)["weighted"]
    w = np.array(WEIGHTS)
    n_eff = w.sum() ** 2 / (w ** 2).sum()
    rescaled = w * n_eff / w.sum()
    assert kish_weights(WEIGHTS) == pytest.approx(rescaled)
    reference = DescrStatsW(np.array(AFTER) - np.array(BEFORE), weights=rescaled)
    assert weighted["mean_change"] == pytest.approx(np.average(np.array(AFTER) - BEFORE, weights=w))
    assert (weighted["ci_low"], weighted["ci_high"]) == pytest.approx(reference.tconfint_mean())
    assert weighted["t_pvalue"] == pytest.approx(reference.ttest_mean(0)[1])
    assert weighted["effective_n"] == pytest.approx(n_eff)
    assert weighted["design_effect"] == pytest.approx(15 / n_eff)
    assert weighted["mean_t1"] == pytest.approx(np.average(BEFORE, weights=w))


def test_wilcoxon_is_exact_only_without_ties_or_zeros():
    assert wilcoxon_method(np.array([1, -2, 3, 4, -5])) == "exact"
    assert wilcoxon_method(np.array([1, -1, 3])) == "approx"
    assert wilcoxon_method(np.array([0, 2, 3])) == "approx"
    before, after = [1, 2, 3, 1, 2, 1, 3], [2, 4, 6, 5, 7, 7, 10]
    assert paired_change(before, after)["wilcoxon_pvalue"] == pytest.approx(
        scipy_stats.wilcoxon(after, before, method="exact").pvalue)


def test_no_change_at_all_gives_no_wilcoxon_and_a_json_safe_result():
    change = paired_change([3, 3, 4], [3, 3, 4])
    assert change["mean_change"] == 0 and change["wilcoxon_pvalue"] is None
    json.dumps(change, allow_nan=False)


# --- yes/no and single choice ---------------------------------------------------------------------

def answers_from(table, values):
    before, after = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            before += [values[i]] * count
            after += [values[j]] * count
    return before, after


def test_mcnemar_is_exact_for_few_changes_and_matches_the_binomial_by_hand():
    before, after = answers_from([[10, 3], [9, 8]], ("yes", "no"))
    result = yesno_change(before, after)
    assert result["table"] == [[10, 3], [9, 8]] and result["exact"]
    # two-sided binomial: 2 * P(X <= 3 | 12, 1/2) = 2 * (1 + 12 + 66 + 220) / 4096
    assert result["pvalue"] == pytest.approx(2 * 299 / 4096)
    assert result["pvalue"] == pytest.approx(mcnemar(np.array([[10, 3], [9, 8]]), exact=True).pvalue)


def test_mcnemar_uses_the_corrected_chi_square_for_many_changes():
    before, after = answers_from([[30, 30], [10, 30]], ("yes", "no"))
    result = yesno_change(before, after)
    assert not result["exact"]
    assert result["statistic"] == pytest.approx((abs(30 - 10) - 1) ** 2 / 40)
    assert result["pvalue"] == pytest.approx(scipy_stats.chi2.sf(361 / 40, 1))


def test_choice_shift_and_stuart_maxwell_test():
    table = [[20, 5, 3], [2, 15, 6], [1, 2, 10]]
    before, after = answers_from(table, PICK.choices)
    result = choice_change(PICK, before, after)
    assert result["table"] == table
    shares = {row["value"]: row for row in result["shift"]}
    assert shares["a"]["share_t1"] == pytest.approx(28 / 64) and shares["a"]["share_t2"] == pytest.approx(23 / 64)
    assert shares["c"]["shift"] == pytest.approx((19 - 13) / 64)
    reference = SquareTable(np.array(table, float), shift_zeros=False).homogeneity("stuart_maxwell")
    assert result["statistic"] == pytest.approx(reference.statistic)
    assert result["pvalue"] == pytest.approx(reference.pvalue) and result["df"] == 2


def test_distribution_counts_shares_and_weighted_shares():
    result = distribution(LIKERT, [1, 2, 2, 5], [1.0, 2.0, 1.0, 4.0])
    rows = {row["value"]: row for row in result["values"]}
    assert list(rows) == [1, 2, 3, 4, 5]
    assert rows[2]["count"] == 2 and rows[2]["share"] == 0.5 and rows[3]["count"] == 0
    assert rows[2]["weighted_share"] == pytest.approx(3 / 8) and rows[5]["weighted_share"] == pytest.approx(0.5)
    assert result["mean"] == 2.5 and result["weighted_mean"] == pytest.approx((1 + 4 + 2 + 20) / 8)


# --- the panel: attrition, subgroups, representativeness -------------------------------------------

def panel():
    """12 participants: 3 missed T2; one took T2 but skipped the question; 8 women, 4 men."""
    people = []
    for i in range(12):
        gender = "female" if i < 8 else "male"
        t2 = None if i in (1, 5, 9) else ({} if i == 2 else {"trust": min(5, 1 + i % 5 + 1)})
        people.append(Participant(f"id-{i}", {"gender": gender}, {"trust": 1 + i % 5}, t2))
    return people


def test_attrition_counts_the_missed_t2_overall_and_by_subgroup():
    result = attrition(panel(), ["gender"])
    assert (result["t1"], result["t2"], result["missed_t2"]) == (12, 9, 3)
    assert result["missed_share"] == pytest.approx(0.25)
    # 4 men is under 5: suppressed, and with it the only other group (else it could be worked out)
    assert result["by_subgroup"]["gender"] == {"female": {"suppressed": True}, "male": {"suppressed": True}}


def test_a_participant_who_missed_t2_counts_in_t1_figures_only():
    figures = question_figures(LIKERT, panel())
    assert figures["n_t1"] == 12 and figures["n_t2"] == 8 and figures["n_paired"] == 8
    assert figures["missed_t2"] == 4  # 3 who missed the survey, 1 who skipped the question
    assert figures["t1"]["n"] == 12 and figures["change"]["n"] == 8


def test_small_subgroups_are_suppressed_as_the_voting_breakdowns_are():
    assert suppressed({"a": 10, "b": 3, "c": 7}) == {"b", "c"}
    assert suppressed({"a": 10, "b": 3, "c": 4}) == {"b", "c"}
    assert suppressed({"a": 10, "b": 5}) == set()
    people = panel() + [Participant(f"m{i}", {"gender": "male"}, {"trust": 3}, {"trust": 4}) for i in range(6)]
    people += [Participant("x", {"gender": "other"}, {"trust": 2}, {"trust": 2})]
    section = build_report([LIKERT], people, subgroup_attributes=["gender"])["groups"]["deliberation"]
    by_gender = section["questions"]["trust"]["by_subgroup"]["gender"]
    assert by_gender["other"] == {"suppressed": True}
    assert by_gender["female"] == {"suppressed": True}  # the next smallest (8 against 10 men)
    assert by_gender["male"]["n_t1"] == 10


def test_representativeness_against_the_population_margins():
    people = panel()
    result = representativeness(people, {"gender": {"female": 50, "male": 50}})["gender"]
    rows = {row["value"]: row for row in result["values"]}
    assert rows["female"]["sample_share"] == pytest.approx(8 / 12)
    assert rows["female"]["difference"] == pytest.approx(8 / 12 - 0.5)
    chi = scipy_stats.chisquare([8, 4], [6, 6])
    assert result["chi_square"]["statistic"] == pytest.approx(chi.statistic) == pytest.approx(4 / 3)
    assert result["chi_square"]["pvalue"] == pytest.approx(chi.pvalue) and result["chi_square"]["df"] == 1


# --- the control group ----------------------------------------------------------------------------

def test_difference_in_differences_with_welch_by_hand():
    d_delib, d_control = [1, 2, 0, 1, 3], [0, 1, 0, -1]
    result = difference_in_differences(d_delib, d_control)
    m1, m2 = 7 / 5, 0.0
    v1 = sum((d - m1) ** 2 for d in d_delib) / 4  # 5.2 / 4 = 1.3
    v2 = sum((d - m2) ** 2 for d in d_control) / 3  # 2 / 3
    se2 = v1 / 5 + v2 / 4
    df = se2 ** 2 / ((v1 / 5) ** 2 / 4 + (v2 / 4) ** 2 / 3)
    half = scipy_stats.t.ppf(0.975, df) * math.sqrt(se2)
    assert v1 == pytest.approx(1.3)
    assert result["difference"] == pytest.approx(1.4)
    assert result["df"] == pytest.approx(df)
    assert (result["ci_low"], result["ci_high"]) == pytest.approx((1.4 - half, 1.4 + half))
    welch = scipy_stats.ttest_ind(d_delib, d_control, equal_var=False)
    assert result["pvalue"] == pytest.approx(welch.pvalue)


def deliberating_and_control():
    rng = np.random.default_rng(5)
    groups = {}
    for name, n, shift in (("deliberation", 60, 1), ("control", 30, 0)):
        people = []
        for i in range(n):
            t1 = {"trust": int(rng.integers(1, 5)), "support": str(rng.choice(["yes", "no"])),
                  "option": str(rng.choice(["a", "b", "c"])), "score": int(rng.integers(0, 11))}
            t2 = None if i % 10 == 9 else {"trust": min(5, t1["trust"] + int(rng.integers(0, 2)) * shift),
                                           "support": str(rng.choice(["yes", "no"])),
                                           "option": str(rng.choice(["a", "b", "c"])),
                                           "score": int(rng.integers(0, 11))}
            people.append(Participant(f"{name}-{i}", {"gender": ["female", "male"][i % 2],
                                                      "age_band": ["18-39", "40-59", "60+"][i % 3]}, t1, t2))
        groups[name] = people
    return groups


MARGINS = {"gender": {"female": 52, "male": 48}, "age_band": {"18-39": 35, "40-59": 35, "60+": 30}}


def test_the_report_puts_the_control_beside_and_is_json():
    groups = deliberating_and_control()
    report = build_report([LIKERT, YN, PICK, TEN], groups["deliberation"], control=groups["control"],
                          margins=MARGINS, subgroup_attributes=["gender", "age_band"])
    json.dumps(report, allow_nan=False)
    assert set(report["groups"]) == {"deliberation", "control"}
    assert set(report["difference_in_differences"]) == {"trust", "score"}
    delib = report["groups"]["deliberation"]
    assert delib["attrition"]["missed_t2"] == 6 and report["groups"]["control"]["attrition"]["missed_t2"] == 3
    assert delib["weighting"]["design_effect"] >= 1
    d1 = [p.t2["trust"] - p.t1["trust"] for p in groups["deliberation"] if p.t2]
    d2 = [p.t2["trust"] - p.t1["trust"] for p in groups["control"] if p.t2]
    did = report["difference_in_differences"]["trust"]["unweighted"]
    assert did["difference"] == pytest.approx(np.mean(d1) - np.mean(d2))
    assert delib["questions"]["support"]["all"]["change"]["n"] == 54
    assert "weighted" in delib["questions"]["trust"]["by_subgroup"]["gender"]["female"]["change"]


def test_tables_and_anonymised_responses_as_csv(tmp_path):
    groups = deliberating_and_control()
    questions = [LIKERT, YN, PICK, TEN]
    report = build_report(questions, groups["deliberation"], control=groups["control"], margins=MARGINS,
                          subgroup_attributes=["gender"])
    paths = write_tables(report, tmp_path)
    assert [p.stem for p in paths] == list(TABLES)
    with (tmp_path / "changes.csv").open() as f:
        changes = list(csv.DictReader(f))
    row = next(r for r in changes if r["group"] == "deliberation" and r["question"] == "trust" and not r["attribute"])
    figures = report["groups"]["deliberation"]["questions"]["trust"]["all"]["change"]
    assert float(row["mean_change"]) == figures["mean_change"]
    assert len(table_rows(report)["difference_in_differences"]) == 1 + 4

    secret = b"0123456789abcdef-poll-7"
    rows = response_rows(questions, groups, secret=secret, attributes=["gender"])
    assert rows[0] == ["participant", "group", "gender", "question", "t1", "t2"]
    text = json.dumps(rows)
    assert "deliberation-1" not in text and "control-0" not in text
    labels = {r[0] for r in rows[1:]}
    assert len(labels) == 90 and anonymous_label("control-0", secret) in labels
    assert anonymous_label("control-0", secret) == anonymous_label("control-0", secret)
    assert anonymous_label("control-0", b"another-secret-of-16") != anonymous_label("control-0", secret)
    missed = [r for r in rows[1:] if r[0] == anonymous_label("deliberation-9", secret)]
    assert missed and all(r[-1] == "" for r in missed)


def test_weighted_difference_in_differences_uses_each_groups_kish_weights():
    d1, w1 = [1, 2, 0, 1, 3, 1], [1.0, 2.0, 0.5, 1.0, 1.5, 1.0]
    d2, w2 = [0, 1, 0, -1, 1], [1.0, 1.0, 2.0, 0.5, 0.5]
    result = difference_in_differences(d1, d2, w1, w2)
    a, b = DescrStatsW(np.array(d1, float), weights=kish_weights(w1)), DescrStatsW(np.array(d2, float),
                                                                                   weights=kish_weights(w2))
    se = math.sqrt(a.var / (a.sum_weights - 1) + b.var / (b.sum_weights - 1))  # statsmodels' std_mean, squared
    assert result["difference"] == pytest.approx(np.average(d1, weights=w1) - np.average(d2, weights=w2))
    assert result["t_statistic"] == pytest.approx(result["difference"] / se)
    assert result["ci_high"] - result["ci_low"] == pytest.approx(2 * scipy_stats.t.ppf(0.975, result["df"]) * se)
