"""Network views built once per store version and choice of filters, outside the request.

A view is SPARQL over the whole store, then networkx: well under a second on the curated
graph, 12 s for the partner view at 100× its size and about two minutes at 1000×. Built in the
request, that time had no bound. Here one thread builds the views, one at a time, so that
requests for many filter combinations cannot take every core; a request waits for its view at
most the query time limit, then gets 503 with Retry-After while the view goes on being built.
After start-up and after every change of version, the unfiltered partner and programme views
are built in the background, so that even their first visitor gets them at once.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Callable, NamedTuple

from server.answers import StillPreparing
from server.versions import FollowVersions

log = logging.getLogger(__name__)

MAX_KEPT = 64     # views kept for the current version; the least recently used go first
MAX_WAITING = 16  # views asked for and not yet built; more are refused (503) until fewer wait


class ViewKey(NamedTuple):
    version: str
    name: str
    iri: str | None = None
    depth: int = 1
    line: str | None = None
    landsdeel: str | None = None
    document: str | None = None


DEFAULT_VIEWS = ("partners", "programmes", "interlock")


class NetworkViews:
    """The views of the engine's current version, each built by `build(store, key)` once."""

    def __init__(self, engine, build: Callable[[object, ViewKey], dict], background: bool):
        self._engine, self._build = engine, build
        self._waiting: queue.Queue[ViewKey] = queue.Queue()  # the keys of `_building`, in order
        self._lock = threading.Lock()
        self._kept: OrderedDict[ViewKey, dict] = OrderedDict()
        self._building: dict[ViewKey, tuple[Future, float]] = {}  # its answer, and since when it was asked for
        # A daemon thread, not an executor's: stopping the service must not wait for a view.
        threading.Thread(target=self._build_each, name="network-views", daemon=True).start()
        self._preparing = FollowVersions(engine, self._prepare, "prepare-network-views") if background else None

    def get(self, key: ViewKey, timeout: float | None) -> dict:
        """The view of `key`, built now if need be. Raises what the build raises, or
        StillPreparing when it is not built within `timeout` seconds (None: no bound)."""
        with self._lock:  # one lock for both: a view built in between is not queued again
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            if key not in self._building:
                if len(self._building) >= MAX_WAITING:
                    raise StillPreparing(f"{len(self._building)} network views are waiting to be built; "
                                         "try again shortly")
                self._building[key] = (Future(), time.monotonic())
                self._waiting.put(key)
            future, started = self._building[key]
        try:
            return future.result(timeout)
        except FutureTimeout:
            raise StillPreparing(f"the network view {key.name} is being built ({time.monotonic() - started:.0f} s "
                                 "so far; at 100× the curated graph it takes seconds); try again shortly") from None

    def kept(self) -> int:
        """How many views are built for the current version."""
        version = self._engine.version
        with self._lock:
            return sum(1 for key in self._kept if key.version == version)

    @property
    def preparing(self) -> bool:
        """The background thread has yet to build the current version's unfiltered views."""
        return self._preparing is not None and self._preparing.preparing

    def _build_each(self) -> None:
        while True:
            key = self._waiting.get()
            with self._lock:
                future = self._building[key][0]
            try:
                if key.version != self._engine.version:
                    raise StillPreparing("the store changed before this view was built; ask again")
                view = self._build(self._engine.store, key)
                current = key.version == self._engine.version  # a view of an older version is not kept
                with self._lock:
                    if current:
                        for old in [k for k in self._kept if k.version != key.version]:
                            del self._kept[old]
                        self._kept[key] = view
                        while len(self._kept) > MAX_KEPT:
                            self._kept.popitem(last=False)
                    del self._building[key]
                future.set_result(view)
            except Exception as error:  # noqa: BLE001 - raised to whoever asked for this view
                log.exception("building the network view %s failed", key)
                with self._lock:
                    self._building.pop(key, None)
                future.set_exception(error)

    def _prepare(self, version: str) -> bool:
        for name in DEFAULT_VIEWS:
            if self._engine.version != version:
                return False
            try:
                self.get(ViewKey(version, name), timeout=None)
            except StillPreparing:  # too many waiting, or the store changed: again in a second
                return False
            except Exception:  # noqa: BLE001 - a view that cannot be built is left to the request
                log.exception("preparing the network view %s failed; it is built on request", name)
        return True
