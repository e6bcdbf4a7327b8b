"""The draws' isolated process as production starts it ("spawn") gives what the suite's forkserver gives.

tests/conftest.py makes draws fork from a preloaded forkserver to spare each one the import of numpy
and scipy; production spawns a new interpreter per draw. These tests draw both ways.
"""

import random

import pytest

from deliberation.panels.sortition import draw, isolation, read_people, read_quotas

pytestmark = pytest.mark.solver

QUOTAS = "feature,value,min,max\ngender,female,2,3\ngender,male,2,3\nage,young,1,4\nage,old,1,4\n"


@pytest.fixture(scope="module")
def pool_and_quotas():
    generator = random.Random(12)
    rows = "".join(f"p{i:02},{generator.choice(['female', 'male'])},{generator.choice(['young', 'old'])}\n"
                   for i in range(14))
    quotas = read_quotas(QUOTAS)
    return read_people("id,gender,age\n" + rows, quotas), quotas


def test_the_suite_draws_through_the_preloaded_forkserver():
    assert isolation.START_METHOD == "forkserver"


@pytest.mark.parametrize("algorithm", ["maximin", "legacy"])
def test_production_spawn_and_the_suites_forkserver_draw_the_same_panel(pool_and_quotas, algorithm, monkeypatch):
    pool, quotas = pool_and_quotas
    forked = draw(pool, quotas, 5, "7 21 / 3", algorithm)
    monkeypatch.setattr(isolation, "START_METHOD", "spawn")
    random.seed(3)
    expected_next = random.random()
    random.seed(3)
    spawned = draw(pool, quotas, 5, "7 21 / 3", algorithm)
    assert random.random() == expected_next  # the parent's global random was not touched
    assert spawned.selected == forked.selected
    assert spawned.peak_memory_kb > 0
    if algorithm == "maximin":
        assert spawned.distribution == forked.distribution
