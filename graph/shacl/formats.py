"""The validation report as text (the CLI's default), JSON, and the sh:ValidationReport graph in Turtle."""

from __future__ import annotations

import json

import rdflib
from rdflib import RDF, SH, BNode, Literal

from graph.labels import compact
from graph.namespaces import PREFIXES
from graph.shacl.report import CONFORMANCE_NOTE, group_by_shape


def to_json(report: dict, indent: int | None = 1) -> str:
    return json.dumps(
        {k: v for k, v in report.items() if not k.startswith("_")}, ensure_ascii=False, indent=indent
    )


def to_turtle(report: dict) -> bytes:
    """The sh:ValidationReport graph (for a checked file: only the results on its nodes)."""
    results, kept = report["_results"]
    graph = rdflib.Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri)
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(report["conforms"])))
    for result in kept:
        graph.add((node, SH.result, result))
        _copy_tree(results, result, graph)
    return graph.serialize(format="turtle").encode("utf-8")


def _copy_tree(source: rdflib.Graph, node, target: rdflib.Graph, seen: set | None = None) -> None:
    seen = seen if seen is not None else set()
    if node in seen:
        return
    seen.add(node)
    for p, o in source.predicate_objects(node):
        target.add((node, p, o))
        if isinstance(o, BNode):
            _copy_tree(source, o, target, seen)


def to_text(report: dict) -> str:
    counts = report["counts"]
    lines = ["SHACL-validatie van de Techniekpact-graaf · SHACL validation of the Techniekpact graph"]
    if "data_file" in report:
        file = report["data_file"]
        lines.append(
            f"bestand/file: {file['path']} ({file['triples']} triples, {file['subjects']} subjects), "
            f"checked together with the store"
        )
    timing = report["timing"]
    lines.append(
        f"{report['triples']} triples · load {timing['load_seconds']:.2f} s · "
        f"pyshacl {timing['validate_seconds']:.2f} s"
    )
    lines.append("")
    for group in group_by_shape(report["findings"]):
        shape = group["shape"]
        lines.append(
            f"[{group['severity']}] {shape['name']} / {shape['name_en']}"
            f"{' (' + compact(shape['iri']) + ')' if shape['iri'] else ''} — {group['count']}"
        )
        lines.append(f"  {group['message']['nl']}")
        lines.append(f"  {group['message']['en']}")
        for node in group["nodes"]:
            focus = node["focus"]
            number = f"{focus['number']} " if focus["number"] else ""
            where = f" <{focus['iri']}>" if focus["iri"] else ""
            via = f" › {' › '.join(focus['via'])}" if focus["via"] else ""
            lines.append(f"  - {focus['kind'] or 'node'} {number}“{focus['label']}”{via}{where}")
            for f in node["findings"]:
                value = f"value: {f['value']['text']}" if f["value"] else ""
                if f["message"] != group["message"]:  # a SPARQL constraint's message names the values
                    lines.append(f"      {f['message']['nl']}")
                    lines.append(f"      {f['message']['en']}")
                elif value:
                    lines.append(f"      {value}")
            source = focus_source(node["findings"][0])
            if source:
                lines.append(f"      bron/source: {source}")
        lines.append("")
    lines.append("Per landsdeel (Violation / Warning / Info):")
    for row in report["landsdelen"]:
        lines.append(f"  {row['label']:<18} {row['Violation']:>4} {row['Warning']:>4} {row['Info']:>4}")
    lines.append("")
    verdict = "CONFORMS" if report["conforms"] else "DOES NOT CONFORM"
    lines.append(
        f"{verdict}: {counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} infos."
    )
    if "combined_conforms" in report:
        lines.append(
            f"Store + file together: {'conforms' if report['combined_conforms'] else 'does not conform'}."
        )
    lines.append(CONFORMANCE_NOTE["en"])
    lines.append(CONFORMANCE_NOTE["nl"])
    return "\n".join(lines) + "\n"


def focus_source(finding: dict) -> str:
    parts = []
    for source in finding["sources"]:
        section = source["section"]["label"] if source["section"] else None
        document = source["document"]["title"] if source["document"] else None
        parts.append(" — ".join(p for p in (section, document) if p))
    return "; ".join(p for p in parts if p)


FORMATTERS = {
    "text": lambda r: to_text(r).encode("utf-8"),
    "json": lambda r: to_json(r).encode("utf-8"),
    "turtle": to_turtle,
}
