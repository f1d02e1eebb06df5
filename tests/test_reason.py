"""Reasoning: HermiT (through owlready2) finds ontology + data consistent, nothing unsatisfiable;
the build's OWL 2 RL materialisation matches owlrl's."""

import pyoxigraph as ox
import rdflib

from graph.namespaces import INFERRED_GRAPH, ONTOLOGY_FILE
from graph.reason import check_consistency, owlrl_closure, reasoning_input


def test_ontology_and_data_are_consistent_with_no_unsatisfiable_class(store):
    report = check_consistency(reasoning_input(store))
    assert report.consistent, report.message
    assert report.unsatisfiable == []


def test_the_check_does_find_an_inconsistency():
    # A guard that the reasoner really runs: make two classes disjoint and put one thing in both.
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    graph.parse(
        data="""
        @prefix tp: <https://w3id.org/techniekpact/def#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        tp:Ministry owl:disjointWith tp:Company .
        <https://example.org/x> a tp:Ministry , tp:Company .
    """,
        format="turtle",
    )
    assert not check_consistency(graph).consistent


def test_an_unsatisfiable_class_is_reported():
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    graph.parse(
        data="""
        @prefix tp: <https://w3id.org/techniekpact/def#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        tp:Ministry owl:disjointWith tp:Company .
        tp:StateCompany a owl:Class ; rdfs:subClassOf tp:Ministry , tp:Company .
    """,
        format="turtle",
    )
    report = check_consistency(graph)
    assert "https://w3id.org/techniekpact/def#StateCompany" in report.unsatisfiable


def test_materialisation_equals_owlrl_over_everything(store):
    """The build's rule-based OWL 2 RL step (SPARQL in Oxigraph, so it scales with the store)
    infers exactly what owlrl infers from ontology and data in memory."""
    inferred = set(store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)))
    assert len(inferred) > 2000
    reference = owlrl_closure(store)
    assert inferred == reference, (
        sorted(map(str, reference - inferred))[:10],
        sorted(map(str, inferred - reference))[:10],
    )
