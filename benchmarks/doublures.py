"""Doublure candidates at N× the curated graph: how long generation takes, how many pairs the
blocking compares, and how fast the page answers once the candidates are prepared.

    python -m benchmarks.doublures --scale 100

Generation runs as the service runs it (graph.doublures.find on the store, in this process);
the page is asked for through the Flask test client after the candidates of the version are
made, with and without filters, as HTML, CSV and JSON, and an entity page with its block.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generated, load_in_child


def _timed(call, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--store", type=Path, help="a store loaded before (by a previous run): skip the load")
    args = parser.parse_args()

    import pyoxigraph as ox

    from graph import doublures
    from server import create_app
    from server.config import Config

    if args.store:
        store_dir = args.store
    else:
        store_dir = Path(tempfile.mkdtemp(prefix="doublures-bench-")) / "store"
        loaded = load_in_child(generated(args.scale), store_dir)
        print(f"{args.scale}×: {loaded['quads']} quads loaded in {loaded['seconds']:.0f} s into {store_dir}")

    store = ox.Store(str(store_dir))
    started = time.perf_counter()
    doublures.records.read(store)
    read_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    found = doublures.find(store)
    find_s, find_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"items {len(found.records)}, pairs compared {found.compared}, candidates {len(found.ranked)}")
    print(
        f"generation: {find_s:.1f} s wall, {find_cpu:.1f} s CPU (reading the store alone {read_s:.1f} s), "
        f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    del store

    # The page, once prepared. The store is a build's layout only in part (a generated store),
    # so the app opens it as it is.
    app = create_app(
        Config(store=str(store_dir), query_timeout=600.0, prepare_validation=False, query_workers=1)
    )
    client = app.test_client()
    started = time.perf_counter()
    app.extensions["techniekpact.doublures"].get(600.0)
    print(f"prepared in the service: {time.perf_counter() - started:.1f} s (beside its other preparers)")
    some = found.ranked[0]
    landsdeel = next(iter(found.records[some.a].landsdelen | found.records[some.b].landsdelen), "")
    pages = {
        "/doublures": "/doublures?lang=nl",
        "/doublures?landsdeel=…": "/doublures?landsdeel=" + landsdeel,
        "/doublures?kind=measure&page=2": "/doublures?kind=measure&page=2",
        "/doublures.csv (all open)": "/doublures.csv",
        "/doublures.json (all open)": "/doublures.json",
        "entity page with its block": some.a.replace("https://w3id.org/techniekpact", "") + "?lang=nl",
    }
    for name, path in pages.items():
        status = client.get(path, headers={"Accept": "text/html"}).status_code
        print(
            f"{name}: {_timed(lambda path=path: client.get(path, headers={'Accept': 'text/html'})) * 1000:.0f} ms "
            f"(HTTP {status})"
        )
    app.extensions["techniekpact.engine"].close()


if __name__ == "__main__":
    main()
