"""Reasoning: OWL 2 RL materialisation at build time (owlrl for the ontology, SPARQL rules in
Oxigraph for the data), and a HermiT check (owlready2).

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

from graph.merge import SERVICE_GRAPHS
from graph.namespaces import (
    DEF,
    DERIVED_GRAPH,
    ID,
    INFERRED_GRAPH,
    ONTOLOGY_GRAPH,
    QUERIES_GRAPH,
    SHAPES_GRAPH,
)
from graph.terms import rdflib_graph, to_ox

# Entailments OWL 2 RL always produces that tell a reader nothing.
_TRIVIAL_OBJECTS = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual, RDFS.Class, OWL.Class, RDF.Property}
_TRIVIAL_PREDICATES = {OWL.sameAs, OWL.differentFrom, OWL.equivalentClass, OWL.equivalentProperty}


def reasoning_input(store: ox.Store) -> rdflib.Graph:
    """The asserted ontology and data as one rdflib graph (shapes and query metadata left out)."""
    nt = store.query(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?g NOT IN (<{SHAPES_GRAPH}>, <{INFERRED_GRAPH}>, <{QUERIES_GRAPH}>, <{DERIVED_GRAPH}>, "
        + ", ".join(f"<{g}>" for g in SERVICE_GRAPHS)
        + ")) }"
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


_UNWANTED = " || ".join(
    [  # the SPARQL of `not _worth_keeping(?s, ?p, ?o)`
        "!isIRI(?s)",
        "isBlank(?o)",
        f'!(STRSTARTS(STR(?s), "{ID}") || STRSTARTS(STR(?s), "{DEF}"))',
        *(f"sameTerm(?p, <{p}>)" for p in sorted(_TRIVIAL_PREDICATES)),
        *(f"sameTerm(?o, <{o}>)" for o in sorted(_TRIVIAL_OBJECTS)),
        *(f"(sameTerm(?p, <{p}>) && sameTerm(?s, ?o))" for p in (RDFS.subClassOf, RDFS.subPropertyOf)),
    ]
)


# The OWL 2 RL rules the ontology's axioms call for on instance data (the ontology uses
# subclasses, sub-properties, domains and ranges, inverse, symmetric and transitive
# properties), as SPARQL CONSTRUCTs that Oxigraph evaluates over the whole store. Each
# yields only what is not there yet; property rules run to a fixpoint (an inverse may feed a
# transitive chain), then the class rules. The TBox entailments (subclass and sub-property
# chains, inherited domains and ranges) come from owlrl over the ontology alone, which is
# small, so they are exactly OWL 2 RL's. tests/test_reason.py checks that the result equals
# owlrl's closure of the whole curated graph, which takes minutes at 10× and cannot run at 100×.
_PROPERTY_RULES = (
    # prp-spo1
    "CONSTRUCT { ?s ?q ?o } WHERE { ?p rdfs:subPropertyOf ?q . FILTER(?p != ?q) ?s ?p ?o "
    "FILTER NOT EXISTS { ?s ?q ?o } }",
    # prp-inv1, prp-inv2
    "CONSTRUCT { ?o ?q ?s } WHERE { { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } ?s ?p ?o "
    "FILTER(!isLiteral(?o)) FILTER NOT EXISTS { ?o ?q ?s } }",
    # prp-symp
    "CONSTRUCT { ?o ?p ?s } WHERE { ?p a owl:SymmetricProperty . ?s ?p ?o FILTER(!isLiteral(?o)) "
    "FILTER NOT EXISTS { ?o ?p ?s } }",
    # prp-trp
    "CONSTRUCT { ?s ?p ?o } WHERE { ?p a owl:TransitiveProperty . ?s ?p ?m . ?m ?p ?o "
    "FILTER NOT EXISTS { ?s ?p ?o } }",
)
_CLASS_RULES = (
    # prp-dom
    "CONSTRUCT { ?s a ?c } WHERE { ?p rdfs:domain ?c . ?s ?p ?o FILTER NOT EXISTS { ?s a ?c } }",
    # prp-rng
    "CONSTRUCT { ?o a ?c } WHERE { ?p rdfs:range ?c . ?s ?p ?o FILTER(!isLiteral(?o)) "
    "FILTER NOT EXISTS { ?o a ?c } }",
    # cax-sco (the subclass hierarchy is already closed by the TBox step)
    "CONSTRUCT { ?s a ?d } WHERE { ?c rdfs:subClassOf ?d . FILTER(?c != ?d) ?s a ?c "
    "FILTER NOT EXISTS { ?s a ?d } }",
)
_RULE_PREFIXES = {"rdfs": str(RDFS), "owl": str(OWL)}


def rl_closure(*graphs: rdflib.Graph) -> rdflib.Graph:
    """owlrl's OWL 2 RL closure of the graphs together, in a new rdflib graph."""
    closure = rdflib.Graph()
    for graph in graphs:
        for triple in graph:
            closure.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(
        closure
    )
    return closure


def entailments(*graphs: rdflib.Graph):
    """The triples OWL 2 RL adds to the graphs together, minus trivial ones (`_worth_keeping`)."""
    for s, p, o in rl_closure(*graphs):
        if not any((s, p, o) in graph for graph in graphs) and _worth_keeping(s, p, o):
            yield s, p, o


def materialise(store: ox.Store) -> int:
    """Write the OWL 2 RL entailments of ontology + data into the inferred graph of `store`
    (minus trivial ones and those about blank nodes); returns how many were kept.

    The store must hold the ontology and the data and nothing else yet (the build loads the
    shapes and the query catalogue afterwards): the rules read the union of all graphs, which
    Oxigraph answers with one index lookup a pattern, where a list of 60 graphs takes 60."""
    inferred = ox.NamedNode(INFERRED_GRAPH)
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    present = {g.value for g in store.named_graphs()} & {SHAPES_GRAPH, QUERIES_GRAPH, DERIVED_GRAPH}
    if present:
        raise ValueError(f"reason over ontology and data only; the store already holds {sorted(present)}")
    # The TBox: what OWL 2 RL adds to the ontology alone (subclass and sub-property chains,
    # inherited domains and ranges), small and fast whatever the size of the data.
    ontology_graph = rdflib_graph(store.quads_for_pattern(None, None, None, ontology))
    store.extend(
        ox.Quad(to_ox(s), to_ox(p), to_ox(o), inferred)
        for s, p, o in rl_closure(ontology_graph)
        if (s, p, o) not in ontology_graph and isinstance(s, URIRef) and not isinstance(o, BNode)
    )

    def apply(rules) -> int:
        added = 0
        for rule in rules:
            new = list(store.query(rule, use_default_graph_as_union=True, prefixes=_RULE_PREFIXES))
            store.extend(ox.Quad(t.subject, t.predicate, t.object, inferred) for t in new)
            added += len(new)
        return added

    while apply(_PROPERTY_RULES):
        pass
    # The class rules write only rdf:type triples, which the domain and range rules read only
    # if rdf:type itself has a domain or range; the subclass rule reads them, but over a closed
    # hierarchy one pass gives every superclass. So unless rdf:type has a domain or range, one
    # pass is the fixpoint, and a second would only confirm it (a third of the reasoning time).
    retyped = store.query(
        "ASK { rdf:type rdfs:domain|rdfs:range ?c }",
        use_default_graph_as_union=True,
        prefixes={**_RULE_PREFIXES, "rdf": str(RDF)},
    )
    while apply(_CLASS_RULES) and retyped:
        pass
    # _worth_keeping as one update in the engine, not a Python test a quad (6 s at 100×).
    store.update(
        f"DELETE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }} "
        f"WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} FILTER({_UNWANTED}) }}"
    )
    return sum(1 for _ in store.quads_for_pattern(None, None, None, inferred))


def owlrl_closure(store: ox.Store) -> set[ox.Quad]:
    """The same entailments computed by owlrl over everything at once (rdflib, in memory):
    the reference `materialise` is checked against."""
    graph = ox.NamedNode(INFERRED_GRAPH)
    return {ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph) for s, p, o in entailments(reasoning_input(store))}


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
            return ConsistencyReport(
                False, [], str(error).strip().splitlines()[0] if str(error) else "inconsistent"
            )
        unsatisfiable = sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing)
        return ConsistencyReport(True, unsatisfiable)
