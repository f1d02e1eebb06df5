"""Entity pages and search as a visitor gets them: latency through HTTP, first visits.

    python -m benchmarks.pages STORE_DIR [--entities 60] [--searches 40]

Starts the service on an existing store (e.g. benchmarks/out/store-100), waits until it has
prepared its saved queries' answers (entity pages show the doublure candidates), then opens
entity pages (HTML, as a browser asks; each entity once, so no ETag or cache answers; the
best-connected partner first), then searches (a different text each time, after one search
that builds the index, which is made once per store version: timed on its own). Prints p50 / p95 / max in ms
with the load average, for benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import pyoxigraph as ox
import requests

from benchmarks.run import SERVICE_ENV, free_port, percentile, start_service, wait_prepared

KINDS = ("action", "org", "goal", "initiative", "person", "region", "target")
SEARCHES = (
    "techniek",
    "jet-net",
    "onderwijs",
    "regio",
    "mbo",
    "vhto",
    "talent",
    "stem",
    "pact",
    "oost",
    "bedrijf",
    "school",
    "twente",
    "actie",
    "doel",
    "platform",
    "innovatie",
    "vrouwen",
    "ict",
    "zorg",
)


def entity_iris(store_dir: str, per_kind: int) -> list[str]:
    """IRIs of several kinds of entity, spread over the store (every n-th subject of a kind)."""
    store = ox.Store.read_only(store_dir)
    iris = ["https://w3id.org/techniekpact/id/org/ocw"]
    for kind in KINDS:
        prefix = f"https://w3id.org/techniekpact/id/{kind}/"
        found = [
            row["s"].value
            for row in store.query(
                f'SELECT DISTINCT ?s {{ ?s a ?c FILTER(STRSTARTS(STR(?s), "{prefix}")) }}',
                use_default_graph_as_union=True,
            )
        ]
        step = max(1, len(found) // per_kind)
        iris += found[::step][:per_kind]
    del store
    return iris


def timed(session: requests.Session, url: str, timeout: float = 60, **kwargs) -> float:
    started = time.perf_counter()
    response = session.get(url, timeout=timeout, **kwargs)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    return elapsed


def shown(times: list[float]) -> str:
    return (
        f"{1000 * statistics.median(times):.1f} / {1000 * percentile(times, 95):.1f} / "
        f"{1000 * max(times):.1f} ({len(times)} requests)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--entities", type=int, default=60)
    parser.add_argument("--searches", type=int, default=40)
    args = parser.parse_args()
    iris = entity_iris(args.store, max(1, args.entities // len(KINDS)))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    service = start_service(args.store, port, SERVICE_ENV)
    try:
        wait_prepared(base + "/sparql")
        session = requests.Session()
        html = {"Accept": "text/html"}
        load = f"{os.getloadavg()[0]:.1f}"
        pages = [
            timed(session, base + iri.removeprefix("https://w3id.org/techniekpact"), headers=html)
            for iri in iris
        ]
        index = timed(session, base + "/search", params={"q": "warm"}, headers=html, timeout=1800)
        texts = [
            f"{SEARCHES[n % len(SEARCHES)]}{'' if n < len(SEARCHES) else ' ' + str(n)}"
            for n in range(args.searches)
        ]
        searches = [timed(session, base + "/search", params={"q": text}, headers=html) for text in texts]
        load += f"–{os.getloadavg()[0]:.1f}"
    finally:
        service.terminate()
        service.wait()
    print("| what | p50 / p95 / max ms | load average |\n|---|---|---|")
    print(f"| entity page, first visit (HTML) | {shown(pages)} | {load} |")
    print(f"| search (HTML), a new text each | {shown(searches)} | {load} |")
    print(f"\nThe first search, which builds the index (once per store version), took {index:.1f} s.")


if __name__ == "__main__":
    main()
