"""The SPARQL 1.1 Protocol at /sparql, as real clients (requests, SPARQLWrapper) use it."""

import csv
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

COUNT_GOALS = "SELECT (COUNT(?g) AS ?n) WHERE { ?g a tp:Goal }"
GOALS = "SELECT ?goal ?label WHERE { ?goal a tp:Goal ; skos:prefLabel ?label FILTER(lang(?label)='nl') } ORDER BY ?goal"
CONSTRUCT_GOALS = "CONSTRUCT { ?g skos:prefLabel ?l } WHERE { ?g a tp:Goal ; skos:prefLabel ?l }"


def wrapper(url, query, fmt):
    client = SPARQLWrapper(url + "/sparql")
    client.setQuery(
        "PREFIX tp: <https://w3id.org/techniekpact/def#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n" + query
    )
    client.setReturnFormat(fmt)
    return client.query()


def test_sparqlwrapper_select_json_gives_the_twelve_goals(live_server):
    data = wrapper(live_server, GOALS, JSON).convert()
    rows = data["results"]["bindings"]
    assert len(rows) == 12
    assert rows[0]["goal"]["value"] == "https://w3id.org/techniekpact/id/goal/2016-01"
    assert "basisscholen" in rows[0]["label"]["value"].lower()


def test_sparqlwrapper_select_xml(live_server):
    doc = wrapper(live_server, COUNT_GOALS, XML).convert()
    values = [n.firstChild.data for n in doc.getElementsByTagName("literal")]
    assert values == ["12"]


# SPARQL CSV names the variables; SPARQL TSV writes them as variables (?goal).
@pytest.mark.parametrize(
    "fmt, sep, header", [(CSV, ",", ["goal", "label"]), (TSV, "\t", ["?goal", "?label"])]
)
def test_sparqlwrapper_select_csv_and_tsv(live_server, fmt, sep, header):
    text = wrapper(live_server, GOALS, fmt).convert().decode()
    rows = list(csv.reader(io.StringIO(text), delimiter=sep))
    assert rows[0] == header
    assert len(rows) == 13


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_sparqlwrapper_construct_formats(live_server, fmt):
    graph = wrapper(live_server, CONSTRUCT_GOALS, fmt).convert()
    if isinstance(graph, bytes):  # JSON-LD and Turtle arrive as bytes in some SPARQLWrapper versions
        import rdflib

        graph = rdflib.Graph().parse(data=graph, format="json-ld" if fmt == JSONLD else "turtle")
    subjects = {str(s) for s in graph.subjects()}
    assert "https://w3id.org/techniekpact/id/goal/2016-07" in subjects
    assert len(subjects) == 12


def test_ask(live_server):
    r = requests.get(
        live_server + "/sparql",
        params={"query": "ASK { tpd:goal\\/2016-07 a tp:Goal }"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200 and r.json()["boolean"] is True


def test_post_form_and_post_direct_body_agree_with_get(live_server):
    get = requests.get(live_server + "/sparql", params={"query": COUNT_GOALS}).json()
    form = requests.post(live_server + "/sparql", data={"query": COUNT_GOALS}).json()
    direct = requests.post(
        live_server + "/sparql",
        data=COUNT_GOALS.encode(),
        headers={"Content-Type": "application/sparql-query"},
    ).json()
    assert get == form == direct
    assert get["results"]["bindings"][0]["n"]["value"] == "12"


def test_content_types_follow_accept_and_format_parameter(live_server):
    cases = {
        "application/sparql-results+json": "application/sparql-results+json",
        "application/sparql-results+xml": "application/sparql-results+xml",
        "text/csv": "text/csv",
        "text/tab-separated-values": "text/tab-separated-values",
    }
    for accept, media in cases.items():
        r = requests.get(live_server + "/sparql", params={"query": COUNT_GOALS}, headers={"Accept": accept})
        assert r.headers["Content-Type"].startswith(media)
    r = requests.get(live_server + "/sparql", params={"query": COUNT_GOALS, "format": "csv"})
    assert r.headers["Content-Type"].startswith("text/csv") and r.text.splitlines() == ["n", "12"]
    r = requests.get(
        live_server + "/sparql",
        params={"query": CONSTRUCT_GOALS},
        headers={"Accept": "application/n-triples"},
    )
    assert r.headers["Content-Type"].startswith("application/n-triples") and len(r.text.splitlines()) >= 12
    r = requests.get(live_server + "/sparql", params={"query": COUNT_GOALS}, headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_cors_on_get_and_preflight(live_server):
    r = requests.get(
        live_server + "/sparql", params={"query": COUNT_GOALS}, headers={"Origin": "https://yasgui.example"}
    )
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    r = requests.options(
        live_server + "/sparql",
        headers={"Origin": "https://yasgui.example", "Access-Control-Request-Method": "POST"},
    )
    assert r.status_code == 204 and "POST" in r.headers["Access-Control-Allow-Methods"]


def test_default_graph_uri_and_named_graph_uri(live_server):
    only_2016 = requests.get(
        live_server + "/sparql",
        params={
            "query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a tp:Ambition }",
            "default-graph-uri": "https://w3id.org/techniekpact/graph/pact-2016",
        },
    ).json()
    assert only_2016["results"]["bindings"][0]["n"]["value"] == "0"
    named = requests.get(
        live_server + "/sparql",
        params={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": [
                "https://w3id.org/techniekpact/graph/pact-2013",
                "https://w3id.org/techniekpact/graph/actions-2013",
            ],
        },
    ).json()
    assert {b["g"]["value"] for b in named["results"]["bindings"]} == {
        "https://w3id.org/techniekpact/graph/pact-2013",
        "https://w3id.org/techniekpact/graph/actions-2013",
    }


def test_graph_tells_which_document_said_what(live_server):
    r = requests.get(
        live_server + "/sparql",
        params={
            "query": """
        SELECT DISTINCT ?g WHERE { GRAPH ?g { tpd:action\\/2013-12a tp:owner ?o } }"""
        },
    ).json()
    assert {b["g"]["value"] for b in r["results"]["bindings"]} == {
        "https://w3id.org/techniekpact/graph/actions-2013"
    }


def test_service_description_for_machine_clients(live_server):
    import rdflib

    r = requests.get(live_server + "/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=r.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    service = next(graph.subjects(rdflib.RDF.type, sd.Service))
    assert (service, sd.endpoint, rdflib.URIRef(live_server + "/sparql")) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    names = {str(o) for o in graph.objects(None, sd.name)}
    assert "https://w3id.org/techniekpact/graph/pact-2013" in names
    total = sum(int(o) for s, o in graph.subject_objects(void.triples) if (None, sd.defaultGraph, s) in graph)
    assert total > 5000


def test_browser_gets_the_editor(live_server):
    r = requests.get(live_server + "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and "text/html" in r.headers["Content-Type"]
    assert 'id="yasgui"' in r.text and '"tp": "https://w3id.org/techniekpact/def#"' in r.text
    assert "https://" not in "".join(
        line for line in r.text.splitlines() if "src=" in line or "href=" in line and "stylesheet" in line
    )


def test_editor_assets_are_served_locally(live_server):
    html = requests.get(live_server + "/sparql", headers={"Accept": "text/html"}).text
    for asset in ("/static/editor.js", "/static/style.css"):
        assert asset in html
        assert requests.get(live_server + asset).status_code == 200


def test_parallel_clients_get_correct_answers(live_server, store):
    from tests.conftest import select

    queries = {
        n: f"SELECT ?l WHERE {{ tpd:goal\\/2016-{n:02d} skos:prefLabel ?l FILTER(lang(?l)='nl') }}"
        for n in range(1, 13)
    }
    # The right answers, read from the store itself, not from the service under test.
    expected = {
        n: select(
            store,
            f"PREFIX tpd: <https://w3id.org/techniekpact/id/> "
            f"PREFIX skos: <http://www.w3.org/2004/02/skos/core#> {queries[n]}",
        )[0]["l"]
        for n in queries
    }

    def ask(n):
        r = requests.get(live_server + "/sparql", params={"query": queries[n]})
        return n, r.status_code, r.json()["results"]["bindings"][0]["l"]["value"]

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(ask, list(range(1, 13)) * 8))
    assert len(set(expected.values())) == 12
    for n, status, label in answers:
        assert status == 200 and label == expected[n]


# -- the protocol's update dataset, relative IRIs and malformed requests, on the real store ------
from tests.conftest import UPDATE_TOKEN  # noqa: E402

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
GRAPHS = "https://w3id.org/techniekpact/graph/"
PROBE_GRAPH = "https://w3id.org/techniekpact/graph/test-protocol"


def _rows(client, query):
    r = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    return [{k: v["value"] for k, v in b.items()} for b in r.get_json()["results"]["bindings"]]


def _update(client, text, **params):
    return client.post(
        "/sparql",
        query_string=params,
        data=text.encode(),
        headers={**AUTH, "Content-Type": "application/sparql-update"},
    )


def test_using_graph_uri_and_using_named_graph_uri_alone_and_combined(own_client):
    copy = (
        f"INSERT {{ GRAPH <{PROBE_GRAPH}> {{ ?goal <urn:test:from> ?src }} }} WHERE "
        "{ { ?goal a tp:Goal BIND('default' AS ?src) } UNION { GRAPH ?src { ?goal a tp:Goal } } }"
    )
    count = f"SELECT ?src (COUNT(?goal) AS ?n) WHERE {{ GRAPH <{PROBE_GRAPH}> {{ ?goal <urn:test:from> ?src }} }} GROUP BY ?src"
    try:
        # Alone: the WHERE sees only pact-2016 as its default graph, and no named graphs.
        assert _update(own_client, copy, **{"using-graph-uri": GRAPHS + "pact-2016"}).status_code == 204
        assert _rows(own_client, count) == [{"src": "default", "n": "12"}]
        _update(own_client, f"DROP GRAPH <{PROBE_GRAPH}>")
        # Alone: only named graphs, so the default graph is empty.
        assert _update(own_client, copy, **{"using-named-graph-uri": GRAPHS + "pact-2016"}).status_code == 204
        assert _rows(own_client, count) == [{"src": GRAPHS + "pact-2016", "n": "12"}]
        _update(own_client, f"DROP GRAPH <{PROBE_GRAPH}>")
        # Combined: a default graph without goals, pact-2016 as the one named graph.
        assert (
            _update(
                own_client,
                copy,
                **{"using-graph-uri": GRAPHS + "pact-2013", "using-named-graph-uri": GRAPHS + "pact-2016"},
            ).status_code
            == 204
        )
        assert _rows(own_client, count) == [{"src": GRAPHS + "pact-2016", "n": "12"}]
        # An update with its own USING or WITH and the parameters as well: 400, nothing changes.
        r = _update(
            own_client,
            f"WITH <{PROBE_GRAPH}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
            **{"using-graph-uri": GRAPHS + "pact-2016"},
        )
        assert r.status_code == 400 and "USING or WITH" in r.get_data(as_text=True)
        assert _rows(own_client, count) == [{"src": GRAPHS + "pact-2016", "n": "12"}]
    finally:
        _update(own_client, f"DROP SILENT GRAPH <{PROBE_GRAPH}>")


def test_relative_iris_resolve_against_the_endpoint(own_client):
    try:
        r = _update(
            own_client, f"INSERT DATA {{ GRAPH <{PROBE_GRAPH}> {{ <relative-thing> <urn:test:p> <#frag> }} }}"
        )
        assert r.status_code == 204, r.get_data(as_text=True)
        rows = _rows(own_client, f"SELECT ?s ?o WHERE {{ GRAPH <{PROBE_GRAPH}> {{ ?s <urn:test:p> ?o }} }}")
        assert rows == [{"s": "http://localhost/relative-thing", "o": "http://localhost/sparql#frag"}]
        # …and in queries too: a CONSTRUCT with a default-graph-uri and relative IRIs.
        r = own_client.get(
            "/sparql",
            query_string={
                "query": "CONSTRUCT { <a> <b> ?n } WHERE { BIND(1 AS ?n) }",
                "default-graph-uri": GRAPHS + "pact-2016",
            },
            headers={"Accept": "application/n-triples"},
        )
        assert (
            r.status_code == 200
            and r.text.strip()
            == '<http://localhost/a> <http://localhost/b> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'
        )
    finally:
        _update(own_client, f"DROP SILENT GRAPH <{PROBE_GRAPH}>")


def test_two_queries_or_two_updates_are_400(client):
    r = client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20*%20%7B%7D")
    assert r.status_code == 400 and "2 'query' parameters" in r.get_data(as_text=True)
    r = client.post(
        "/sparql",
        data=b"query=ASK%20%7B%7D&query=ASK%20%7B%7D",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400
    before = _rows(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    r = client.post(
        "/sparql",
        data=f"update=INSERT%20DATA%20%7B%20GRAPH%20%3C{PROBE_GRAPH}%3E%20%7B%3Curn:a%3E%20"
        "%3Curn:b%3E%201%7D%7D&update=CLEAR%20ALL".encode(),
        headers={**AUTH, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400 and "2 'update' parameters" in r.get_data(as_text=True)
    assert _rows(client, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == before


@pytest.mark.parametrize(
    "request_args",
    [
        {"method": "GET", "path": "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D"},
        {
            "method": "POST",
            "path": "/sparql",
            "data": b"query=ASK%20%7B%20%3Fs%20%3Fp%20%22%C3%28%22%20%7D",
            "headers": {"Content-Type": "application/x-www-form-urlencoded"},
        },
        {
            "method": "POST",
            "path": "/sparql",
            "data": b'ASK { ?s ?p "\xc3\x28" }',
            "headers": {"Content-Type": "application/sparql-query"},
        },
        {
            "method": "POST",
            "path": "/sparql",
            "data": b'INSERT DATA { <urn:a> <urn:b> "\xff" }',
            "headers": {**AUTH, "Content-Type": "application/sparql-update"},
        },
        {
            "method": "POST",
            "path": "/sparql",
            "data": b"update=INSERT%20DATA%20%7B%3Curn:a%3E%3Curn:b%3E%22%FF%22%7D",
            "headers": {**AUTH, "Content-Type": "application/x-www-form-urlencoded"},
        },
    ],
)
def test_text_that_is_not_utf8_is_400(client, request_args):
    args = dict(request_args)
    r = client.open(args.pop("path"), **args)
    assert r.status_code == 400 and "UTF-8" in r.get_data(as_text=True)
    r = client.get("/sparql", query_string={"query": "ASK { GRAPH ?g { <urn:a> <urn:b> ?o } }"})
    assert r.get_json()["boolean"] is False
