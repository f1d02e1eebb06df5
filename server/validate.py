"""The SHACL validation report at /validate: HTML for coordinators, JSON and Turtle for machines.

The report is computed once per store version (a build or an update changes the version)
and kept; requests render it, they never re-run pyshacl. HTML and JSON are made from the
same report dict; Turtle is the sh:ValidationReport graph itself.
"""

from __future__ import annotations

import threading

from flask import Blueprint, Response, abort, current_app, render_template, request

from graph import validate as v
from server.rendering import conditional, etag_for, not_modified

bp = Blueprint("validate", __name__)

MEDIA = {"html": "text/html; charset=utf-8", "json": "application/json", "turtle": "text/turtle; charset=utf-8"}
SUFFIXES = {"json": "json", "ttl": "turtle"}
ALIASES = {"ttl": "turtle", "text/turtle": "turtle", "application/json": "json", "text/html": "html"}
_lock = threading.Lock()  # one validation at a time: a second request waits for the first's report


def _engine():
    return current_app.extensions["techniekpact.engine"]


def current_report() -> dict:
    """The report for the store's current version, computed on first use."""
    engine = _engine()
    version = engine.version
    cached = current_app.extensions.get("techniekpact.validation")
    if cached and cached[0] == version:
        return cached[1]
    with _lock:
        cached = current_app.extensions.get("techniekpact.validation")
        if cached and cached[0] == version:
            return cached[1]
        report = v.validate_store(engine.store, version)
        current_app.extensions["techniekpact.validation"] = (version, report)
        return report


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
    if filters["severity"] and filters["severity"].capitalize() not in v.SEVERITIES:
        abort(400, f"severity must be one of {', '.join(v.SEVERITIES)}")
    version = _engine().version
    etag = etag_for(version, "validate", fmt, *filters.values())
    if not_modified(etag):
        return conditional(Response(), etag)
    data = current_report()
    if fmt == "turtle":
        body = v.to_turtle(data)
    else:
        shown = v.select(data, **filters)
        if fmt == "json":
            body = v.to_json({**data, "findings": shown, "filters": filters}).encode("utf-8")
        else:
            body = render_template("validate.html", r=data, groups=v.group_by_shape(shown), shown=len(shown),
                                   filters=filters, severities=v.SEVERITIES).encode("utf-8")
    headers = {"Content-Type": MEDIA[fmt], "Access-Control-Allow-Origin": "*", "Vary": "Accept"}
    return conditional(Response(body, headers=headers), etag)
