"""The search index (graph/search.py) of the current store version, built once in a background
thread after start-up and every change of version: at 100× the curated graph building it takes
tens of seconds, which no request should spend. A search asked before it is built waits up to
the query time limit, then gets 503 with Retry-After."""

from __future__ import annotations

from graph import search
from server.prepared import Prepared


class SearchIndexes:
    def __init__(self, engine, background: bool):
        self._engine = engine
        self._kept: Prepared[search.Index] = Prepared(
            engine, "search indexes", lambda key: "the search index of this store version", doing="being built",
            max_kept=1, builder="search-index")
        if background:
            self._kept.warm_up(lambda version: [((version,), self._build)])

    def get(self, timeout: float | None) -> search.Index:
        """The index of the current version, built now if need be (StillPreparing after `timeout` s)."""
        return self._kept.get((self._engine.version,), self._build, timeout)

    def _build(self) -> search.Index:
        return search.build_index(self._engine.reader())  # the snapshot of this version

    @property
    def preparing(self) -> bool:
        return self._kept.preparing

    def close(self) -> None:
        self._kept.close()
