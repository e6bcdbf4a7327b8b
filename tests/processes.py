"""Helpers for tests that start other processes (a Celery worker, a daphne server) on the test database.

They need PostgreSQL (another process must see the test database) and Redis (the broker, the
channel layer); `make test` / tests/services/with-services.sh provide both. Without them the
fixtures fail rather than skip.
"""

import os
import secrets
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from tests.workers import worker_index

# Ports for the servers tests start (daphne, redis-server). Outside xdist: any free port the kernel
# hands out. In xdist worker gwN: a free port of its own block, below Linux's ephemeral range
# (32768-60999, where bind(0) and outgoing connections take theirs), so two workers never pick the
# same port between checking it and their server binding it. Up to 12 workers get disjoint blocks; a
# run that is not under xdist but beside another names its block in TEST_PORT_BLOCK.
PORT_BLOCK_START, PORT_BLOCK_SIZE, PORT_BLOCKS = 20000, 1000, 12
_handed_out: set[int] = set()  # not handed out twice in a run: two servers may be picked before either binds


def free_port() -> int:
    """A TCP port on 127.0.0.1 free right now and not handed out before by this process."""
    index = worker_index()
    if index is None and os.environ.get("TEST_PORT_BLOCK", "").isdigit():
        index = int(os.environ["TEST_PORT_BLOCK"])  # a run beside another (`make test`'s phases 2 and 3)
    if index is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    low = PORT_BLOCK_START + (index % PORT_BLOCKS) * PORT_BLOCK_SIZE
    start = secrets.randbelow(PORT_BLOCK_SIZE)  # not the global random, which tests seed
    for _round in range(2):
        for offset in range(PORT_BLOCK_SIZE):
            port = low + (start + offset) % PORT_BLOCK_SIZE
            if port in _handed_out:
                continue
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    continue
            _handed_out.add(port)
            return port
        _handed_out.clear()  # a whole block used in one run: servers stopped long ago may have theirs again
    raise RuntimeError(f"no free port in {low}-{low + PORT_BLOCK_SIZE - 1}")


@pytest.fixture
def broker():
    assert os.environ.get("REDIS_URL"), "REDIS_URL is not set; run under tests/services/with-services.sh"
    assert connection.vendor == "postgresql", "DATABASE_URL must point to PostgreSQL for a worker process"
    celery_app.conf.task_always_eager = False  # conftest forces eager; this test needs the real queue
    yield celery_app
    celery_app.conf.task_always_eager = True


def _forget_broker_connections() -> None:
    """Drop every broker connection the app keeps, so that the next send connects to ``broker_url`` as it is now.

    Celery keeps them in two places: the connection pool (``app.pool``) and the producer pool built on
    it (``app.amqp.producer_pool``), which keeps the old pool when only the first is dropped. Both come
    from kombu's pools per broker URL, which stay open: the app takes the right ones again once its
    references are dropped (closing them would close the pool every later send to that URL gets).
    """
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_pointed_at(url: str):
    """The app's real producer (not eager) sends to ``url`` inside the block, and to its own broker again after.

    Both of the app's pools are dropped on the way in and out: dropping only ``app._pool`` left every later
    send in the process on ``url`` (a dead port: later real-worker tests on the same xdist worker timed out).
    """
    previous, eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = url, False
    _forget_broker_connections()
    try:
        yield celery_app
    finally:
        celery_app.conf.broker_url, celery_app.conf.task_always_eager = previous, eager
        _forget_broker_connections()


def subprocess_database_url() -> str:
    # pytest-django renamed the database in place ("test_<name>"); the worker must use the same one.
    db = connection.settings_dict
    return (f"postgres://{quote(db['USER'] or '')}:{quote(str(db['PASSWORD'] or ''))}"
            f"@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}")


@contextmanager
def celery_worker(log_path: Path):
    env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo", "--concurrency", "1",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "INFO",
        "--hostname", f"test-{uuid.uuid4().hex[:8]}@%h",
    ]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            stop(process, grace=10)


def stop(process: subprocess.Popen, *, grace: float) -> None:
    """Terminate a child process; kill it if it has not ended within ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
