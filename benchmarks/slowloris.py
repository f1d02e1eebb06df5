"""Slowloris against the service: throughput with wrk, and /health while a client holds more
half-open connections than the connection limit — for server/http_server.py, for plain
waitress with the same threads and limit, and for granian when it is installed.

    python -m benchmarks.slowloris --store var/store [--half-open 150] [--seconds 10]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import requests

from benchmarks.run import ROOT, free_port

TINY = "SELECT ?p ?o WHERE { <https://w3id.org/techniekpact/id/org/ocw> ?p ?o }"

# The same app under each server, as `techniekpact serve` starts it (8 threads, limit 100).
SERVERS = {
    "http_server": "from server.http_server import serve; serve(app, port={port}, threads=8)",
    "plain waitress": "import waitress; waitress.serve(app, port={port}, threads=8, connection_limit=100)",
}
# Granian (Rust HTTP, the app in 8 Python threads; headers within 10 s as in http_server), weighed
# as a faster server (issue #30): measured when it is importable, not a dependency of the service.
GRANIAN = (
    "from granian import Granian\nfrom granian.http import HTTP1Settings\n"
    "Granian('server:create_app', factory=True, interface='wsgi', port={port}, blocking_threads=8, "
    "http1_settings=HTTP1Settings(header_read_timeout=10_000)).serve()"
)


def start(kind: str, store: str, port: int) -> subprocess.Popen:
    if kind == "granian":  # it imports the app itself, in its worker process
        code = GRANIAN.format(port=port)
    else:
        code = (
            "from server import create_app\nfrom server.config import Config\n"
            f"app = create_app(Config.from_env(store={store!r}))\n" + SERVERS[kind].format(port=port)
        )
    env = {
        **os.environ,
        "TECHNIEKPACT_PREPARE_TIMEOUT": "0",
        "TECHNIEKPACT_PREPARE_VALIDATION": "0",
        "TECHNIEKPACT_STORE": store,
    }
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=5).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"{kind} did not start")


def wrk(url: str, seconds: int, unique: bool = False) -> str:
    """wrk's throughput; with `unique`, each query a new text (no cache answers)."""
    script = ["-s", str(ROOT / "benchmarks" / "unique.lua")] if unique else []
    done = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", "--timeout", "5s", *script, url],
        capture_output=True,
        text=True,
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    timeouts = re.search(r"timeout (\d+)", done.stdout)
    text = f"{float(rate.group(1)):,.0f} req/s" if rate else "no answer"
    if errors or (timeouts and int(timeouts.group(1))):
        text += (
            f" ({errors.group(1) if errors else 0} non-2xx, {timeouts.group(1) if timeouts else 0} timeouts)"
        )
    return text


class Attack:
    """Half-open connections, held and reopened when the server closes them: half send nothing,
    half a request line and part of a header, then a byte a second."""

    def __init__(self, port: int, count: int):
        self.port, self.count, self.stop, self.opened = port, count, threading.Event(), 0
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _open(self, n: int) -> socket.socket | None:
        try:
            sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
            if n % 2:
                sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            self.opened += 1
            return sock
        except OSError:
            return None

    def _run(self):
        socks = [self._open(n) for n in range(self.count)]
        while not self.stop.wait(1):
            for n, sock in enumerate(socks):
                try:
                    if sock is None:
                        raise OSError
                    if n % 2:
                        sock.sendall(b"a")
                except OSError:
                    if sock is not None:
                        sock.close()
                    socks[n] = self._open(n)
        for sock in socks:
            if sock is not None:
                sock.close()

    def __enter__(self):
        self.thread.start()
        time.sleep(3)  # all opened, the server at its limit
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join(30)


def health_latencies(port: int, count: int = 20) -> str:
    times, failures = [], 0
    for _ in range(count):
        started = time.perf_counter()
        try:
            ok = requests.get(
                f"http://127.0.0.1:{port}/health", timeout=10, headers={"Connection": "close"}
            ).ok
        except requests.RequestException:
            ok = False
        times.append(time.perf_counter() - started)
        failures += not ok
        time.sleep(0.25)
    return (
        f"p50 {1000 * statistics.median(times):.0f} ms, max {1000 * max(times):.0f} ms, "
        f"{failures} of {count} failed (10 s client timeout)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="var/store")
    parser.add_argument("--half-open", type=int, default=150)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--only", nargs="+", help="only these servers (http_server, 'plain waitress', granian)"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed")
    store = str(Path(args.store).resolve())
    kinds = args.only or list(SERVERS) + (["granian"] if importlib.util.find_spec("granian") else [])
    for kind in kinds:
        port = free_port()
        proc = start(kind, store, port)
        try:
            sparql = f"http://127.0.0.1:{port}/sparql?" + urlencode({"query": TINY})
            health = f"http://127.0.0.1:{port}/health"
            print(f"{kind}:")
            print(
                f"  alone: /health {wrk(health, args.seconds)}; fresh tiny query {wrk(sparql, args.seconds, unique=True)}"
            )
            with Attack(port, args.half_open) as attack:
                print(f"  {args.half_open} half-open held: /health {health_latencies(port)}")
                print(
                    f"  {args.half_open} half-open held: fresh tiny query {wrk(sparql, args.seconds, unique=True)}; "
                    f"the attacker opened {attack.opened} connections"
                )
        finally:
            proc.terminate()
            proc.wait(30)


if __name__ == "__main__":
    main()
