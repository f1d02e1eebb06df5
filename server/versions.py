"""One watcher of the store version: it tells every subscriber when the version changes.

The version changes by an update in this process (Engine._bump), by a build swapped in on disk
or by another writer of a remote store. Reading `Engine.version` notices the last two (at most
once a second); this thread reads it once a second when no request does, so work prepared per
version (server/prepared.py) starts after a build even on an idle service. Subscribers are
called in this thread, so they must only queue work, never do it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

POLL_S = 1.0  # how often an idle service looks for a version changed outside this process


class VersionWatch:
    """The engine's version as last seen, and the callbacks to call with every new one."""

    def __init__(self):
        self._lock = threading.Lock()
        self._subscribers: list[Callable[[str], None]] = []
        self.version: str | None = None
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None

    def subscribe(self, callback: Callable[[str], None]) -> None:
        """Call `callback(version)` for every new version, and now for the current one."""
        with self._lock:
            self._subscribers.append(callback)
            version = self.version
        if version is not None:
            self._call(callback, version)

    def seen(self, version: str | None) -> None:
        """The engine read `version`: tell the subscribers if it is new."""
        if version is None:
            return
        with self._lock:
            if version == self.version:
                return
            self.version = version
            subscribers = list(self._subscribers)
        for callback in subscribers:
            self._call(callback, version)

    def follow(self, read_version: Callable[[], str | None]) -> None:
        """Start the one thread that reads the version once a second."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, args=(read_version,), name="watch-version", daemon=True
            )
            self._thread.start()

    def close(self) -> None:
        self._closed.set()

    def _loop(self, read_version) -> None:
        while not self._closed.is_set():
            try:
                self.seen(read_version())
            except Exception:  # a remote store that is away: looked at again in a second
                log.debug("the store version could not be read", exc_info=True)
            self._closed.wait(POLL_S)

    @staticmethod
    def _call(callback, version: str) -> None:
        try:
            callback(version)
        except Exception:  # one subscriber's bug must not stop the others being told
            log.exception("a subscriber to version %s failed", version)
