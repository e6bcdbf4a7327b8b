"""The draws' isolated process as production starts it ("spawn") gives what the suite's forkserver gives.

tests/conftest.py makes draws fork from a preloaded forkserver to spare each one the import of numpy
and scipy; production spawns a new interpreter per draw. These tests draw both ways.
"""

import os
import random
import signal
import subprocess
import sys
import time

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


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="utf-8", errors="replace") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    return found


def _running(pid: int) -> bool:
    """Exists and is not a zombie (a killed orphan waits, dead, for its new parent to reap it)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_draws_child_dies_with_the_process_that_started_it():
    """A worker killed during a long draw (or a benchmark stopped by a signal) left the solver's process
    running, orphaned, until it finished: here a child that would sleep two minutes."""
    starter = subprocess.Popen([sys.executable, "-c", (
        "import django; django.setup(); from deliberation.panels.sortition.isolation import run_isolated; "
        "run_isolated('time.sleep', 120)")], env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"})
    try:
        deadline = time.monotonic() + 60
        while not (children := _children_of(starter.pid)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert children, "the draw's process did not start"
        time.sleep(1)  # the child has reached its own code (where it asks to die with its parent)
    finally:
        starter.kill()
        starter.wait()
    deadline = time.monotonic() + 10
    while any(_running(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = [child for child in children if _running(child)]
    for child in alive:  # do not leave it behind when the test fails
        os.kill(child, signal.SIGKILL)
    assert not alive


def test_a_draws_child_whose_starter_died_before_it_asked_to_die_with_it_stops():
    """The CI run of 2026-12-04 left the draw's child running: under load the starter was killed before
    the child reached its request to die with its parent, and the child compared its parent with the
    one it saw then (already the new one). It must compare with the process that started it."""
    starter_that_is_gone = subprocess.Popen([sys.executable, "-c", "pass"])
    starter_that_is_gone.wait()
    code = ("from deliberation.panels.sortition.isolation import _die_with_parent; "
            f"_die_with_parent({starter_that_is_gone.pid}); print('still running')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"})
    assert (done.returncode, done.stdout, done.stderr) == (1, "", "")
