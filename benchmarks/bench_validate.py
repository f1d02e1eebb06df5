"""How long SHACL validation of the curated graph takes: loading vs pyshacl, median of runs.

    .venv/bin/python -m benchmarks.bench_validate --store var/store [--runs 7] [--scale 1,2,4]

Loading = reading the data, ontology and inferred graphs from the store into rdflib, plus the
shapes graph. Validation = pyshacl.validate() alone, with inference='none'. Each run gets a
fresh data graph, so the once-per-graph SPARQL evaluation cache starts cold every time.
With --scale N the data graph is N copies of the store's data under renamed IRIs, to show
how the time grows with the data.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time

import rdflib

from graph import validate as v
from graph.namespaces import ID
from graph.store import open_store


def scaled(graph: rdflib.Graph, copies: int) -> rdflib.Graph:
    """`copies` disjoint copies of the instance data (IRIs under tpd: renamed per copy)."""
    out = v.DataGraph()
    for copy in range(copies):
        def rename(term):
            if copy and isinstance(term, rdflib.URIRef) and str(term).startswith(ID):
                return rdflib.URIRef(f"{ID}copy{copy}/{str(term)[len(ID):]}")
            if copy and isinstance(term, rdflib.BNode):
                return rdflib.BNode(f"{term}c{copy}")
            return term
        out.add_triples((rename(s), p, rename(o)) for s, p, o in graph)
    return out


def measure(store, runs: int, copies: int) -> dict:
    loads, checks, cpus = [], [], []
    shapes = v.shapes_graph(store)
    for _ in range(runs):
        started = time.perf_counter()
        data = v.data_graph(store)
        loads.append(time.perf_counter() - started)
        if copies > 1:
            data = scaled(data, copies)
        cpu = time.process_time()
        _results, seconds = v.run_pyshacl(data, shapes)
        checks.append(seconds)
        cpus.append(time.process_time() - cpu)
    results, _ = v.run_pyshacl(data, shapes)
    return {"copies": copies, "triples": len(data), "load": statistics.median(loads),
            "validate": statistics.median(checks), "validate_min": min(checks), "cpu": statistics.median(cpus),
            "results": len(list(results.objects(None, rdflib.SH.result)))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="var/store")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--scale", default="1", help="comma-separated numbers of copies of the data, e.g. 1,2,4")
    args = parser.parse_args()
    store = open_store(args.store, read_only=True)
    print(f"{platform.node()}: Python {platform.python_version()}, "
          f"pyshacl {__import__('pyshacl').__version__}, rdflib {rdflib.__version__}")
    print(f"{'copies':>6} {'triples':>8} {'load s':>7} {'pyshacl s':>10} {'(min)':>7} {'cpu s':>7} {'results':>8}")
    for copies in (int(c) for c in args.scale.split(",")):
        row = measure(store, args.runs, copies)
        print(f"{row['copies']:>6} {row['triples']:>8} {row['load']:>7.3f} {row['validate']:>10.3f} "
              f"{row['validate_min']:>7.3f} {row['cpu']:>7.3f} {row['results']:>8}")


if __name__ == "__main__":
    main()
