"""Work done once for every store version, in the background: the saved queries' default
answers, the validation report, the unfiltered network views."""

from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger(__name__)


class FollowVersions:
    """Call `prepare(version)` in a daemon thread for the engine's current version, and again
    whenever the version changes. A version is done when `prepare` returns True; until then (it
    returned False, or raised: a remote store that is away) it is tried again a second later.
    Setting `closed` stops the thread."""

    def __init__(self, engine, prepare: Callable[[str], bool], name: str, closed: threading.Event | None = None):
        self._engine, self._prepare = engine, prepare
        self._closed = closed or threading.Event()
        self.done: str | None = None  # the last version `prepare` finished
        threading.Thread(target=self._loop, name=name, daemon=True).start()

    @property
    def preparing(self) -> bool:
        """The current version is not done yet."""
        return self.done != self._engine.version

    def _loop(self) -> None:
        pause = 0.0
        while not self._closed.wait(pause):
            pause = 1.0
            try:
                version = self._engine.version
                if version != self.done and self._prepare(version):
                    self.done = version
            except Exception:  # noqa: BLE001 - tried again a second later
                log.exception("preparing version %s failed; trying again in a second", self._engine.version)
