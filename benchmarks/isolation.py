"""Isolation: fresh tiny queries alone, then while four clients loop queries that run into the
time limit. The target (../shared/PERFORMANCE.md): the tiny queries keep at least half of
their throughput.

    python -m benchmarks.isolation --store var/store [--seconds 20] [--clients 8]

Each tiny request is a new text (a counter in a comment), so the result cache never answers.
Prints one Markdown table row set for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from benchmarks.run import free_port, percentile, start_service

TINY = "SELECT ?p ?o WHERE {{ <https://w3id.org/techniekpact/id/org/ocw> ?p ?o }} # {n}"
# A query that runs far past any time limit on the curated graph (a triple cross product).
SLOW = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?p ?b . ?c ?q ?d . ?e ?r ?f FILTER(?a != ?c) }} # {n}"
_counter = itertools.count()


def tiny_throughput(url: str, clients: int, seconds: float) -> dict:
    stop = time.monotonic() + seconds

    def client(_):
        session, times, failed = requests.Session(), [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            r = session.post(
                url,
                data={"query": TINY.format(n=next(_counter))},
                headers={"Accept": "application/sparql-results+json"},
                timeout=60,
            )
            times.append(time.perf_counter() - started)
            failed += r.status_code != 200
        return times, failed

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - started
    times = [t for ts, _ in results for t in ts]
    return {
        "requests": len(times),
        "failed": sum(f for _, f in results),
        "per_s": len(times) / elapsed,
        "p50_ms": 1000 * statistics.median(times),
        "p95_ms": 1000 * percentile(times, 95),
    }


def slow_clients(url: str, clients: int, stop: threading.Event, same_text: bool) -> list[int]:
    """Clients that loop a timeout-length query until `stop`; returns their status codes."""
    statuses: list[int] = []

    def loop():
        session = requests.Session()
        while not stop.is_set():
            text = SLOW.format(n=0 if same_text else next(_counter))
            statuses.append(session.post(url, data={"query": text}, timeout=120).status_code)

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="var/store")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    env = {
        "TECHNIEKPACT_QUERY_TIMEOUT": str(args.timeout),
        "TECHNIEKPACT_PREPARE_TIMEOUT": "0",
        "TECHNIEKPACT_PREPARE_VALIDATION": "0",
    }
    proc = start_service(args.store, port, env)
    try:
        tiny_throughput(url, args.clients, 3)  # warm the workers
        alone = tiny_throughput(url, args.clients, args.seconds)
        rows = [("alone", alone, None)]
        for same_text in (True, False):
            stop = threading.Event()
            statuses = slow_clients(url, 4, stop, same_text)
            time.sleep(args.timeout + 1)  # the slow clients are in full swing
            loaded = tiny_throughput(url, args.clients, args.seconds)
            stop.set()
            rows.append(
                (
                    "4 clients loop one slow query" if same_text else "4 clients loop new slow queries",
                    loaded,
                    statuses,
                )
            )
            time.sleep(args.timeout + 1)
        print("| tiny queries | req/s | ratio | p50 ms | p95 ms | failed | slow queries answered |")
        print("|---|---|---|---|---|---|---|")
        for name, r, statuses in rows:
            slow = (
                ""
                if statuses is None
                else ", ".join(f"{s}: {statuses.count(s)}" for s in sorted(set(statuses)))
            )
            print(
                f"| {name} | {r['per_s']:.0f} | {r['per_s'] / alone['per_s']:.2f} | {r['p50_ms']:.1f} | "
                f"{r['p95_ms']:.1f} | {r['failed']} | {slow} |"
            )
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
