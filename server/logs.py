"""Logging: configured once when the service starts, and one log line per request.

Every module that logs has its own `logging.getLogger(__name__)`; nothing is configured at
import, so a library user or a test decides where the lines go. `serve` calls
`configure_logging()`: the level comes from TECHNIEKPACT_LOG_LEVEL (default INFO; with no
configuration, as in the tests, Python's default WARNING holds and request lines stay quiet).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time

from flask import Flask, Response, g, request

LEVEL_VARIABLE = "TECHNIEKPACT_LOG_LEVEL"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
QUERY_MEDIA = {"application/sparql-query", "application/sparql-update"}

log = logging.getLogger(__name__)


def level_from_env(default: str = "INFO") -> int:
    """The level TECHNIEKPACT_LOG_LEVEL names (DEBUG, INFO, WARNING, ERROR); a clear exit on anything else."""
    name = (os.environ.get(LEVEL_VARIABLE) or default).strip().upper()
    level = logging.getLevelName(name)
    if not isinstance(level, int):
        raise SystemExit(f"{LEVEL_VARIABLE} must be DEBUG, INFO, WARNING or ERROR, got {name!r}")
    return level


def configure_logging(default: str = "INFO") -> None:
    """Send log lines to standard error at the configured level (once, when the service starts)."""
    logging.basicConfig(level=level_from_env(default), format=FORMAT, stream=sys.stderr, force=True)


def query_hash(text: str | None) -> str | None:
    """A short fingerprint of a query's text: the same query gives the same hash in every line,
    without writing what a user asked into the log."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12] if text else None


def _query_text() -> str | None:
    if "query" in request.args or "update" in request.args:
        return request.args.get("query") or request.args.get("update")
    if request.mimetype == "application/x-www-form-urlencoded":
        return request.form.get("query") or request.form.get("update")
    if request.mimetype in QUERY_MEDIA:
        return request.get_data(cache=True, as_text=True)
    return None


def register(app: Flask) -> None:
    """One line per request: method, path, status, milliseconds, and the query's hash if any."""

    @app.before_request
    def start_clock() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        # The time until the response is made; a streamed body (a large result) goes on after it.
        if log.isEnabledFor(logging.INFO):
            started = g.get("request_started")
            ms = (time.perf_counter() - started) * 1000 if started is not None else float("nan")
            digest = query_hash(_query_text())
            log.info(
                "%s %s %s %.1f ms%s",
                request.method,
                request.path,
                response.status_code,
                ms,
                f" query={digest}" if digest else "",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "ms": ms,
                    "query_hash": digest,
                },
            )
        return response
