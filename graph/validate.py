"""SHACL validation: run pyshacl over the store, build the report data once, format it.

The data graph is the union of the store's data graphs, the ontology and the OWL 2 RL
inferred graph (everything but the shapes and query catalogue graphs). The inferred graph
*is* the class inference, so pyshacl runs with inference='none' and does no reasoning of
its own: validation stays a single pass over an in-memory Oxigraph copy of those graphs
(`DataGraph`).

"Conforms" means: no sh:Violation. Warnings (gaps in the source documents, such as an
action whose owner the document does not name) and Infos (advice) are reported but do not
make the data non-conforming.

A file a coordinator wants to add (`validate_file`) is parsed with rdflib, given the class
closure of ontology + file (owlrl on that small graph only), and validated together with
the store's data in memory; the store is not written.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from pyshacl.graph_abstraction import OxigraphDataGraph
from rdflib import RDF, RDFS, SH, XSD, BNode, Literal, URIRef
from rdflib.collection import Collection
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result
from rdflib.term import Variable

from graph.labels import compact
from graph.namespaces import (
    DEF, DERIVED_GRAPH, GRAPH, ID, ONTOLOGY_GRAPH, PREFIXES, QUERIES_GRAPH, SHAPES_GRAPH, entity_path,
)
from graph.terms import rdflib_graph, to_ox, to_rdflib

SEVERITIES = ("Violation", "Warning", "Info")
EXIT_CONFORMS, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2

SKOS = rdflib.Namespace(PREFIXES["skos"])
DCT = rdflib.Namespace(PREFIXES["dcterms"])
FOAF = rdflib.Namespace(PREFIXES["foaf"])
TIME = rdflib.Namespace(PREFIXES["time"])
TP = rdflib.Namespace(DEF)

# Graphs that are not data: the shapes themselves, the saved-query catalogue, the name keys
# the build computes for queries, and the remote store's bookkeeping graph.
NOT_DATA = {SHAPES_GRAPH, QUERIES_GRAPH, DERIVED_GRAPH, GRAPH + "meta"}

NATIONAL = "landelijk"
NO_LANDSDEEL = "zonder landsdeel"
CONFORMANCE_NOTE = {
    "nl": "Conform betekent: geen enkele sh:Violation. Warnings zijn gaten in de brondocumenten en Infos zijn "
          "adviezen; die maken de data niet non-conform. Exitcode: 0 conform, 1 niet conform, 2 fout.",
    "en": "Conforms means: no sh:Violation. Warnings are gaps in the source documents and Infos are advice; "
          "neither makes the data non-conforming. Exit code: 0 conforms, 1 does not, 2 error.",
}


class ValidationFailed(Exception):
    """Validation could not run (no shapes in the store, unreadable input): exit code 2."""


class DataFileError(ValidationFailed):
    """A file given to validate does not parse; says which file, where and why."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


# -- inputs -------------------------------------------------------------------------

class DataGraph(OxigraphDataGraph):
    """The data graph pyshacl walks: an in-memory Oxigraph store with every triple in its
    default graph, read through pyshacl's own Oxigraph backend.

    Not rdflib's memory store, which takes some 1.3 kB a triple (3.1 GB at 100× the curated
    graph, 30 GB at 1000×); with Oxigraph's, validation at 100× peaks at 1.4 GB instead of
    3.0 GB (benchmarks/RESULTS.md). Two things pyshacl's backend does differently here:

    * `len()` is the number of quads, counted when triples are added. pyshacl's backend asks
      Oxigraph for COUNT(DISTINCT …), and len() of a store walks it too, and pyshacl takes
      `len(data graph)` for every result it writes: validation was quadratic (74 s instead
      of under a second on the curated graph). All triples are in the default graph, so the
      quads are the triples.
    * A SHACL-SPARQL constraint is evaluated once, not once per focus node. pyshacl runs it
      with the same text and only $this pre-bound. Every constraint in shapes/ binds $this
      in its first triple pattern and selects it, so its results for one focus node are
      exactly its results over the whole graph with ?this equal to that node: the rows are
      kept per ?this and each per-node call is answered from them. Any other query (other
      pre-bound variables, ASK, no ?this) goes to pyshacl's backend as usual.

    Give it an empty in-memory store (`DataGraph(ox.Store())`: pyshacl's constructor takes
    the store), add triples with `load_quads` or `add_triples`, which forget the kept rows,
    and describe the findings through `view()`, an rdflib graph over the same store."""

    def __init__(self, store: ox.Store):
        super().__init__(store)
        self._rows_by_this: dict = {}
        self._length = len(store)

    def __len__(self, context=None) -> int:
        return self._length

    def load_quads(self, quads) -> None:
        """Oxigraph quads (of any graph) as triples of this graph."""
        self.impl.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        self._changed()

    def add_triples(self, triples) -> None:
        """rdflib triples (a parsed file, a class closure)."""
        self.impl.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples])
        self._changed()

    def _changed(self) -> None:
        self._rows_by_this.clear()
        self._length = len(self.impl)  # len() of a store walks it: once per change, not per result

    def view(self) -> rdflib.Graph:
        """The same triples as a plain rdflib graph (read from the store, not copied)."""
        return rdflib.Graph(store=self.store, identifier=DATASET_DEFAULT_GRAPH_ID)

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # noqa: N803
              initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
        if isinstance(query_object, str) and not initNs and initBindings and set(initBindings) == {"this"}:
            rows = self._rows_for_this(query_object)
            if rows is not None:
                answer = Result("SELECT")
                answer.vars = rows["vars"]
                answer.bindings = list(rows["by_this"].get(initBindings["this"], ()))
                return answer
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    def _rows_for_this(self, text: str) -> dict | None:
        """{'vars', 'by_this'} for a SELECT that selects ?this, evaluated once; None otherwise."""
        if text not in self._rows_by_this:
            rows = None
            try:
                solutions = self.impl.query(text)
            except SyntaxError:
                solutions = None  # leave it to pyshacl's backend, which reports it the way pyshacl expects
            if isinstance(solutions, ox.QuerySolutions):
                names = [v.value for v in solutions.variables]
                if "this" in names:
                    variables = [Variable(n) for n in names]
                    by_this: dict = defaultdict(list)
                    for solution in solutions:
                        binding = {var: to_rdflib(solution[name])
                                   for var, name in zip(variables, names) if solution[name] is not None}
                        by_this[binding.get(Variable("this"))].append(binding)
                    rows = {"vars": variables, "by_this": by_this}
            self._rows_by_this[text] = rows
        return self._rows_by_this[text]


def data_graph(store) -> DataGraph:
    """Data + ontology + inferred triples of the store, as one graph."""
    graph = DataGraph(ox.Store())
    graph.load_quads(q for q in store.quads_for_pattern(None, None, None, None)
                     if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in NOT_DATA)
    return graph


def shapes_graph(store) -> rdflib.Graph:
    """The shapes the store was built with (shapes/*.ttl, loaded by `techniekpact build`)."""
    graph = rdflib_graph(store.quads_for_pattern(None, None, None, ox.NamedNode(SHAPES_GRAPH)))
    if not len(graph):
        raise ValidationFailed("the store holds no SHACL shapes: rebuild it with `techniekpact build`")
    return graph


def ontology_graph(store) -> rdflib.Graph:
    return rdflib_graph(store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))


def parse_data_file(path: str | Path) -> rdflib.Graph:
    """A Turtle file as an rdflib graph. Raises DataFileError with the line and the parser's words."""
    path = Path(path)
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except SyntaxError as error:  # rdflib's BadSyntax: `lines` counts from 0
        line = getattr(error, "lines", None)
        reason = getattr(error, "_why", None) or str(error).splitlines()[0]
        raise DataFileError(path, line + 1 if isinstance(line, int) else None, reason) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise DataFileError(path, None, str(error)) from None
    except OSError as error:
        raise DataFileError(path, None, error.strerror or str(error)) from None
    return graph


def class_closure(ontology: rdflib.Graph, extra: rdflib.Graph) -> rdflib.Graph:
    """What OWL 2 RL adds to ontology + `extra` alone: cheap (a few hundred triples), and it
    gives the new file's nodes the classes the store's inferred graph gives the rest (with
    the same filter the build applies to its inferred graph)."""
    from graph.reason import entailments

    added = rdflib.Graph()
    for triple in entailments(ontology, extra):
        added.add(triple)
    return added


# -- running pyshacl ----------------------------------------------------------------

def _remember_valid_sparql() -> None:
    """pyshacl checks a SPARQL constraint's text with regular expressions (no MINUS, VALUES,
    SERVICE, no re-bound pre-bound variables) again for every focus node: about 0.6 ms a
    node for the longest constraint in shapes/, more than the evaluation itself. The verdict
    depends on the text and on which variables may be pre-bound only, so a text found valid
    once is not checked again; an invalid one still raises every time."""
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    check = SPARQLQueryHelper.check_invalid_sparql
    if getattr(check, "remembers", False):
        return
    valid: set = set()

    def check_once(self, sparql_text, valuenode=None, extravars=None):
        key = (sparql_text, valuenode is not None, frozenset(extravars or ()))
        if key not in valid:
            check(self, sparql_text, valuenode=valuenode, extravars=extravars)
            valid.add(key)
        return True

    check_once.remembers = True
    SPARQLQueryHelper.check_invalid_sparql = check_once


def run_pyshacl(data: DataGraph, shapes: rdflib.Graph) -> tuple[rdflib.Graph, float]:
    """The sh:ValidationReport graph, and the seconds pyshacl took."""
    _remember_valid_sparql()
    started = time.perf_counter()
    _conforms, results, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True, allow_infos=True,
        abort_on_first=False, meta_shacl=False, inplace=True,
    )
    return results, time.perf_counter() - started


def validate_store(store, store_version: str | None = None) -> dict:
    """Validate the store's data; the report data dict every rendering is made from."""
    started = time.perf_counter()
    data, shapes = data_graph(store), shapes_graph(store)
    loaded = time.perf_counter() - started
    results, seconds = run_pyshacl(data, shapes)
    return build_report(data, shapes, results, timing={"load_seconds": loaded, "validate_seconds": seconds},
                        store_version=store_version)


def validate_file(store, path: str | Path, store_version: str | None = None) -> dict:
    """Validate a Turtle file as if it were added to the store; report the findings on its nodes."""
    extra = parse_data_file(path)
    started = time.perf_counter()
    data, shapes = data_graph(store), shapes_graph(store)
    closure = class_closure(ontology_graph(store), extra)
    data.add_triples(extra)
    data.add_triples(closure)
    loaded = time.perf_counter() - started
    results, seconds = run_pyshacl(data, shapes)
    nodes = set(extra.subjects())
    return build_report(data, shapes, results, timing={"load_seconds": loaded, "validate_seconds": seconds},
                        store_version=store_version, only_nodes=nodes,
                        data_file={"path": str(path), "triples": len(extra), "subjects": len(nodes)})


# -- the report data ----------------------------------------------------------------

def _lang_values(graph, subject, predicate) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in sorted(graph.objects(subject, predicate)):  # the same pick whatever the store's order
        if isinstance(value, Literal):
            out.setdefault(value.language or "", str(value))
    return out


def _pick(values: dict[str, str], lang: str = "nl") -> str | None:
    for key in (lang, "", "en"):
        if key in values:
            return values[key]
    return next(iter(values.values()), None)


def _once_per_node(method):
    """A node with many findings is described once, and the findings share the description
    (a report of 600k findings at 1000× would otherwise hold each copy)."""
    @functools.wraps(method)
    def described(self, node):
        key = (method.__name__, node)
        if key not in self._described:
            self._described[key] = method(self, node)
        return self._described[key]
    return described


class _Describer:
    """Labels, kinds, landsdelen and sources of the nodes a report names, looked up in the
    validated graph itself (so a file being checked is described from its own triples)."""

    def __init__(self, data: rdflib.Graph, shapes: rdflib.Graph):
        self.data, self.shapes = data, shapes
        self._labels: dict = {}
        self._described: dict = {}

    def label(self, node, lang: str = "nl") -> str:
        key = (node, lang)
        if key not in self._labels:
            text = None
            for graph in (self.data, self.shapes):
                for predicate in (SKOS.prefLabel, RDFS.label, FOAF.name, DCT.title):
                    text = _pick(_lang_values(graph, node, predicate), lang)
                    if text:
                        break
                if text:
                    break
            self._labels[key] = text or (compact(str(node)) if isinstance(node, URIRef) else "")
        return self._labels[key]

    @_once_per_node
    def entity(self, node):
        """The named resource a blank node hangs off (an action for its timeline), with the
        properties it hangs off by (at most four steps)."""
        via, depth = [], 4
        while isinstance(node, BNode) and depth:
            parent = next(((s, p) for s, p in self.data.subject_predicates(node)), None)
            if parent is None:
                break
            node, prop = parent
            via.insert(0, prop)
            depth -= 1
        return node, via

    @_once_per_node
    def kind(self, node) -> str:
        types = set(self.data.objects(node, RDF.type))
        specific = [t for t in types
                    if not any(u != t and (u, RDFS.subClassOf, t) in self.data for u in types)]
        ranked = sorted(specific, key=lambda t: (not str(t).startswith(DEF), str(t)))
        return ", ".join(self.label(t) for t in ranked[:2])

    @_once_per_node
    def landsdelen(self, node) -> tuple[str, list[dict]]:
        """('landsdeel' | 'national' | 'none', the landsdelen) by tp:scope / tp:refArea and tp:within*."""
        areas = set(self.data.objects(node, TP.scope)) | set(self.data.objects(node, TP.refArea))
        if (node, RDF.type, TP.Area) in self.data:
            areas.add(node)
        found, national = {}, False
        for area in areas:
            if (area, RDF.type, TP.Country) in self.data:
                national = True
            for place in self.data.transitive_objects(area, TP.within):
                if (place, RDF.type, TP.Landsdeel) in self.data:
                    found[str(place)] = {"iri": str(place), "label": self.label(place)}
        if found:
            return "landsdeel", sorted(found.values(), key=lambda d: d["label"])
        return ("national" if national else "none"), []

    @_once_per_node
    def sources(self, node) -> list[dict]:
        out = []
        for source in sorted(self.data.objects(node, DCT.source), key=str):
            documents = [d for d in self.data.objects(source, DCT.isPartOf)
                         if (d, RDF.type, TP.SourceDocument) in self.data]
            if (source, RDF.type, TP.SourceDocument) in self.data:
                documents, section = [source], None
            else:
                section = {"iri": str(source), "label": self.label(source), "href": entity_path(str(source))}
            document = documents[0] if documents else None
            out.append({"section": section,
                        "document": {"iri": str(document), "title": self.label(document),
                                     "href": entity_path(str(document))} if document else None})
        return out

    @_once_per_node
    def says(self, node) -> str | None:
        """What the source document says about the entity (our summary of it), if anything."""
        for predicate in (TP.stateOfAffairs, DCT.description):
            text = _pick(_lang_values(self.data, node, predicate))
            if text:
                return text
        return None

    def value_text(self, value) -> str:
        if isinstance(value, Literal):
            suffix = f"@{value.language}" if value.language else \
                f"^^{compact(str(value.datatype or XSD.string))}"
            return f'"{value}"{suffix}'
        if isinstance(value, URIRef):
            return self.label(value)
        begin = self.data.value(self.data.value(value, TIME.hasBeginning), TIME.inXSDgYear)
        end = self.data.value(self.data.value(value, TIME.hasEnd), TIME.inXSDgYear)
        if begin is not None or end is not None:
            return f"{begin or '…'} – {end or '…'}"
        return ", ".join(f"{compact(str(p))} {self.value_text(o)}" for p, o in self.data.predicate_objects(value)
                         if p != RDF.type) or "_:" + str(value)

    def path_text(self, path) -> str:
        if isinstance(path, URIRef):
            return compact(str(path))
        alternatives = self.shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return " | ".join(compact(str(p)) for p in Collection(self.shapes, alternatives))
        return "…"


def _shape_info(shapes: rdflib.Graph, describer: _Describer, shape) -> dict:
    group = shapes.value(shape, SH.group)
    return {"iri": str(shape) if isinstance(shape, URIRef) else None,
            "name": describer.label(shape, "nl") or compact(str(shape)),
            "name_en": describer.label(shape, "en") or compact(str(shape)),
            "group": describer.label(group, "nl") if group is not None else None}


def build_report(data: DataGraph, shapes: rdflib.Graph, results: rdflib.Graph, *, timing: dict,
                 store_version: str | None = None, only_nodes: set | None = None, data_file: dict | None = None) -> dict:
    """The one data dict the text, JSON, Turtle and HTML renderings are made from."""
    started = time.perf_counter()
    describer = _Describer(data.view(), shapes)
    findings, kept = [], []
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        entity, via = describer.entity(focus)
        if only_nodes is not None and focus not in only_nodes and entity not in only_nodes:
            continue
        kept.append(result)
        findings.append(_finding(results, result, focus, entity, via, describer, shapes))
    findings.sort(key=lambda f: (SEVERITIES.index(f["severity"]), f["shape"]["name"], _number_key(f["focus"]),
                                 f["focus"]["label"], f["value"]["text"] if f["value"] else ""))
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
        "timing": {**{k: round(v, 4) for k, v in timing.items()},
                   "report_seconds": round(time.perf_counter() - started, 4)},
    }
    if data_file is not None:
        report["data_file"] = data_file
        report["combined_conforms"] = not any(
            results.value(r, SH.resultSeverity) == SH.Violation for r in results.objects(None, SH.result))
    report["_results"] = (results, kept)  # the sh:ValidationReport graph, for Turtle; not serialised
    return report


def _number_key(focus: dict):
    """Natural order of document numbers: 'Noord 2' before 'Noord 10', '17a' after '17'."""
    number = focus.get("number") or "\uffff"
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.findall(r"\d+|\D+", number)]


def _finding(results, result, focus, entity, via, describer: _Describer, shapes) -> dict:
    severity = str(results.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
    shape = results.value(result, SH.sourceShape)
    messages = _messages(results, result, shapes)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    scope_kind, landsdelen = describer.landsdelen(entity)
    number = describer.data.value(entity, TP.number)
    return {
        "severity": severity,
        "shape": _shape_info(shapes, describer, shape),
        "component": compact(str(results.value(result, SH.sourceConstraintComponent))),
        "message": messages,
        "focus": {
            "iri": str(entity) if isinstance(entity, URIRef) else None,
            "href": entity_path(str(entity)) if isinstance(entity, URIRef) else None,
            "label": describer.label(entity) or describer.value_text(entity),
            "kind": describer.kind(entity),
            "number": str(number) if number is not None else None,
            "via": [compact(str(p)) for p in via],
            "blank_node": str(focus) if isinstance(focus, BNode) else None,
        },
        "path": {"iri": str(path) if isinstance(path, URIRef) else None, "text": describer.path_text(path),
                 "label": describer.label(path) if isinstance(path, URIRef) else None} if path is not None else None,
        "value": {"text": describer.value_text(value),
                  "iri": str(value) if isinstance(value, URIRef) else None,
                  "href": entity_path(str(value)) if isinstance(value, URIRef) and str(value).startswith(ID) else None}
        if value is not None else None,
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


def _per_shape(findings: list[dict], shapes: rdflib.Graph, describer: _Describer) -> list[dict]:
    rows: dict = {}
    for f in findings:
        key = f["shape"]["iri"] or f["shape"]["name"]
        row = rows.setdefault(key, {**f["shape"], "severity": f["severity"], "count": 0, "nodes": set()})
        row["count"] += 1
        row["nodes"].add(f["focus"]["iri"] or f["focus"]["label"])
    out = [{**{k: v for k, v in r.items() if k != "nodes"}, "focus_nodes": len(r["nodes"])} for r in rows.values()]
    return sorted(out, key=lambda r: (SEVERITIES.index(r["severity"]), -r["count"], r["name"]))


def _per_landsdeel(findings: list[dict], describer: _Describer) -> list[dict]:
    """Counts per severity for each of the five landsdelen, national findings, and the rest."""
    rows = {str(ld): {"iri": str(ld), "label": describer.label(ld), **{s: 0 for s in SEVERITIES}}
            for ld in set(describer.data.subjects(RDF.type, TP.Landsdeel)) if isinstance(ld, URIRef)}
    ordered = sorted(rows.values(), key=lambda r: r["label"])
    national = {"iri": None, "label": NATIONAL, **{s: 0 for s in SEVERITIES}}
    nowhere = {"iri": None, "label": NO_LANDSDEEL, **{s: 0 for s in SEVERITIES}}
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
        group = groups.setdefault((f["severity"], f["shape"]["iri"] or f["shape"]["name"]),
                                  {"severity": f["severity"], "shape": f["shape"], "message": f["message"],
                                   "nodes": {}, "count": 0})
        node = group["nodes"].setdefault(f["focus"]["iri"] or f["focus"]["blank_node"] or f["focus"]["label"],
                                         {"focus": f["focus"], "findings": []})
        node["findings"].append(f)
        group["count"] += 1
    return [{**g, "nodes": list(g["nodes"].values())} for g in groups.values()]


def select(report: dict, severity: str | None = None, shape: str | None = None,
           landsdeel: str | None = None) -> list[dict]:
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


def exit_code(report: dict) -> int:
    return EXIT_CONFORMS if report["conforms"] else EXIT_VIOLATIONS


# -- formats ------------------------------------------------------------------------

def to_json(report: dict, indent: int | None = 1) -> str:
    return json.dumps({k: v for k, v in report.items() if not k.startswith("_")}, ensure_ascii=False, indent=indent)


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
        lines.append(f"bestand/file: {file['path']} ({file['triples']} triples, {file['subjects']} subjects), "
                     f"checked together with the store")
    timing = report["timing"]
    lines.append(f"{report['triples']} triples · load {timing['load_seconds']:.2f} s · "
                 f"pyshacl {timing['validate_seconds']:.2f} s")
    lines.append("")
    for group in group_by_shape(report["findings"]):
        shape = group["shape"]
        lines.append(f"[{group['severity']}] {shape['name']} / {shape['name_en']}"
                     f"{' (' + compact(shape['iri']) + ')' if shape['iri'] else ''} — {group['count']}")
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
    lines.append(f"{verdict}: {counts['Violation']} violations, {counts['Warning']} warnings, {counts['Info']} infos.")
    if "combined_conforms" in report:
        lines.append(f"Store + file together: {'conforms' if report['combined_conforms'] else 'does not conform'}.")
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


FORMATTERS = {"text": lambda r: to_text(r).encode("utf-8"), "json": lambda r: to_json(r).encode("utf-8"),
              "turtle": to_turtle}
