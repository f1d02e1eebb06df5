"""The W3C SPARQL 1.1 Protocol at /sparql, the service description and the query editor."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl

from flask import Blueprint, Response, abort, current_app, request
from werkzeug.datastructures import MIMEAccept, MultiDict
from werkzeug.http import parse_accept_header
from werkzeug.sansio.utils import get_current_url

from graph.terms import parse_iri
from graph.update_dataset import DatasetConflict, clear_missing_as_empty, with_dataset
from server import editor, negotiation
from server.representation import choose, engine, fresh, vary_on_accept
from server.service_description import service_description

bp = Blueprint("sparql", __name__)
bp.add_app_template_global(editor.saved_query_link, "editor_link")

QUERY_TYPES = ("application/sparql-query",)
UPDATE_TYPES = ("application/sparql-update",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _mimetype() -> str:
    return (request.mimetype or "").lower()


@bp.route("/sparql", methods=["GET", "POST"], provide_automatic_options=False)
def sparql():
    params = _params()
    query, update = _operation(params)
    if query is None and update is None:
        if request.method == "POST":
            abort(
                400,
                "POST a 'query' or 'update' (form-encoded, or as application/sparql-query / "
                "application/sparql-update)",
            )
        return _describe_or_edit()
    if query is not None and update is not None:
        abort(400, "a request carries either a query or an update, not both")
    if _wants_editor(query, params):
        return editor.render(query)
    if update is not None:
        if request.method != "POST":
            abort(405, "updates must be POSTed")
        try:
            update = with_dataset(
                update, _graph_list(params, "using-graph-uri"), _graph_list(params, "using-named-graph-uri")
            )
        except DatasetConflict as error:
            abort(400, str(error))
        engine().authorise(request.headers.get("Authorization"))
        engine().update(clear_missing_as_empty(update), base_iri=request.base_url)
        return Response(status=204)
    return run_query(query, params)


def _params() -> MultiDict:
    """The protocol parameters: the URL's, and a form body's. Decoded strictly: a parameter that
    is not UTF-8 is a 400, not a query with U+FFFD in it (werkzeug's own decoding replaces)."""
    params = MultiDict(_decode_form(request.query_string, "the URL's query string"))
    if request.method == "POST" and _mimetype() == "application/x-www-form-urlencoded":
        params.update(_decode_form(request.get_data(cache=True), "the form body"))
    elif request.method == "POST" and _mimetype() == "multipart/form-data":
        params.update(request.form)
    return params


def _decode_form(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        abort(400, f"{where} is not valid UTF-8 (the SPARQL protocol sends UTF-8)")


def _single(params: MultiDict, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        abort(400, f"the request carries {len(values)} '{name}' parameters; the protocol allows one")
    return values[0] if values else None


def _operation(params: MultiDict) -> tuple[str | None, str | None]:
    """The query or update text of the request, by the protocol's three ways of sending it."""
    if request.method == "GET":
        if "update" in params:
            abort(405, "updates must be POSTed")
        return _single(params, "query"), None
    mimetype = _mimetype()
    if mimetype in QUERY_TYPES + UPDATE_TYPES:
        if "query" in params or "update" in params:
            abort(400, "a request with a SPARQL body carries no 'query' or 'update' parameter besides it")
        text = _body_text()
        return (text, None) if mimetype in QUERY_TYPES else (None, text)
    if mimetype in FORM_TYPES:
        return _single(params, "query"), _single(params, "update")
    if not mimetype:
        abort(
            415,
            "a POST needs a Content-Type: application/sparql-query, application/sparql-update "
            "or application/x-www-form-urlencoded",
        )
    abort(
        415,
        f"unsupported content type {mimetype!r}: use application/sparql-query, "
        "application/sparql-update or application/x-www-form-urlencoded",
    )


def _body_text() -> str:
    charset = (request.mimetype_params.get("charset") or "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        abort(415, f"the body is declared as {charset!r}; the SPARQL protocol sends UTF-8")
    try:
        return request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        abort(400, "the request body is not valid UTF-8")


def _graph_list(params: MultiDict, name: str) -> list[str]:
    return [parse_iri(value, name).value for value in params.getlist(name)]


def run_query(query: str, params: MultiDict) -> Response:
    if not query.strip():
        abort(400, "the query is empty")
    default_graphs = _graph_list(params, "default-graph-uri")
    named_graphs = _graph_list(params, "named-graph-uri")
    fmt_param = params.get("format")
    # Relative IRIs in the query resolve against the endpoint's own address, as in updates.
    base = _base_url()
    # Repeated reads of the same query come from the cache; the key carries the store
    # version, so an update or build is never answered with an old result.
    key = (
        engine().version,
        query,
        tuple(default_graphs),
        tuple(named_graphs),
        request.headers.get("Accept", ""),
        fmt_param,
        base,
    )
    # A GET is cacheable by HTTP too: its ETag is the same key, decided before any work.
    vary_on_accept()  # the format is chosen once the result's kind is known
    if request.method == "GET":
        fresh(*key, by_language=False)  # results are data, the same in every page language
    cache = current_app.extensions["techniekpact.cache"]
    hit = cache.get(key)
    if hit is None:
        result = engine().query(
            query, default_graphs=default_graphs or None, named_graphs=named_graphs or None, base_iri=base
        )
        fmt = choose(
            negotiation.table_for(result.kind),
            fmt=fmt_param or "",
            strict=True,
            what=f"a {result.kind.upper()} result",
        )
        hit = (result.serialize(fmt), negotiation.media_type(fmt))
        cache.put(key, hit, len(hit[0]))
    body, media = hit
    return Response(body, headers={"Content-Type": media, **_download(media, fmt_param)})


def _wants_editor(query: str | None, params: MultiDict) -> bool:
    """A permalink opened in a browser: a GET of a query, HTML preferred, no `format=`.
    Machine clients (SPARQLWrapper, curl's */*) name a result type or none, and get results."""
    return (
        request.method == "GET"
        and query is not None
        and not params.get("format")
        and _prefers_html(request.headers.get("Accept", ""))
    )


@lru_cache(maxsize=256)
def _prefers_html(accept: str) -> bool:
    """negotiation.prefers_html for an Accept header, cached: clients send few distinct headers,
    and matching one took a fifth of a tiny query's time."""
    return negotiation.prefers_html(parse_accept_header(accept, MIMEAccept))


# The endpoint's own address for a request's host and path, cached: werkzeug's turning of the
# URL into an IRI took a tenth of a tiny query's time, for the same few strings each time.
_current_url = lru_cache(maxsize=256)(get_current_url)


def _base_url() -> str:
    """request.base_url, the base IRI of a query."""
    return _current_url(request.scheme, request.host, request.root_path, request.path)


def _download(media: str, fmt_param: str | None) -> dict[str, str]:
    """A result asked for by `format=` is a file to save (the editor's download buttons)."""
    return {"Content-Disposition": negotiation.attachment(media)} if fmt_param else {}


def _describe_or_edit():
    if negotiation.prefers_html(request.accept_mimetypes):
        return editor.render()
    counts = current_app.extensions["techniekpact.summaries"].counts()
    graph = service_description(engine(), request.base_url, counts)
    fmt = choose(negotiation.GRAPH_MEDIA, strict=True, what="the service description")
    return Response(graph.serialize(fmt), headers={"Content-Type": negotiation.media_type(fmt)})


@bp.route("/sparql", methods=["OPTIONS"])
def preflight():
    return Response(
        status=204,
        headers={
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "86400",
        },
    )
