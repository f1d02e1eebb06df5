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
import time
from dataclasses import dataclass
from pathlib import Path

from server.prepared import KeptByPrepared, Prepared, StillPreparing

log = logging.getLogger(__name__)


class ReportUnavailable(Exception):
    """The child process could not validate this version (the message says why)."""


@dataclass
class Report:
    version: str
    data: dict  # the report dict of graph.validate, as its JSON rendering holds it
    turtle: Path  # the sh:ValidationReport graph, as Turtle


def _validate_in_child(source: dict, version: str, out: str) -> None:
    """The child: validate, write report.json and report.ttl into `out`, or error.txt."""
    import pyoxigraph as ox

    from graph import validate as v
    from graph.atomic import write_atomically
    from graph.remote import RemoteStore
    from graph.shacl.formats import to_json, to_turtle

    target = Path(out)
    try:
        if "snapshot" in source:
            store = ox.Store.read_only(source["snapshot"])
        else:
            store = RemoteStore(source["endpoint"], source["update_endpoint"], timeout=source["timeout"])
        report = v.validate_store(store, version)
        write_atomically(target / "report.ttl", to_turtle(report))
        write_atomically(target / "report.json", to_json(report, indent=None))
    except Exception as error:
        log.exception("validating version %s failed", version)
        write_atomically(target / "error.txt", f"{type(error).__name__}: {error}")
        raise SystemExit(1) from None


class Reports(KeptByPrepared):
    """The validation report of the engine's current version."""

    def __init__(self, engine, background: bool):
        self._engine = engine
        self._context = mp.get_context("spawn")  # a fresh interpreter: no inherited database handles
        self._root = Path(tempfile.mkdtemp(prefix="techniekpact-reports-"))
        atexit.register(shutil.rmtree, self._root, True)
        self._child: tuple[str, mp.process.BaseProcess] | None = (
            None  # the version being validated, and by whom
        )
        self._kept: Prepared[Report] = Prepared(
            engine,
            "validation reports",
            lambda key: "the validation report of this store version",
            doing="being made",
            max_kept=1,
            dropped=lambda report: shutil.rmtree(report.turtle.parent, True),
            builder="validation",
        )
        self._kept.on_new_version(self._stop_outdated)
        if background:
            self._kept.warm_up(lambda version: [((version,), lambda: self._make(version))])

    def ready(self) -> Report | None:
        """The current version's report if it is made, without waiting (for the home page)."""
        return self._kept.ready((self._engine.version,))

    def get(self, timeout: float) -> Report:
        """The current version's report, made now if need be. Raises StillPreparing when it is
        not made within `timeout` seconds, ReportUnavailable when it cannot be made."""
        version = self._engine.version
        return self._kept.get((version,), lambda: self._make(version), timeout)

    def close(self) -> None:
        """Stop the builder thread and the validating child, if any."""
        super().close()
        child = self._child
        if child is not None and child[1].pid is not None:
            child[1].kill()

    def _source(self) -> dict:
        engine = self._engine
        if engine.remote:
            return {
                "endpoint": engine.store.query_url,
                "update_endpoint": engine.store.update_url,
                "timeout": engine.store.timeout,
            }
        return {"snapshot": engine.snapshot}

    def _make(self, version: str) -> Report:
        """Validate `version` in a child process (in the builder thread) and read its report."""
        out = self._root / f"{version[:32]}-{time.monotonic_ns()}"
        out.mkdir()
        process = self._context.Process(
            target=_validate_in_child, args=(self._source(), version, str(out)), name="validate", daemon=True
        )
        self._child = (version, process)
        process.start()
        if self._engine.versions.version not in (None, version):
            process.kill()  # replaced while it started
        process.join()
        self._child = None
        try:
            if process.exitcode != 0 and self._engine.versions.version != version:  # stopped: outdated
                raise StillPreparing(
                    "the store changed while its validation report was being made; ask again"
                )
            if process.exitcode == 0:
                return Report(
                    version, json.loads((out / "report.json").read_text(encoding="utf-8")), out / "report.ttl"
                )
            if (out / "error.txt").exists():
                error = (out / "error.txt").read_text(encoding="utf-8")
            else:
                error = f"the validating process ended with exit code {process.exitcode}"
            raise ReportUnavailable(f"the validation report could not be made: {error}")
        except (OSError, ValueError) as error:
            raise ReportUnavailable(
                f"the validation report could not be made: its files could not be read: {error}"
            ) from None
        finally:
            if not (out / "report.json").exists() or process.exitcode != 0:
                shutil.rmtree(out, ignore_errors=True)

    def _stop_outdated(self, version: str) -> None:
        """A new version: nobody will ask for the report of the one being validated."""
        child = self._child
        if child is not None and child[0] != version and child[1].pid is not None:
            child[1].kill()
