"""The saved query library at /queries and /queries/<name> (HTML, JSON, CSV).

Parameters come from the query string and are bound as typed RDF terms. Answers come in
pages (`page`, from 1, and `size`, rows a page, up to the endpoint's result limit), so a
saved query answers at any scale instead of running into the result limit; every page links
the next and previous ones (`Link` header, RFC 8288, and in the HTML and JSON). Pages are cut
from the whole answer, evaluated once per store version (server/answers.py). Results
carry an ETag tied to the store version; repeated requests are answered from a small cache
that every update or build invalidates (the version changes).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from graph import saved_queries
from server.answers import PAGE_SIZE
from server.engine import SELECT, Result
from server.i18n import current_lang
from server.rendering import MAX_PAGE, conditional, csv_bytes, etag_for, not_modified, positive_arg, table_data

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


def paging() -> tuple[int, int]:
    """(page, size) from the query string; ParameterError (400) if either is not a whole
    number in range. A page is at most the endpoint's result limit."""
    largest = _engine().config.result_limit
    return positive_arg("page", 1, MAX_PAGE), positive_arg("size", min(PAGE_SIZE, largest), largest)


def run_saved(query: saved_queries.SavedQuery, values: dict[str, str], page: int = 1,
              size: int = PAGE_SIZE) -> dict:
    """One page of a saved query's answer (kept per store version, server/answers.py), as the
    one data dict every rendering uses."""
    engine = _engine()
    answer = current_app.extensions["techniekpact.answers"].get(query, saved_queries.bind(query, values))
    result = Result(SELECT, tsv=answer.slice((page - 1) * size, size + 1))
    rows = result.rows
    table = table_data(engine.store, result.variables, rows[:size], remembered=answer.labels)
    return {"name": query.name, "title": query.label("nl"), "title_en": query.label("en"),
            "description": query.description("nl"), "description_en": query.description("en"),
            "audience": query.audience, "query": query.text,
            "parameters": [{"name": p.name, "type": p.type, "doc": p.doc,
                            "value": values.get(p.name, p.default)} for p in query.params],
            "page": page, "size": size, "first_row": (page - 1) * size + 1,
            "next": page + 1 if len(rows) > size else None, "previous": page - 1 if page > 1 else None,
            **table}


def _page_links(name: str, suffix: str | None, data: dict) -> dict[str, str]:
    """URLs of the next and previous pages (link relations "next", "prev"), keeping the
    parameters, format and size."""
    args = {k: v for k, v in request.args.items() if k != "page"}
    return {rel: url_for("queries.show", name=name, suffix=suffix, page=data[key], **args)
            for rel, key in (("next", "next"), ("prev", "previous")) if data[key]}


@bp.route("/queries/<name>")
@bp.route("/queries/<name>.<suffix>")
def show(name, suffix=None):
    query = _saved(name)
    fmt = _format(suffix)
    values = {k: v for k, v in request.args.items() if k not in saved_queries.RESERVED}
    page, size = paging()
    engine = _engine()
    key = (engine.version, name, tuple(sorted(values.items())), page, size, fmt, current_lang())
    etag = etag_for(*key)
    if not_modified(etag):
        return conditional(Response(), etag)
    cache = current_app.extensions["techniekpact.cache"]
    cached = cache.get(key)
    if cached is None:
        data = run_saved(query, values, page, size)
        links = _page_links(name, suffix, data)
        if fmt == "json":
            body = json.dumps({**data, "links": links}, ensure_ascii=False).encode()
        elif fmt == "csv":
            body = csv_bytes(data)
        else:
            body = render_template("query.html", q=data, links=links, extra=_extra_view(data)).encode()
        cached = (body, links)
        cache.put(key, cached, len(body))
    body, links = cached
    headers = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "Link"}
    if links:
        headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    if fmt == "csv":
        suffix_page = f"-page-{page}" if page > 1 or links.get("next") else ""
        headers["Content-Disposition"] = f'attachment; filename="{name}{suffix_page}.csv"'
    return conditional(Response(body, headers={**headers, "Content-Type": FORMATS[fmt]}), etag)


def _extra_view(data: dict) -> dict | None:
    """Views some queries add to their page (the coverage matrix's heat map)."""
    from server.heatmap import heatmap_for
    return heatmap_for(data)
