"""Per-worker isolation for parallel runs (pytest-xdist, `make test`): loaded early by ``-p tests.workers``.

Each xdist worker (gw0, gw1, ...) already gets a test database of its own from pytest-django
(``test_civic_gw0``...). This plugin gives it a Redis database of its own too: REDIS_URL's database
number becomes 1 + the worker's index, before Django reads its settings. So everything keyed in Redis
is per worker: the cache (whose ``clear()`` in tests/conftest.py is a FLUSHDB, which a key prefix
would not contain), the channel layer, the Celery broker queues, rate-limit counters. The servers a
test starts (daphne, a Celery worker) inherit the rewritten REDIS_URL, so they share their worker's
database and no other. Without xdist (a plain ``pytest``) nothing changes: database 0.

It must be a ``-p`` plugin, not a conftest: pytest-django imports the settings in
``pytest_load_initial_conftests``, before any conftest is read.
"""

import os
from urllib.parse import urlsplit, urlunsplit

FIRST_WORKER_DB = 1  # database 0 stays the serial runs'; tests/services/redis.sh starts Redis with 128


def worker_index() -> int | None:
    """0 for gw0, 1 for gw1...; None outside an xdist worker."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else None


def _worker_redis_url(url: str, index: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{FIRST_WORKER_DB + index}"))


_index = worker_index()
if _index is not None and os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _worker_redis_url(os.environ["REDIS_URL"], _index)
