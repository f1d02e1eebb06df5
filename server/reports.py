"""SHACL validation reports, one per store version, made in a child process.

Validation takes about a second on the curated graph and 39 minutes (12.7 GB) at 1000× its
size. In a request it would hold a server thread, Python's lock and that memory for all that
time, and the home page, which shows the verdict, would wait as long. So a child process
validates the version's read-only snapshot (or the remote store) and writes the report as
JSON and Turtle files; the service reads the JSON and serves the Turtle file as it is.

A request waits for a report being made at most the query time limit, then gets a 503 with
Retry-After. After start-up and after every change of version, the report is made in the
background (with TECHNIEKPACT_PREPARE_VALIDATION=0, on the first request).
"""

from __future__ import annotations

import atexit
import json
import logging
import multiprocessing as mp
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from server.answers import StillPreparing
from server.versions import FollowVersions

log = logging.getLogger(__name__)


class ReportUnavailable(Exception):
    """The child process could not validate this version (the message says why)."""


@dataclass
class Report:
    version: str
    data: dict           # the report dict of graph.validate, as its JSON rendering holds it
    turtle: Path         # the sh:ValidationReport graph, as Turtle


@dataclass
class _Making:
    version: str
    process: mp.process.BaseProcess
    started: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)
    report: Report | None = None
    error: str | None = None


def _validate_in_child(source: dict, version: str, out: str) -> None:
    """The child: validate, write report.json and report.ttl into `out`, or error.txt."""
    import pyoxigraph as ox

    from graph import validate as v
    from graph.atomic import write_atomically
    from graph.shacl.formats import to_json, to_turtle
    from graph.remote import RemoteStore

    target = Path(out)
    try:
        if "snapshot" in source:
            store = ox.Store.read_only(source["snapshot"])
        else:
            store = RemoteStore(source["endpoint"], source["update_endpoint"], timeout=source["timeout"])
        report = v.validate_store(store, version)
        write_atomically(target / "report.ttl", to_turtle(report))
        write_atomically(target / "report.json", to_json(report, indent=None))
    except Exception as error:  # noqa: BLE001 - reported to whoever asks for this report
        log.exception("validating version %s failed", version)
        write_atomically(target / "error.txt", f"{type(error).__name__}: {error}")
        raise SystemExit(1) from None


class Reports:
    """The validation report of the engine's current version."""

    def __init__(self, engine, background: bool):
        self._engine = engine
        self._context = mp.get_context("spawn")  # a fresh interpreter: no inherited database handles
        self._root = Path(tempfile.mkdtemp(prefix="techniekpact-reports-"))
        atexit.register(shutil.rmtree, self._root, True)
        self._lock = threading.Lock()
        self._made: Report | None = None
        self._making: _Making | None = None
        self._failed: _Making | None = None  # the last making that failed: not retried in the background
        if background:
            FollowVersions(engine, self._make, "prepare-validation")

    def ready(self) -> Report | None:
        """The current version's report if it is made, without waiting (for the home page)."""
        made = self._made
        return made if made is not None and made.version == self._engine.version else None

    def get(self, timeout: float) -> Report:
        """The current version's report, made now if need be. Raises StillPreparing when it is
        not made within `timeout` seconds, ReportUnavailable when it cannot be made."""
        making = self._start(self._engine.version, again=True)
        if isinstance(making, Report):
            return making
        if not making.done.wait(timeout):
            raise StillPreparing(f"the validation report of this store version is being made "
                                 f"({time.monotonic() - making.started:.0f} s so far; at 100× the curated graph "
                                 "it takes minutes); try again shortly")
        if making.error:
            raise ReportUnavailable(f"the validation report could not be made: {making.error}")
        return making.report

    def _start(self, version: str, again: bool) -> Report | _Making:
        """The report of `version` if made, else its making: under way, started here, or (unless
        `again`) the one that failed. The making of an older version is stopped: nobody will
        ask for its report."""
        with self._lock:
            if self._made is not None and self._made.version == version:
                return self._made
            if self._making is not None and self._making.version == version:
                return self._making
            if not again and self._failed is not None and self._failed.version == version:
                return self._failed
            if self._making is not None:
                self._making.error = "the store changed while its report was being made; ask again"
                self._making.process.kill()
            out = self._root / f"{version[:32]}-{time.monotonic_ns()}"
            out.mkdir()
            process = self._context.Process(target=_validate_in_child, args=(self._source(), version, str(out)),
                                            name="validate", daemon=True)
            making = self._making = _Making(version, process)
            process.start()
            threading.Thread(target=self._collect, args=(making, out), name="collect-validation", daemon=True).start()
            return making

    def _source(self) -> dict:
        engine = self._engine
        if engine.remote:
            return {"endpoint": engine.store.query_url, "update_endpoint": engine.store.update_url,
                    "timeout": engine.store.timeout}
        return {"snapshot": engine.snapshot}

    def _collect(self, making: _Making, out: Path) -> None:
        """Wait for the child, then keep its report (and drop the one it replaces)."""
        making.process.join()
        try:
            if making.error:  # stopped by _start
                pass
            elif making.process.exitcode == 0:
                data = json.loads((out / "report.json").read_text(encoding="utf-8"))
                making.report = Report(making.version, data, out / "report.ttl")
            elif (out / "error.txt").exists():
                making.error = (out / "error.txt").read_text(encoding="utf-8")
            else:
                making.error = f"the validating process ended with exit code {making.process.exitcode}"
        except (OSError, ValueError) as error:
            making.error = f"its files could not be read: {error}"
        with self._lock:
            if making.report is not None:
                if self._made is not None:
                    shutil.rmtree(self._made.turtle.parent, ignore_errors=True)
                self._made = making.report
            else:
                shutil.rmtree(out, ignore_errors=True)
                self._failed = making
            if self._making is making:
                self._making = None
        making.done.set()

    def _make(self, version: str) -> bool:
        """Make the report of `version` in the background (not again if it failed), and wait for it."""
        making = self._start(version, again=False)
        if isinstance(making, _Making):
            making.done.wait()
        return True
