"""How long SHACL validation of a store takes: loading, pyshacl, the report; median of runs.

    .venv/bin/python -m benchmarks.bench_validate --store var/store [--runs 7] [--scale 1,2,4]
    .venv/bin/python -m benchmarks.bench_validate --store benchmarks/out/store-1000 --runs 1

Loading = copying the data, ontology and inferred graphs from the store into the in-memory
Oxigraph data graph. Validation = pyshacl.validate() alone, with inference='none'. Report =
describing the findings (labels, sources, landsdelen). Each run gets a fresh data graph, so
the once-per-graph SPARQL evaluation cache starts cold every time. Peak MB is the process's
peak resident memory, store cache included.
With --scale N the data graph is N copies of the store's data under renamed IRIs, to show
how the time grows with the data.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import time

import pyoxigraph as ox
import rdflib

from graph.namespaces import ID
from graph.shacl.data_graph import DataGraph
from graph.shacl.inputs import data_graph, shapes_graph
from graph.shacl.report import build_report
from graph.shacl.run import run_pyshacl
from graph.store import open_store


def scaled(graph: DataGraph, copies: int) -> DataGraph:
    """`copies` disjoint copies of the instance data (IRIs under tpd: renamed per copy)."""
    out = DataGraph(ox.Store())
    for copy in range(copies):

        def rename(term, copy=copy):
            if copy and isinstance(term, rdflib.URIRef) and str(term).startswith(ID):
                return rdflib.URIRef(f"{ID}copy{copy}/{str(term)[len(ID) :]}")
            if copy and isinstance(term, rdflib.BNode):
                return rdflib.BNode(f"{term}c{copy}")
            return term

        out.add_triples((rename(s), p, rename(o)) for s, p, o in graph.view())
    return out


def measure(store, runs: int, copies: int) -> dict:
    loads, checks, reports, cpus = [], [], [], []
    shapes = shapes_graph(store)
    for _ in range(runs):
        report = data = None  # the last run's report and data go before the next run's are made
        started = time.perf_counter()
        data = data_graph(store)
        if copies > 1:
            data = scaled(data, copies)
        loads.append(time.perf_counter() - started)
        cpu = time.process_time()
        results, seconds = run_pyshacl(data, shapes)
        checks.append(seconds)
        cpus.append(time.process_time() - cpu)
        report = build_report(data, shapes, results, timing={})
        reports.append(report["timing"]["report_seconds"])
    return {
        "copies": copies,
        "triples": len(data),
        "load": statistics.median(loads),
        "validate": statistics.median(checks),
        "validate_min": min(checks),
        "cpu": statistics.median(cpus),
        "report": statistics.median(reports),
        "results": report["total"],
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="var/store")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--scale", default="1", help="comma-separated numbers of copies of the data, e.g. 1,2,4"
    )
    args = parser.parse_args()
    store = open_store(args.store, read_only=True)
    print(
        f"{platform.node()}: Python {platform.python_version()}, "
        f"pyshacl {__import__('pyshacl').__version__}, pyoxigraph {__import__('pyoxigraph').__version__}"
    )
    print(
        f"{'copies':>6} {'triples':>10} {'load s':>7} {'pyshacl s':>10} {'(min)':>7} {'cpu s':>7} "
        f"{'report s':>9} {'results':>8} {'peak MB':>8}"
    )
    for copies in (int(c) for c in args.scale.split(",")):
        row = measure(store, args.runs, copies)
        print(
            f"{row['copies']:>6} {row['triples']:>10} {row['load']:>7.3f} {row['validate']:>10.3f} "
            f"{row['validate_min']:>7.3f} {row['cpu']:>7.3f} {row['report']:>9.3f} {row['results']:>8} "
            f"{row['peak_mb']:>8.0f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
