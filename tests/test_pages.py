"""People's pages and their machine twins: entity pages, home, search, timeline, downloads."""

import rdflib

ID = "https://w3id.org/techniekpact/id/"
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")


def test_entity_negotiates_rdf_by_accept_and_suffix(client):
    ocw = rdflib.URIRef(ID + "org/ocw")
    for accept, fmt in [
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
    ]:
        r = client.get("/id/org/ocw", headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(accept)
        graph = rdflib.Graph().parse(data=r.get_data(as_text=True), format=fmt)
        assert (
            ocw,
            SKOS.prefLabel,
            rdflib.Literal("Ministerie van Onderwijs, Cultuur en Wetenschap", lang="nl"),
        ) in graph
    for suffix, media in [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("nt", "application/n-triples"),
    ]:
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
    assert 'href="/id/action/2013-12a"' in html  # an action it owns points to it (test above)
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

    assert ID + "org/pbt" in found("platform beta techniek")[:3]  # no accent
    assert ID + "org/pbt" in found("PLATFORM BÈTA TECHNIEK")[:3]  # upper case, accent
    assert ID + "org/techniektalent-nu" in found("techniektalent")[:3]
    assert ID + "org/vhto" in found("vhot")[:5]  # two letters swapped
    assert found("VHTO")[0] == ID + "org/vhto"  # an acronym, exactly
    assert ID + "org/ocw" in found("Onderwjs Cultuur Wetenschap")[:5]  # misspelled
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
    distinct = (
        client.post(
            "/sparql",
            data={"query": "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { GRAPH ?g { ?s ?p ?o } } }"},
            headers={"Accept": "text/csv"},
        )
        .get_data(as_text=True)
        .split()[1]
    )
    assert len(set(ttl)) == len(ttl) == int(distinct) < built.total
    void = client.get("/void", headers={"Accept": "text/turtle"})
    assert "http://rdfs.org/ns/void#" in void.get_data(as_text=True)
    assert client.get("/dataset.pdf").status_code == 404


def test_pages_carry_etags(client):
    first = client.get("/", headers={"Accept": "text/html"})
    again = client.get("/", headers={"Accept": "text/html", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def _count(client, where: str) -> int:
    """One number from the endpoint: `SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { where }`."""
    answer = client.post(
        "/sparql",
        data={"query": f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ {where} }}"},
        headers={"Accept": "application/sparql-results+json"},
    ).get_json()
    return int(answer["results"]["bindings"][0]["n"]["value"])


def test_timeline_counts_every_action_once_as_the_graph_gives_them(client):
    years = "?a tp:timeline/(time:hasBeginning|time:hasEnd)/time:inXSDgYear ?year ."
    dated = _count(client, f"?a a tp:Action . {years}")
    undated = _count(client, f"?a a tp:Action . FILTER NOT EXISTS {{ {years} }}")
    assert dated > 0 and undated > 0
    for by in ("goal", "landsdeel"):
        data = client.get("/timeline.json", query_string={"by": by}).get_json()
        assert (data["dated"], data["undated"]) == (dated, undated), by
        shown = [item["iri"] for group in data["groups"] for item in group["dated"]]
        assert len(set(shown)) == dated  # every dated action is on the timeline


def test_health_and_search_wait_for_what_the_summaries_thread_makes(store_dir, monkeypatch):
    # The triple counts and the search index scan the whole store: they are made once per
    # version in the `summaries` thread, from the snapshot, never in a request. While they are
    # being made (held here by a gate) a request gets 503 with Retry-After, not a wait without end.
    import threading

    from graph import search, store
    from graph.merge import SERVICE_GRAPHS
    from server import close_app, create_app
    from server.config import Config
    from tests.live import wait_until

    gate, makers = threading.Event(), []

    def held(make):
        def making(reader):
            makers.append((make.__name__, threading.current_thread().name))
            assert gate.wait(120), "the test never opened the gate"
            return make(reader)

        making.__name__ = make.__name__
        return making

    monkeypatch.setattr(store, "graph_counts", held(store.graph_counts))
    monkeypatch.setattr(search, "build_index", held(search.build_index))
    import server.summaries

    monkeypatch.setattr(server.summaries, "graph_counts", store.graph_counts)
    app = create_app(
        Config(store=str(store_dir), query_timeout=0.5, prepare_timeout=0, prepare_validation=False)
    )
    try:
        client = app.test_client()
        for path in ("/health", "/search.json?q=vhto"):
            waiting = client.get(path, headers={"Accept": "application/json"})
            assert waiting.status_code == 503 and int(waiting.headers["Retry-After"]) > 0, path
        wait_until(lambda: makers, 60, "the counting started")  # the index waits behind it
        gate.set()
        health = wait_until(
            lambda: client.get("/health").get_json() if client.get("/health").status_code == 200 else None,
            60,
            "/health answering once the counts are made",
        )
        service = ", ".join(f"<{g}>" for g in SERVICE_GRAPHS)  # the service's own (the merge): not data
        per_graph = client.post(
            "/sparql",
            data={
                "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                f"FILTER(?g NOT IN ({service})) }} GROUP BY ?g"
            },
            headers={"Accept": "application/sparql-results+json"},
        ).get_json()
        counts = [int(row["n"]["value"]) for row in per_graph["results"]["bindings"]]
        assert (health["triples"], health["graphs"]) == (sum(counts), len(counts))
        # The index is made after the counts, in the same thread: the search may still be told
        # to ask again (503) for a moment after /health answers.
        search_answer = wait_until(
            lambda: (r := client.get("/search.json", query_string={"q": "VHTO"})).status_code == 200 and r,
            60,
            "the search answering once the index is made",
        )
        hits = search_answer.get_json()
        assert hits["groups"][0]["hits"][0]["iri"] == ID + "org/vhto"
        assert makers == [
            ("graph_counts", "summaries"),
            ("build_index", "summaries"),
        ]  # each made once, there
    finally:
        gate.set()
        close_app(app)


def test_after_compile_templates_no_page_compiles_a_template(app, monkeypatch):
    """`serve` compiles every template before it accepts a visitor."""
    from server import compile_templates

    assert compile_templates(app) == len(app.jinja_env.list_templates()) > 10

    def compiling(*args, **kwargs):
        raise AssertionError("a template was compiled while a page was served")

    monkeypatch.setattr(app.jinja_env, "compile", compiling)
    client = app.test_client()
    for path in ("/", "/id/goal/2016-01", "/queries", "/search?q=jet", "/doublures", "/validate"):
        assert client.get(path, headers={"Accept": "text/html"}).status_code in (200, 503), path
