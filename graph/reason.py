"""Reasoning: OWL 2 RL materialisation (owlrl) at build time, and a HermiT check (owlready2).

Materialised triples go to their own named graph, so a query can tell asserted from
inferred facts (`GRAPH tpg:inferred`) and the union still answers e.g. "all
org:Organization" with the instances of every subclass.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import owlrl
import pyoxigraph as ox
import rdflib
from rdflib import OWL, RDF, RDFS, BNode, Literal, URIRef

from graph.namespaces import DEF, ID, INFERRED_GRAPH, QUERIES_GRAPH, SHAPES_GRAPH

# Entailments OWL 2 RL always produces that tell a reader nothing.
_TRIVIAL_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class, RDF.Property}
_TRIVIAL_PREDICATES = {OWL.sameAs, OWL.differentFrom, OWL.equivalentClass, OWL.equivalentProperty}


def reasoning_input(store: ox.Store) -> rdflib.Graph:
    """The asserted ontology and data as one rdflib graph (shapes and query metadata left out)."""
    nt = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?g NOT IN (<{SHAPES_GRAPH}>, <{INFERRED_GRAPH}>, <{QUERIES_GRAPH}>)) }}"
    ).serialize(format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=nt, format="nt")
    return graph


def _worth_keeping(s, p, o) -> bool:
    if isinstance(s, (BNode, Literal)) or isinstance(o, BNode):
        return False
    if not (str(s).startswith(ID) or str(s).startswith(DEF)):
        return False
    if p in _TRIVIAL_PREDICATES or o in _TRIVIAL_OBJECTS:
        return False
    if p in (RDFS.subClassOf, RDFS.subPropertyOf) and s == o:
        return False
    return True


def materialise(store: ox.Store) -> list[ox.Quad]:
    """The OWL 2 RL closure of ontology + data, minus what was asserted and trivial entailments."""
    asserted = reasoning_input(store)
    closure = rdflib.Graph()
    for triple in asserted:
        closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(closure)
    graph = ox.NamedNode(INFERRED_GRAPH)
    return [
        ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), graph)
        for s, p, o in closure
        if (s, p, o) not in asserted and _worth_keeping(s, p, o)
    ]


def _to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot store {term!r}")


@dataclass
class ConsistencyReport:
    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.consistent and not self.unsatisfiable


def check_consistency(graph: rdflib.Graph) -> ConsistencyReport:
    """Load the graph into owlready2 and run HermiT (Java): consistency and unsatisfiable classes."""
    import owlready2

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "techniekpact.nt"
        graph.serialize(destination=path, format="nt", encoding="utf-8")
        world = owlready2.World()
        # owlready2 prints a warning for every Data Cube property that is also typed
        # qb:DimensionProperty (legal OWL 2 punning); keep them off the user's terminal.
        with contextlib.redirect_stderr(io.StringIO()):
            onto = world.get_ontology(path.as_uri()).load(format="ntriples")
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, debug=0, ignore_unsupported_datatypes=True)
        except owlready2.OwlReadyInconsistentOntologyError as error:
            return ConsistencyReport(False, [], str(error).strip().splitlines()[0] if str(error) else "inconsistent")
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        return ConsistencyReport(True, unsatisfiable)
