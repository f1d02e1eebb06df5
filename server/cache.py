"""A small LRU cache of rendered answers, keyed with the store version.

The data changes only on a build or an authorised update, and both change the version, so
a cached answer is never stale: a new version makes new keys, and old ones age out.

It is bounded in bytes, not entries: a saved query's page at 100× the curated graph is a
few megabytes, a tiny lookup a few hundred bytes, and both are worth keeping."""

from __future__ import annotations

import threading
from collections import OrderedDict


class ResultCache:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_entry: int = 8 * 1024 * 1024):
        self.max_bytes, self.max_entry = max_bytes, max_entry
        self._items: OrderedDict = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key][0]
        return None

    def put(self, key, value, size: int) -> None:
        """Keep `value` (of `size` bytes) unless it is larger than the per-entry bound; the
        least recently used answers make room."""
        if size > self.max_entry:
            return
        with self._lock:
            if key in self._items:
                self._size -= self._items.pop(key)[1]
            self._items[key] = (value, size)
            self._size += size
            while self._size > self.max_bytes:
                self._size -= self._items.popitem(last=False)[1][1]
