"""The report data: one dict per validation, from which every rendering is made (text, JSON,
Turtle, the /validate page). Labels the page shows come in Dutch and English.

"Conforms" means: no sh:Violation. Warnings (gaps in the source documents, such as an
action whose owner the document does not name) and Infos (advice) are reported but do not
make the data non-conforming."""

from __future__ import annotations

import re
import time
from collections import Counter

import rdflib
from rdflib import RDF, SH, BNode, URIRef

from graph.labels import compact
from graph.namespaces import ID, entity_path
from graph.shacl.data_graph import DataGraph
from graph.shacl.describe import TP, Describer

SEVERITIES = ("Violation", "Warning", "Info")
NATIONAL = "landelijk"
NO_LANDSDEEL = "zonder landsdeel"
NATIONAL_EN, NO_LANDSDEEL_EN = "national", "no landsdeel"  # the rows' labels on an English page
CONFORMANCE_NOTE = {
    "nl": "Conform betekent: geen enkele sh:Violation. Warnings zijn gaten in de brondocumenten en Infos zijn "
    "adviezen; die maken de data niet non-conform. Exitcode: 0 conform, 1 niet conform, 2 fout.",
    "en": "Conforms means: no sh:Violation. Warnings are gaps in the source documents and Infos are advice; "
    "neither makes the data non-conforming. Exit code: 0 conforms, 1 does not, 2 error.",
}


def _shape_info(shapes: rdflib.Graph, describer: Describer, shape) -> dict:
    group = shapes.value(shape, SH.group)
    return {
        "iri": str(shape) if isinstance(shape, URIRef) else None,
        "name": describer.label(shape, "nl") or compact(str(shape)),
        "name_en": describer.label(shape, "en") or compact(str(shape)),
        "group": describer.label(group, "nl") if group is not None else None,
        "group_en": describer.label(group, "en") if group is not None else None,
    }


def build_report(
    data: DataGraph,
    shapes: rdflib.Graph,
    results: rdflib.Graph,
    *,
    timing: dict,
    store_version: str | None = None,
    only_nodes: set | None = None,
    data_file: dict | None = None,
) -> dict:
    """The one data dict the text, JSON, Turtle and HTML renderings are made from."""
    started = time.perf_counter()
    describer = Describer(data.view(), shapes)
    findings, kept = [], []
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        entity, via = describer.entity(focus)
        if only_nodes is not None and focus not in only_nodes and entity not in only_nodes:
            continue
        kept.append(result)
        findings.append(_finding(results, result, focus, entity, via, describer, shapes))
    findings.sort(
        key=lambda f: (
            SEVERITIES.index(f["severity"]),
            f["shape"]["name"],
            _number_key(f["focus"]),
            f["focus"]["label"],
            f["value"]["text"] if f["value"] else "",
        )
    )
    counts = Counter(f["severity"] for f in findings)
    report = {
        "conforms": counts["Violation"] == 0,
        "counts": {s: counts.get(s, 0) for s in SEVERITIES},
        "total": len(findings),
        "note": CONFORMANCE_NOTE,
        "shapes": _per_shape(findings, shapes, describer),
        "landsdelen": _per_landsdeel(findings, describer),
        "findings": findings,
        "store_version": store_version,
        "triples": len(data),
        "timing": {
            **{k: round(v, 4) for k, v in timing.items()},
            "report_seconds": round(time.perf_counter() - started, 4),
        },
    }
    if data_file is not None:
        report["data_file"] = data_file
        report["combined_conforms"] = not any(
            results.value(r, SH.resultSeverity) == SH.Violation for r in results.objects(None, SH.result)
        )
    report["_results"] = (results, kept)  # the sh:ValidationReport graph, for Turtle; not serialised
    return report


def _number_key(focus: dict):
    """Natural order of document numbers: 'Noord 2' before 'Noord 10', '17a' after '17'."""
    number = focus.get("number") or "\uffff"
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", number)]


def _finding(results, result, focus, entity, via, describer: Describer, shapes) -> dict:
    severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
    shape = results.value(result, SH.sourceShape)
    messages = _messages(results, result, shapes)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    scope_kind, landsdelen = describer.landsdelen(entity)
    number = describer.data.value(entity, TP.number)
    label = describer.label(entity) or describer.value_text(entity)
    label_en = describer.label(entity, "en") or label
    return {
        "severity": severity,
        "shape": _shape_info(shapes, describer, shape),
        "component": compact(str(results.value(result, SH.sourceConstraintComponent))),
        "message": messages,
        "focus": {
            "iri": str(entity) if isinstance(entity, URIRef) else None,
            "href": entity_path(str(entity)) if isinstance(entity, URIRef) else None,
            "label": label,
            **({"label_en": label_en} if label_en != label else {}),
            "kind": describer.kind(entity),
            "kind_en": describer.kind(entity, "en"),
            "number": str(number) if number is not None else None,
            "via": [compact(str(p)) for p in via],
            "blank_node": str(focus) if isinstance(focus, BNode) else None,
        },
        "path": {
            "iri": str(path) if isinstance(path, URIRef) else None,
            "text": describer.path_text(path),
            "label": describer.label(path) if isinstance(path, URIRef) else None,
            "label_en": describer.label(path, "en") if isinstance(path, URIRef) else None,
        }
        if path is not None
        else None,
        "value": {
            "text": describer.value_text(value),
            "iri": str(value) if isinstance(value, URIRef) else None,
            "href": entity_path(str(value))
            if isinstance(value, URIRef) and str(value).startswith(ID)
            else None,
        }
        if value is not None
        else None,
        "scope": scope_kind,
        "landsdelen": landsdelen,
        "sources": describer.sources(entity),
        "says": describer.says(entity),
    }


def _messages(results, result, shapes) -> dict[str, str]:
    """The result's message in Dutch and English.

    pyshacl reports the messages of the shape and of a SPARQL constraint together, with
    the {?var} placeholders filled in and without their language tags. The constraint's
    own message is the specific one; its language is found by matching the texts against
    the templates in the shapes graph."""
    texts = [str(m) for m in results.objects(result, SH.resultMessage)]
    out: dict[str, str] = {}
    for source in (results.value(result, SH.sourceConstraint), results.value(result, SH.sourceShape)):
        if source is None:
            continue
        for template in shapes.objects(source, SH.message):
            lang = template.language or ""
            if lang in out:
                continue
            parts = re.split(r"\{[?$][A-Za-z_]\w*\}", str(template))
            pattern = re.compile("^" + "(.+?)".join(map(re.escape, parts)) + "$", re.S)
            match = next((t for t in texts if pattern.match(t)), None)
            if match:
                out[lang] = match
    fallback = texts[0] if texts else ""
    return {"nl": out.get("nl") or out.get("") or fallback, "en": out.get("en") or out.get("") or fallback}


def _per_shape(findings: list[dict], shapes: rdflib.Graph, describer: Describer) -> list[dict]:
    rows: dict = {}
    for f in findings:
        key = f["shape"]["iri"] or f["shape"]["name"]
        row = rows.setdefault(key, {**f["shape"], "severity": f["severity"], "count": 0, "nodes": set()})
        row["count"] += 1
        row["nodes"].add(f["focus"]["iri"] or f["focus"]["label"])
    out = [
        {**{k: v for k, v in r.items() if k != "nodes"}, "focus_nodes": len(r["nodes"])}
        for r in rows.values()
    ]
    return sorted(out, key=lambda r: (SEVERITIES.index(r["severity"]), -r["count"], r["name"]))


def _per_landsdeel(findings: list[dict], describer: Describer) -> list[dict]:
    """Counts per severity for each of the five landsdelen, national findings, and the rest."""
    rows = {
        str(ld): {
            "iri": str(ld),
            "label": describer.label(ld),
            "label_en": describer.label(ld, "en"),
            **{s: 0 for s in SEVERITIES},
        }
        for ld in set(describer.data.subjects(RDF.type, TP.Landsdeel))
        if isinstance(ld, URIRef)
    }
    ordered = sorted(rows.values(), key=lambda r: r["label"])
    national = {"iri": None, "label": NATIONAL, "label_en": NATIONAL_EN, **{s: 0 for s in SEVERITIES}}
    nowhere = {"iri": None, "label": NO_LANDSDEEL, "label_en": NO_LANDSDEEL_EN, **{s: 0 for s in SEVERITIES}}
    for f in findings:
        if f["scope"] == "landsdeel":
            for ld in f["landsdelen"]:
                rows[ld["iri"]][f["severity"]] += 1
        else:
            (national if f["scope"] == "national" else nowhere)[f["severity"]] += 1
    out = ordered + [national, nowhere]
    for row in out:
        row["total"] = sum(row[s] for s in SEVERITIES)
    return out


def group_by_shape(findings: list[dict]) -> list[dict]:
    """Findings grouped by shape and, within a shape, by focus node (the order they came in)."""
    groups: dict = {}
    for f in findings:
        group = groups.setdefault(
            (f["severity"], f["shape"]["iri"] or f["shape"]["name"]),
            {
                "severity": f["severity"],
                "shape": f["shape"],
                "message": f["message"],
                "nodes": {},
                "count": 0,
            },
        )
        node = group["nodes"].setdefault(
            f["focus"]["iri"] or f["focus"]["blank_node"] or f["focus"]["label"],
            {"focus": f["focus"], "findings": []},
        )
        node["findings"].append(f)
        group["count"] += 1
    return [{**g, "nodes": list(g["nodes"].values())} for g in groups.values()]


def select(
    report: dict, severity: str | None = None, shape: str | None = None, landsdeel: str | None = None
) -> list[dict]:
    """The findings with a given severity, shape IRI, or landsdeel (IRI, 'landelijk', 'zonder landsdeel')."""
    out = report["findings"]
    if severity:
        out = [f for f in out if f["severity"].lower() == severity.lower()]
    if shape:
        out = [f for f in out if f["shape"]["iri"] == shape]
    if landsdeel == NATIONAL:
        out = [f for f in out if f["scope"] == "national"]
    elif landsdeel == NO_LANDSDEEL:
        out = [f for f in out if f["scope"] == "none"]
    elif landsdeel:
        out = [f for f in out if any(ld["iri"] == landsdeel for ld in f["landsdelen"])]
    return out
