"""A small LRU cache of rendered answers, keyed with the store version.

The data changes only on a build or an authorised update, and both change the version, so
a cached answer is never stale: a new version makes new keys, and old ones age out."""

from __future__ import annotations

import threading
from collections import OrderedDict


class ResultCache:
    def __init__(self, entries: int = 512, max_bytes: int = 256 * 1024):
        self.entries, self.max_bytes = entries, max_bytes
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key, value, size: int) -> None:
        """Keep `value` unless it is larger than the per-entry bound."""
        if size > self.max_bytes:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)
