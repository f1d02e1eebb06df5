"""/def: the ontology where its IRIs point, by content negotiation.

People get a documentation page (in the manner of pyLODE and Widoco): every class and property
of `tp:` with its Dutch and English label and comment, domain, range, super- and subterms, the
SHACL shapes that constrain it, how many instances the graph holds and an example query, plus
a diagram of the main classes drawn as inline SVG. Machines get the ontology itself as Turtle,
RDF/XML, JSON-LD or N-Triples (`Accept`, or the suffixes /def.ttl, /def.rdf, /def.jsonld, /def.nt).

Everything is read from ontology/techniekpact.ttl and shapes/*.ttl (parsed once per change of
those files), so the page cannot disagree with them; only the instance counts come from the
store, once per store version.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template

from graph.namespaces import DEF, ONTOLOGY_FILE, PREFIXES, SHAPES_DIR
from server import negotiation
from server.i18n import current_lang
from server.representation import HTML, RDF_FORMATS, choose, engine, fresh

bp = Blueprint("ontology_docs", __name__)

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
SH = PREFIXES["sh"]
SUFFIXES = {"ttl": "turtle", "rdf": "rdfxml", "jsonld": "jsonld", "nt": "ntriples"}
KINDS = (  # (OWL type, kind name): the order of the page's sections
    (OWL + "Class", "class"),
    (OWL + "ObjectProperty", "object"),
    (OWL + "DatatypeProperty", "datatype"),
    (OWL + "AnnotationProperty", "annotation"),
)
DIAGRAM_CLASSES = 12  # the main classes drawn: those with the most instances


@dataclass
class Term:
    iri: str
    id: str  # the local name: the page anchor (/def#Action)
    kind: str
    label: dict[str, str] = field(default_factory=dict)
    comment: dict[str, str] = field(default_factory=dict)
    domain: list[str] = field(default_factory=list)
    range: list[str] = field(default_factory=list)
    supers: list[str] = field(default_factory=list)
    subs: list[str] = field(default_factory=list)
    shapes: list[dict] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)


@dataclass
class Ontology:
    triples: list
    title: dict[str, str]
    description: dict[str, str]
    version: str
    terms: list[Term]
    links: list[tuple[str, str, str]]  # (class, property, class): declared domain/range and shape use


def _texts(graph: ox.Store, subject, predicate: str) -> dict[str, str]:
    found = {}
    for quad in graph.quads_for_pattern(subject, ox.NamedNode(predicate), None):
        if isinstance(quad.object, ox.Literal):
            found.setdefault(quad.object.language or "", quad.object.value)
    return found


def _iris(graph: ox.Store, subject, predicate: str) -> list[str]:
    return sorted(
        {
            q.object.value
            for q in graph.quads_for_pattern(subject, ox.NamedNode(predicate), None)
            if isinstance(q.object, ox.NamedNode)
        }
    )


def _shape_summary(shapes: ox.Store, shape) -> dict:
    """What one shape demands, in a few words (the constraint names and values, as the shape says)."""
    parts = []
    for name in ("minCount", "maxCount", "nodeKind", "class", "datatype", "pattern", "uniqueLang", "node"):
        for quad in shapes.quads_for_pattern(shape, ox.NamedNode(SH + name), None):
            value = quad.object.value
            parts.append(f"sh:{name} {_compact(value) if isinstance(quad.object, ox.NamedNode) else value}")
    severity = _iris(shapes, shape, SH + "severity")
    return {
        "iri": shape.value if isinstance(shape, ox.NamedNode) else None,
        "id": _compact(shape.value) if isinstance(shape, ox.NamedNode) else "",
        "label": _texts(shapes, shape, RDFS + "label"),
        "severity": severity[0].rsplit("#", 1)[-1] if severity else "Violation",
        "constraints": parts,
    }


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and prefix not in ("tpd",):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def load() -> Ontology:
    """The ontology and its shapes, read from the files."""
    onto = ox.Store()
    onto.load(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    shapes = ox.Store()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        shapes.load(path=str(path), format=ox.RdfFormat.TURTLE)
    head = ox.NamedNode(DEF.rstrip("#"))
    terms: dict[str, Term] = {}
    for owl_type, kind in KINDS:
        for quad in onto.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(owl_type)):
            iri = quad.subject.value
            if isinstance(quad.subject, ox.NamedNode) and iri.startswith(DEF) and iri not in terms:
                terms[iri] = Term(iri, iri[len(DEF) :], kind)
    for term in terms.values():
        node = ox.NamedNode(term.iri)
        term.label = _texts(onto, node, RDFS + "label")
        term.comment = _texts(onto, node, RDFS + "comment")
        term.domain = _iris(onto, node, RDFS + "domain")
        term.range = _iris(onto, node, RDFS + "range")
        parent = RDFS + ("subClassOf" if term.kind == "class" else "subPropertyOf")
        term.supers = _iris(onto, node, parent)
        term.subs = sorted(
            {
                q.subject.value
                for q in onto.quads_for_pattern(None, ox.NamedNode(parent), node)
                if isinstance(q.subject, ox.NamedNode)
            }
        )
        term.inverse = _iris(onto, node, OWL + "inverseOf")
        # The shapes that constrain it: a class through sh:targetClass, a property through sh:path.
        found = (
            [q.subject for q in shapes.quads_for_pattern(None, ox.NamedNode(SH + "targetClass"), node)]
            if term.kind == "class"
            else [q.subject for q in shapes.quads_for_pattern(None, ox.NamedNode(SH + "path"), node)]
        )
        term.shapes = sorted((_shape_summary(shapes, s) for s in found), key=lambda s: s["id"])
    links = _links(terms, shapes)
    ordered = sorted(terms.values(), key=lambda t: ([k for _, k in KINDS].index(t.kind), t.id.lower()))
    versions = [q.object.value for q in onto.quads_for_pattern(head, ox.NamedNode(OWL + "versionInfo"), None)]
    return Ontology(
        triples=[q.triple for q in onto],
        title=_texts(onto, head, PREFIXES["dcterms"] + "title"),
        description=_texts(onto, head, PREFIXES["dcterms"] + "description"),
        version=versions[0] if versions else "",
        terms=ordered,
        links=links,
    )


def _links(terms: dict[str, Term], shapes: ox.Store) -> list[tuple[str, str, str]]:
    """Which class an object property links to which: from its rdfs:domain and rdfs:range, and from
    the shapes (a shape targeting class C on path P with sh:class R says C --P--> R)."""
    found = set()
    for term in terms.values():
        if term.kind == "object":
            found.update((d, term.iri, r) for d in term.domain for r in term.range)
    for quad in shapes.quads_for_pattern(None, ox.NamedNode(SH + "path"), None):
        if quad.object.value not in terms:
            continue
        for target in _iris(shapes, quad.subject, SH + "targetClass"):
            found.update((target, quad.object.value, r) for r in _iris(shapes, quad.subject, SH + "class"))
    return sorted(found)


_lock = threading.Lock()
_loaded: tuple[tuple, Ontology] | None = None
_counts: tuple[str, dict[str, int]] | None = None


def _files_stamp() -> tuple:
    paths = [ONTOLOGY_FILE, *sorted(SHAPES_DIR.glob("*.ttl"))]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)


def ontology() -> Ontology:
    """The parsed ontology, read again only when a file changed."""
    global _loaded
    stamp = _files_stamp()
    with _lock:
        if _loaded is None or _loaded[0] != stamp:
            _loaded = (stamp, load())
        return _loaded[1]


def instance_counts(engine) -> dict[str, int]:
    """Instances per class and distinct triples per property in the graph, counted once per store
    version (a triple that two documents state counts once). Its own generous time limit: the
    counts are the site's own small queries, and a page without them is no answer."""
    global _counts
    version = engine.version
    if _counts is not None and _counts[0] == version:
        return _counts[1]
    properties = " ".join(f"<{t.iri}>" for t in ontology().terms if t.kind != "class")
    counts: dict[str, int] = {}
    for query in (
        "SELECT ?t (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?t FILTER(STRSTARTS(STR(?t), STR(tp:))) } "
        "GROUP BY ?t",
        f"SELECT ?t (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?t ?o WHERE {{ VALUES ?t {{ {properties} }} "
        "?s ?t ?o } } GROUP BY ?t",
    ):
        result = engine.query(query, limit=100_000, timeout=max(engine.config.query_timeout, 60.0))
        for row in result.rows:
            counts[row["t"].value] = int(row["n"].value)
    _counts = (version, counts)
    return counts


def example_query(term: Term) -> str:
    if term.kind == "class":
        return (
            f"SELECT ?item ?label WHERE {{\n  ?item a tp:{term.id} .\n"
            f'  OPTIONAL {{ ?item skos:prefLabel|rdfs:label ?label FILTER(lang(?label) = "nl") }}\n}}\nLIMIT 20'
        )
    return f"SELECT ?subject ?value WHERE {{\n  ?subject tp:{term.id} ?value .\n}}\nLIMIT 20"


def diagram(onto: Ontology) -> dict:
    """The main classes (those most linked by object properties, ours and reused ones) on an
    ellipse, with the properties between them and, among them, the subclass links: coordinates
    for the template's inline SVG."""
    degree: dict[str, int] = {}
    for source, _, target in onto.links:
        if source != target:
            degree[source] = degree.get(source, 0) + 1
            degree[target] = degree.get(target, 0) + 1
    main = sorted(degree, key=lambda iri: (-degree[iri], iri))[:DIAGRAM_CLASSES]
    main.sort(key=_compact)
    width, height = 960, 640
    nodes = {}
    for i, iri in enumerate(main):
        angle = 2 * math.pi * i / len(main) - math.pi / 2
        nodes[iri] = {
            "id": iri[len(DEF) :] if iri.startswith(DEF) else None,
            "text": _compact(iri),
            "x": round(width / 2 + 370 * math.cos(angle)),
            "y": round(height / 2 + 270 * math.sin(angle)),
        }
    labels: dict[tuple[str, str], list[str]] = {}
    for source, prop, target in onto.links:
        if source in nodes and target in nodes and source != target:
            labels.setdefault((source, target), []).append("tp:" + prop[len(DEF) :])
    edges = [
        {
            "from": nodes[s],
            "to": nodes[t],
            "label": ", ".join(sorted(set(names))[:2]) + (" …" if len(set(names)) > 2 else ""),
            "kind": "property",
        }
        for (s, t), names in labels.items()
    ]
    for term in onto.terms:
        if term.kind == "class" and term.iri in nodes:
            for parent in term.supers:
                if parent in nodes:
                    edges.append(
                        {"from": nodes[term.iri], "to": nodes[parent], "label": "", "kind": "subclass"}
                    )
    for edge in edges:  # arrow ends stop at the box, not its centre
        (x1, y1), (x2, y2) = (edge["from"]["x"], edge["from"]["y"]), (edge["to"]["x"], edge["to"]["y"])
        length = math.hypot(x2 - x1, y2 - y1) or 1
        shorten = min(60, length / 3)
        edge["x1"], edge["y1"] = (
            round(x1 + (x2 - x1) * shorten / length),
            round(y1 + (y2 - y1) * shorten / length),
        )
        edge["x2"], edge["y2"] = (
            round(x2 - (x2 - x1) * shorten / length),
            round(y2 - (y2 - y1) * shorten / length),
        )
        # The label nearer the source: edges into one busy class would pile their labels up at its middle.
        edge["lx"], edge["ly"] = round(x1 + (x2 - x1) * 0.35), round(y1 + (y2 - y1) * 0.35)
    return {"width": width, "height": height, "nodes": list(nodes.values()), "edges": edges}


def page_data(engine) -> dict:
    onto = ontology()
    counts = instance_counts(engine)
    lang = current_lang()
    by_iri = {t.iri: t for t in onto.terms}

    def ref(iri: str) -> dict:
        """A reference to a term: an anchor on this page for our own, else a link to the IRI."""
        if iri in by_iri:
            return {"text": f"tp:{by_iri[iri].id}", "href": f"#{by_iri[iri].id}"}
        return {"text": _compact(iri), "href": iri if iri.startswith(("http://", "https://")) else None}

    terms = []
    for term in onto.terms:
        query = example_query(term)
        terms.append(
            {
                "id": term.id,
                "iri": term.iri,
                "kind": term.kind,
                "label": term.label,
                "comment": term.comment,
                "domain": [ref(i) for i in term.domain],
                "range": [ref(i) for i in term.range],
                "supers": [ref(i) for i in term.supers],
                "subs": [ref(i) for i in term.subs],
                "inverse": [ref(i) for i in term.inverse],
                "shapes": term.shapes,
                "count": counts.get(term.iri, 0),
                "query": query,
                "query_link": "/sparql?" + urlencode({"query": query}),
            }
        )
    return {
        "title": onto.title,
        "description": onto.description,
        "version": onto.version,
        "lang": lang,
        "namespace": DEF,
        "terms": terms,
        "diagram": diagram(onto),
        "sections": [(kind, [t for t in terms if t["kind"] == kind]) for _, kind in KINDS],
    }


@bp.route("/def")
@bp.route("/def.<suffix>")
def ontology_page(suffix=None):
    fmt = choose(
        {**RDF_FORMATS, "html": HTML}, suffix=suffix, suffixes=SUFFIXES, strict=True, what="the ontology"
    )
    # The page shows instance counts (store version); the RDF is the files alone.
    fresh(_files_stamp(), engine().version if fmt == "html" else "", fmt)
    if fmt == "html":
        return Response(
            render_template("ontology.html", o=page_data(engine())), headers={"Content-Type": HTML}
        )
    body = ox.serialize(
        ontology().triples,
        format=_formats()[fmt],
        prefixes=PREFIXES if fmt in ("turtle", "rdfxml", "jsonld") else None,
    )
    return Response(body, headers={"Content-Type": negotiation.media_type(fmt)})


def _formats():
    from graph.query import GRAPH_FORMATS

    return GRAPH_FORMATS
