"""SPARQL 1.1 Service Description of the endpoint, with the dataset described in VoID."""

from __future__ import annotations

import pyoxigraph as ox

from graph.namespaces import GRAPH, ID
from server.engine import Result
from server.negotiation import GRAPH_MEDIA, RESULT_MEDIA

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
DCT = "http://purl.org/dc/terms/"
FORMATS = "http://www.w3.org/ns/formats/"
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}
DATASET = ID + "dataset"

_cache: dict[tuple[str, str], Result] = {}


def service_description(engine, endpoint_url: str, counts: dict[str, int]) -> Result:
    """The description; `counts`: the triples per named graph of the engine's version
    (server/summaries.py)."""
    key = (engine.version, endpoint_url)
    if key not in _cache:
        _cache.clear()
        _cache[key] = Result("graph", given_triples=list(_triples(engine, endpoint_url, counts)))
    return _cache[key]


def _triples(engine, endpoint_url: str, counts: dict[str, int]):
    def n(iri):
        return ox.NamedNode(iri)

    def t(s, p, o):
        return ox.Triple(s, n(p), o)

    service = n(endpoint_url + "#service")
    dataset = n(DATASET)
    default_graph = ox.BlankNode("defaultGraph")
    yield t(service, RDF_TYPE, n(SD + "Service"))
    yield t(service, SD + "endpoint", n(endpoint_url))
    yield t(service, SD + "supportedLanguage", n(SD + "SPARQL11Query"))
    yield t(service, SD + "supportedLanguage", n(SD + "SPARQL11Update"))
    yield t(service, SD + "feature", n(SD + "UnionDefaultGraph"))
    yield t(service, SD + "feature", n(SD + "BasicFederatedQuery"))
    for name in list(RESULT_MEDIA) + list(GRAPH_MEDIA):
        yield t(service, SD + "resultFormat", n(FORMATS + FORMAT_IRIS[name]))
    yield t(service, SD + "defaultDataset", dataset)
    yield t(dataset, RDF_TYPE, n(SD + "Dataset"))
    yield t(dataset, RDF_TYPE, n(VOID + "Dataset"))
    yield t(dataset, DCT + "title", ox.Literal("Techniekpact kennisgraaf", language="nl"))
    yield t(dataset, DCT + "title", ox.Literal("Techniekpact knowledge graph", language="en"))
    yield t(dataset, VOID + "sparqlEndpoint", n(endpoint_url))
    yield t(dataset, VOID + "uriSpace", ox.Literal(ID))
    yield t(dataset, SD + "defaultGraph", default_graph)
    yield t(default_graph, RDF_TYPE, n(SD + "Graph"))
    yield t(
        default_graph,
        VOID + "triples",
        ox.Literal(str(sum(counts.values())), datatype=n("http://www.w3.org/2001/XMLSchema#integer")),
    )
    for graph_iri, count in counts.items():
        named, described = ox.BlankNode(), ox.BlankNode()
        yield t(dataset, SD + "namedGraph", named)
        yield t(named, RDF_TYPE, n(SD + "NamedGraph"))
        yield t(named, SD + "name", n(graph_iri))
        yield t(named, SD + "graph", described)
        yield t(described, RDF_TYPE, n(SD + "Graph"))
        yield t(
            described,
            VOID + "triples",
            ox.Literal(str(count), datatype=n("http://www.w3.org/2001/XMLSchema#integer")),
        )
        if graph_iri.startswith(GRAPH):
            yield t(dataset, VOID + "subset", n(graph_iri))
