"""Fixtures shared by the deliberation tests (rooms, panels, juries, deliberative polls)."""

import pytest

from tests.fixtures import _fresh_channel_layer  # noqa: F401 (autouse)


@pytest.fixture
def small_juries(settings):
    settings.JURY_MIN_SIZE = 2  # small panels here; the real bounds (10-20) have their own test in test_juries


@pytest.fixture(scope="session")
def flanigan_by_person():
    """Flanigan's pool and quotas, the library's maximin distribution over it for a panel of 20, and the progress
    events it reported while it ran: (pool, quotas, distribution, events).

    The library's maximin (person by person) on this pool takes 15 s alone, more under load, and two tests read the
    same computation: test_profiles compares its smallest chance with ours, test_sortition reads the progress it
    reported. Its seed is fixed (lottery.DISTRIBUTION_SEED) and a progress callback only listens, so computing it
    once for both proves what computing it twice did. Its users carry ``sortition_pools.ONE_FLANIGAN_BY_PERSON``
    (one xdist worker for both, so it runs once).
    """
    from deliberation.panels.sortition import compute_distribution
    from tests.deliberation.sortition_pools import flanigan

    pool, quotas = flanigan()
    events = []
    distribution, _seconds, _peak = compute_distribution(pool, quotas, 20, algorithm="maximin-people",
                                                         progress=events.append)
    return pool, quotas, distribution, events
