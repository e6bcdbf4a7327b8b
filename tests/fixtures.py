"""Fixtures the deliberation and voting conftests share (tests/conftest.py has the ones for every test)."""

import pytest
from channels.layers import channel_layers


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    # Each WebSocket test drives its own event loop; the in-memory layer's queues must not outlive it.
    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()

