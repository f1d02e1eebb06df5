"""Test-only: kill this process at a named point of a build, an update or a snapshot.

The crash tests (tests/test_durability.py) set TECHNIEKPACT_TEST_CRASH_AT to one of the names
below, start a real process and check that what it leaves behind recovers without a hand
repair. Unset (always, outside those tests), `crash_point` does nothing.

Points: build-loaded (the new store is built, not yet swapped in), build-swapped (swapped
in, old builds not yet removed), update-committed (an update is in the store, its VERSION
not yet stamped), update-stamped (VERSION stamped, no snapshot yet), snapshot-copied (a
snapshot's backup is taken, not yet renamed into place).
"""

from __future__ import annotations

import os
import signal

ENV = "TECHNIEKPACT_TEST_CRASH_AT"


def crash_point(name: str) -> None:
    if os.environ.get(ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
