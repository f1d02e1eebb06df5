"""What a visitor of the saved queries gets from the service on an existing store: how long the
service takes to prepare the default answers after start, then the first page of every saved
query, `GET /queries/{name}.json` (1,000 rows, labels included; a page size that differs by a
row each time, so no page cache answers). The same measurement as the 'saved page 1' column of
benchmarks/run.py, without the peers, for a store that is already loaded (e.g. benchmarks/out/store-100).
With `--raw`, each saved query's whole answer is also timed on the raw pyoxigraph engine (the
floor), after the service's timings, so that neither disturbs the other.

    python -m benchmarks.saved_pages benchmarks/out/store-100 [--repeat 5] [--raw]
"""

from __future__ import annotations

import argparse
import statistics

import pyoxigraph as ox

from benchmarks.run import (
    SERVICE_ENV,
    free_port,
    percentile,
    start_service,
    time_raw,
    time_saved_page,
    wait_prepared,
    workload,
)
from graph import saved_queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--raw", action="store_true")
    args = parser.parse_args()
    port = free_port()
    service = start_service(args.store, port, SERVICE_ENV)
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        seconds, prepared = wait_prepared(url)
        print(
            f"Prepared the default answers of {prepared} saved queries (and the network views) in {seconds:.1f} s "
            "after the first answer.\n"
        )
        pages = {name: time_saved_page(url, name, args.repeat) for name in saved_queries.names()}
    finally:
        service.terminate()
        service.wait()
    shown = lambda times: (
        f"{1000 * statistics.median(times):.0f} / {1000 * percentile(times, 95):.0f}" if times else "failed"
    )
    if args.raw:
        store, texts = ox.Store.read_only(args.store), workload()
        print(
            "| saved query | page 1 from the service, median / p95 ms | whole answer on the raw engine |\n|---|---|---|"
        )
        for name, times in pages.items():
            print(f"| {name} | {shown(times)} | {shown(time_raw(store, texts[name], args.repeat))} |")
    else:
        print("| saved query | page 1, median / p95 ms |\n|---|---|")
        for name, times in pages.items():
            print(f"| {name} | {shown(times)} |")


if __name__ == "__main__":
    main()
