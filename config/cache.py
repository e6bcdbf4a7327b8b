"""The production cache: Redis, degrading to a per-process local cache while Redis cannot be reached.

Nothing the site stores in the cache is the only copy of anything (docs/deployment.md, "Services"):
the home page's counts, a report's figures, the live results' coalescing flag, rate-limit counters.
So when Redis is down a request must not fail for want of it. Every cache call that meets a
connection error or a timeout is answered by a local-memory cache of this process instead, and for
``RETRY_AFTER`` seconds after that the process does not try Redis at all (an unreachable host would
otherwise cost every request its connect timeout). Then Redis is tried again; the first success ends
the outage and empties the local stand-in.

What that means for each user of the cache while Redis is down:
- page caches (home summary, poll report): computed from the database, kept in this process;
- rate limits (accounts/ratelimit.py, allauth's login limits): counted per process, so a person may do
  at most the limit times the number of processes; neither lifted for everyone nor refused to everyone;
- the live results' once-a-second flag (voting/live.py): per process, so updates may come once a
  second per process instead of once a second.

Only connection errors and timeouts degrade; any other Redis error (a bug, a full memory) is raised.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
RETRY_AFTER = 2.0  # seconds without trying Redis after a failure

_state_lock = threading.Lock()
_down_until: dict[str, float] = {}  # per LOCATION, shared by the process's threads


class _OneClientPerPool(RedisCacheClient):
    """Django's client, but one ``redis.Redis`` per connection pool, made once: Django makes a new one
    for every cache call, and building its table of response callbacks was about a quarter of the CPU
    of a page served whole from the cache (frontend/page_cache.py; docs/benchmarks.md, issue 17). A
    ``redis.Redis`` takes a connection from its pool for each command, so threads can share one."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:  # two threads may both make one; the first kept is used from then on
            client = self._clients.setdefault(id(pool), self._client(connection_pool=pool))
        return client


class _WindowedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

    def incr_window(self, key, timeout: int, version=None) -> int:
        """Add one to a counter that lives ``timeout`` seconds from its first count, and return it: one
        round trip (SET NX EX and INCR in a pipeline), where ``add`` then ``incr`` cost two or three
        (Django's incr asks EXISTS first). For fixed-window rate limits (governance/api/api.py)."""
        key = self.make_and_validate_key(key, version=version)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=max(1, int(timeout)), nx=True)
        pipe.incr(key)
        return pipe.execute()[1]


class _WindowedLocMemCache(LocMemCache):
    def incr_window(self, key, timeout: int, version=None) -> int:
        self.add(key, 0, timeout, version=version)
        return self.incr(key, version=version)


class DegradingRedisCache(_WindowedRedisCache):
    """Django's RedisCache whose calls fall back to a local cache when Redis cannot be reached."""

    def __init__(self, server, params):
        params = dict(params)
        self._retry_after = float(params.pop("RETRY_AFTER", RETRY_AFTER))
        super().__init__(server, params)
        self._location = server if isinstance(server, str) else ",".join(server)
        # LocMemCache keeps its data per name at module level: one stand-in per process, all threads.
        self._fallback = _WindowedLocMemCache(f"degraded:{self._location}", {
            "TIMEOUT": params.get("TIMEOUT", 300), "KEY_PREFIX": params.get("KEY_PREFIX", ""),
            "VERSION": params.get("VERSION", 1), "OPTIONS": {"MAX_ENTRIES": 10_000}})

    def _call(self, name: str, *args, **kwargs):
        now = time.monotonic()
        down_until = _down_until.get(self._location)
        if down_until is not None:
            if now < down_until:
                return getattr(self._fallback, name)(*args, **kwargs)
            with _state_lock:  # one thread probes Redis again; the others stay local meanwhile
                if _down_until.get(self._location) != down_until:
                    return getattr(self._fallback, name)(*args, **kwargs)
                _down_until[self._location] = now + self._retry_after
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except UNAVAILABLE as error:
            with _state_lock:
                if self._location not in _down_until:
                    logger.warning("cache: Redis unavailable (%s); serving from a local cache", error)
                _down_until[self._location] = time.monotonic() + self._retry_after
            return getattr(self._fallback, name)(*args, **kwargs)
        if down_until is not None:
            with _state_lock:
                if _down_until.pop(self._location, None) is not None:
                    logger.warning("cache: Redis is back")
                    self._fallback.clear()
        return result

    def add(self, *args, **kwargs):
        return self._call("add", *args, **kwargs)

    def get(self, *args, **kwargs):
        return self._call("get", *args, **kwargs)

    def set(self, *args, **kwargs):
        return self._call("set", *args, **kwargs)

    def touch(self, *args, **kwargs):
        return self._call("touch", *args, **kwargs)

    def delete(self, *args, **kwargs):
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args, **kwargs):
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args, **kwargs):
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args, **kwargs):
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args, **kwargs):
        return self._call("set_many", *args, **kwargs)

    def incr_window(self, *args, **kwargs):
        return self._call("incr_window", *args, **kwargs)

    def delete_many(self, *args, **kwargs):
        return self._call("delete_many", *args, **kwargs)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")
