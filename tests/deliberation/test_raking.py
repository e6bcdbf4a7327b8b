"""Raking (deliberation/deliberative_polls/survey/raking.py): margins reproduced, the same weights as ipfn, clear refusals."""

import random

import numpy as np
import pytest
from ipfn import ipfn

from deliberation.deliberative_polls.survey.raking import RakingError, design_effect, effective_n, rake

MARGINS = {
    "gender": {"female": 51.0, "male": 49.0},
    "age_band": {"18-39": 0.34, "40-59": 0.36, "60+": 0.30},
    "district_group": {"north": 2, "south": 3, "east": 2, "west": 3},
}


def sample_of(n, seed=7):
    """A skewed sample (young women over-represented), so raking has real work to do."""
    rng = random.Random(seed)
    return [{"gender": rng.choices(["female", "male"], [0.65, 0.35])[0],
             "age_band": rng.choices(["18-39", "40-59", "60+"], [0.5, 0.3, 0.2])[0],
             "district_group": rng.choice(["north", "south", "east", "west"])} for _ in range(n)]


def weighted_shares(sample, weights, attribute):
    total = sum(weights)
    shares = {}
    for respondent, w in zip(sample, weights):
        shares[respondent[attribute]] = shares.get(respondent[attribute], 0.0) + w / total
    return shares


def test_raked_weights_reproduce_every_margin():
    sample = sample_of(300)
    raking = rake(sample, MARGINS)
    assert len(raking.weights) == 300
    assert sum(raking.weights) == pytest.approx(300)
    for attribute, figures in MARGINS.items():
        total = sum(figures.values())
        shares = weighted_shares(sample, raking.weights, attribute)
        for category, figure in figures.items():
            assert shares[category] == pytest.approx(figure / total, abs=1e-9)
    assert raking.max_error <= 1e-10


def test_weights_equal_what_ipfn_computes_on_the_table_of_cells():
    sample = sample_of(400, seed=3)
    weights = rake(sample, MARGINS).weights
    axes = [list(MARGINS[a]) for a in MARGINS]
    cells = np.zeros([len(values) for values in axes])
    for respondent in sample:
        cells[tuple(values.index(respondent[a]) for a, values in zip(MARGINS, axes))] += 1
    n = len(sample)
    aggregates = [np.array([f / sum(MARGINS[a].values()) * n for f in MARGINS[a].values()]) for a in MARGINS]
    fitted = ipfn.ipfn(cells.copy(), aggregates, [[0], [1], [2]], convergence_rate=1e-14, max_iteration=10_000,
                       rate_tolerance=0).iteration()
    for respondent, w in zip(sample, weights):
        cell = tuple(values.index(respondent[a]) for a, values in zip(MARGINS, axes))
        assert w == pytest.approx(fitted[cell] / cells[cell], abs=1e-6)


def test_counts_and_shares_give_the_same_weights():
    sample = sample_of(120)
    as_shares = {a: {c: f / sum(fs.values()) for c, f in fs.items()} for a, fs in MARGINS.items()}
    assert rake(sample, MARGINS).weights == pytest.approx(rake(sample, as_shares).weights, abs=1e-12)


def test_a_margin_category_missing_from_the_sample_is_refused_by_name():
    sample = [r for r in sample_of(200) if r["age_band"] != "60+"]
    with pytest.raises(RakingError, match=r"age_band.*60\+"):
        rake(sample, MARGINS)


def test_a_respondent_in_a_category_the_margins_do_not_list_is_refused():
    sample = sample_of(50) + [{"gender": "other", "age_band": "18-39", "district_group": "north"}]
    with pytest.raises(RakingError, match=r"Respondent 51.*gender.*other"):
        rake(sample, MARGINS)


def test_no_convergence_within_the_iterations_allowed_is_an_error():
    with pytest.raises(RakingError, match="did not converge in 1 iterations"):
        rake(sample_of(200), MARGINS, tolerance=1e-15, max_iterations=1)


def test_a_sample_already_on_the_margins_keeps_equal_weights():
    sample = [{"gender": g} for g in ["female", "male"] * 10]
    raking = rake(sample, {"gender": {"female": 1, "male": 1}})
    assert raking.weights == pytest.approx([1.0] * 20)
    assert raking.design_effect == pytest.approx(1.0)
    assert raking.effective_n == pytest.approx(20.0)


def test_kish_design_effect_and_effective_sample_size():
    weights = [1.0, 1.0, 2.0, 4.0]
    assert design_effect(weights) == pytest.approx(4 * 22 / 64)
    assert effective_n(weights) == pytest.approx(64 / 22)
