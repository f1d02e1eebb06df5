"""A bounded load test on loopback: many concurrent clients, a fixed number of requests each.
Reports errors, throughput and latency percentiles — once unloaded, once while another client
keeps sending a query that runs into the time limit (isolation).

    python -m benchmarks.load --store var/store [--clients 32] [--requests 100]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests

from benchmarks.run import free_port, percentile, start_service

TINY = "SELECT ?p ?o WHERE { <https://w3id.org/techniekpact/id/org/ocw> ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f FILTER(?a != ?c) }"


def hammer(url: str, clients: int, per_client: int) -> dict:
    def client(_):
        session, times, errors = requests.Session(), [], 0
        for _ in range(per_client):
            started = time.perf_counter()
            r = session.post(url, data={"query": TINY}, headers={"Accept": "application/sparql-results+json"})
            times.append(time.perf_counter() - started)
            errors += r.status_code != 200
        return times, errors

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - started
    times = [t for ts, _ in results for t in ts]
    return {
        "requests": len(times),
        "errors": sum(e for _, e in results),
        "throughput": len(times) / elapsed,
        "p50_ms": 1000 * statistics.median(times),
        "p99_ms": 1000 * percentile(times, 99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="var/store")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    proc = start_service(args.store, port, {"TECHNIEKPACT_QUERY_TIMEOUT": str(args.timeout)})
    try:
        quiet = hammer(url, args.clients, args.requests)
        stop, slow = threading.Event(), []

        def slow_client():
            while not stop.is_set():
                started = time.perf_counter()
                r = requests.post(url, data={"query": SLOW})
                slow.append((r.status_code, time.perf_counter() - started))

        thread = threading.Thread(target=slow_client)
        thread.start()
        time.sleep(0.5)
        loaded = hammer(url, args.clients, args.requests)
        stop.set()
        thread.join()
    finally:
        proc.terminate()
        proc.wait()
    print(f"unloaded: {quiet}")
    print(f"with a slow client: {loaded}")
    print(
        f"slow queries: {len(slow)}, statuses {sorted({s for s, _ in slow})}, "
        f"cut after {statistics.median(t for _, t in slow):.2f} s (limit {args.timeout} s)"
    )
    print(f"tiny throughput kept: {100 * loaded['throughput'] / quiet['throughput']:.0f} %")


if __name__ == "__main__":
    main()
