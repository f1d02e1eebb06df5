"""What the merged default graph (graph/merge.py) costs and gives, at N× the curated graph.

For each scale: the generated data and the ontology are loaded into a fresh store (no
reasoning: the merge does not depend on it), then measured on the engine itself, no HTTP:

* build: `merge.rebuild` seconds, the merge's size against the quads it is made of;
* queries: an aggregate over every triple and a one-subject lookup, on the union of the graphs
  (what queries saw before, each triple once per graph) and on the merge (median of 5);
* writes: a one-triple INSERT DATA into one graph with and without the upkeep in the same
  request (`merge.maintaining`: an insert only looks the touched graph's statements up), the
  DELETE DATA that undoes it (copies the touched graph aside and checks it), and an update that
  names its graph by a variable, which checks the merge whole.

    python -m benchmarks.merge --scales 1,10,100
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.generate import generated, load_asserted
from graph import merge
from graph.namespaces import PREFIXES

AGGREGATE = "SELECT ?c (COUNT(*) AS ?n) WHERE { ?s a ?c . ?s ?p ?o } GROUP BY ?c"
LOOKUP = "SELECT ?p ?o WHERE { <https://w3id.org/techniekpact/id/action/2013-12a> ?p ?o }"
GRAPH = "https://w3id.org/techniekpact/graph/actions-2013"
TRIPLE = "<urn:bench:s> <urn:bench:p> <urn:bench:o>"


def median_ms(run, times: int = 5) -> float:
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        run()
        spent.append(1000 * (time.perf_counter() - started))
    return statistics.median(spent)


def measure(scale: int) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"merge-{scale}-") as work:
        store = load_asserted(generated(scale), Path(work) / "store")
        quads = len(store)
        started = time.perf_counter()
        size = merge.rebuild(store)
        build_s = time.perf_counter() - started
        graphs = merge.dataset_graphs(store)
        on_merge = merge.query_dataset("", None, None, graphs)

        def query(text, **kwargs):
            return lambda: list(store.query(text, prefixes=PREFIXES, **kwargs))

        figures = {
            "scale": scale,
            "quads": quads,
            "merge": size,
            "rebuild_s": build_s,
            "aggregate_union_ms": median_ms(query(AGGREGATE, use_default_graph_as_union=True)),
            "aggregate_merge_ms": median_ms(query(AGGREGATE, **on_merge)),
            "lookup_union_ms": median_ms(query(LOOKUP, use_default_graph_as_union=True), 50),
            "lookup_merge_ms": median_ms(query(LOOKUP, **on_merge), 50),
        }
        plain = f"INSERT DATA {{ GRAPH <{GRAPH}> {{ {TRIPLE} }} }}"
        undo = f"DELETE DATA {{ GRAPH <{GRAPH}> {{ {TRIPLE} }} }}"
        figures["insert_plain_ms"] = median_ms(lambda: store.update(plain))
        touched = merge.touched_graphs(plain, None, PREFIXES, graphs)
        inserts, deletes = [], []
        for _ in range(5):
            inserts.append(median_ms(lambda: store.update(merge.maintaining(plain, touched)), 1))
            deletes.append(median_ms(lambda: store.update(merge.maintaining(undo, touched)), 1))
        figures["insert_upkeep_ms"], figures["delete_upkeep_ms"] = (
            statistics.median(inserts),
            statistics.median(deletes),
        )
        anywhere = f"DELETE {{ GRAPH ?g {{ {TRIPLE} }} }} WHERE {{ GRAPH ?g {{ {TRIPLE} }} }}"
        figures["update_any_graph_ms"] = median_ms(lambda: store.update(merge.maintaining(anywhere, None)), 3)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10")
    args = parser.parse_args()
    print(
        "| scale | quads | merge (triples) | rebuild s | aggregate union / merge ms | lookup union / merge ms "
        "| INSERT DATA plain / with upkeep ms | DELETE DATA with upkeep ms | update on GRAPH ?g ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for scale in (int(s) for s in args.scales.split(",")):
        f = measure(scale)
        print(
            f"| {f['scale']}× | {f['quads']:,} | {f['merge']:,} | {f['rebuild_s']:.1f} "
            f"| {f['aggregate_union_ms']:.0f} / {f['aggregate_merge_ms']:.0f} "
            f"| {f['lookup_union_ms']:.2f} / {f['lookup_merge_ms']:.2f} "
            f"| {f['insert_plain_ms']:.1f} / {f['insert_upkeep_ms']:.1f} | {f['delete_upkeep_ms']:.0f} "
            f"| {f['update_any_graph_ms']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
