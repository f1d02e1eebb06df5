"""SHACL validation of the store, or of a Turtle file as if it were added to the store: the
report data dict that every rendering is made from (graph/shacl/ does each job: the inputs,
running pyshacl, the report, its formats).

"Conforms" means: no sh:Violation. Warnings (gaps in the source documents) and Infos
(advice) are reported but do not make the data non-conforming. A file a coordinator wants to
add is validated together with the store's data in memory; the store is not written.
"""

from __future__ import annotations

import time
from pathlib import Path

from graph.shacl.inputs import class_closure, data_graph, ontology_graph, parse_data_file, shapes_graph
from graph.shacl.report import build_report
from graph.shacl.run import run_pyshacl

EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def validate_store(store, store_version: str | None = None) -> dict:
    """Validate the store's data; the report data dict every rendering is made from."""
    return _validate(store, None, store_version)


def validate_file(store, path: str | Path, store_version: str | None = None) -> dict:
    """Validate a Turtle file as if it were added to the store; report the findings on its nodes."""
    extra = parse_data_file(path)
    nodes = set(extra.subjects())
    return _validate(
        store,
        extra,
        store_version,
        only_nodes=nodes,
        data_file={"path": str(path), "triples": len(extra), "subjects": len(nodes)},
    )


def _validate(store, extra, store_version: str | None, **report) -> dict:
    """The store's data graph (with `extra` and its class closure added, when given) through
    pyshacl, and the report built from it."""
    started = time.perf_counter()
    data, shapes = data_graph(store), shapes_graph(store)
    if extra is not None:
        closure = class_closure(ontology_graph(store), extra)
        data.add_triples(extra)
        data.add_triples(closure)
    loaded = time.perf_counter() - started
    results, seconds = run_pyshacl(data, shapes)
    timing = {"load_seconds": loaded, "validate_seconds": seconds}
    return build_report(data, shapes, results, timing=timing, store_version=store_version, **report)


def exit_code(report: dict) -> int:
    return EXIT_CONFORMS if report["conforms"] else EXIT_VIOLATIONS
