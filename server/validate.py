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
from server.rendering import MAX_PAGE, positive_arg
from server.reports import Report
from server.representation import HTML, JSON, choose, engine, fresh

bp = Blueprint("validate", __name__)

MEDIA = {"html": HTML, "json": JSON, "turtle": "text/turtle; charset=utf-8"}
SUFFIXES = {"json": "json", "ttl": "turtle"}
PER_PAGE = 500  # findings on one HTML page


def current_report() -> Report:
    """The report for the store's current version; a request waits for it at most the query time limit."""
    return current_app.extensions["techniekpact.reports"].get(engine().config.query_timeout)


@bp.route("/validate")
@bp.route("/validate.<suffix>")
def report(suffix=None):
    fmt = choose(MEDIA, suffix=suffix, suffixes=SUFFIXES, what="the validation report")
    filters = {k: request.args.get(k) or None for k in ("severity", "shape", "landsdeel")}
    if filters["severity"] and filters["severity"].capitalize() not in SEVERITIES:
        abort(400, f"severity must be one of {', '.join(SEVERITIES)}")
    page = positive_arg("page", 1, MAX_PAGE) if fmt == "html" else 1
    fresh(engine().version, "validate", fmt, *filters.values(), page)
    report = current_report()
    if fmt == "turtle":
        return send_file(report.turtle, mimetype=MEDIA["turtle"], etag=False, conditional=False, max_age=None)
    data = report.data
    selected = select(data, **filters)
    if fmt == "json":
        body = to_json({**data, "findings": selected, "filters": filters}).encode("utf-8")
    else:
        pages = max(1, -(-len(selected) // PER_PAGE))
        if page > pages:
            abort(404, f"there are {pages} pages of findings; page {page} is past the last")
        shown = selected[(page - 1) * PER_PAGE : page * PER_PAGE]
        body = render_template(
            "validate.html",
            r=data,
            groups=group_by_shape(shown),
            selected=len(selected),
            first=(page - 1) * PER_PAGE + 1,
            last=(page - 1) * PER_PAGE + len(shown),
            page=page,
            pages=pages,
            filters=filters,
            severities=SEVERITIES,
        ).encode("utf-8")
    return Response(body, headers={"Content-Type": MEDIA[fmt]})
