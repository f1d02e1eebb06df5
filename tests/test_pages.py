"""People's pages and their machine twins: entity pages, home, search, timeline, downloads."""


import rdflib

ID = "https://w3id.org/techniekpact/id/"
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


def test_entity_negotiates_rdf_by_accept_and_suffix(client):
    ocw = rdflib.URIRef(ID + "org/ocw")
    for accept, fmt in [("text/turtle", "turtle"), ("application/ld+json", "json-ld"), ("application/n-triples", "nt")]:
        r = client.get("/id/org/ocw", headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
        graph = rdflib.Graph().parse(data=r.get_data(as_text=True), format=fmt)
        assert (ocw, SKOS.prefLabel, rdflib.Literal("Ministerie van Onderwijs, Cultuur en Wetenschap", lang="nl")) in graph
    for suffix, media in [("ttl", "text/turtle"), ("jsonld", "application/ld+json"), ("nt", "application/n-triples")]:
        r = client.get(f"/id/org/ocw.{suffix}")
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(media)


def test_unknown_entities_are_404_for_people_and_machines(client):
    assert client.get("/id/org/does-not-exist", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/id/org/does-not-exist", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/org/does-not-exist.ttl").status_code == 404


def test_action_page_shows_number_owner_timeline_and_source(client):
    html = client.get("/id/action/2013-12a", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "12a" in html
    assert 'href="/id/org/ocw"' in html  # the initiator
    assert 'href="/id/ambition/2013-3"' in html
    assert "actions-2013" in html  # the graph (document) that states it
    assert "Bron" in html


def test_organisation_page_shows_what_it_owns_and_who_represented_it(client):
    html = client.get("/id/org/ocw", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Verwijzingen naar" in html
    assert "/id/action/2013-" in html  # actions it owns or takes part in point to it
    assert "/id/membership/ocw-2013" in html
    assert 'data-source="/network/ego.json?iri=https' in html  # the small ego network


def test_home_page_holds_counts_goals_and_links(client):
    html = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert html.count('href="/id/goal/2016-') == 12
    for link in ("/sparql", "/queries", "/network", "/timeline", "/dataset.ttl", "/dataset.nq", "/void"):
        assert f'href="{link}' in html
    assert "pact-2016" in html and "achterhoek-2014" in html


def test_search_is_accent_case_and_typo_tolerant(client):
    def found(q):
        data = client.get("/search.json", query_string={"q": q}).get_json()
        return [h["iri"] for g in data["groups"] for h in g["hits"]]
    assert ID + "org/pbt" in found("platform beta techniek")[:3]        # no accent
    assert ID + "org/pbt" in found("PLATFORM BÈTA TECHNIEK")[:3]        # upper case, accent
    assert ID + "org/techniektalent-nu" in found("techniektalent")[:3]
    assert ID + "org/vhto" in found("vhot")[:5] or ID + "org/vhto" in found("VHTO")[:1]
    assert ID + "org/ocw" in found("Onderwjs Cultuur Wetenschap")[:5]   # misspelled
    data = client.get("/search.json", query_string={"q": "jet-net"}).get_json()
    assert {"Organisatie", "Initiatief"} <= {g["kind"] for g in data["groups"]}
    assert client.get("/search.json", query_string={"q": "x" * 500}).status_code == 400


def test_timeline_separates_dated_from_undated_actions(client):
    data = client.get("/timeline.json").get_json()
    assert data["dated"] > 0 and data["undated"] > 0
    html = client.get("/timeline?by=landsdeel", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'class="tl"' in html and "zonder looptijd" in html
    assert client.get("/timeline", query_string={"by": "kleur"}).status_code == 400


def test_downloads_of_the_whole_dataset(client, built):
    nq = client.get("/dataset.nq")
    assert nq.status_code == 200 and nq.headers["Content-Type"].startswith("application/n-quads")
    assert len(nq.get_data(as_text=True).splitlines()) == built.total  # every graph's quads, no merge
    # Turtle has no graphs: it is the default graph, the merge, each triple once.
    import pyoxigraph as ox
    ttl = list(ox.parse(client.get("/dataset.ttl").get_data(), format=ox.RdfFormat.TURTLE))
    distinct = client.post("/sparql", data={"query": "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o "
                                                     "{ GRAPH ?g { ?s ?p ?o } } }"},
                           headers={"Accept": "text/csv"}).get_data(as_text=True).split()[1]
    assert len(set(ttl)) == len(ttl) == int(distinct) < built.total
    void = client.get("/void", headers={"Accept": "text/turtle"})
    assert "http://rdfs.org/ns/void#" in void.get_data(as_text=True)
    assert client.get("/dataset.pdf").status_code == 404


def test_pages_carry_etags(client):
    first = client.get("/", headers={"Accept": "text/html"})
    again = client.get("/", headers={"Accept": "text/html", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
