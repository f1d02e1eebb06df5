"""Query evaluation in worker processes, so that a query past its time limit is really cut.

Oxigraph cannot cancel a running query, and a thread cannot be stopped, so each query runs
in one of a few worker processes; on timeout the worker is killed and replaced. Workers
read a snapshot of the store (an Oxigraph backup: hard links, taken once per store
version), so no process ever opens a database that another process is writing.

A worker answers with TSV for solutions (cells are N-Triples terms) or N-Triples for graphs,
written by Oxigraph and stopped as soon as it passes the row limit; the server turns them
into the format the client asked for.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.store import make_snapshot, snapshots_root

ASK, SELECT, GRAPH = "ask", "select", "graph"
READY = ("ready", None, None)  # a worker's first message: its interpreter is up
# How long a worker may take to start (a fresh interpreter, importing pyoxigraph) and to open a
# snapshot. Neither is the query's time: on a busy machine they can take seconds, and a query
# given 1 s would time out before it began.
START_LIMIT = 60.0


@dataclass
class Answer:
    kind: str
    payload: bytes | bool


class WorkerError(Exception):
    """A query failed in the worker: carries the exception's type name and message."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class _TooLarge(Exception):
    pass


class _BoundedSink:
    """Where Oxigraph's serializer writes: stops it (by raising) once more than `lines` lines
    came. TSV and N-Triples write one line a row or triple, so this bounds the result size
    while the rows are still turned into text by Oxigraph, not one by one in Python."""

    def __init__(self, lines: int):
        self.allowed, self.lines, self.chunks = lines, 0, []

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        self.chunks.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.allowed:
            raise _TooLarge()
        return len(chunk)

    def flush(self) -> None:
        pass


def evaluate(store: ox.Store, request: dict, prefixes: dict) -> Answer:
    """Evaluate one query request on a store. Raises WorkerError for every failure."""
    kwargs = {"prefixes": prefixes}
    if request["default_graphs"]:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in request["default_graphs"]]
    else:
        kwargs["use_default_graph_as_union"] = True
    if request["named_graphs"]:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in request["named_graphs"]]
    limit = request["limit"]
    try:
        result = store.query(request["query"], **kwargs)
        if isinstance(result, ox.QueryBoolean):
            return Answer(ASK, bool(result))
        if isinstance(result, ox.QuerySolutions):
            sink = _BoundedSink(limit + 1)  # the header line and `limit` rows
            result.serialize(sink, format=ox.QueryResultsFormat.TSV)
            return Answer(SELECT, b"".join(sink.chunks))
        sink = _BoundedSink(limit)
        result.serialize(sink, format=ox.RdfFormat.N_TRIPLES)
        return Answer(GRAPH, b"".join(sink.chunks))
    except _TooLarge:
        raise WorkerError("ResultTooLarge", str(limit)) from None
    except SyntaxError as error:
        raise WorkerError("SyntaxError", str(error)) from None
    except Exception as error:  # noqa: BLE001 — Oxigraph's evaluation errors, reported to the client
        raise WorkerError(type(error).__name__, str(error)) from None


def _serve(conn, prefixes: dict) -> None:
    """The worker loop: say it is up; then open the snapshot it is told, or evaluate, and answer."""
    conn.send(READY)
    store, opened = None, None
    while True:
        try:
            request = conn.recv()
        except (EOFError, ConnectionResetError):  # the server went away: so does the worker
            return
        try:
            if request["snapshot"] != opened:
                store, opened = None, None
                store = ox.Store.read_only(request["snapshot"])
                opened = request["snapshot"]
            if "query" not in request:  # only told to open it
                conn.send(("ok", None, None))
                continue
            answer = evaluate(store, request, prefixes)
            conn.send(("ok", answer.kind, answer.payload))
        except WorkerError as error:
            conn.send(("error", error.kind, str(error)))
        except OSError as error:  # the snapshot could not be opened
            conn.send(("error", "OSError", str(error)))


class WorkerTimeout(Exception):
    """No answer within the time limit (the worker was stopped), or no worker came free."""


class WorkerLost(WorkerError):
    """The worker process died while evaluating (e.g. killed by the system)."""


class _Worker:
    def __init__(self, context, prefixes: dict):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, prefixes), daemon=True)
        self.process.start()
        child.close()
        self.started, self.snapshot = False, None

    def ready(self, snapshot: str) -> None:
        """Return once the worker is up and has `snapshot` open. EOFError if it does not get
        there within START_LIMIT; WorkerError if the snapshot cannot be opened."""
        if not self.started:
            if not self.conn.poll(START_LIMIT) or self.conn.recv() != READY:
                raise EOFError("the worker did not start")
            self.started = True
        if self.snapshot != snapshot:
            self.conn.send({"snapshot": snapshot})
            if not self.conn.poll(START_LIMIT):
                raise EOFError("the worker did not open the snapshot")
            status, kind, payload = self.conn.recv()
            if status == "error":
                raise WorkerError(kind, payload)
            self.snapshot = snapshot

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """A few query worker processes; `run` hands a query to an idle one and waits."""

    def __init__(self, size: int, prefixes: dict):
        self._context = mp.get_context("spawn")  # a fresh interpreter: no inherited database handles
        self._prefixes = prefixes
        # Last in, first out: the worker that answered last takes the next query, so with few
        # clients one process stays warm (its page and block caches hold the data just read)
        # instead of each query landing on a worker that has not read those blocks yet.
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self.size = size
        for _ in range(size):
            self._idle.put(_Worker(self._context, prefixes))

    def run(self, request: dict, timeout: float) -> Answer:
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise WorkerTimeout("every query worker stayed busy for the whole time limit") from None
        try:
            worker.ready(request["snapshot"])  # before the clock starts: the limit is the query's own time
            worker.conn.send(request)
            if not worker.conn.poll(timeout):
                # Cut the query: the process goes, a fresh one takes its place.
                worker.kill()
                worker = _Worker(self._context, self._prefixes)
                raise WorkerTimeout("the query ran past the time limit and was stopped")
            status, kind, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            worker.kill()
            worker = _Worker(self._context, self._prefixes)
            raise WorkerLost("WorkerLost", "the query worker stopped unexpectedly; try again") from None
        finally:
            self._idle.put(worker)
        if status == "error":
            raise WorkerError(kind, payload)
        return Answer(kind, payload)

    def close(self) -> None:
        while not self._idle.empty():
            self._idle.get_nowait().kill()


# One snapshot is made at a time in this process: several engines (apps) may serve one store,
# and each takes the snapshot of a new version it notices; two at once would delete each
# other's partial copy.
_snapshot_lock = threading.Lock()


class Snapshots:
    """Read-only copies of the store per version (Oxigraph backups: hard links, cheap), each
    tied to the version it was made from (graph.store.make_snapshot)."""

    def __init__(self, store_dir: Path):
        self.store_dir = Path(store_dir)
        self.root = snapshots_root(self.store_dir)

    def ensure(self, store: ox.Store, version: str) -> str:
        """The snapshot of `version`, made from `store` if there is none: `store` must hold
        exactly that version."""
        with _snapshot_lock:
            target = make_snapshot(store, self.store_dir, version)
            self._prune(keep={version})
            return str(target)

    def _prune(self, keep: set[str]) -> None:
        """Remove older snapshots (workers still reading one keep their open files)."""
        for path in sorted(self.root.iterdir(), key=lambda p: p.stat().st_mtime)[:-2]:
            if path.name not in keep:
                shutil.rmtree(path, ignore_errors=True)
