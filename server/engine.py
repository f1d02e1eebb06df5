"""Query and update execution for the web service: time and size bounds, safety, versions.

Queries run in a thread pool so a slow one cannot hold an HTTP worker past the time limit
(pyoxigraph releases the GIL while it evaluates, so other clients keep being served).
Results are collected in the worker up to the row limit, then serialised by Oxigraph.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor, TimeoutError as FutureTimeout
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from graph import query as q
from graph.guard import check_remote_access
from graph.namespaces import PREFIXES
from graph.store import open_store, read_version, store_path, write_version
from server.config import Config


class QueryTimeout(Exception):
    pass


class ResultTooLarge(Exception):
    pass


class UpdatesDisabled(PermissionError):
    pass


class UpdateFailed(ValueError):
    """The update parsed but could not be applied (e.g. CREATE of an existing graph)."""


@dataclass
class Result:
    """An evaluated query: kind ('select' | 'ask' | 'graph') and its materialised content."""
    kind: str
    variables: list[str] | None = None
    rows: list | None = None          # SELECT: list of QuerySolution
    boolean: bool | None = None
    triples: list | None = None

    def serialize(self, fmt: str) -> bytes:
        if self.kind == "ask":
            # A QueryBoolean cannot be constructed, only parsed: go through SPARQL JSON.
            parsed = ox.parse_query_results(b'{"head":{},"boolean":%s}' % (b"true" if self.boolean else b"false"),
                                            format=ox.QueryResultsFormat.JSON)
            return parsed.serialize(format=q.RESULT_FORMATS[fmt])
        if self.kind == "graph":
            prefixes = PREFIXES if fmt in ("turtle", "rdfxml", "jsonld") else None
            return ox.serialize(self.triples, format=q.GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
        return _solutions_bytes(self.variables, self.rows, fmt)

    def table(self) -> q.Table:
        return q.Table(self.variables, [[row[v] for v in self.variables] for row in self.rows])


def _solutions_bytes(variables: list[str], rows: list, fmt: str) -> bytes:
    # Oxigraph can only serialise what it parsed or evaluated, so the collected rows go
    # through TSV (whose cells are N-Triples terms, which str() of a term writes).
    lines = ["\t".join("?" + v for v in variables)]
    for row in rows:
        lines.append("\t".join("" if row[v] is None else str(row[v]) for v in variables))
    tsv = ("\n".join(lines) + "\n").encode()
    if fmt == "tsv":
        return tsv
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    return parsed.serialize(format=q.RESULT_FORMATS[fmt])


# One open store per directory and process: Oxigraph locks the directory it writes.
_open_stores: dict[Path, ox.Store] = {}


def _shared_store(path: Path) -> ox.Store:
    key = path.resolve()
    if key not in _open_stores:
        _open_stores[key] = open_store(path)
    return _open_stores[key]


class Engine:
    """The store as the web service sees it."""

    def __init__(self, config: Config):
        self.config = config
        self.path: Path = store_path(config.store)
        self.store = _shared_store(self.path)
        self.version = read_version(self.path)
        self._pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="sparql")
        self._write_lock = threading.Lock()

    # -- queries ---------------------------------------------------------------------
    def query(self, sparql: str, *, substitutions: dict | None = None,
              default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              limit: int | None = None) -> Result:
        """Evaluate within the time and size bounds. Raises SyntaxError, QueryTimeout,
        ResultTooLarge or RemoteAccessRefused."""
        check_remote_access(sparql, self.config.allowed_services)
        limit = self.config.result_limit if limit is None else limit
        future = self._pool.submit(self._evaluate, sparql, substitutions, default_graphs, named_graphs, limit)
        try:
            return future.result(timeout=self.config.query_timeout)
        except FutureTimeout:
            future.cancel()
            raise QueryTimeout(f"the query did not finish within the time limit of "
                               f"{self.config.query_timeout:g} s") from None

    def _evaluate(self, sparql, substitutions, default_graphs, named_graphs, limit) -> Result:
        result = q.execute(self.store, sparql, substitutions=substitutions,
                           default_graphs=default_graphs, named_graphs=named_graphs)
        kind = q.result_kind(result)
        if kind == "ask":
            return Result("ask", boolean=bool(result))
        items = list(islice(result, limit + 1))
        if len(items) > limit:
            unit = "rows" if kind == "select" else "triples"
            raise ResultTooLarge(f"the result has more than {limit} {unit}, the limit of this endpoint; "
                                 "add LIMIT (and OFFSET to page through it)")
        if kind == "select":
            return Result("select", variables=[v.value for v in result.variables], rows=items)
        return Result("graph", triples=items)

    # -- updates ---------------------------------------------------------------------
    def authorise(self, authorization: str | None) -> None:
        token = self.config.update_token
        if not token:
            raise UpdatesDisabled("updates are disabled on this endpoint (no TECHNIEKPACT_UPDATE_TOKEN is set)")
        if authorization != f"Bearer {token}":
            raise PermissionError("a valid 'Authorization: Bearer <token>' header is required to update")

    def update(self, sparql: str) -> None:
        """Apply a SPARQL Update atomically: a failing update changes nothing."""
        check_remote_access(sparql, self.config.allowed_services)
        with self._write_lock:
            try:
                self.store.update(sparql)
            except RuntimeError as error:  # Oxigraph's evaluation errors; the transaction is rolled back
                raise UpdateFailed(f"the update was not applied: {error}") from None
            self._bump()

    def replace_graph(self, graph: str | None, quads_ntriples: bytes | None, *, append: bool = False) -> None:
        """Graph Store Protocol writes as one update, so they are all-or-nothing too."""
        target = f"GRAPH <{graph}>" if graph else "DEFAULT"
        parts = [] if append else [f"DROP SILENT {target}"]
        if quads_ntriples is not None:
            body = quads_ntriples.decode()
            parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}" if graph else f"INSERT DATA {{ {body} }}")
        with self._write_lock:
            self.store.update(" ;\n".join(parts))
            self._bump()

    def _bump(self) -> None:
        self.store.flush()
        self.version = write_version(self.path)

    def graph_exists(self, graph: str) -> bool:
        return any(True for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def graph_triples(self, graph: str | None) -> Result:
        """A whole graph (None: the store's own default graph), for the Graph Store Protocol."""
        node = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        return Result("graph", triples=[quad.triple for quad in self.store.quads_for_pattern(None, None, None, node)])

    def counts(self) -> dict[str, int]:
        from graph.store import graph_counts
        return graph_counts(self.store)
