"""The production cache (config/cache.py) makes its ``redis.Redis`` client once per connection pool, not once
per call as Django's own does (building one was about a quarter of a cached page's CPU; issue 17), and the
one client serves every thread and every kind of call."""

import threading

from django.conf import settings

from config.cache import DegradingRedisCache


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
    cache, seen, errors = _cache(), [], []

    def work(i):
        try:
            for j in range(50):
                cache.set(f"t{i}-{j}", (i, j), 30)
                assert cache.get(f"t{i}-{j}") == (i, j)
            seen.append(cache._cache.get_client())
        except Exception as e:  # noqa: BLE001 -- reported to the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len({id(c) for c in seen}) == 1
