"""Fixtures shared by the deliberation tests (rooms, panels, juries, deliberative polls)."""

import pytest

from tests.fixtures import _fresh_channel_layer  # noqa: F401 (autouse)


@pytest.fixture
def small_juries(settings):
    settings.JURY_MIN_SIZE = 2  # small panels here; the real bounds (10-20) have their own test in test_juries
