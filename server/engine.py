"""Query and update execution for the web service: time and size bounds, safety, versions.

User queries (the SPARQL endpoint, saved queries) run in worker processes (server/workers.py)
that are killed when a query passes the time limit, so a slow query is really cut and
cannot slow the others down. A query of one triple pattern with a small answer is the
exception: its cost is bounded before it runs (server/bounded.py), so this process answers it
without the round trip to a worker. A remote store does the work itself; its HTTP timeout
bounds the wait. Updates run in this process, on the one writable store, one at a time.
"""

from __future__ import annotations

import hmac
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from graph import guard, merge
from graph import query as q
from graph.crash import crash_point
from graph.handover import ServerMark, adopt, change_lock
from graph.labels import best_labels, label_queries
from graph.namespaces import PREFIXES
from graph.remote import RemoteStore
from graph.store import (
    builds_root,
    clear_changing,
    mark_changing,
    open_store,
    recover,
    repair_swap,
    store_path,
    version_or_none,
    write_version,
)
from server import bounded
from server.config import Config
from server.versions import VersionWatch
from server.workers import (
    GRAPH,
    SELECT,
    Answer,
    Snapshots,
    WorkerError,
    WorkerFault,
    WorkerPool,
    WorkersBusy,
    WorkerTimeout,
    evaluate,
)

STREAM_CHUNK = 10_000  # statements serialised at a time when a graph or the dataset is streamed
STREAMING_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE)
# The most rows a query of one triple pattern is read for in this process; a larger answer is
# left to a worker (and this process has read at most this many rows of it, a few ms).
IN_PROCESS_ROWS = 1000


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
    """An evaluated query. SELECT results travel as TSV and graphs as N-Triples (Oxigraph's
    own serialisations); rows and triples are parsed from them only when a view needs them."""

    kind: str  # 'select' | 'ask' | 'graph'
    tsv: bytes | None = None
    boolean: bool | None = None
    ntriples: bytes | None = None
    given_triples: list | None = field(default=None, repr=False)

    @cached_property
    def _solutions(self) -> tuple[list[str], list]:
        parsed = ox.parse_query_results(self.tsv, format=ox.QueryResultsFormat.TSV)
        return [v.value for v in parsed.variables], list(parsed)

    @property
    def variables(self) -> list[str]:
        return self._solutions[0]

    @property
    def rows(self) -> list:
        return self._solutions[1]

    @cached_property
    def triples(self) -> list:
        if self.given_triples is not None:
            return self.given_triples
        return list(ox.parse(self.ntriples, format=ox.RdfFormat.N_TRIPLES)) if self.ntriples else []

    def serialize(self, fmt: str) -> bytes:
        if self.kind == "ask":
            # A QueryBoolean cannot be constructed, only parsed: go through SPARQL JSON.
            parsed = ox.parse_query_results(
                b'{"head":{},"boolean":%s}' % (b"true" if self.boolean else b"false"),
                format=ox.QueryResultsFormat.JSON,
            )
            return parsed.serialize(format=q.RESULT_FORMATS[fmt])
        if self.kind == "graph":
            if fmt == "ntriples" and self.ntriples is not None:
                return self.ntriples
            prefixes = PREFIXES if fmt in ("turtle", "rdfxml", "jsonld") else None
            return ox.serialize(self.triples, format=q.GRAPH_FORMATS[fmt], prefixes=prefixes) or b""
        if fmt == "tsv":
            return self.tsv
        parsed = ox.parse_query_results(self.tsv, format=ox.QueryResultsFormat.TSV)
        return parsed.serialize(format=q.RESULT_FORMATS[fmt])


# One open store per directory and process: Oxigraph locks the directory it writes. Keyed by
# the build's own path (the store path is a symlink to it, graph/store.py).
_open_stores: dict[Path, ox.Store] = {}
_open_lock = threading.Lock()


def _shared_store(path: Path) -> ox.Store:
    """The store at `path`, opened once in this process. The first opening also recovers it
    (graph.store.recover): only a process that has the store open for writing may."""
    repair_swap(path)
    key = Path(path).resolve()
    with _open_lock:
        if key not in _open_stores:
            store = open_store(key)
            recover(key)
            _open_stores[key] = store
        return _open_stores[key]


class Engine:
    """The store as the web service sees it."""

    def __init__(self, config: Config):
        self.config = config
        self.path: Path = store_path(config.store)
        # Reentrant: a write may read `store`, whose version check may take the lock again.
        self._write_lock = threading.RLock()
        self._version_checked = 0.0
        self.versions = VersionWatch()  # tells the work prepared per version of every new one
        self._graphs: tuple[str, list[str] | None] | None = None
        if config.sparql_endpoint:
            self._store = RemoteStore(
                config.sparql_endpoint, config.update_endpoint, timeout=config.query_timeout
            )
            self._version = None
            self._pool = None
        else:
            # Registered before the store is opened: a build that swaps a new store in from
            # now on leaves the old one to this process, which takes the new one over.
            self._serving = ServerMark(self.path)
            repair_swap(self.path)
            adopt(self.path)
            self._opened = self.path.resolve()
            self._store = _shared_store(self._opened)
            self._version = version_or_none(self._opened)
            # The snapshot is tied to the version it was made from, and `recover` stamped a
            # new version if the last process stopped in a write: the workers never read a
            # snapshot that lacks a committed write.
            self._snapshots = Snapshots(self.path)
            self._snapshot = self._snapshots.ensure(self._store, self._version)
            # 0 workers: evaluate in the request thread (faster for tiny queries, but a query
            # past the time limit cannot be stopped). For trusted, single-user set-ups.
            # Workers get no network (server/sandbox.py) unless SERVICE/LOAD may reach some hosts.
            self._pool = (
                WorkerPool(config.query_workers, PREFIXES, sandbox=not config.allowed_services)
                if config.query_workers
                else None
            )
        self.versions.follow(lambda: self.version)

    # -- queries ---------------------------------------------------------------------
    def query(
        self,
        sparql: str,
        *,
        substitutions: dict | None = None,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        limit: int | None = None,
        timeout: float | None = None,
        base_iri: str | None = None,
    ) -> Result:
        """Evaluate within the time and size bounds (by default the configured ones; a remote
        store is bounded by its HTTP timeout, the configured one). Raises SyntaxError,
        QueryTimeout, ResultTooLarge, RemoteAccessRefused, RequestTooComplex or RemoteUnavailable."""
        guard.check_bounds(sparql, "query")
        sparql = q.bind_as_values(sparql, substitutions)
        allowed = self.config.allowed_services
        limit = self.config.result_limit if limit is None else limit
        timeout = self.config.query_timeout if timeout is None else timeout
        if self.remote or self._pool is None:
            # Evaluated in this process: the SERVICE/LOAD rule is the only wall here.
            guard.check_remote_access(sparql, "query", allowed, PREFIXES)
            if self.remote:
                return self._query_remote(sparql, default_graphs, named_graphs, limit, base_iri)
        _ = self.version  # notices a rebuilt store before the query runs
        request = {
            "query": sparql,
            "default_graphs": default_graphs,
            "allowed": allowed,
            "named_graphs": named_graphs,
            "limit": limit,
            "snapshot": self._snapshot,
            "base_iri": base_iri,
            "graphs": self.dataset_graphs,
        }
        if self._pool is None:
            answer = self._in_worker(lambda: evaluate(self.store, request, PREFIXES), timeout, limit)
        else:
            answer = self._in_worker(
                lambda: self._bounded_here(request) or self._pool.run(request, timeout), timeout, limit
            )
        if answer.kind == SELECT:
            return Result(SELECT, tsv=answer.payload)
        if answer.kind == GRAPH:
            return Result(GRAPH, ntriples=answer.payload)
        return Result("ask", boolean=answer.payload)

    def _bounded_here(self, request: dict) -> Answer | None:
        """The answer of a query of one triple pattern (server/bounded.py), evaluated in this
        process when it has at most IN_PROCESS_ROWS rows; None to let a worker answer: any other
        query, or a larger answer. Its cost is bounded by the rows read, so no time limit is
        needed here; it cannot name SERVICE or LOAD, and the row limit applies as in a worker."""
        text = request["query"]
        if guard.may_reach_remote(text) or bounded.single_pattern(text) is None:
            return None
        budget = min(request["limit"], IN_PROCESS_ROWS)
        try:
            return evaluate(self.store, {**request, "limit": budget}, PREFIXES)
        except WorkerError as error:
            if error.kind == "ResultTooLarge" and budget < request["limit"]:
                return None
            raise

    def _in_worker(self, run, timeout: float, limit: int):
        """Run a worker request, turning its failures into the exceptions the routes answer."""
        try:
            return run()
        except WorkerTimeout as error:
            raise QueryTimeout(f"{error}: the time limit is {timeout:g} s") from None
        except WorkersBusy as error:
            raise QueryTimeout(str(error)) from None
        except WorkerError as error:
            if error.kind == "SyntaxError":
                raise SyntaxError(str(error)) from None
            if error.kind == "ResultTooLarge":
                raise self._too_large(limit) from None
            if error.kind == "RemoteAccessRefused":
                raise guard.RemoteAccessRefused(str(error)) from None
            if error.kind == "Unverifiable":
                raise guard.Unverifiable(str(error)) from None
            if error.kind == "RequestTooComplex":
                raise guard.RequestTooComplex(str(error)) from None
            if error.kind == "InternalError":
                raise WorkerFault(str(error)) from None
            raise

    def _too_large(self, limit: int) -> ResultTooLarge:
        return ResultTooLarge(
            f"the result has more than {limit} rows or triples, the limit of this endpoint; "
            "add LIMIT (and OFFSET to page through it)"
        )

    def _query_remote(self, sparql, default_graphs, named_graphs, limit, base_iri=None) -> Result:
        result = q.execute(
            self.store,
            sparql,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            base_iri=base_iri,
            graphs=self.dataset_graphs,
        )
        kind = q.result_kind(result)
        if kind == "ask":
            return Result("ask", boolean=bool(result))
        if kind == SELECT:
            tsv = result.serialize(format=ox.QueryResultsFormat.TSV)
            if tsv.count(b"\n") - 1 > limit:
                raise self._too_large(limit)
            return Result(SELECT, tsv=tsv)
        if len(result) > limit:
            raise self._too_large(limit)
        return Result(GRAPH, given_triples=list(result))

    # -- updates ---------------------------------------------------------------------
    def authorise(self, authorization: str | None) -> None:
        token = self.config.update_token
        if not token:
            raise UpdatesDisabled(
                "updates are disabled on this endpoint (no TECHNIEKPACT_UPDATE_TOKEN is set)"
            )
        scheme, _, given = (authorization or "").strip().partition(" ")
        # RFC 7235: the scheme is case-insensitive; the token is compared in constant time.
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
            raise PermissionError("a valid 'Authorization: Bearer <token>' header is required to update")

    def update(self, sparql: str, base_iri: str | None = None) -> None:
        """Apply a SPARQL Update atomically: a failing update changes nothing. The project's
        prefixes are predeclared, as for queries; relative IRIs resolve against `base_iri` (the
        endpoint's own address). The update is parsed first in a query worker, where a parser
        crash costs that worker only (server/workers.py _check_update)."""
        guard.check_bounds(sparql, "update")
        if self._pool is None or self.remote:
            guard.check_remote_access(sparql, "update", self.config.allowed_services, PREFIXES)
        else:
            request = {
                "check_update": sparql,
                "allowed": self.config.allowed_services,
                "base_iri": base_iri,
                "graphs": [g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode)],
                "snapshot": self.snapshot,
                "limit": 0,
            }
            self._in_worker(
                lambda: self._pool.run(request, self.config.query_timeout), self.config.query_timeout, 0
            )
        with self._writing():
            try:
                self.store.update(self._maintaining(sparql, base_iri), prefixes=PREFIXES, base_iri=base_iri)
            except (RuntimeError, OSError, ValueError) as error:
                # Oxigraph's evaluation errors (a failed fetch is an OSError); rolled back
                raise UpdateFailed(f"the update was not applied: {error}") from None
            self._bump()

    def replace_graph(self, graph: str | None, quads_ntriples: bytes | None, *, append: bool = False) -> None:
        """Graph Store Protocol writes as one update, so they are all-or-nothing too."""
        target = f"GRAPH <{graph}>" if graph else "DEFAULT"
        parts = [] if append else [f"DROP SILENT {target}"]
        if quads_ntriples is not None:
            body = quads_ntriples.decode()
            parts.append(
                f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}" if graph else f"INSERT DATA {{ {body} }}"
            )
        with self._writing():
            touched = {graph} if graph else set()
            self.store.update(
                merge.maintaining(
                    " ;\n".join(parts), touched, own_default_graph=not self.remote, adds_only=append
                )
                if self.dataset_graphs is not None
                else " ;\n".join(parts)
            )
            self._bump()

    def _maintaining(self, sparql: str, base_iri: str | None) -> str:
        """The update with the upkeep of the merged default graph (graph/merge.py) in the same
        request, when the store keeps one."""
        graphs = self.dataset_graphs
        if graphs is None:
            return sparql
        touched = merge.touched_graphs(sparql, base_iri, PREFIXES, graphs)
        return merge.maintaining(sparql, touched, own_default_graph=not self.remote)

    @property
    def dataset_graphs(self) -> list[str] | None:
        """The named graphs queries see, read once per version (graph/merge.py); None when the
        store keeps no merge (the union of its graphs then stands in for it)."""
        version = self.version
        if self._graphs is None or self._graphs[0] != version:
            self._graphs = (version, merge.dataset_graphs(self._store))
        return self._graphs[1]

    @property
    def snapshot(self) -> str:
        """The read-only copy of the current version, for readers in other processes."""
        _ = self.version  # notices a rebuilt store first
        return self._snapshot

    @property
    def store(self):
        """The store of the current version (a rebuilt one once the version check saw it)."""
        if not self.remote:  # a remote store is one for all versions
            _ = self.version  # notices a rebuilt store
        return self._store

    @property
    def remote(self) -> bool:
        return isinstance(self._store, RemoteStore)

    @property
    def version(self) -> str:
        """The store's version: the ETag of everything served. A remote store can be changed by
        others, and a local one rebuilt by `techniekpact build`, so it is re-read at most once a
        second."""
        if time.monotonic() - self._version_checked > 1.0:
            self._version_checked = time.monotonic()
            if self.remote:
                self._version = self._store.read_version()
            elif version_or_none(self.path) not in (None, self._version):
                with self._write_lock:
                    self._follow_disk()
            self.versions.seen(self._version)
        return self._version

    def _follow_disk(self) -> None:
        """Take up what changed on disk (with the write lock held): a build swapped a new store
        in (open it, serve it, remove the old one), or another engine of this process wrote the
        shared store (take its version)."""
        current = self.path.resolve()
        if current != self._opened:
            previous = self._opened
            self._store = _shared_store(current)
            self._opened = current
            with _open_lock:
                _open_stores.pop(previous, None)  # closed once no engine of this process reads it
            if previous.parent == builds_root(self.path).resolve():
                shutil.rmtree(previous, ignore_errors=True)  # the build left it to us
        version = version_or_none(self._opened)
        if version is not None and version != self._version:
            # The snapshot first: whoever reads the new version must get its snapshot.
            self._snapshot = self._snapshots.ensure(self._store, version)
            self._version = version
        self._version_checked = time.monotonic()

    @contextmanager
    def _writing(self):
        """Around every write: one at a time, and never through the handle of a store a build
        swapped out (under the store's change lock, which a build's swap also takes, the
        current store is opened first). CHANGING says, until the write is stamped with a
        new version and snapshotted (`_bump`), that the store may be ahead of its VERSION."""
        if self.remote:
            with self._write_lock:
                yield
            return
        with self._write_lock, change_lock(self.path):
            self._follow_disk()
            mark_changing(self._opened)
            try:
                yield
            except (SyntaxError, UpdateFailed):
                clear_changing(self._opened)  # refused or rolled back: the store did not change
                raise

    def _bump(self) -> None:
        self._store.flush()
        if self.remote:
            self._version = self._store.write_version()
        else:
            crash_point("update-committed")
            version = write_version(self._opened)
            crash_point("update-stamped")
            self._snapshot = self._snapshots.ensure(self._store, version)
            self._version = version
            clear_changing(self._opened)
        self._version_checked = time.monotonic()
        self.versions.seen(self._version)

    def graph_exists(self, graph: str) -> bool:
        """Whether `graph` holds a statement: the live store, which a write of this process has
        just changed (a Graph Store request's 404 or 201), read up to its first quad only."""
        return any(True for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def labels(self, iris, lang: str = "nl") -> dict[str, str]:
        """The best label per IRI (graph/labels.py), looked up by query workers, within the
        time limit. IRIs without a label are left out."""
        return best_labels(
            (row for query in label_queries(iris) for row in self.query(query, limit=100_000).rows), lang
        )

    # -- whole graphs and the whole dataset, streamed from the snapshot ----------------
    def reader(self):
        """A read-only handle on the current version, for reads too large for a worker's answer:
        the snapshot (never the live store, which updates write), or the remote store."""
        return self.store if self.remote else ox.Store.read_only(self.snapshot)

    def stream(self, fmt: ox.RdfFormat, graph: str | None | bool = True) -> Iterator[bytes]:
        """The dataset (`graph` True), one named graph (its IRI) or the store's own default graph
        (None) in `fmt`, serialised STREAM_CHUNK statements at a time as the client reads, never
        held whole in memory. The dataset is every graph but the service's own (graph/merge.py)
        in a format with graphs, else the default graph queries see (the merge: each triple
        once). Only formats whose documents may be concatenated (`streams`) are streamed."""
        reader = self.reader()
        if graph is True and not fmt.supports_datasets:
            statements = iter(
                reader.query(
                    "CONSTRUCT WHERE { ?s ?p ?o }", **merge.query_dataset("", None, None, self.dataset_graphs)
                )
            )
        elif graph is True:
            statements = (
                quad
                for quad in reader.quads_for_pattern(None, None, None, None)
                if not (
                    isinstance(quad.graph_name, ox.NamedNode)
                    and quad.graph_name.value in merge.SERVICE_GRAPHS
                )
            )
        else:
            node = ox.NamedNode(graph) if graph else ox.DefaultGraph()
            quads = reader.quads_for_pattern(None, None, None, node)
            statements = quads if fmt.supports_datasets else (quad.triple for quad in quads)

        def chunks():
            while batch := list(islice(statements, STREAM_CHUNK)):
                yield ox.serialize(batch, format=fmt) or b""

        return chunks()

    @staticmethod
    def streams(fmt: ox.RdfFormat) -> bool:
        return fmt in STREAMING_FORMATS

    def graph_triples(self, graph: str | None) -> Result:
        """A whole graph (None: the store's own default graph) as one result, for formats that
        do not stream (RDF/XML, JSON-LD): read from the snapshot, at most the result limit."""
        limit = self.config.result_limit
        node = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        triples = [
            quad.triple for quad in islice(self.reader().quads_for_pattern(None, None, None, node), limit + 1)
        ]
        if len(triples) > limit:
            raise ResultTooLarge(
                f"the graph has more than {limit} triples, the limit of this endpoint for RDF/XML "
                "and JSON-LD; ask for Turtle or N-Triples, which are streamed"
            )
        return Result(GRAPH, given_triples=triples)

    def close(self) -> None:
        """Stop the version watch and the query workers (an app that is done with its store)."""
        self.versions.close()
        if self._pool is not None:
            self._pool.close()
