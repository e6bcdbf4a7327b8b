"""realtime.cache.BoundedCache: at most maxsize entries, the least recently used go first."""

import threading

import pytest

from realtime.cache import BoundedCache


def test_it_never_holds_more_than_maxsize_entries():
    cache = BoundedCache(3)
    for key in range(100):
        cache[key] = key
    assert len(cache) == 3 and list(cache.entries) == [97, 98, 99]


def test_reading_an_entry_keeps_it_and_the_oldest_unread_goes():
    cache = BoundedCache(2)
    cache["a"], cache["b"] = 1, 2
    assert cache.get("a") == 1
    cache["c"] = 3
    assert "a" in cache and "b" not in cache and cache.get("b", "none") == "none"


def test_writing_a_known_key_replaces_it_without_growing():
    cache = BoundedCache(2)
    cache["a"], cache["b"], cache["a"] = 1, 2, 3
    assert len(cache) == 2 and cache.get("a") == 3
    cache.clear()
    assert len(cache) == 0


def test_maxsize_below_one_is_refused():
    with pytest.raises(ValueError):
        BoundedCache(0)


def test_threads_writing_and_reading_together_keep_it_bounded():
    cache, errors = BoundedCache(10), []

    def hammer(offset):
        try:
            for key in range(2000):
                cache[(offset + key) % 50] = key
                cache.get((offset + key * 7) % 50)
        except Exception as error:  # noqa: BLE001 (the test reports any)
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(cache) == 10
