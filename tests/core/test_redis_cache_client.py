"""The production cache (config/cache.py) makes its ``redis.Redis`` client once per connection pool, not once
per call as Django's own does (building one was about a quarter of a cached page's CPU; issue 17), and the
one client serves every thread and every kind of call."""

from django.conf import settings

from config.cache import DegradingRedisCache
from tests.races import run_together


def _cache() -> DegradingRedisCache:
    assert settings.CACHES["default"]["BACKEND"] == "config.cache.DegradingRedisCache", "make test runs on Redis"
    return DegradingRedisCache(settings.CACHES["default"]["LOCATION"], {"KEY_PREFIX": "client-test"})


def test_one_client_serves_every_call():
    cache = _cache()
    first = cache._cache.get_client()
    cache.set("k", "v", 30)
    assert cache.get("k") == "v" and cache.incr_window("n", 30) == 1
    assert cache._cache.get_client() is first and cache._cache.get_client("k", write=True) is first


def test_threads_share_the_client_and_each_gets_its_own_answers():
    cache, seen = _cache(), []

    def work(i):
        for j in range(50):
            cache.set(f"t{i}-{j}", (i, j), 30)
            assert cache.get(f"t{i}-{j}") == (i, j)
        seen.append(cache._cache.get_client())

    assert run_together(*[lambda i=i: work(i) for i in range(8)]) == []
    assert len({id(client) for client in seen}) == 1
