"""How every route answers, in one place: the format (the address's suffix, `format=`, then
`Accept`), the CORS header, and the ETag, decided before the work.

A route names the formats it offers and calls `choose`; it names what its answer depends on
(store version, arguments; the page's language is added here) and calls `fresh` before any
lookup or rendering: a client that already has that answer gets an empty 304 at once. The
`after_request` hook then puts the ETag, the caching rule, `Vary: Accept` (when Accept chose
the format) and `Access-Control-Allow-Origin` on whatever the route returned.
"""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, g, request

from server import negotiation
from server.rendering import REVALIDATE, etag_for

HTML = "text/html; charset=utf-8"
JSON = "application/json"
CSV = "text/csv; charset=utf-8"
# The RDF formats (name → media type) offered for graphs: Turtle first, the default.
RDF_FORMATS = {name: negotiation.media_type(name) for name in negotiation.GRAPH_MEDIA}


def engine():
    """The Engine of the app serving this request."""
    return current_app.extensions["techniekpact.engine"]


def choose(
    offered: dict[str, str],
    *,
    suffix: str | None = None,
    suffixes: dict[str, str] | None = None,
    fmt: str | None = None,
    strict: bool = False,
    what: str = "this address",
) -> str:
    """The name (a key of `offered`, name → media type) of the format to answer in: the address's
    suffix (`suffixes` maps it to a name; another suffix is a 404), else the `format` parameter
    (`fmt` when the route reads it elsewhere, e.g. a form body), else the Accept header, else the
    first offered. A browser (HTML ranked at least as high as any RDF or result format) gets
    "html" when it is offered. A `format` not offered is a 406, and so, when `strict`, is an Accept header
    that names only types not offered."""
    if suffix is not None:
        if not suffixes or suffix not in suffixes:
            abort(
                404,
                f"no {suffix!r} rendering here; use {', '.join('.' + s for s in suffixes or {})}"
                f"{' or none' if 'html' in offered else ''}",
            )
        return suffixes[suffix]
    fmt = fmt if fmt is not None else request.args.get("format")
    if not fmt:
        g.vary_accept = True  # the answer depends on the Accept header
        if "html" in offered and negotiation.prefers_html(request.accept_mimetypes):
            return "html"
    media = tuple((name, value.split(";")[0].strip()) for name, value in offered.items())  # no charset
    return negotiation.pick(request.headers.get("Accept"), fmt, media, what, strict)


def vary_on_accept() -> None:
    """The answer depends on the Accept header (for a route that chooses its format late)."""
    g.vary_accept = True


def fresh(*parts, by_language: bool = True) -> str:
    """The ETag of an answer that depends on `parts` (and the page's language, unless
    `by_language` is False). When the client already has it, the request ends here with an
    empty 304; else the ETag is put on the answer."""
    etag = g.etag = etag_for(*parts, by_language=by_language)
    if request.if_none_match.contains(etag):
        abort(Response(status=304))
    return etag


def register(app: Flask) -> None:
    @app.after_request
    def representation_headers(response: Response) -> Response:
        # Every answer may be read by a page of another site: the data is public, and writes
        # need the update token, which a browser does not send by itself.
        response.headers["Access-Control-Allow-Origin"] = "*"
        if "Link" in response.headers:
            response.headers["Access-Control-Expose-Headers"] = "Link"
        if g.get("vary_accept"):
            response.vary.add("Accept")
        etag = g.get("etag")
        if etag is not None and response.status_code in (200, 304):
            response.set_etag(etag)
            # A client may keep what it got but must ask again before each reuse (rendering.REVALIDATE).
            response.headers["Cache-Control"] = REVALIDATE
        return response
