"""Fixtures shared by the voting tests."""

from tests.fixtures import _fresh_channel_layer  # noqa: F401 (autouse)
