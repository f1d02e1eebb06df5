"""IRIs and prefixes shared by the graph, the shapes, the queries and the server."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_FILE = ROOT / "ontology" / "techniekpact.ttl"
DATA_DIR = ROOT / "graph" / "data"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"

DEF = "https://w3id.org/techniekpact/def#"
ID = "https://w3id.org/techniekpact/id/"
SHAPES = "https://w3id.org/techniekpact/shapes#"
GRAPH = "https://w3id.org/techniekpact/graph/"

# Named graphs that are not a source document.
ONTOLOGY_GRAPH = GRAPH + "ontology"
SHAPES_GRAPH = GRAPH + "shapes"
INFERRED_GRAPH = GRAPH + "inferred"
DERIVED_GRAPH = GRAPH + "derived"  # computed at build time for queries (graph/name_keys.py)
QUERIES_GRAPH = GRAPH + "queries"
META_GRAPH = GRAPH + "meta"  # a remote store's version (graph/remote.py)

PREFIXES = {
    "tp": DEF,
    "tpd": ID,
    "tps": SHAPES,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "time": "http://www.w3.org/2006/time#",
    "qb": "http://purl.org/linked-data/cube#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
}


LINKABLE_SCHEMES = ("http://", "https://", "mailto:")


def entity_path(iri: str) -> str | None:
    """Where a link to an IRI goes: its entity page for our own IRIs, else the IRI itself, but
    only for http(s) and mailto IRIs; None for every other (a `javascript:` IRI stored in the
    graph must never become a link, so it is shown as text)."""
    if iri.startswith(ID):
        return "/id/" + iri[len(ID) :]
    return iri if iri.lower().startswith(LINKABLE_SCHEMES) else None


def sparql_prefixes() -> str:
    """The PREFIX block the query editor and the saved queries start from."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def graph_for_file(path: Path) -> str:
    """The named graph a data file feeds: its name up to the first dot."""
    return GRAPH + path.name.split(".", 1)[0]
