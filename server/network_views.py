"""Network views built once per store version and choice of filters, outside the request.

A view is SPARQL over the whole store (its snapshot: never the live store), then networkx: well under a second on the curated
graph, 12 s for the partner view at 100× its size and about two minutes at 1000×. Built in the
request, that time had no bound. Here one thread builds the views, one at a time, so that
requests for many filter combinations cannot take every core; a request waits for its view at
most the query time limit, then gets 503 with Retry-After while the view goes on being built.
After start-up and after every change of version, the unfiltered partner and programme views
are built in the background, so that even their first visitor gets them at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import NamedTuple

from server.prepared import KeptByPrepared, Prepared

log = logging.getLogger(__name__)

MAX_KEPT = 64  # views kept for the current version; the least recently used go first
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


class NetworkViews(KeptByPrepared):
    """The views of the engine's current version, each built by `build(store, key)` once, in one
    builder thread."""

    def __init__(self, engine, build: Callable[[object, ViewKey], dict], background: bool):
        self._engine, self._build = engine, build
        self._kept: Prepared[dict] = Prepared(
            engine,
            "network views",
            lambda key: f"the network view {key.name}",
            doing="being built",
            max_kept=MAX_KEPT,
            builder="network-views",
            max_waiting=MAX_WAITING,
        )
        if background:
            self._kept.warm_up(
                lambda version: [
                    (key, lambda key=key: self._build(self._engine.reader(), key))
                    for key in (ViewKey(version, name) for name in DEFAULT_VIEWS)
                ]
            )

    def get(self, key: ViewKey, timeout: float | None) -> dict:
        """The view of `key`, built now if need be. Raises what the build raises, or
        StillPreparing when it is not built within `timeout` seconds (None: no bound)."""
        return self._kept.get(key, lambda: self._build(self._engine.reader(), key), timeout)

    def kept(self) -> int:
        """How many views are built for the current version."""
        return self._kept.count()
