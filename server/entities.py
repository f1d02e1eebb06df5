"""Entity pages at /id/{kind}/{slug}: HTML for people, RDF for machines (Accept or suffix).

The page groups a resource's properties in an order that suits its kind, shows timelines
as years, lists incoming links, and names the graph (source document) of every statement.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template

from graph import merge
from graph.labels import compact
from graph.namespaces import DEF, DERIVED_GRAPH, GRAPH, ID, INFERRED_GRAPH, PREFIXES
from graph.terms import BadIRI, parse_iri
from server import negotiation
from server.i18n import current_lang
from server.rendering import cell, href
from server.representation import HTML, RDF_FORMATS, choose, engine, fresh

bp = Blueprint("entities", __name__)

SUFFIXES = {"ttl": "turtle", "jsonld": "jsonld", "nt": "ntriples", "rdf": "rdfxml"}
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dcterms"]
RDF_TYPE = PREFIXES["rdf"] + "type"
TIME = PREFIXES["time"]

# Properties shown first, in this order; the rest follow alphabetically.
ORDER = [
    SKOS + "prefLabel",
    SKOS + "altLabel",
    RDF_TYPE,
    DEF + "number",
    DCT + "description",
    DEF + "partOfPlan",
    DEF + "serves",
    DEF + "subActionOf",
    DEF + "subgoalOf",
    DEF + "actionLine",
    DEF + "owner",
    DEF + "involves",
    DEF + "involvesGroup",
    DEF + "timeline",
    DEF + "milestone",
    DEF + "scope",
    DEF + "within",
    DEF + "stateOfAffairs",
    DEF + "hasTarget",
    DEF + "budget",
    DEF + "mentions",
    DEF + "contributesTo",
    DEF + "continuedUnder",
    SKOS + "scopeNote",
    DEF + "signedBy",
    DEF + "steeredBy",
    DEF + "runBy",
    DCT + "source",
]


def _graph_name(graph: str) -> str:
    return graph[len(GRAPH) :] if graph.startswith(GRAPH) else graph


def _value_text(store, node, names) -> str:
    """A blank node (timeline, milestone, amount) summarised in one line."""
    parts = {}
    for quad in merge.quads(store, node, None, None):
        p, o = quad.predicate.value, quad.object
        if p in (TIME + "hasBeginning", TIME + "hasEnd"):
            years = [q.object.value for q in merge.quads(store, o, ox.NamedNode(TIME + "inXSDgYear"), None)]
            parts[p.rsplit("#", 1)[-1]] = years[0] if years else "?"
        elif p != RDF_TYPE:
            parts[compact(p).split(":", 1)[-1]] = names.get(o.value) or o.value
    if "hasBeginning" in parts or "hasEnd" in parts:
        return f"{parts.pop('hasBeginning', '…')} – {parts.pop('hasEnd', '…')}" + (
            " (" + ", ".join(f"{k}: {v}" for k, v in parts.items()) + ")" if parts else ""
        )
    return ", ".join(f"{k}: {v}" for k, v in sorted(parts.items()))


# Names for the standard vocabularies' properties, which the ontology does not label.
PROPERTY_NAMES = {
    SKOS + "prefLabel": ("naam", "name"),
    SKOS + "altLabel": ("andere naam", "other name"),
    RDF_TYPE: ("soort", "kind"),
    DCT + "description": ("beschrijving", "description"),
    DCT + "source": ("bron", "source"),
    DCT + "isPartOf": ("deel van", "part of"),
    SKOS + "scopeNote": ("toelichting", "note"),
    DCT + "title": ("titel", "title"),
    SKOS + "editorialNote": ("redactionele noot", "editorial note"),
}
# What a coordinator looks for first on an action: the witte vlekken of the validation shapes.
EXPECTED = [
    (DEF + "owner", ("eigenaar (initiatiefnemer)", "owner (initiator)")),
    (DEF + "timeline", ("looptijd", "timeline")),
    (DEF + "scope", ("landsdeel of landelijk (reikwijdte)", "landsdeel or national (scope)")),
]


# Everything an entity page reads, as quads (?s ?p ?o in graph ?g), in one query that a query
# worker evaluates within the time limit: its statements, the statements that point at it (at
# most INCOMING), the blank nodes it points at (timelines, amounts) two levels deep, and the
# documents its sources are part of. Labels are looked up after (Engine.labels).
INCOMING = 2000
_NEIGHBOURHOOD = """
SELECT ?s ?p ?o ?g WHERE {
  { GRAPH ?g { <%(iri)s> ?p ?o } BIND(<%(iri)s> AS ?s) }
  UNION { SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p <%(iri)s> } BIND(<%(iri)s> AS ?o) } LIMIT %(incoming)d }
  UNION { <%(iri)s> ?p0 ?s FILTER(isBlank(?s)) GRAPH ?g { ?s ?p ?o } }
  UNION { <%(iri)s> ?p0 ?b . ?b ?p1 ?s FILTER(isBlank(?b) && isBlank(?s)) GRAPH ?g { ?s ?p ?o } }
  UNION { <%(iri)s> <http://purl.org/dc/terms/source> ?s . GRAPH ?g { ?s <http://purl.org/dc/terms/isPartOf> ?o } BIND(<http://purl.org/dc/terms/isPartOf> AS ?p) }
}"""


def _neighbourhood(iri: str) -> ox.Store:
    """What the page of `iri` reads, in a small store of its own (same quads, same blank nodes)."""
    result = engine().query(_NEIGHBOURHOOD % {"iri": iri, "incoming": INCOMING}, limit=100_000)
    store = ox.Store()
    store.extend(ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in result.rows)
    return store


def entity_data(iri: str, lang: str = "nl") -> dict | None:
    store = _neighbourhood(iri)
    subject = ox.NamedNode(iri)
    out = list(merge.quads(store, subject, None, None))
    incoming = list(merge.quads(store, None, None, subject))
    if not out and not incoming:
        return None
    iris = (
        {iri}
        | {q.predicate.value for q in out + incoming}
        | {q.subject.value for q in incoming if isinstance(q.subject, ox.NamedNode)}
        | {q.object.value for q in out if isinstance(q.object, ox.NamedNode)}
        | {q.graph_name.value for q in out if isinstance(q.graph_name, ox.NamedNode)}
    )
    names = engine().labels(iris, lang)
    en = lang == "en"
    names.update({p: pair[en] for p, pair in PROPERTY_NAMES.items()})
    properties: dict[str, dict] = {}
    for quad in out:
        p = quad.predicate.value
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        entry = properties.setdefault(p, {"iri": p, "label": names.get(p) or compact(p), "values": []})
        if isinstance(quad.object, ox.BlankNode):
            value = {"type": "literal", "text": _value_text(store, quad.object, names), "value": ""}
        else:
            value = cell(quad.object, names)
        value["graph"] = _graph_name(graph)
        value["inferred"] = graph == INFERRED_GRAPH
        value["technical"] = graph in (INFERRED_GRAPH, DERIVED_GRAPH)
        if not any(
            v.get("text") == value.get("text") and v["inferred"] == value["inferred"] for v in entry["values"]
        ):
            entry["values"].append(value)
    ordered = sorted(
        properties.values(),
        key=lambda e: (ORDER.index(e["iri"]) if e["iri"] in ORDER else len(ORDER), e["label"]),
    )
    # Statements the build computed (name keys, inferred types) are folded away on the page.
    stated = [{**e, "values": [v for v in e["values"] if not v["technical"]]} for e in ordered]
    technical = [{**e, "values": [v for v in e["values"] if v["technical"]]} for e in ordered]
    is_action = any(q.predicate.value == RDF_TYPE and q.object.value == DEF + "Action" for q in out)
    missing = [{"iri": p, "label": pair[en]} for p, pair in EXPECTED if is_action and p not in properties]
    incoming_rows = sorted(
        {
            (names.get(q.predicate.value) or compact(q.predicate.value), q.subject.value)
            for q in incoming
            if isinstance(q.subject, ox.NamedNode)
            and not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == INFERRED_GRAPH)
        }
    )
    kinds = sorted(
        {
            names.get(q.object.value) or compact(q.object.value)
            for q in out
            if q.predicate.value == RDF_TYPE
            and isinstance(q.graph_name, ox.NamedNode)
            and q.graph_name.value != INFERRED_GRAPH
        }
    )
    sources = sorted({q.object.value for q in out if q.predicate.value == DCT + "source"})
    source_docs = _documents(store, sources, names)
    return {
        "iri": iri,
        "label": names.get(iri) or compact(iri),
        "kinds": kinds,
        "labels": {
            q.object.language or "": q.object.value for q in out if q.predicate.value == SKOS + "prefLabel"
        },
        "description": {
            q.object.language or "": q.object.value for q in out if q.predicate.value == DCT + "description"
        },
        "properties": [e for e in stated if e["values"]],
        "technical": [e for e in technical if e["values"]],
        "is_action": is_action,
        "missing": missing,
        "incoming": [
            {"property": p, "iri": s, "text": names.get(s) or compact(s), "href": href(s)}
            for p, s in incoming_rows
        ][:500],
        "sources": source_docs,
        "graphs": sorted(
            {_graph_name(q.graph_name.value) for q in out if isinstance(q.graph_name, ox.NamedNode)}
        ),
    }


def _documents(store, sections: list[str], names: dict) -> list[dict]:
    docs = []
    for section in sections:
        parts = sorted(
            {
                q.object.value
                for q in store.quads_for_pattern(
                    ox.NamedNode(section), ox.NamedNode(DCT + "isPartOf"), None, None
                )
            }
        )
        doc = parts[0] if parts else None
        docs.append(
            {
                "section": section,
                "section_label": names.get(section)
                or engine().labels([section]).get(section, compact(section)),
                "document": doc,
                "document_label": engine().labels([doc]).get(doc, doc) if doc else None,
                "href": href(section),
            }
        )
    return docs


def _rdf(iri: str, fmt: str) -> Response:
    result = engine().query(f"DESCRIBE <{iri}>")
    return Response(result.serialize(fmt), headers={"Content-Type": negotiation.media_type(fmt)})


# RDF for machines (Turtle when nothing is asked for), HTML for a browser.
FORMATS = {**RDF_FORMATS, "html": HTML}


@bp.route("/id/<path:path>")
def entity(path: str):
    suffix = None
    for ext in SUFFIXES:
        if path.endswith("." + ext):
            path, suffix = path[: -len(ext) - 1], ext
    try:
        iri = parse_iri(ID + path, "the address").value
    except BadIRI as error:
        abort(404, f"{error}: not an entity of this graph")
    fmt = choose(FORMATS, suffix=suffix, suffixes=SUFFIXES, strict=True, what="an entity")
    fresh(engine().version, iri, fmt)  # the client has this version: no lookup, no rendering
    data = entity_data(iri, current_lang())
    if data is None:
        abort(404, f"the graph says nothing about {iri}")
    if fmt != "html":
        return _rdf(iri, fmt)
    data = {**data, **coordinator_view(iri)}
    return Response(render_template("entity.html", e=data), mimetype="text/html")


def coordinator_view(iri: str) -> dict:
    """What the validation report says of this resource (when the report is made: the page does
    not wait for it) and the doublure candidates that involve it, with their evidence
    (server/doublures.py, which waits for them as for a saved query's prepared answer)."""
    from server.doublures import for_entity

    reports = current_app.extensions["techniekpact.reports"].ready()
    findings = [f for f in reports.data["findings"] if f["focus"]["iri"] == iri] if reports else None
    return {"findings": findings, **for_entity(iri)}
