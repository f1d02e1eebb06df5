"""The ontology: every term documented in Dutch and English, OWL 2 DL declarations, reuse."""

import rdflib
from rdflib import OWL, RDF, RDFS

from graph.namespaces import DEF, ONTOLOGY_FILE

onto = rdflib.Graph().parse(ONTOLOGY_FILE)
TERMS = sorted({s for s in onto.subjects(RDF.type, None) if str(s).startswith(DEF)})


def test_the_ontology_declares_the_domain():
    names = {str(t)[len(DEF) :] for t in TERMS}
    for expected in [
        "Pact",
        "NationalPact",
        "RegionalPact",
        "Agenda",
        "Ambition",
        "Goal",
        "Subgoal",
        "Action",
        "SubAction",
        "Initiative",
        "Programme",
        "Ministry",
        "EmployerOrganisation",
        "EmployeeOrganisation",
        "EducationCouncil",
        "Fund",
        "Network",
        "Landsdeel",
        "Province",
        "Subregion",
        "TripleHelixRegion",
        "Target",
        "Indicator",
        "SourceDocument",
        "Section",
        "owner",
        "involves",
        "timeline",
        "scope",
        "serves",
        "continuedUnder",
        "stateOfAffairs",
        "number",
        "hasTarget",
        "targetValue",
        "targetYear",
        "refArea",
        "value",
        "year",
    ]:
        assert expected in names, expected


def test_every_term_has_dutch_and_english_label_and_a_comment():
    for term in TERMS:
        labels = {l.language for l in onto.objects(term, RDFS.label)}
        assert {"nl", "en"} <= labels, f"{term} lacks an nl or en label"
        assert any(True for _ in onto.objects(term, RDFS.comment)), f"{term} lacks rdfs:comment"


def test_terms_are_typed_for_owl2_dl():
    kinds = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}
    for term in TERMS:
        assert kinds & set(onto.objects(term, RDF.type)), f"{term} has no OWL declaration"


def test_standard_vocabularies_are_reused_not_reminted():
    org = rdflib.Namespace("http://www.w3.org/ns/org#")
    assert (rdflib.URIRef(DEF + "Ministry"), RDFS.subClassOf, org.FormalOrganization) in onto
    assert (
        rdflib.URIRef(DEF + "timeline"),
        RDFS.range,
        rdflib.URIRef("http://www.w3.org/2006/time#Interval"),
    ) in onto
    # No tp: term shadows a W3C one by name.
    for shadow in ["Organization", "Membership", "Concept", "Interval", "Observation", "DataSet"]:
        assert (rdflib.URIRef(DEF + shadow), None, None) not in onto
