"""What validation reads: the store's data graphs, its shapes and ontology, and a Turtle file
a coordinator wants to add (parsed, with its class closure, never written to the store).

The data graph is the union of the store's data graphs, the ontology and the OWL 2 RL
inferred graph (everything but the shapes, the query catalogue, the name keys and the remote
store's bookkeeping). The inferred graph *is* the class inference, so pyshacl needs to do no
reasoning of its own."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib

from graph.merge import SERVICE_GRAPHS
from graph.namespaces import DERIVED_GRAPH, ONTOLOGY_GRAPH, QUERIES_GRAPH, SHAPES_GRAPH
from graph.shacl.data_graph import DataGraph
from graph.terms import rdflib_graph

# Graphs that are not data: the shapes themselves, the saved-query catalogue, the name keys
# the build computes for queries, and the remote store's bookkeeping graph.
# Not data: the shapes, the catalogue, the name keys, and the service's own graphs (the merge
# holds all of these again, graph/merge.py).
NOT_DATA = {SHAPES_GRAPH, QUERIES_GRAPH, DERIVED_GRAPH, *SERVICE_GRAPHS}


class ValidationFailed(Exception):
    """Validation could not run (no shapes in the store, unreadable input): exit code 2."""


class DataFileError(ValidationFailed):
    """A file given to validate does not parse; says which file, where and why."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


def data_graph(store) -> DataGraph:
    """Data + ontology + inferred triples of the store, as one graph."""
    graph = DataGraph(ox.Store())
    graph.load_quads(
        q
        for q in store.quads_for_pattern(None, None, None, None)
        if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value not in NOT_DATA
    )
    return graph


def shapes_graph(store) -> rdflib.Graph:
    """The shapes the store was built with (shapes/*.ttl, loaded by `techniekpact build`)."""
    graph = rdflib_graph(store.quads_for_pattern(None, None, None, ox.NamedNode(SHAPES_GRAPH)))
    if not len(graph):
        raise ValidationFailed("the store holds no SHACL shapes: rebuild it with `techniekpact build`")
    return graph


def ontology_graph(store) -> rdflib.Graph:
    return rdflib_graph(store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))


def parse_data_file(path: str | Path) -> rdflib.Graph:
    """A Turtle file as an rdflib graph. Raises DataFileError with the line and the parser's words."""
    path = Path(path)
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except SyntaxError as error:  # rdflib's BadSyntax: `lines` counts from 0
        line = getattr(error, "lines", None)
        reason = getattr(error, "_why", None) or str(error).splitlines()[0]
        raise DataFileError(path, line + 1 if isinstance(line, int) else None, reason) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise DataFileError(path, None, str(error)) from None
    except OSError as error:
        raise DataFileError(path, None, error.strerror or str(error)) from None
    return graph


def class_closure(ontology: rdflib.Graph, extra: rdflib.Graph) -> rdflib.Graph:
    """What OWL 2 RL adds to ontology + `extra` alone: cheap (a few hundred triples), and it
    gives the new file's nodes the classes the store's inferred graph gives the rest (with
    the same filter the build applies to its inferred graph)."""
    from graph.reason import entailments

    added = rdflib.Graph()
    for triple in entailments(ontology, extra):
        added.add(triple)
    return added
