"""Values prepared once per store version: saved queries' answers, validation reports, network views.

Each is too slow to make inside a request at scale (seconds to minutes), and the same for every
request of one store version. So a value is made once per key (the key starts with the store
version): one caller makes it (single flight), the others wait for that making, each at most
its own time limit, and past it get StillPreparing (a 503 with Retry-After) while the making
goes on. Made values are kept, least recently used first out, and the values of older versions
go when one of the current version arrives.

A value is made either in the asking request's thread (answers: the query worker already bounds
the work) or in one builder thread of its own (reports and views: one at a time, so requests
for many keys cannot take every core). The builder thread also prepares, after start-up and
after every change of version (server/versions.py tells it), the values the first visitors
will ask for.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

V = TypeVar("V")


class StillPreparing(Exception):
    """The value is being made, past this request's time limit: ask again shortly."""


class Prepared(Generic[V]):
    """Values by key (whose first item is the store version they belong to).

    `what` names the values (plural) and `describe(key)` one of them in messages, `doing` says
    what happens to it ("being built"); `max_kept` and `max_bytes` (with `size`) bound what is
    kept; `dropped` is called with a value that goes (to delete its files); `builder` names the
    builder thread (None: no thread, values are made in the asking thread); `inline`: requests
    make values in their own thread even so (the builder only warms up); `max_waiting` bounds the
    keys being made or waiting for the builder."""

    def __init__(
        self,
        engine,
        what: str,
        describe: Callable[[tuple], str],
        *,
        doing: str = "being prepared",
        max_kept: int,
        max_bytes: int | None = None,
        size: Callable[[V], int] = lambda value: 0,
        dropped: Callable[[V], None] | None = None,
        builder: str | None = None,
        inline: bool = False,
        max_waiting: int | None = None,
    ):
        self._engine, self._what, self._describe, self._doing = engine, what, describe, doing
        self.max_kept, self.max_bytes, self._size, self._dropped = max_kept, max_bytes, size, dropped
        self._max_waiting, self._inline = max_waiting, inline or builder is None
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)  # notified when a making or a warm-up ends
        self.kept: OrderedDict[tuple, V] = OrderedDict()
        self._making: dict[tuple, tuple[Future, float]] = {}  # its value, and since when it is made
        self._warm: Callable[[str], Iterable[tuple[tuple, Callable[[], V]]]] | None = None
        self._warmed: str | None = None  # the last version whose warm-up went through the builder
        self._jobs: queue.Queue | None = None
        if builder is not None:
            self._jobs = queue.Queue()
            # A daemon thread, not an executor's: stopping the service must not wait for a making.
            threading.Thread(target=self._build_each, name=builder, daemon=True).start()

    # -- asking ----------------------------------------------------------------------
    def get(self, key: tuple, make: Callable[[], V], timeout: float | None) -> V:
        """The value of `key`: kept, or made now by `make` (once, however many ask at once).
        Raises what `make` raises, or StillPreparing when it is not made within `timeout`
        seconds (None: no bound)."""
        future, started, mine = self._claim(key, make)
        if mine:  # made here, in the asking thread
            self._make(key, make, future)
        try:
            return future.result(timeout)
        except FutureTimeout:
            raise StillPreparing(
                f"{self._describe(key)} is {self._doing} ({time.monotonic() - started:.0f} s "
                "so far); try again shortly"
            ) from None

    def ready(self, key: tuple) -> V | None:
        """The value of `key` if it is kept, without making or waiting."""
        with self._lock:
            return self.kept.get(key)

    def put(self, key: tuple, value: V) -> None:
        """Keep `value` as made for `key` (a value known to be that of another key too, e.g. of a
        version that differs only where the value does not look)."""
        self._keep(key, value)

    def forget(self, key: tuple) -> None:
        """Drop the value of `key` (it turned out unusable: made anew when asked for again)."""
        with self._lock:
            value = self.kept.pop(key, None)
        if value is not None and self._dropped is not None:
            self._dropped(value)

    def count(self) -> int:
        """How many values are kept for the current version."""
        version = self._engine.version
        with self._lock:
            return sum(1 for key in self.kept if key[0] == version)

    @property
    def preparing(self) -> bool:
        """The builder has yet to prepare the current version's warm-up values."""
        return self._warm is not None and self._warmed != self._engine.version

    def idle(self, timeout: float) -> bool:
        """Wait until nothing is being made and the current version's warm-up is done (False:
        not within `timeout` seconds). For tests and orderly stops: a request never waits here."""
        with self._settled:
            return self._settled.wait_for(lambda: not self._making and not self.preparing, timeout)

    def close(self) -> None:
        """Stop the builder thread (after the job it is doing)."""
        if self._jobs is not None:
            self._jobs.put(("stop",))

    # -- warm-up -----------------------------------------------------------------------
    def warm_up(self, values: Callable[[str], Iterable[tuple[tuple, Callable[[], V]]]]) -> None:
        """After start-up and every change of version, make `values(version)` (pairs of key and
        its `make`) in the builder thread, in order, without anyone waiting."""
        assert self._jobs is not None, "warm-up needs a builder thread"
        self._warm = values
        self._engine.versions.subscribe(lambda version: self._jobs.put(("warm", version)))

    def on_new_version(self, callback: Callable[[str], None]) -> None:
        """Call `callback(version)` when the version changes (e.g. to stop an outdated making)."""
        self._engine.versions.subscribe(callback)

    # -- making ----------------------------------------------------------------------
    def _claim(self, key: tuple, make) -> tuple[Future, float, bool]:
        """The future of `key`'s value; `mine`: the caller must make it."""
        with self._lock:  # one lock for both: a value made in between is not made again
            if key in self.kept:
                self.kept.move_to_end(key)
                future = Future()
                future.set_result(self.kept[key])
                return future, time.monotonic(), False
            if key in self._making:
                future, started = self._making[key]
                return future, started, False
            if self._max_waiting is not None and len(self._making) >= self._max_waiting:
                raise StillPreparing(
                    f"{len(self._making)} {self._what} are waiting to be built; try again shortly"
                )
            future, started = self._making[key] = (Future(), time.monotonic())
        if self._inline:
            return future, started, True
        self._jobs.put(("make", key, make, future))
        return future, started, False

    def _make(self, key: tuple, make: Callable[[], V], future: Future) -> None:
        try:
            if key[0] != self._engine.version:
                raise StillPreparing(f"the store changed before {self._describe(key)} was made; ask again")
            value = make()
        except BaseException as error:  # handed to whoever asked for this value
            with self._lock:
                self._making.pop(key, None)
                self._settled.notify_all()
            future.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        self._keep(key, value)
        future.set_result(value)

    def _keep(self, key: tuple, value: V) -> None:
        """Keep `value`; drop the older versions' values when it is of the current version, then
        the least recently used while too many or too large are kept (never the last one). A value
        of a version older than the current one is kept too (those who asked for it read it) and
        goes with the others of its version."""
        dropped = []
        with self._lock:
            self._making.pop(key, None)
            self.kept[key] = value
            if key[0] == self._engine.version:
                dropped += [self.kept.pop(k) for k in [k for k in self.kept if k[0] != key[0]]]
            total = sum(self._size(v) for v in self.kept.values()) if self.max_bytes is not None else 0
            while len(self.kept) > 1 and (
                len(self.kept) > self.max_kept or (self.max_bytes is not None and total > self.max_bytes)
            ):
                old = self.kept.popitem(last=False)[1]
                total -= self._size(old) if self.max_bytes is not None else 0
                dropped.append(old)
            self._settled.notify_all()
        if self._dropped is not None:
            for old in dropped:
                self._dropped(old)

    def _build_each(self) -> None:
        while True:
            job = self._jobs.get()
            if job[0] == "stop":
                return
            if job[0] == "make":
                self._make(*job[1:])
            else:
                self._warm_version(job[1])

    def _warm_version(self, version: str) -> None:
        """Make the warm-up values of `version` one by one, unless a newer version came first."""
        for key, make in self._warm(version):
            if self._engine.versions.version != version:
                return  # its own warm-up job is queued
            with self._lock:  # made already, or being made for a request: nothing to do
                if key in self.kept or key in self._making:
                    continue
                future = Future()
                self._making[key] = (future, time.monotonic())
            self._make(key, make, future)
            error = future.exception()
            if error is not None and not isinstance(error, StillPreparing):  # made again on request
                log.error("preparing %s failed; it is made on request", self._describe(key), exc_info=error)
        with self._lock:
            self._warmed = version
            self._settled.notify_all()


class KeptByPrepared:
    """What a holder of a `Prepared` (as `self._kept`) tells about its background work: the
    answers, network views, doublure candidates, summaries and reports each are one."""

    _kept: Prepared

    @property
    def preparing(self) -> bool:
        """The builder has yet to prepare the current version's warm-up values."""
        return self._kept.preparing

    def idle(self, timeout: float) -> bool:
        """Wait until nothing is being made and the current version's warm-up is done (False:
        not within `timeout` seconds). For tests and orderly stops."""
        return self._kept.idle(timeout)

    def close(self) -> None:
        """Stop the builder thread (after the job it is doing)."""
        self._kept.close()
