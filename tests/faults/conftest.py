"""Fixtures of the fault-injection suite (marker ``faults``): a Redis of the test's own, the stack."""

import pytest
from django.db import connection

from tests.faults.stack import RedisServer, Stack


@pytest.fixture
def own_redis(tmp_path):
    """A Redis only this test uses, so that it can stop it (the suite's Redis stays up)."""
    assert connection.vendor == "postgresql", "DATABASE_URL must point to PostgreSQL (tests/services/with-services.sh)"
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stack(own_redis, tmp_path):
    """Start processes with ``stack.daphne()``, ``stack.worker()``, ``stack.beat()``; all stopped at the end."""
    running = Stack(own_redis, tmp_path)
    yield running
    running.stop_all()
