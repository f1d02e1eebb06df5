"""The W3C SPARQL 1.1 Protocol at /sparql, the service description and the query editor."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, request

from graph.terms import parse_iri
from server import editor, negotiation
from server.service_description import service_description

bp = Blueprint("sparql", __name__)
bp.add_app_template_global(editor.saved_query_link, "editor_link")

QUERY_TYPES = ("application/sparql-query",)
UPDATE_TYPES = ("application/sparql-update",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CORS = {"Access-Control-Allow-Origin": "*", "Vary": "Accept"}


def engine():
    return current_app.extensions["techniekpact.engine"]


def _mimetype() -> str:
    return (request.mimetype or "").lower()


@bp.route("/sparql", methods=["GET", "POST"], provide_automatic_options=False)
def sparql():
    query, update = _operation()
    if query is None and update is None:
        if request.method == "POST":
            abort(400, "POST a 'query' or 'update' (form-encoded, or as application/sparql-query / "
                       "application/sparql-update)")
        return _describe_or_edit()
    if query is not None and update is not None:
        abort(400, "a request carries either a query or an update, not both")
    if _wants_editor(query):
        return editor.render(query)
    if update is not None:
        if request.method != "POST":
            abort(405, "updates must be POSTed")
        if request.args.getlist("using-graph-uri") or request.args.getlist("using-named-graph-uri"):
            abort(400, "using-graph-uri and using-named-graph-uri are not supported; use USING in the update")
        engine().authorise(request.headers.get("Authorization"))
        engine().update(update, base_iri=request.base_url)
        return Response(status=204)
    return run_query(query)


def _operation() -> tuple[str | None, str | None]:
    """The query or update text of the request, by the protocol's three ways of sending it."""
    if request.method == "GET":
        if "update" in request.args:
            abort(405, "updates must be POSTed")
        return request.args.get("query"), None
    mimetype = _mimetype()
    if mimetype in QUERY_TYPES:
        return _body_text(), None
    if mimetype in UPDATE_TYPES:
        return None, _body_text()
    if mimetype in FORM_TYPES or not mimetype:
        return request.form.get("query"), request.form.get("update")
    abort(415, f"unsupported content type {mimetype!r}: use application/sparql-query, "
               "application/sparql-update or application/x-www-form-urlencoded")


def _body_text() -> str:
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, "the request body is not UTF-8")


def _graph_list(name: str) -> list[str]:
    values = request.args.getlist(name) + (request.form.getlist(name) if request.method == "POST" else [])
    return [parse_iri(value, name).value for value in values]


def run_query(query: str) -> Response:
    if not query.strip():
        abort(400, "the query is empty")
    default_graphs = _graph_list("default-graph-uri")
    named_graphs = _graph_list("named-graph-uri")
    # Repeated reads of the same query come from the cache; the key carries the store
    # version, so an update or build is never answered with an old result.
    key = (engine().version, query, tuple(default_graphs), tuple(named_graphs),
           request.headers.get("Accept", ""), request.values.get("format"))
    cache = current_app.extensions["techniekpact.cache"]
    hit = cache.get(key)
    if hit is None:
        result = engine().query(query, default_graphs=default_graphs or None, named_graphs=named_graphs or None)
        fmt = negotiation.choose(request.headers.get("Accept"), request.values.get("format"), result.kind)
        hit = (result.serialize(fmt), negotiation.media_type(fmt))
        cache.put(key, hit, len(hit[0]))
    body, media = hit
    return Response(body, headers={**CORS, "Content-Type": media, **_download(media)})


def _wants_editor(query: str | None) -> bool:
    """A permalink opened in a browser: a GET of a query, HTML preferred, no `format=`.
    Machine clients (SPARQLWrapper, curl's */*) name a result type or none, and get results."""
    return (request.method == "GET" and query is not None and not request.args.get("format")
            and negotiation.prefers_html(request.accept_mimetypes))


def _download(media: str) -> dict[str, str]:
    """A result asked for by `format=` is a file to save (the editor's download buttons)."""
    return {"Content-Disposition": negotiation.attachment(media)} if request.values.get("format") else {}


def _describe_or_edit():
    if negotiation.prefers_html(request.accept_mimetypes):
        return editor.render()
    graph = service_description(engine(), request.base_url)
    fmt = negotiation.choose(request.headers.get("Accept"), request.args.get("format"), "graph")
    return Response(graph.serialize(fmt), headers={**CORS, "Content-Type": negotiation.media_type(fmt)})


@bp.route("/sparql", methods=["OPTIONS"])
def preflight():
    return Response(status=204, headers={
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Accept",
        "Access-Control-Max-Age": "86400",
    })
