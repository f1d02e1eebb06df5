"""The SPARQL 1.1 Graph Store HTTP Protocol at /store (?graph=IRI or ?default).

Reads are public; PUT, POST and DELETE need the update token, like SPARQL Update. A body
is parsed completely before anything is written, and the write is one update, so a bad
upload changes nothing.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, abort, request

from graph.query import GRAPH_FORMATS
from graph.terms import parse_iri
from server.representation import RDF_FORMATS, choose, engine, fresh

bp = Blueprint("graph_store", __name__)


def _target() -> str | None:
    """The graph IRI addressed, or None for the default graph."""
    has_graph, has_default = "graph" in request.args, "default" in request.args
    if has_graph == has_default:
        abort(400, "address exactly one graph: ?graph=<IRI> or ?default")
    if has_default:
        return None
    return parse_iri(request.args["graph"], "graph").value


@bp.route("/store", methods=["GET", "HEAD"])
def read():
    graph = _target()
    fmt = choose(RDF_FORMATS, strict=True, what="a graph")
    fresh(engine().version, "store", graph, fmt)
    if graph and not engine().graph_exists(graph):
        abort(404, f"there is no graph {graph}")
    rdf_format = GRAPH_FORMATS[fmt]
    if engine().streams(rdf_format):  # from the snapshot, as the client reads
        return Response(engine().stream(rdf_format, graph), headers={"Content-Type": RDF_FORMATS[fmt]})
    return Response(engine().graph_triples(graph).serialize(fmt), headers={"Content-Type": RDF_FORMATS[fmt]})


@bp.route("/store", methods=["PUT", "POST", "DELETE"])
def write():
    service = engine()
    service.authorise(request.headers.get("Authorization"))
    graph = _target()
    if request.method == "DELETE":
        if graph and not service.graph_exists(graph):
            abort(404, f"there is no graph {graph}")
        service.replace_graph(graph, None)
        return Response(status=204)
    fmt = ox.RdfFormat.from_media_type(request.mimetype or "")
    # JSON-LD can hold a dataset, but a document without named graphs is one graph: taken.
    if fmt is None or (fmt.supports_datasets and fmt != ox.RdfFormat.JSON_LD):
        abort(
            415,
            f"unsupported content type {request.mimetype!r}: send text/turtle, application/n-triples, "
            "application/rdf+xml or application/ld+json",
        )
    try:
        quads = list(ox.parse(request.get_data(), format=fmt))
    except (SyntaxError, ValueError) as error:
        abort(400, f"the {fmt.name} body does not parse: {error}")
    if any(not isinstance(quad.graph_name, ox.DefaultGraph) for quad in quads):
        abort(
            400,
            f"the {fmt.name} body names graphs of its own; send one graph, addressed by ?graph= or ?default",
        )
    triples = [quad.triple for quad in quads]
    existed = graph is None or service.graph_exists(graph)
    body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    service.replace_graph(graph, body, append=request.method == "POST")
    return Response(status=204 if existed else 201)
