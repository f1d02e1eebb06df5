"""What is read from the whole store once per version: the triples per named graph (/health and
the service description) and the search index (/search).

Each scans every statement (seconds at 100× the curated graph), so neither is made in a request:
server/prepared.py's helper makes them in one builder thread (`summaries`), from the snapshot of
the version (never the live store that updates write), and again after every change of version.
A request waits for them as for a saved query's prepared answer, at most the longer of the query
and preparation time limits (the health check: the query time limit only), then gets 503 with
Retry-After while the making goes on.
"""

from __future__ import annotations

from graph import search
from graph.store import graph_counts
from server.prepared import KeptByPrepared, Prepared

WHAT = {"counts": "the triple counts", "search": "the search index"}


class Summaries(KeptByPrepared):
    """The counts and the search index of the engine's current version."""

    def __init__(self, engine, background: bool):
        self._engine = engine
        self._makers = {"counts": graph_counts, "search": search.build_index}
        # Two values per version; the previous version's stay until the new ones are made.
        self._kept: Prepared = Prepared(
            engine,
            "store summaries",
            lambda key: f"{WHAT[key[1]]} of this store version",
            doing="being made",
            max_kept=4,
            builder="summaries",
        )
        if background:
            self._kept.warm_up(
                lambda version: [((version, name), self._maker(name)) for name in self._makers]
            )

    @property
    def wait(self) -> float:
        """How long a request waits for a summary by default (seconds)."""
        config = self._engine.config
        return max(config.query_timeout, config.prepare_timeout)

    def counts(self, timeout: float | None = None) -> dict[str, int]:
        """Triples per named graph (graph.store.graph_counts); StillPreparing past `timeout`
        seconds (default: `wait`)."""
        return self._get("counts", self.wait if timeout is None else timeout)

    def search_index(self, timeout: float | None = None) -> search.Index:
        """The search index (graph.search.build_index); StillPreparing past `timeout` seconds
        (default: `wait`)."""
        return self._get("search", self.wait if timeout is None else timeout)

    def _get(self, name: str, timeout: float | None):
        return self._kept.get((self._engine.version, name), self._maker(name), timeout)

    def _maker(self, name: str):
        return lambda: self._makers[name](self._engine.reader())
