"""Every saved query on the raw pyoxigraph engine at several scales: median of a few runs.

For each scale N, generates `benchmarks/out/scale-N.nq` (benchmarks.generate) unless it is
there already, loads it as a build would (benchmarks.generate.load_store) into
`benchmarks/out/saved-store-N`, and times
each saved query in a child process (query + JSON serialisation, the union default graph and
the project's prefixes, as benchmarks/run.py does; parameters bound as a VALUES block, as
the service binds them). A query that runs past `--timeout` is killed and shown as `> T s`.
Prints a Markdown table: median / fastest run in ms (rows).

    python -m benchmarks.saved_at_scale --scales 1,10,100 [--runs 3] [--timeout 20]
        [--queries a,b] [--queries-dir DIR] [--regenerate]

`--queries-dir` times the `.rq` files of another directory (e.g. an older revision's
queries, to compare before and after on the same data).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from benchmarks.generate import OUT, generated, load_in_child
from graph import saved_queries
from graph.namespaces import QUERIES_DIR, sparql_prefixes
from graph.query import bind_as_values


def prepared(query: saved_queries.SavedQuery) -> str:
    """The query text with the project's prefixes and its default parameters bound as the
    service binds them (/queries/<name>)."""
    return sparql_prefixes() + bind_as_values(query.text, saved_queries.bind(query, {}))


def store_for(scale: int, regenerate: bool) -> Path:
    nquads = generated(scale, regenerate)
    store_dir = OUT / f"saved-store-{scale}"
    stamp = store_dir / "LOADED"
    if not stamp.exists() or stamp.read_text() != str(nquads.stat().st_mtime_ns):
        loaded = load_in_child(nquads, store_dir, optimize=True)
        print(
            f"loaded {scale}× (with the build's derived graphs) in {loaded['seconds']:.1f} s, "
            f"{loaded['quads']:,} quads",
            file=sys.stderr,
        )
        stamp.write_text(str(nquads.stat().st_mtime_ns))
    return store_dir


def _child(store_dir: str, text: str, runs: int, conn) -> None:
    store = ox.Store.read_only(store_dir)
    for _ in range(runs):
        started = time.perf_counter()
        result = store.query(text, use_default_graph_as_union=True)
        data = (
            result.serialize(format=ox.QueryResultsFormat.JSON)
            if isinstance(result, ox.QuerySolutions)
            else b""
        )
        elapsed = time.perf_counter() - started
        conn.send((elapsed, len(json.loads(data)["results"]["bindings"]) if data else 0))


def time_query(store_dir: Path, text: str, runs: int, timeout: float) -> tuple[list[float], int] | None:
    """Run times and row count; None if a run took longer than `timeout` seconds."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(str(store_dir), text, runs, child))
    proc.start()
    child.close()
    times, rows = [], 0
    try:
        for _ in range(runs):
            if not parent.poll(timeout):
                return None
            elapsed, rows = parent.recv()
            times.append(elapsed)
        return times, rows
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per run before a query is cut")
    parser.add_argument("--queries", default="", help="comma-separated names (default: all)")
    parser.add_argument("--queries-dir", type=Path, default=QUERIES_DIR)
    parser.add_argument("--regenerate", action="store_true", help="generate the data even if the file exists")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in args.scales.split(",")]
    wanted = [q for q in args.queries.split(",") if q]
    queries = [q for q in saved_queries.load_all(args.queries_dir) if not wanted or q.name in wanted]
    stores = {scale: store_for(scale, args.regenerate) for scale in scales}
    print("| query | " + " | ".join(f"{s}×: median / min ms (rows)" for s in scales) + " |")
    print("|---" * (len(scales) + 1) + "|")
    for query in queries:
        cells = []
        for scale in scales:
            measured = time_query(stores[scale], prepared(query), args.runs, args.timeout)
            if measured is None:
                cells.append(f"> {args.timeout:g} s")
            else:
                times, rows = measured
                cells.append(f"{1000 * statistics.median(times):.0f} / {1000 * min(times):.0f} ({rows})")
        print(f"| {query.name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
