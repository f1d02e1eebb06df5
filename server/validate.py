"""The SHACL validation report at /validate: HTML for coordinators, JSON and Turtle for machines.

The report is made once per store version (a build or an update changes the version), in a
child process (server/reports.py); requests render it, they never run pyshacl. HTML and JSON
are made from the same report dict; Turtle is the sh:ValidationReport graph itself. The HTML
lists the findings a page at a time: at 100× the curated graph there are 62,900.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from graph.shacl.formats import to_json
from graph.shacl.report import SEVERITIES, group_by_shape, select
from server.rendering import MAX_PAGE, conditional, etag_for, not_modified, positive_arg
from server.reports import Report

bp = Blueprint("validate", __name__)

MEDIA = {"html": "text/html; charset=utf-8", "json": "application/json", "turtle": "text/turtle; charset=utf-8"}
SUFFIXES = {"json": "json", "ttl": "turtle"}
ALIASES = {"ttl": "turtle", "text/turtle": "turtle", "application/json": "json", "text/html": "html"}
PER_PAGE = 500  # findings on one HTML page


def _engine():
    return current_app.extensions["techniekpact.engine"]


def current_report() -> Report:
    """The report for the store's current version; a request waits for it at most the query time limit."""
    return current_app.extensions["techniekpact.reports"].get(_engine().config.query_timeout)


def _format(suffix: str | None) -> str:
    if suffix:
        if suffix not in SUFFIXES:
            abort(404, f"no {suffix!r} rendering of the report; use .json, .ttl or none for HTML")
        return SUFFIXES[suffix]
    fmt = request.args.get("format")
    if fmt:
        fmt = ALIASES.get(fmt.lower(), fmt.lower())
        if fmt not in MEDIA:
            abort(400, "format must be html, json or turtle")
        return fmt
    best = request.accept_mimetypes.best_match(["text/html", "application/json", "text/turtle"])
    return {"application/json": "json", "text/turtle": "turtle"}.get(best, "html")


@bp.route("/validate")
@bp.route("/validate.<suffix>")
def report(suffix=None):
    fmt = _format(suffix)
    filters = {k: request.args.get(k) or None for k in ("severity", "shape", "landsdeel")}
    if filters["severity"] and filters["severity"].capitalize() not in SEVERITIES:
        abort(400, f"severity must be one of {', '.join(SEVERITIES)}")
    page = positive_arg("page", 1, MAX_PAGE) if fmt == "html" else 1
    version = _engine().version
    etag = etag_for(version, "validate", fmt, *filters.values(), page)
    if not_modified(etag):
        return conditional(Response(), etag)
    report = current_report()
    headers = {"Access-Control-Allow-Origin": "*", "Vary": "Accept"}
    if fmt == "turtle":
        response = send_file(report.turtle, mimetype=MEDIA["turtle"], etag=False, conditional=False, max_age=None)
        response.headers.update(headers)
        return conditional(response, etag)
    data = report.data
    selected = select(data, **filters)
    if fmt == "json":
        body = to_json({**data, "findings": selected, "filters": filters}).encode("utf-8")
    else:
        pages = max(1, -(-len(selected) // PER_PAGE))
        if page > pages:
            abort(404, f"there are {pages} pages of findings; page {page} is past the last")
        shown = selected[(page - 1) * PER_PAGE:page * PER_PAGE]
        body = render_template("validate.html", r=data, groups=group_by_shape(shown), selected=len(selected),
                               first=(page - 1) * PER_PAGE + 1, last=(page - 1) * PER_PAGE + len(shown),
                               page=page, pages=pages, filters=filters, severities=SEVERITIES).encode("utf-8")
    return conditional(Response(body, headers={**headers, "Content-Type": MEDIA[fmt]}), etag)
