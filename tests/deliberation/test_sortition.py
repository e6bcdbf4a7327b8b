"""Drawing by lot: the CSV layout, infeasible quotas explained, fairness, reproducibility, quotas held."""

import random

import pytest

from deliberation.panels.sortition import (
    Distribution, InfeasibleQuotas, PoolError, draw, draw_each, pick_panel, write_people,
    write_quotas,
)
from deliberation.panels.sortition import rfc3797

QUOTAS = "feature,value,min,max,min_flex,max_flex\ngender,female,1,2,0,9\ngender,male,1,2,0,9\n"
PEOPLE = "id,gender,email\na,female,a@x\nb,male,b@x\nc,female,c@x\n"


from tests.deliberation.sortition_pools import ONE_FLANIGAN_BY_PERSON, csv_of, read
from tests.deliberation.sortition_pools import flanigan as flanigan_pool
from tests.deliberation.sortition_pools import three_attributes as three_attributes_pool


def errors_of(people_text, quotas_text):
    with pytest.raises(PoolError) as caught:
        read(people_text, quotas_text)
    return caught.value.lines


# --- the CSV layout -------------------------------------------------------------------------------

def test_extra_quota_columns_are_accepted_and_other_people_columns_kept():
    pool, quotas = read(PEOPLE, QUOTAS)
    assert [(q.feature, q.value, q.min, q.max, q.line) for q in quotas] == [
        ("gender", "female", 1, 2, 2), ("gender", "male", 1, 2, 3)]
    assert pool.people["a"]["email"] == "a@x"
    assert read(write_people(pool), write_quotas(quotas)) == (pool, quotas)


def test_duplicate_id_names_both_lines():
    assert errors_of(PEOPLE + "a,male,z@x\n", QUOTAS) == ["PEOPLE line 5: the id “a” is already on line 2."]


def test_a_persons_value_without_a_quota_row_is_refused_with_its_line():
    (error,) = errors_of(PEOPLE + "d,other,d@x\n", QUOTAS)
    assert error.startswith("PEOPLE line 5: gender “other” has no row in the quotas")


def test_a_missing_feature_column_is_refused():
    assert errors_of("id,sex\na,female\n", QUOTAS) == [
        "PEOPLE line 1: no column for the feature “gender” of the quotas."]


@pytest.mark.parametrize(("quotas", "error"), [
    ("feature,value,min,max\ngender,female,3,2\n", "QUOTAS line 2: gender=female has min 3 above max 2."),
    ("feature,value,min,max\ngender,female,x,2\n", "QUOTAS line 2: min “x” is not a whole number."),
    ("feature,value,min,max\ngender,female,1,2\ngender,female,0,1\n",
     "QUOTAS line 3: gender=female is already on line 2."),
    ("feature,value,low,max\ngender,female,1,2\n",
     "QUOTAS line 1: the header must have the columns feature, value, min and max (found: feature, value, low, max)."),
])
def test_malformed_quotas_are_refused_with_their_line(quotas, error):
    assert errors_of(PEOPLE, quotas) == [error]


# --- infeasible quotas, explained ------------------------------------------------------------------

def infeasible(pool, quotas, size):
    with pytest.raises(InfeasibleQuotas) as caught:
        draw(pool, quotas, size, "1", "legacy")
    return caught.value.lines


def test_a_minimum_above_the_people_who_have_the_value_says_by_how_much():
    people = csv_of([(i, "female" if i < 5 else "male") for i in range(30)], ["id", "gender"])
    pool, quotas = read(people, "feature,value,min,max\ngender,female,9,12\ngender,male,0,20\n")
    assert infeasible(pool, quotas, 20) == [
        "QUOTAS line 2: at least 9 with gender=female, but only 5 people in the pool have it (4 short)."]


def test_minimums_adding_up_above_the_panel_and_a_panel_above_the_pool_are_explained():
    people = csv_of([(i, "female" if i % 2 else "male") for i in range(10)], ["id", "gender"])
    pool, quotas = read(people, "feature,value,min,max\ngender,female,5,9\ngender,male,5,9\n")
    assert infeasible(pool, quotas, 8) == [
        "The minimums for gender add up to 10, more than the panel of 8 (by 2)."]
    assert infeasible(pool, quotas, 12)[0] == "A panel of 12 from a pool of 10: 2 people short."


def test_quotas_that_clash_together_get_the_librarys_smallest_change():
    # Every woman is old and every man young: 3 women leave at most 3 young seats, not 4.
    people = csv_of([(i, "female", "old") for i in range(5)] + [(i, "male", "young") for i in range(5, 10)],
                    ["id", "gender", "age"])
    quotas_text = ("feature,value,min,max\ngender,female,3,5\ngender,male,0,5\n"
                   "age,young,4,6\nage,old,0,6\n")
    pool, quotas = read(people, quotas_text)
    lines = infeasible(pool, quotas, 6)
    assert lines[0].startswith("The quotas cannot all be met together.")
    assert len(lines) == 2 and "lower it by 1" in lines[1]
    assert lines[1].startswith(("QUOTAS line 2: gender=female, minimum 3", "QUOTAS line 4: age=young, minimum 4"))


# --- fairness: the example of Flanigan et al. (Nature 2021) ----------------------------------------

@pytest.fixture(scope="module")
def flanigan():
    return flanigan_pool()


@pytest.mark.solver
def test_maximin_gives_everyone_at_least_a_tenth(flanigan):
    pool, quotas = flanigan
    for algorithm in ("maximin", "maximin-people"):
        result = draw(pool, quotas, 20, "9319/2 5 12 8 10/9 18 26 34 41 45", algorithm)
        assert min(result.marginals.values()) >= 0.10 - 1e-6
        assert result.marginals["p0"] >= 0.10 - 1e-6  # the lone female conservative
        assert abs(sum(result.marginals.values()) - 20) < 1e-6
        assert len(result.selected) == 20 and result.algorithm == algorithm
    assert result.selected == result.distribution.panels[result.panel_index]  # person by person: the panel itself


@pytest.mark.solver
def test_legacy_gives_the_lone_female_conservative_much_less(flanigan):
    pool, quotas = flanigan
    results = draw_each(pool, quotas, 20, [str(seed) for seed in range(1, 301)], "legacy")
    share = sum("p0" in result.selected for result in results) / len(results)
    assert share < 0.06  # 11 of 300 draws (0.037): well under maximin's 0.10


# --- reproducibility -------------------------------------------------------------------------------

@pytest.mark.solver
@pytest.mark.parametrize("algorithm", ["maximin", "legacy"])
def test_same_inputs_and_public_values_give_the_same_panel_in_separate_processes(flanigan, algorithm):
    pool, quotas = flanigan
    first = draw(pool, quotas, 20, "12 3 / 45", algorithm)
    random.seed(5)
    expected_next = random.random()
    random.seed(5)
    second = draw(pool, quotas, 20, "3 12/45", algorithm)  # the same values, written otherwise
    assert random.random() == expected_next  # the parent's global random was not touched
    assert first.selected == second.selected and first.key == second.key == "3.12./45./"


def test_pick_walks_the_cumulative_weights_in_published_order():
    distribution = Distribution(panels=(("a",), ("b",)), weights=(1, 3))
    for seed in ("1", "2", "3", "4", "5", "6"):
        key = rfc3797.key_from_text(seed)
        point = rfc3797.random_integer(key, 0) % 4
        assert pick_panel(distribution, key) == (0 if point < 1 else 1)


# --- quotas hold on every draw ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def three_attributes():
    return three_attributes_pool()


def assert_quotas_hold(pool, quotas, panel, size):
    assert len(set(panel)) == size
    for quota in quotas:
        chosen = sum(pool.people[person][quota.feature] == quota.value for person in panel)
        assert quota.min <= chosen <= quota.max, (quota, chosen)


@pytest.mark.solver
@pytest.mark.parametrize("algorithm", ["legacy", "maximin"])
def test_quotas_hold_on_thirty_draws(three_attributes, algorithm):
    pool, quotas = three_attributes
    results = draw_each(pool, quotas, 24, [f"2026 {seed}" for seed in range(30)], algorithm)
    for result in results:
        assert_quotas_hold(pool, quotas, result.selected, 24)
    if algorithm == "maximin":  # over profiles: every panel of counts meets the quotas (tests/.../test_profiles.py)
        assert len({result.selected for result in results}) > 20
    else:
        assert len({result.selected for result in results}) == 30


@pytest.mark.solver
@ONE_FLANIGAN_BY_PERSON
def test_maximin_reports_its_progress_phase_by_phase(flanigan, flanigan_by_person):
    """Both algorithms report their phases; the library's run (person by person) is the one test_profiles compares
    with ours (tests/deliberation/conftest.py), its events recorded as it ran."""
    from deliberation.panels.sortition import compute_distribution

    pool, quotas = flanigan
    events = []
    distribution, _seconds, _peak = compute_distribution(pool, quotas, 20, progress=events.append)
    phases = [event["phase"] for event in events]
    # every phase start is reported at once (updates within a phase at most once a second)
    assert "covering" in phases and "maximin_optimization" in phases
    assert phases.index("covering") < phases.index("maximin_optimization")
    _pool, _quotas, by_person, events = flanigan_by_person
    assert by_person.panels  # the progress messages did not get in the way of the library's result either
    phases = [event["phase"] for event in events]
    assert "multiplicative_weights" in phases and "maximin_optimization" in phases
    assert phases.index("multiplicative_weights") < phases.index("maximin_optimization")
    first = next(event for event in events if event["phase"] == "multiplicative_weights")
    assert first["total"] and first["total"] > 0 and first["current"] == 0
    assert distribution.panels  # the progress messages did not get in the way of the result
