"""The SPARQL 1.1 Graph Store HTTP Protocol at /store (?graph=IRI or ?default).

Reads are public; PUT, POST and DELETE need the update token, like SPARQL Update. A body
is parsed completely before anything is written, and the write is one update, so a bad
upload changes nothing.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, request

from server import negotiation

bp = Blueprint("graph_store", __name__)


def _engine():
    return current_app.extensions["techniekpact.engine"]


def _target() -> str | None:
    """The graph IRI addressed, or None for the default graph."""
    has_graph, has_default = "graph" in request.args, "default" in request.args
    if has_graph == has_default:
        abort(400, "address exactly one graph: ?graph=<IRI> or ?default")
    if has_default:
        return None
    iri = request.args["graph"]
    if not iri.startswith(("http://", "https://", "urn:")) or any(c in iri for c in '<>" {}|\\^`'):
        abort(400, f"graph must be an absolute IRI, got {iri!r}")
    return iri


@bp.route("/store", methods=["GET", "HEAD"])
def read():
    graph = _target()
    engine = _engine()
    if graph and not engine.graph_exists(graph):
        abort(404, f"there is no graph {graph}")
    fmt = negotiation.choose(request.headers.get("Accept"), request.args.get("format"), "graph")
    return Response(engine.graph_triples(graph).serialize(fmt),
                    headers={"Content-Type": negotiation.media_type(fmt), "Access-Control-Allow-Origin": "*"})


@bp.route("/store", methods=["PUT", "POST", "DELETE"])
def write():
    engine = _engine()
    engine.authorise(request.headers.get("Authorization"))
    graph = _target()
    if request.method == "DELETE":
        if graph and not engine.graph_exists(graph):
            abort(404, f"there is no graph {graph}")
        engine.replace_graph(graph, None)
        return Response(status=204)
    fmt = ox.RdfFormat.from_media_type(request.mimetype or "")
    if fmt is None or fmt.supports_datasets:
        abort(415, f"unsupported content type {request.mimetype!r}: send text/turtle, application/n-triples, "
                   "application/rdf+xml or application/ld+json")
    try:
        triples = list(ox.parse(request.get_data(), format=fmt))
    except SyntaxError as error:
        abort(400, f"the {fmt.name} body does not parse: {error}")
    existed = graph is None or engine.graph_exists(graph)
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    engine.replace_graph(graph, body, append=request.method == "POST")
    return Response(status=204 if existed else 201)
