"""The saved query library at /queries and /queries/<name> (HTML, JSON, CSV).

Parameters come from the query string and are bound as typed RDF terms. Results carry an
ETag tied to the store version; repeated requests are answered from a small cache that
every update or build invalidates (the version changes).
"""

from __future__ import annotations

import json
from flask import Blueprint, Response, abort, current_app, render_template, request

from graph import saved_queries
from server.rendering import conditional, csv_bytes, etag_for, not_modified, table_data

bp = Blueprint("queries", __name__)
FORMATS = {"json": "application/json", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


def _engine():
    return current_app.extensions["techniekpact.engine"]


def _format(suffix: str | None) -> str:
    if suffix:
        if suffix not in FORMATS:
            abort(404, f"no {suffix!r} rendering; use .json, .csv or none for HTML")
        return suffix
    fmt = request.args.get("format")
    if fmt:
        if fmt not in FORMATS:
            abort(400, f"format must be one of {', '.join(FORMATS)}")
        return fmt
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "text/csv"])
    return {"application/json": "json", "text/csv": "csv"}.get(best, "html")


def _saved(name: str) -> saved_queries.SavedQuery:
    try:
        return saved_queries.load(name)
    except KeyError:
        abort(404, f"there is no saved query {name!r}")


def listing() -> list[dict]:
    return [{"name": q.name, "title": q.label("nl"), "title_en": q.label("en"),
             "description": q.description("nl"), "description_en": q.description("en"),
             "audience": q.audience, "keywords": q.keywords,
             "parameters": [{"name": p.name, "type": p.type, "default": p.default, "doc": p.doc} for p in q.params]}
            for q in saved_queries.load_all()]


@bp.route("/queries")
@bp.route("/queries.<suffix>")
def index(suffix=None):
    fmt = _format(suffix)
    items = listing()
    if fmt == "json":
        return Response(json.dumps({"queries": items}, ensure_ascii=False), mimetype="application/json")
    if fmt == "csv":
        abort(404, "the list of queries is offered as HTML and JSON")
    return render_template("queries.html", queries=items)


def run_saved(query: saved_queries.SavedQuery, values: dict[str, str]) -> dict:
    """Evaluate a saved query and build the one data dict every rendering uses."""
    engine = _engine()
    bound = saved_queries.bind(query, values)
    result = engine.query(query.text, substitutions=bound)
    if result.kind != "select":
        abort(500, "saved queries are SELECT queries")
    table = table_data(engine.store, result.variables, result.rows)
    return {"name": query.name, "title": query.label("nl"), "title_en": query.label("en"),
            "description": query.description("nl"), "description_en": query.description("en"),
            "audience": query.audience, "query": query.text,
            "parameters": [{"name": p.name, "type": p.type, "doc": p.doc,
                            "value": values.get(p.name, p.default)} for p in query.params],
            **table}


@bp.route("/queries/<name>")
@bp.route("/queries/<name>.<suffix>")
def show(name, suffix=None):
    query = _saved(name)
    fmt = _format(suffix)
    values = {k: v for k, v in request.args.items() if k != "format"}
    engine = _engine()
    key = (engine.version, name, tuple(sorted(values.items())), fmt)
    etag = etag_for(*key)
    if not_modified(etag):
        return conditional(Response(), etag)
    cache = current_app.extensions["techniekpact.cache"]
    body = cache.get(key)
    if body is None:
        data = run_saved(query, values)
        if fmt == "json":
            body = json.dumps(data, ensure_ascii=False).encode()
        elif fmt == "csv":
            body = csv_bytes(data)
        else:
            body = render_template("query.html", q=data, extra=_extra_view(data)).encode()
        cache.put(key, body, len(body))
    headers = {"Access-Control-Allow-Origin": "*"}
    if fmt == "csv":
        headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return conditional(Response(body, headers={**headers, "Content-Type": FORMATS[fmt]}), etag)


def _extra_view(data: dict) -> dict | None:
    """Views some queries add to their page (the coverage matrix's heat map)."""
    from server.heatmap import heatmap_for
    return heatmap_for(data)
