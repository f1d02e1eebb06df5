"""/def: the ontology documented where its IRIs point, made from ontology/ and shapes/ by code."""

import re

import pyoxigraph as ox
import pytest
import rdflib
from markupsafe import escape

from graph.namespaces import DEF, ONTOLOGY_FILE

OWL_TYPES = ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")


def ontology_terms() -> set[str]:
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    return {
        str(s)[len(DEF) :]
        for t in OWL_TYPES
        for s in graph.subjects(rdflib.RDF.type, rdflib.OWL[t])
        if str(s).startswith(DEF)
    }


@pytest.fixture(scope="module")
def page(app):
    r = app.test_client().get("/def?lang=en", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    return r.get_data(as_text=True)


def section(html: str, term: str) -> str:
    start = html.index(f'<section class="term" id="{term}">')
    return html[start : html.index("</section>", start)]


def test_every_term_of_the_ontology_has_its_anchor_and_both_labels(page):
    graph = rdflib.Graph().parse(ONTOLOGY_FILE)
    terms = ontology_terms()
    assert len(terms) > 80
    for term in terms:
        body = section(page, term)
        for lang in ("nl", "en"):
            label = next(
                str(o)
                for o in graph.objects(rdflib.URIRef(DEF + term), rdflib.RDFS.label)
                if o.language == lang
            )
            assert f'<span lang="{lang}">{escape(label)}</span>' in body, (term, lang)
    anchors = set(re.findall(r'<section class="term" id="([^"]+)">', page))
    assert anchors == terms  # nothing missing, nothing invented


def test_action_section_tells_what_an_analyst_needs(page, client):
    body = section(page, "Action")
    assert "An agreed measure or commitment of a pact or agenda" in body  # the English comment
    assert 'href="#SubAction"' in body  # its subclass, as an anchor on the page
    assert "prov:Activity" in body  # its superclass
    assert "tps:Action-owner" in body and "sh:minCount 1" in body  # the shapes that constrain it
    count = client.get(
        "/sparql", query_string={"query": "SELECT (COUNT(DISTINCT ?a) AS ?n) { ?a a tp:Action }"}
    ).get_json()["results"]["bindings"][0]["n"]["value"]
    assert f"<dd>{count}</dd>" in body
    owner = section(page, "owner")
    assert 'href="#Action"' in owner and "org:Organization" in owner  # domain and range
    assert "SELECT ?subject ?value WHERE" in owner and "/sparql?query=" in owner


def test_the_example_queries_run_and_find_instances(client, page):
    for term in ("Action", "owner", "Goal"):
        link = (
            re.search(r'<a href="(/sparql\?query=[^"]+)">', section(page, term))
            .group(1)
            .replace("&amp;", "&")
        )
        r = client.get(link, headers={"Accept": "application/sparql-results+json"})
        assert r.status_code == 200 and len(r.get_json()["results"]["bindings"]) > 0, term


def test_diagram_is_inline_svg_of_the_main_classes(page):
    svg = page[page.index('<svg class="diagram"') : page.index("</svg>")]
    assert 'href="#Action"' in svg and ">tp:Plan<" in svg and "org:Organization" in svg
    assert svg.count("<line") >= 10


def test_dutch_page(client):
    html = client.get("/def?lang=nl", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Klassen" in html and "Voorbeeldquery" in html and "Techniekpact-ontologie" in html


@pytest.mark.parametrize(
    "how, fmt",
    [
        ({"path": "/def.ttl"}, ox.RdfFormat.TURTLE),
        ({"path": "/def.rdf"}, ox.RdfFormat.RDF_XML),
        ({"path": "/def.jsonld"}, ox.RdfFormat.JSON_LD),
        ({"path": "/def.nt"}, ox.RdfFormat.N_TRIPLES),
        ({"path": "/def", "headers": {"Accept": "text/turtle"}}, ox.RdfFormat.TURTLE),
        ({"path": "/def", "headers": {"Accept": "application/rdf+xml"}}, ox.RdfFormat.RDF_XML),
        ({"path": "/def", "headers": {"Accept": "application/ld+json"}}, ox.RdfFormat.JSON_LD),
        ({"path": "/def", "headers": {"Accept": "application/n-triples"}}, ox.RdfFormat.N_TRIPLES),
    ],
)
def test_machines_get_the_ontology_itself(client, how, fmt):
    r = client.get(how["path"], headers=how.get("headers", {}))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith(fmt.media_type)
    served = {
        (t.subject, t.predicate, t.object)
        for t in ox.parse(r.data, format=fmt)
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    }
    source = {
        (t.subject, t.predicate, t.object)
        for t in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    }
    assert served == source


def test_unknown_suffix_and_revalidation(client):
    assert client.get("/def.pdf").status_code == 404
    first = client.get("/def.ttl")
    again = client.get("/def.ttl", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_in_a_browser_anchors_work_and_nothing_scrolls_sideways(browser, live_server):
    from tests.browser import console_errors, external_requests

    for lang in ("nl", "en"):
        for width in (1400, 400):
            browser.set_window_size(width, 900)
            browser.get(f"{live_server}/def?lang={lang}#Action")
            target = browser.execute_script(
                "return document.querySelector(':target') && document.querySelector(':target').id"
            )
            top = browser.execute_script(
                "return document.getElementById('Action').getBoundingClientRect().top"
            )
            assert target == "Action" and abs(top) < 50, (lang, width, top)
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 1, (lang, width, overflow)
            assert external_requests(browser, live_server) == [] and console_errors(browser) == []
