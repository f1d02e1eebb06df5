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

import hashlib
import logging
import multiprocessing as mp
import os
import queue
import shutil
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph import guard, merge
from graph.store import make_snapshot, snapshots_root
from server.sandbox import deny_network

log = logging.getLogger(__name__)

ASK, SELECT, GRAPH = "ask", "select", "graph"
READY = ("ready", None, None)  # a worker's first message: its interpreter is up
# How long a worker may take to start (the first one starts the fork server: a fresh interpreter,
# importing pyoxigraph) and to open a snapshot. Neither is the query's time: on a busy machine they can take seconds, and a query
# given 1 s would time out before it began.
START_LIMIT = 60.0
# A query still running after this long is a long query (WorkerPool): its worker leaves the pool
# and runs at this niceness: the kernel prefers every quick worker (19 starved half-second
# queries on a busy machine).
CHEAP_S = 0.5
LONG_NICENESS = 10
# Every worker runs a little below the web process: the kernel serves requests (and the queries
# the web process answers itself, server/bounded.py) before evaluating in the quick lane.
QUICK_NICENESS = 5


@dataclass
class Answer:
    kind: str
    payload: bytes | bool


class WorkerError(Exception):
    """A query failed in the worker: carries the exception's type name and message."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class WorkerFault(RuntimeError):
    """A fault of the service's own code while a worker evaluated a request (not a mistake in the
    request): answered 500 and logged, never passed off as the client's error."""


# What Python raises for a fault of the code itself; what Oxigraph raises for a query it cannot
# evaluate is none of these.
PROGRAMMING_ERRORS = (NameError, AttributeError, TypeError, KeyError, IndexError, AssertionError, ImportError)


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


def evaluate(store: ox.Store, request: dict, prefixes: dict, sandboxed: bool = False) -> Answer:
    """Evaluate one request on a store: a query, or (`check_update`) the parse and dry run of an
    update. Raises WorkerError for every failure, whatever it is: a request never ends a worker."""
    try:
        if "check_update" in request:
            return _check_update(request, prefixes, sandboxed)
        guard.check_remote_access(request["query"], "query", request.get("allowed", ()), prefixes, sandboxed)
        return _run_query(store, request, prefixes)
    except _TooLarge:
        raise WorkerError("ResultTooLarge", str(request["limit"])) from None
    except SyntaxError as error:
        raise WorkerError("SyntaxError", str(error)) from None
    except PermissionError as error:
        # Raised by the guard, or by the sandbox when the engine tried to open a connection.
        message = (
            str(error)
            if isinstance(error, guard.RemoteAccessRefused)
            else "the request tried to reach another host; this endpoint does not (SERVICE and LOAD are refused)"
        )
        raise WorkerError("RemoteAccessRefused", message) from None
    except RecursionError:
        raise WorkerError("RequestTooComplex", "the request is nested too deeply to be parsed") from None
    except PROGRAMMING_ERRORS as error:
        raise WorkerError("InternalError", f"{type(error).__name__}: {error}") from None
    except Exception as error:  # noqa: BLE001 — Oxigraph's evaluation errors, reported to the client
        raise WorkerError(type(error).__name__, str(error)) from None


def _run_query(store: ox.Store, request: dict, prefixes: dict) -> Answer:
    kwargs = {"prefixes": prefixes, "base_iri": request.get("base_iri")}
    kwargs.update(
        merge.query_dataset(
            request["query"], request["default_graphs"], request["named_graphs"], request.get("graphs")
        )
    )
    limit = request["limit"]
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


def _check_update(request: dict, prefixes: dict, sandboxed: bool) -> Answer:
    """Parse an update here, where a parser crash costs this worker only: rdflib's parse for the
    SERVICE/LOAD rule, then Oxigraph's own, as a dry run on an empty store that has the real
    store's named graphs (so DROP, CLEAR, ADD … fail or pass as they will for real, and a LOAD
    is reached in the same order). In the sandbox a LOAD or SERVICE the rule missed cannot
    connect, and says so with a PermissionError."""
    text = request["check_update"]
    allowed = request.get("allowed", ())
    if not sandboxed:
        guard.check_remote_access(text, "update", allowed, prefixes)
        if not guard.may_reach_remote(text):  # else the dry run would fetch what the rule allowed
            _dry_run(text, request, prefixes)
        return Answer(ASK, True)
    _dry_run(text, request, prefixes)  # first: a malformed update gets Oxigraph's message
    guard.check_remote_access(text, "update", allowed, prefixes)
    return Answer(ASK, True)


def _dry_run(text: str, request: dict, prefixes: dict) -> None:
    dry = ox.Store()
    for graph in request.get("graphs", ()):
        dry.add_graph(ox.NamedNode(graph))
    try:
        dry.update(text, prefixes=prefixes, base_iri=request.get("base_iri"))
    except (SyntaxError, PermissionError):
        raise
    except Exception:  # noqa: BLE001 — it fails for real as it does here; only parsing counts
        pass


def _serve(conn, prefixes: dict, sandbox: bool, low_priority: bool = False) -> None:
    """The worker loop: say it is up; then open the snapshot it is told, or evaluate, and answer.
    Every request is answered, whatever goes wrong in it."""
    os.nice(LONG_NICENESS if low_priority else QUICK_NICENESS)
    sandboxed = sandbox and deny_network()
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
            if "query" not in request and "check_update" not in request:  # only told to open it
                if request.get("load_parser"):
                    guard.load_parser()
                conn.send(("ok", None, None))
                continue
            answer = evaluate(store, request, prefixes, sandboxed)
            conn.send(("ok", answer.kind, answer.payload))
        except WorkerError as error:
            conn.send(("error", error.kind, str(error)))
        except Exception as error:
            log.exception("query worker %s: %s", os.getpid(), type(error).__name__)
            conn.send(("error", type(error).__name__, str(error)))


def _worker_context():
    """Workers are forked from a fork server: a fresh interpreter (started once, no inherited
    database handles or threads) that has imported this module. A cut query's worker is
    replaced by a fork (milliseconds) instead of a new interpreter importing pyoxigraph (a
    second of CPU at normal priority, taken from the cheap queries while slow ones loop)."""
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(["server.workers"])
    return context


class WorkerTimeout(Exception):
    """No answer within the time limit (the worker was stopped), or no worker came free."""


class WorkerLost(WorkerError):
    """The worker process died while evaluating (e.g. killed by the system)."""


class WorkersBusy(Exception):
    """Every slot for long-running queries is taken: this one is cut early, to be asked again."""


class _Worker:
    def __init__(self, context, prefixes: dict, sandbox: bool, low_priority: bool = False):
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, prefixes, sandbox, low_priority), daemon=True
        )
        self.process.start()
        child.close()
        self.started, self.snapshot, self.parser = False, None, False

    def ready(self, snapshot: str, parser: bool = False) -> None:
        """Return once the worker is up, has `snapshot` open and, if asked, rdflib's SPARQL
        parser loaded (a second, on a busy machine several). EOFError if it does not get there
        within START_LIMIT; WorkerError if the snapshot cannot be opened."""
        if not self.started:
            if not self.conn.poll(START_LIMIT) or self.conn.recv() != READY:
                raise EOFError("the worker did not start")
            self.started = True
        if self.snapshot != snapshot or (parser and not self.parser):
            self.conn.send({"snapshot": snapshot, "load_parser": parser})
            if not self.conn.poll(START_LIMIT):
                raise EOFError("the worker did not open the snapshot")
            status, kind, payload = self.conn.recv()
            if status == "error":
                raise WorkerError(kind, payload)
            self.snapshot, self.parser = snapshot, self.parser or parser

    def lower_priority(self) -> None:
        """Let the kernel prefer every other process: this one runs a long query."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, LONG_NICENESS)
        except OSError:  # gone already, or a platform without priorities
            pass

    def kill(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


class WorkerPool:
    """Query worker processes in two lanes, so that cheap queries are not queued behind long ones.

    A query starts in the quick lane (`size` workers). One still running after CHEAP_S is a
    long query: its worker moves to the long lane, at a lower CPU priority, and a fresh
    worker takes its place in the quick lane; its text is remembered, and when it comes
    again it goes to the long lane at once. The long lane holds at most `size` workers, kept
    at that priority and reused; a long query that finds it full is cut (WorkersBusy:
    503, ask again). So however many clients send slow queries, the quick lane stays free for
    the others, and the kernel runs its workers first.

    The time limit counts from the request's arrival: waiting for a free worker is part of
    it. Only a new worker's start and its opening of a new version's snapshot are not (on a
    busy machine they take seconds, and are no fault of the query)."""

    def __init__(self, size: int, prefixes: dict, sandbox: bool = True):
        self._context = _worker_context()
        self._prefixes, self._sandbox = prefixes, sandbox
        # Last in, first out: the worker that answered last takes the next query, so with few
        # clients one process stays warm (its page and block caches hold the data just read)
        # instead of each query landing on a worker that has not read those blocks yet.
        self._quick: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._long: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._lock = threading.Lock()
        self._quick_workers = 0  # in the quick lane, busy or idle
        self._long_workers = 0  # in the long lane, busy or idle
        self._long_texts: OrderedDict[bytes, None] = OrderedDict()  # digests of queries seen to be long
        self.size = size
        # Workers start when first needed: an app that never queries starts none.

    def _new_worker(self, low_priority: bool = False) -> _Worker:
        return _Worker(self._context, self._prefixes, self._sandbox, low_priority)

    def run(self, request: dict, timeout: float) -> Answer:
        deadline = time.monotonic() + timeout
        digest = hashlib.sha256(repr((request.get("query"), request.get("check_update"))).encode()).digest()
        with self._lock:
            known_long = digest in self._long_texts
        lane = self._long if known_long else self._quick
        worker, starting = self._worker(lane, deadline)
        deadline += starting  # the first worker also starts the fork server: not the query's time
        try:
            started = time.monotonic()
            text = request.get("query") or request.get("check_update") or ""
            worker.ready(request["snapshot"], parser=guard.may_reach_remote(text))
            deadline += time.monotonic() - started  # a worker's start is not the query's time
            worker.conn.send(request)
            if lane is self._quick and not worker.conn.poll(
                max(0.0, min(CHEAP_S, deadline - time.monotonic()))
            ):
                if deadline - time.monotonic() > 0:
                    self._to_long_lane(worker, digest)  # raises WorkersBusy when the long lane is full
                    lane = self._long
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                raise WorkerTimeout("the query ran past the time limit and was stopped")
            status, kind, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker, lane)
            raise WorkerLost("WorkerLost", "the query worker stopped unexpectedly; try again") from None
        except (WorkerTimeout, WorkersBusy):
            self._replace(worker, lane)  # cut the query: the process goes
            raise
        lane.put(worker)
        if status == "error":
            raise WorkerError(kind, payload)
        return Answer(kind, payload)

    @staticmethod
    def _take(lane: queue.LifoQueue, deadline: float) -> _Worker:
        try:
            return lane.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise WorkerTimeout("every query worker stayed busy for the whole time limit") from None

    def _worker(self, lane: queue.LifoQueue, deadline: float) -> tuple[_Worker, float]:
        """An idle worker of `lane`, a new one if the lane has room, else the first to come free;
        and the seconds it took to start a new one."""
        try:
            return lane.get_nowait(), 0.0
        except queue.Empty:
            pass
        long = lane is self._long
        with self._lock:
            room = (self._long_workers if long else self._quick_workers) < self.size
            if room and long:
                self._long_workers += 1
            elif room:
                self._quick_workers += 1
        if not room:
            return self._take(lane, deadline), 0.0
        started = time.monotonic()
        return self._new_worker(low_priority=long), time.monotonic() - started

    def _to_long_lane(self, worker: _Worker, digest: bytes) -> None:
        with self._lock:
            self._long_texts[digest] = None
            while len(self._long_texts) > 4096:
                self._long_texts.popitem(last=False)
            if self._long_workers >= self.size:
                try:  # an idle long-lane worker makes room for this one
                    self._long.get_nowait().kill()
                except queue.Empty:
                    raise WorkersBusy(
                        "the server is running as many long queries as it takes; ask again shortly"
                    ) from None
            else:
                self._long_workers += 1
        worker.lower_priority()
        self._quick.put(self._new_worker())

    def _replace(self, worker: _Worker, lane: queue.LifoQueue) -> None:
        """A worker that was cut or died: the quick lane gets a new one at once, the long lane
        when a long query next needs one."""
        worker.kill()
        if lane is self._quick:
            self._quick.put(self._new_worker())
        else:
            with self._lock:
                self._long_workers -= 1

    def close(self) -> None:
        for lane in (self._quick, self._long):
            while not lane.empty():
                lane.get_nowait().kill()


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
