"""Sorted and filtered pages of the biggest saved query, as a visitor gets them from the service
on an existing store: the first request of a sort (which makes the view: the whole answer's
rows in that order, server/facets.py), then more first pages of it (a page size that differs
by a row each time, so no page cache answers), and page 5. The same for a filter with a sort,
and the unsorted first page beside them.

    python -m benchmarks.sorted_pages benchmarks/out/store-100 [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import requests

from benchmarks.run import SERVICE_ENV, free_port, start_service, wait_prepared
from graph import saved_queries


def _timed(url: str) -> tuple[float, dict]:
    started = time.perf_counter()
    response = requests.get(url, timeout=600)
    seconds = time.perf_counter() - started
    response.raise_for_status()
    return seconds, response.json()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    service = start_service(args.store, port, SERVICE_ENV)
    base = f"http://127.0.0.1:{port}"
    ms = lambda seconds: f"{1000 * seconds:.0f}"
    try:
        wait_prepared(base + "/sparql")
        totals = {
            name: _timed(f"{base}/queries/{name}.json?size=1")[1]["total"] for name in saved_queries.names()
        }
        name = max(totals, key=totals.get)
        first = _timed(f"{base}/queries/{name}.json?size=1")[1]
        print(f"`{name}`: {totals[name]:,} rows\n")
        print("| order | rows | first request (makes the view) | later first pages, median / max | page 5 |")
        print("|---|---|---|---|---|")
        orders = [f"_sort_desc={c}" for c in first["columns"] if c not in first["hidden"]]
        if first["facets"]:
            facet = first["facets"][0]
            orders.append(f"f.{facet['column']}={facet['values'][0]['value']}&_sort={first['columns'][0]}")
        for order in orders:
            made, data = _timed(f"{base}/queries/{name}.json?{order}&size=1000")
            later = [
                _timed(f"{base}/queries/{name}.json?{order}&size={1000 - i}")[0]
                for i in range(1, args.repeat + 1)
            ]
            page5 = _timed(f"{base}/queries/{name}.json?{order}&size=1000&page=5")[0]
            print(
                f"| `{order}` | {data['total']:,} | {ms(made)} | {ms(statistics.median(later))} / {ms(max(later))} "
                f"| {ms(page5)} |"
            )
        plain = [_timed(f"{base}/queries/{name}.json?size={1000 - i}")[0] for i in range(1, args.repeat + 1)]
        print(
            f"| (the query's own order) | {totals[name]:,} | | {ms(statistics.median(plain))} / {ms(max(plain))} | |"
        )
    finally:
        service.terminate()
        service.wait()


if __name__ == "__main__":
    main()
