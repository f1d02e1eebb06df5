"""One place that turns known user mistakes into clear 4xx answers in the requested format."""

from __future__ import annotations

import re

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from graph.guard import RemoteAccessRefused, RequestTooComplex, Unverifiable
from graph.remote import RemoteUnavailable
from graph.saved_queries import ParameterError
from graph.store import StoreMissing
from graph.terms import BadIRI
from server.engine import QueryTimeout, ResultTooLarge, UpdateFailed, UpdatesDisabled
from server.negotiation import NotAcceptable, prefers_html
from server.prepared import StillPreparing
from server.reports import ReportUnavailable
from server.workers import WorkerError, WorkerLost

RETRY_AFTER_S = 5  # a 503 says when to ask again; a page not ready yet asks again by itself

# exception class → (status, short title)
KNOWN = [
    (SyntaxError, 400, "Malformed query"),
    (ParameterError, 400, "Bad parameter"),
    (BadIRI, 400, "Bad IRI"),
    (RequestTooComplex, 400, "Request too large or too deeply nested"),
    (Unverifiable, 400, "Request cannot be checked"),
    (ResultTooLarge, 400, "Result too large"),
    (UpdateFailed, 400, "Update failed"),
    (RemoteAccessRefused, 403, "Remote access refused"),
    (UpdatesDisabled, 403, "Updates disabled"),
    (PermissionError, 401, "Not authorised"),
    (NotAcceptable, 406, "Not acceptable"),
    (QueryTimeout, 503, "Query timed out"),
    (StillPreparing, 503, "Not ready yet"),
    (ReportUnavailable, 503, "Validation report not available"),
    (WorkerLost, 503, "Query worker lost"),
    (WorkerError, 400, "Query failed"),
    (StoreMissing, 503, "Store not available"),
    (RemoteUnavailable, 503, "Store not available"),
]


def describe(error: Exception) -> str:
    if isinstance(error, SyntaxError):
        text = str(error.msg if getattr(error, "msg", None) else error)
        # Oxigraph's messages list every expected token; the first line and position suffice.
        text = text.splitlines()[0]
        # Cut the long list of character classes Oxigraph appends after the tokens.
        return re.split(r",? \[", text, maxsplit=1)[0]
    return str(error)


def respond(status: int, title: str, message: str, ask_again: bool = False):
    headers = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="techniekpact"'
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_S)
    if prefers_html(request.accept_mimetypes):
        return (
            render_template(
                "error.html",
                status=status,
                title=title,
                message=message,
                ask_again=ask_again,
                retry_after=RETRY_AFTER_S,
            ),
            status,
            headers,
        )
    if request.accept_mimetypes.best in ("application/json",) or request.path.endswith(".json"):
        return jsonify(error=title, message=message, status=status), status, headers
    return f"{title}: {message}\n", status, {**headers, "Content-Type": "text/plain; charset=utf-8"}


def register(app: Flask) -> None:
    for cls, status, title in KNOWN:
        # Only what is being prepared is asked for again: a query that timed out would time out again.
        app.register_error_handler(
            cls, lambda e, s=status, t=title, again=cls is StillPreparing: respond(s, t, describe(e), again)
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return respond(error.code or 500, error.name, error.description or error.name)
