"""A per-process cache that holds at most ``maxsize`` entries, dropping the least recently used."""

import threading
from collections import OrderedDict


class BoundedCache:
    """A dict-like cache of at most ``maxsize`` entries: a process that served many rooms (or a
    bench that made thousands) keeps only the ones in use lately, not one entry per room for ever.
    Safe to share between threads (page views and the consumers' database thread)."""

    def __init__(self, maxsize: int):
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, default=None):
        with self.lock:
            if key not in self.entries:
                return default
            self.entries.move_to_end(key)
            return self.entries[key]

    def __setitem__(self, key, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.maxsize:
                self.entries.popitem(last=False)

    def __contains__(self, key) -> bool:
        return key in self.entries

    def __len__(self) -> int:
        return len(self.entries)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
