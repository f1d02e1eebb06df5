"""A small LRU cache of rendered answers, keyed with the store version.

The data changes only on a build or an authorised update, and both change the version, so
a cached answer is never stale: a new version makes new keys, and old ones age out.

It is bounded in bytes, not entries: a saved query's page at 100× the curated graph is a
few megabytes, a tiny lookup a few hundred bytes, and both are worth keeping. Everything an
entry holds counts against that bound: a key is kept as the SHA-256 of its text (a client's
query can be a megabyte; 100 distinct ones kept as keys grew the server by 500 MB that the
byte count never saw), and a value is measured by the cache itself, not only by the size the
caller names (a saved query's cached page keeps its links, which repeat the parameters)."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

# What one entry costs beyond its strings: the digest, the dict slot, the tuples around them.
# It also bounds the number of entries: many empty answers cannot grow the cache without end.
ENTRY_OVERHEAD = 256


def digest(key) -> bytes:
    """The key an entry is kept under: 32 bytes, whatever the size of the key's parts. Keys
    are tuples of strings, numbers and None, whose repr is stable and tells them apart."""
    return hashlib.sha256(repr(key).encode("utf-8", "backslashreplace")).digest()


def footprint(value) -> int:
    """Bytes of the strings and byte strings in `value` (nested tuples, lists, dicts)."""
    if isinstance(value, (bytes, bytearray, str)):
        return len(value)
    if isinstance(value, dict):
        return sum(footprint(k) + footprint(v) for k, v in value.items())
    if isinstance(value, (tuple, list)):
        return sum(footprint(v) for v in value)
    return 0


class ResultCache:
    def __init__(self, max_bytes: int = 64 * 1024 * 1024, max_entry: int = 8 * 1024 * 1024):
        self.max_bytes, self.max_entry = max_bytes, max_entry
        self._items: OrderedDict[bytes, tuple[object, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """The bytes the entries kept count for (their values, and ENTRY_OVERHEAD each)."""
        return self._size

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key):
        name = digest(key)
        with self._lock:
            if name in self._items:
                self._items.move_to_end(name)
                return self._items[name][0]
        return None

    def put(self, key, value, size: int = 0) -> None:
        """Keep `value` unless it is larger than the per-entry bound; the least recently used
        answers make room. It counts as the larger of `size` (the caller's measure, e.g. the
        body's length) and the cache's own measure of the value, plus ENTRY_OVERHEAD."""
        size = max(size, footprint(value)) + ENTRY_OVERHEAD
        if size > self.max_entry:
            return
        name = digest(key)
        with self._lock:
            if name in self._items:
                self._size -= self._items.pop(name)[1]
            self._items[name] = (value, size)
            self._size += size
            while self._size > self.max_bytes:
                self._size -= self._items.popitem(last=False)[1][1]
