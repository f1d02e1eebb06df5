"""HermiT (through owlready2) on ontology + data: consistent, nothing unsatisfiable."""

import rdflib

from graph.reason import check_consistency, reasoning_input
from graph.namespaces import ONTOLOGY_FILE


def test_ontology_and_data_are_consistent_with_no_unsatisfiable_class(store):
    report = check_consistency(reasoning_input(store))
    assert report.consistent, report.message
    assert report.unsatisfiable == []


def test_the_check_does_find_an_inconsistency():
    # A guard that the reasoner really runs: make two classes disjoint and put one thing in both.
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    graph.parse(data="""
        @prefix tp: <https://w3id.org/techniekpact/def#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        tp:Ministry owl:disjointWith tp:Company .
        <https://example.org/x> a tp:Ministry , tp:Company .
    """, format="turtle")
    assert not check_consistency(graph).consistent


def test_an_unsatisfiable_class_is_reported():
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    graph.parse(data="""
        @prefix tp: <https://w3id.org/techniekpact/def#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        tp:Ministry owl:disjointWith tp:Company .
        tp:StateCompany a owl:Class ; rdfs:subClassOf tp:Ministry , tp:Company .
    """, format="turtle")
    report = check_consistency(graph)
    assert "https://w3id.org/techniekpact/def#StateCompany" in report.unsatisfiable
