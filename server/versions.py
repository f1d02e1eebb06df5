"""Work done once for every store version, in the background: the saved queries' default
answers, the validation report, the unfiltered network views."""

from __future__ import annotations

import threading
from typing import Callable


def follow_versions(engine, prepare: Callable[[str], bool], name: str,
                    closed: threading.Event | None = None) -> threading.Event:
    """Call `prepare(version)` in a daemon thread for the engine's current version, and again
    whenever the version changes. A version is done when `prepare` returns True; until then (it
    returned False, or raised: a remote store that is away) it is tried again a second later.
    Returns the event that stops the thread."""
    closed = closed or threading.Event()

    def loop() -> None:
        done, pause = None, 0.0
        while not closed.wait(pause):
            pause = 1.0
            try:
                version = engine.version
                if version != done and prepare(version):
                    done = version
            except Exception:  # noqa: BLE001 - tried again a second later
                pass

    threading.Thread(target=loop, name=name, daemon=True).start()
    return closed
