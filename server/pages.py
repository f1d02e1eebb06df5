"""The home page, search, the timeline, downloads and the health check."""

from __future__ import annotations

import json
from functools import lru_cache

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from graph import search as search_index
from graph.query import execute
from graph.namespaces import GRAPH, ID
from server.rendering import conditional, etag_for, not_modified

bp = Blueprint("pages", __name__)


def _engine():
    return current_app.extensions["techniekpact.engine"]


def _values(sparql: str) -> list[dict]:
    result = execute(_engine().store, sparql)
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


@lru_cache(maxsize=4)
def home_data(version: str) -> dict:
    by_class = _values("""
        SELECT ?class ?label (COUNT(DISTINCT ?s) AS ?n) WHERE {
          VALUES ?class { tp:NationalPact tp:RegionalPact tp:Agenda tp:Ambition tp:Goal tp:Subgoal tp:Priority
                          tp:Action tp:Initiative org:Organization tp:Person org:Membership tp:Landsdeel tp:Province
                          tp:Subregion tp:Target qb:Observation tp:Problem tp:SourceDocument }
          ?s a ?class .
          OPTIONAL { ?class rdfs:label ?label FILTER(lang(?label) = "nl") }
        } GROUP BY ?class ?label ORDER BY DESC(?n)""")
    documents = _values(f"""
        SELECT ?g (COUNT(*) AS ?triples) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
          FILTER(STRSTARTS(STR(?g), "{GRAPH}")) }} GROUP BY ?g ORDER BY ?g""")
    goals = _values("""
        SELECT ?goal ?number ?label ?line
               (COUNT(DISTINCT ?action) AS ?actions) (COUNT(DISTINCT ?old) AS ?continued)
               (COUNT(DISTINCT ?ld) AS ?landsdelen) WHERE {
          ?goal a tp:Goal ; tp:number ?number .
          OPTIONAL { ?goal skos:prefLabel ?label FILTER(lang(?label) = "nl") }
          OPTIONAL { ?goal tp:actionLine/skos:prefLabel ?line FILTER(lang(?line) = "nl") }
          OPTIONAL { ?action tp:serves ?goal
                     OPTIONAL { ?action tp:scope ?sc . ?sc (tp:within)? ?ld . ?ld a tp:Landsdeel } }
          OPTIONAL { ?old tp:continuedUnder ?goal }
        } GROUP BY ?goal ?number ?label ?line ORDER BY ?goal""")
    return {"by_class": by_class, "documents": documents, "goals": goals}


@bp.route("/")
def home():
    engine = _engine()
    # The verdict when the report is made; the page does not wait for it (minutes at scale).
    report = current_app.extensions["techniekpact.reports"].ready()
    validation = {"conforms": report.data["conforms"], "counts": report.data["counts"]} if report else None
    etag = etag_for(engine.version, "home", bool(report))
    return conditional(Response(render_template("home.html", d=home_data(engine.version), validation=validation),
                                mimetype="text/html"), etag)


@bp.route("/health")
def health():
    engine = _engine()
    counts = engine.counts()
    answers = current_app.extensions["techniekpact.answers"]
    reports = current_app.extensions["techniekpact.reports"]
    views = current_app.extensions["techniekpact.network_views"]
    # `preparing`: the background work of this version (saved queries' default answers, unfiltered
    # network views) is not done yet. The validation report is made on its own (minutes at scale).
    return jsonify(status="ok", version=engine.version, triples=sum(counts.values()), graphs=len(counts),
                   prepared_answers=answers.prepared(), prepared_network_views=views.kept(),
                   preparing=answers.preparing or views.preparing, validation_report=reports.ready() is not None)


@lru_cache(maxsize=2)
def _index(version: str):
    return search_index.build_index(_engine().store)


@bp.route("/search")
@bp.route("/search.json", defaults={"as_json": True})
def search(as_json=False):
    text = request.args.get("q", "")
    if len(text) > 200:
        abort(400, "the search text is longer than 200 characters")
    hits = search_index.search(_index(_engine().version), text)
    groups = search_index.grouped(hits)
    if as_json or request.accept_mimetypes.best == "application/json":
        return jsonify(query=text, count=len(hits), groups=groups)
    return render_template("search.html", q=text, groups=groups, count=len(hits))


@bp.route("/dataset.<fmt>")
def dataset(fmt):
    """The whole dataset for download: N-Quads keeps the graphs, Turtle is the union."""
    formats = {"nq": (ox.RdfFormat.N_QUADS, "application/n-quads"), "trig": (ox.RdfFormat.TRIG, "application/trig"),
               "ttl": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8")}
    if fmt not in formats:
        abort(404, "the dataset is offered as .nq, .trig and .ttl")
    rdf_format, media = formats[fmt]
    etag = etag_for(_engine().version, "dataset", fmt)
    if not_modified(etag):  # the dump is the costliest answer: never made for a client that has it
        return conditional(Response(), etag)
    store = _engine().store
    if rdf_format.supports_datasets:
        body = store.dump(format=rdf_format)
    else:
        body = ox.serialize((q.triple for q in store.quads_for_pattern(None, None, None, None)), format=rdf_format)
    return conditional(Response(body, headers={"Content-Type": media,
                                               "Content-Disposition": f'attachment; filename="techniekpact.{fmt}"'}),
                       etag)


@bp.route("/void")
def void():
    """The VoID description (the dataset part of the service description)."""
    from server.service_description import service_description
    from server import negotiation
    result = service_description(_engine(), request.url_root.rstrip("/") + "/sparql")
    fmt = negotiation.choose(request.headers.get("Accept"), request.args.get("format"), "graph")
    return Response(result.serialize(fmt), headers={"Content-Type": negotiation.media_type(fmt)})


@lru_cache(maxsize=8)
def timeline_data(version: str, by: str) -> dict:
    rows = _values("""
        SELECT ?action ?number ?label ?start ?end
               (SAMPLE(?groupLabel) AS ?group) (SAMPLE(?g) AS ?groupIri) WHERE {
          ?action a tp:Action .
          OPTIONAL { ?action tp:number ?number }
          OPTIONAL { ?action skos:prefLabel ?label FILTER(lang(?label) = "nl") }
          OPTIONAL { ?action tp:timeline/time:hasBeginning/time:inXSDgYear ?start }
          OPTIONAL { ?action tp:timeline/time:hasEnd/time:inXSDgYear ?end }
          OPTIONAL { """ + ("""?action tp:serves ?g . ?g a tp:Goal .""" if by == "goal" else
                            """?action tp:scope ?sc . ?sc (tp:within)? ?g . ?g a tp:Landsdeel .""") + """
                     ?g skos:prefLabel ?groupLabel FILTER(lang(?groupLabel) = "nl") }
        } GROUP BY ?action ?number ?label ?start ?end""")
    groups: dict[str, dict] = {}
    undated = 0
    for r in rows:
        key = r["group"] or ("landelijk / zonder doel" if by == "goal" else "landelijk")
        group = groups.setdefault(key, {"label": key, "iri": r["groupIri"], "dated": [], "undated": []})
        start = int(str(r["start"])[:4]) if r["start"] else None
        end = int(str(r["end"])[:4]) if r["end"] else None
        item = {"iri": r["action"], "href": "/id/" + r["action"][len(ID):], "number": r["number"],
                "label": r["label"] or r["action"].rsplit("/", 1)[-1], "start": start, "end": end}
        if start is None and end is None:
            group["undated"].append(item)
            undated += 1
        else:
            group["dated"].append(item)
    for g in groups.values():
        g["dated"].sort(key=lambda i: (i["start"] or i["end"], i["end"] or i["start"], i["label"]))
    ordered = sorted(groups.values(), key=lambda g: (g["iri"] is None, g["label"]))
    return {"by": by, "groups": ordered, "undated": undated, "dated": len(rows) - undated,
            "years": list(range(2013, 2021))}


@bp.route("/timeline")
@bp.route("/timeline.json", defaults={"as_json": True})
def timeline(as_json=False):
    by = request.args.get("by", "goal")
    if by not in ("goal", "landsdeel"):
        abort(400, "by must be 'goal' or 'landsdeel'")
    data = timeline_data(_engine().version, by)
    if as_json:
        return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")
    return render_template("timeline.html", tl=data)
