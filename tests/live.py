"""Waiting for a condition, and live services on loopback: one way to do each, for the tests and
the benchmarks.

No test sleeps for a fixed time or asserts a duration (the machine is shared and its load
varies): it waits for what it needs, polling with a generous bound, and fails with what it
waited for when the bound passes.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import requests

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


class NotInTime(AssertionError):
    """What a test waited for did not happen within its bound."""


def wait_until(condition: Callable[[], T], timeout: float, what: str, every: float = 0.1) -> T:
    """The first true value of `condition()`, asked every `every` seconds; NotInTime (naming
    `what`) when none came within `timeout` seconds. A condition that raises counts as false
    (a server not listening yet), and the last error is told."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = condition()
            if value:
                return value
        except Exception as error:  # noqa: BLE001 - not there yet; told if it never comes
            last_error = error
        if time.monotonic() >= deadline:
            raise NotInTime(
                f"{what}: not within {timeout:g} s" + (f" (last: {last_error!r})" if last_error else "")
            )
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str, status: int | None = 200) -> bool:
    """`url` answers (with `status`; None: any status)."""
    response = requests.get(url, timeout=10)
    return status is None or response.status_code == status


@contextlib.contextmanager
def serving(app, threads: int = 8, timeout: float = 120) -> Iterator[str]:
    """`app` under waitress (server/http_server.py) on a free loopback port, in a thread of this
    process; yields its base URL once /health answers 200."""
    from server.http_server import create_server

    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=threads)
    threading.Thread(target=server.run, daemon=True).start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: answers(url + "/health"), timeout, f"the service at {url} answering /health")
        yield url
    finally:
        server.close()


def start_service(
    store: Path | str | None,
    port: int,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    output=subprocess.DEVNULL,
    ready_status: int | None = 200,
) -> subprocess.Popen:
    """`python -m server.cli serve` from this checkout (the installed script may import another)
    in a process of its own, on `port`, with `env` added to the environment; returned once
    /health answers (`ready_status`; None: anything, e.g. while the store is being repaired)."""
    argv = [sys.executable, "-m", "server.cli", "serve", "--port", str(port)]
    if store is not None:
        argv += ["--store", str(store)]
    proc = subprocess.Popen(argv, env={**os.environ, **(env or {})}, cwd=ROOT, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}/health"
    try:  # a service that stopped is not waited for
        wait_until(
            lambda: proc.poll() is not None or answers(url, ready_status),
            timeout,
            f"the service on port {port} starting",
        )
    except NotInTime:
        proc.kill()
        proc.wait()
        raise
    if proc.poll() is not None:
        raise NotInTime(f"the service on port {port} stopped with exit code {proc.returncode}")
    return proc


def gone(pid: int) -> bool:
    """The process `pid` has ended (or was reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
