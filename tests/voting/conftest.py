"""Fixtures shared by the voting tests."""

from tests.fixtures import _fresh_channel_layer, english  # noqa: F401 (the first is autouse)
