"""Security at the edges, tried as an attacker would: SERVICE and LOAD reach no host however
they are spelled, bad IRIs are 400s, bad input never costs a worker or the server, and stored
IRIs that are not http(s)/mailto never become links. A local listener stands in for the host
an attacker wants reached: it must see no request."""

from __future__ import annotations

import http.server
import threading

import pytest

from graph.build import build
from server import create_app
from server.config import Config
from tests.conftest import UPDATE_TOKEN

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}


class _Listener(http.server.ThreadingHTTPServer):
    """A loopback HTTP server that records every request it gets and answers with one triple."""

    def __init__(self):
        self.requests: list[str] = []
        listener = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                listener.requests.append(self.path)
                body = (
                    b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"reached"}}]}}'
                    if "sparql" in self.path
                    else b'<http://example.org/a> <http://example.org/b> "reached" .\n'
                )
                self.send_response(200)
                self.send_header(
                    "Content-Type",
                    "application/sparql-results+json" if "sparql" in self.path else "application/n-triples",
                )
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"


@pytest.fixture(scope="module")
def listener():
    server = _Listener()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def own_store(tmp_path_factory):
    """A store of this module's own: these tests write to it."""
    return build(tmp_path_factory.mktemp("security") / "store").store


@pytest.fixture(scope="module")
def app(own_store):
    app = create_app(
        Config(
            store=str(own_store),
            update_token=UPDATE_TOKEN,
            query_timeout=5.0,
            query_workers=2,
            prepare_timeout=0,
            prepare_validation=False,
        )
    )
    yield app
    app.extensions["techniekpact.engine"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


def _count(client) -> int:
    r = client.get(
        "/sparql",
        query_string={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
        headers={"Accept": "text/csv"},
    )
    return int(r.get_data(as_text=True).split()[1])


def query_spellings(url: str) -> list[str]:
    """Every way we know to write a SERVICE call to `url` (…/sparql)."""
    host = url.rstrip("/")
    target = url + "sparql"
    escaped = "".join(f"\\u{ord(c):04X}" for c in "SERVICE")
    return [
        f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }}",
        f"select * where {{ sErViCe <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {escaped} <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\U00000053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <\\u0068ttp://{target[len('http://') :]}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{host}/> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        f"BASE <{host}/> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <x/> BASE <{host}/> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?e {{ <{target}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        # a number written against the keyword, and a long string that closes on a '#' line
        f"SELECT * WHERE {{ ?s ?p 1SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p '''a\n# '''  SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f'SELECT * WHERE {{ ?s ?p """\n#""" . SERVICE <{target}> {{ ?s ?p ?o }} }}',
        # comments: ended by \r, after code, and a comment that looks like the end of a string
        f"# a comment\rSELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o . # note\n SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p '#' . SERVICE <{target}> {{ ?s ?p ?o }} }}",
        # deep inside other patterns
        f"SELECT * WHERE {{ OPTIONAL {{ {{ SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{target}> {{ ?a ?b ?c }} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"ASK {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
    ]


def update_spellings(url: str) -> list[str]:
    data = url + "data.nt"
    return [
        f"LOAD <{data}>",
        f"LOAD SILENT <{data}> INTO GRAPH <http://example.org/g>",
        f"load <{data}>",
        f"\\u004cOAD <{data}>",
        f"PREFIX e: <{url}> LOAD e:data.nt",
        f"BASE <{url}> LOAD <data.nt>",
        f"INSERT DATA {{ <http://example.org/a> <http://example.org/b> 1 }} ; LOAD <{data}>",
        f"INSERT DATA {{ <http://example.org/a> <http://example.org/b> 1LOAD }} ; 1LOAD <{data}>",
        f"INSERT DATA {{ <http://example.org/a> <http://example.org/b> '''x\n# ''' }} LOAD <{data}>",
        f"# c\rLOAD <{data}>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
        f"DELETE {{ ?s ?p ?o }} WHERE {{ BIND(<{url}sparql> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
    ]


def test_service_is_refused_however_it_is_written(client, listener):
    before = len(listener.requests)
    for query in query_spellings(listener.url):
        for method in ("GET", "POST"):
            if method == "GET":
                r = client.get("/sparql", query_string={"query": query})
            else:
                r = client.post("/sparql", data=query, content_type="application/sparql-query")
            # Refused (403), malformed to a parser (400), or run where no connection can be
            # opened (200 without the listener's answer: the SERVICE found nothing to join).
            assert r.status_code in (200, 400, 403), (query, r.status_code, r.get_data(as_text=True)[:200])
            assert "reached" not in r.get_data(as_text=True)
    assert listener.requests[before:] == []


def test_service_is_refused_on_the_parsed_query(client, listener):
    """Every spelling the parser reads is a 403, whatever its escapes, prefixes or nesting."""
    spellings = query_spellings(listener.url)
    # Not the five that trip rdflib's tokenizer (the sandbox test covers those): a number
    # against the keyword, long strings with '#', a comment ended by \r, '#' in a string.
    readable = [q for i, q in enumerate(spellings) if i not in (11, 12, 13, 14, 16)]
    for query in readable:
        r = client.get("/sparql", query_string={"query": query})
        assert r.status_code == 403, (query, r.status_code, r.get_data(as_text=True)[:200])


def test_refusals_say_why(client, listener):
    r = client.get("/sparql", query_string={"query": query_spellings(listener.url)[0]})
    assert r.status_code == 403
    assert f"SERVICE {listener.url}sparql is not allowed" in r.get_data(as_text=True)
    r = client.get("/sparql", query_string={"query": query_spellings(listener.url)[9]})  # through a variable
    assert r.status_code == 403 and "a variable" in r.get_data(as_text=True)


def test_load_and_service_in_updates_are_refused_and_change_nothing(own_client, listener):
    before, triples = len(listener.requests), _count(own_client)
    for update in update_spellings(listener.url):
        r = own_client.post("/sparql", data={"update": update}, headers=AUTH)
        assert r.status_code in (400, 403), (update, r.status_code, r.get_data(as_text=True)[:200])
    assert listener.requests[before:] == []
    assert _count(own_client) == triples


def test_saved_query_parameters_cannot_carry_a_service(client, listener):
    before = len(listener.requests)
    target = listener.url + "sparql"
    for value in (
        f"{target}> }} SERVICE <{target}> {{ ?s ?p ?o",
        f"{target}>{{}}SERVICE<{target}",
        "http://a\nb",
        "http://[",
        "http://x/%ZZ",
        "http://x/\x00",
    ):
        r = client.get("/queries/actions-of-goal.json", query_string={"goal": value})
        assert r.status_code == 400, (value, r.get_data(as_text=True)[:200])
        assert "goal" in r.get_json()["message"]
    assert listener.requests[before:] == []


def test_the_sandbox_stops_what_the_rule_lets_through(app, listener):
    """The second wall alone: a worker asked to run a SERVICE call, with the rule skipped,
    cannot connect."""
    from graph.namespaces import PREFIXES
    from server.workers import WorkerError

    engine = app.extensions["techniekpact.engine"]
    before = len(listener.requests)
    request = {
        "query": f"SELECT * {{ SERVICE <{listener.url}sparql> {{ ?s ?p ?o }} }}",
        "default_graphs": None,
        "named_graphs": None,
        "limit": 10,
        "snapshot": engine.snapshot,
        "allowed": (listener.url,),
    }
    # allowed by the rule (the listener is on the allow-list here), so only the sandbox is left
    with pytest.raises(WorkerError) as caught:
        engine._pool.run(request, 5.0)
    assert caught.value.kind == "RemoteAccessRefused"
    assert listener.requests[before:] == []
    assert PREFIXES  # the workers evaluate with the project's prefixes


def test_an_allowed_service_is_reached(tmp_path, own_store, listener):
    """The listener does see what is allowed: the tests above would notice a call."""
    app = create_app(
        Config(
            store=str(own_store),
            query_workers=1,
            prepare_timeout=0,
            prepare_validation=False,
            allowed_services=(listener.url,),
        )
    )
    try:
        before = len(listener.requests)
        r = app.test_client().get(
            "/sparql",
            query_string={"query": f"SELECT ?x WHERE {{ SERVICE <{listener.url}sparql> {{ ?x ?y ?z }} }}"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert r.status_code == 200, r.get_data(as_text=True)
        assert r.get_json()["results"]["bindings"][0]["x"]["value"] == "reached"
        assert len(listener.requests) == before + 1
    finally:
        app.extensions["techniekpact.engine"].close()


@pytest.mark.parametrize(
    "path",
    [
        "/store?graph=http://a%0Ab",
        "/store?graph=http://%5B",
        "/store?graph=http://x/%25ZZ",
        "/store?graph=rel",
        "/network/ego?iri=http://a%0Ab",
        "/network/ego?iri=http://x/%25ZZ",
        "/sparql?query=ASK{}&default-graph-uri=http://a%0Ab",
        "/sparql?query=ASK{}&named-graph-uri=http://%5B",
        "/queries/actions-of-goal?goal=http://%5B",
        "/queries/actions-of-goal?goal=http://x/%25ZZ",
    ],
)
def test_bad_iris_are_400_saying_which_parameter(client, path):
    r = client.get(path, headers={"Accept": "application/json"})
    assert r.status_code == 400, r.get_data(as_text=True)[:300]
    name = path.split("?")[1].split("=")[-2].split("&")[-1]
    assert name in r.get_json()["message"]


@pytest.mark.parametrize("path", ["/id/goal/a%09b", "/id/goal/%00", "/id/goal/a%0Ab", "/id/goal/%3C"])
def test_bad_entity_addresses_are_404(client, path):
    r = client.get(path, headers={"Accept": "text/html"})
    assert r.status_code == 404


def test_bad_input_costs_no_worker(app, client):
    pool = app.extensions["techniekpact.engine"]._pool
    client.get("/sparql", query_string={"query": "ASK {}"})  # the workers start when first needed
    processes = {w.process.pid for w in list(pool._quick.queue)}
    bad = [
        {"query": "ASK {}", "default-graph-uri": "http://a\nb"},
        {"query": "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000},
        {"query": "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }"},
        {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1 " + "#" * (2 << 20)},
    ]
    for params in bad:
        r = client.post("/sparql", data=params)
        assert r.status_code == 400, r.get_data(as_text=True)[:200]
    assert "64" in client.post("/sparql", data=bad[1]).get_data(as_text=True)  # says the limit
    assert {w.process.pid for w in list(pool._quick.queue)} == processes  # no worker was replaced
    assert (
        client.get(
            "/sparql",
            query_string={"query": "ASK { ?s ?p ?o }"},
            headers={"Accept": "application/sparql-results+json"},
        ).get_json()["boolean"]
        is True
    )


def test_a_deeply_nested_update_is_refused_and_the_server_lives(own_client):
    before = _count(own_client)
    update = "INSERT { <http://e/a> <http://e/b> 1 } WHERE " + "{" * 10_000 + "}" * 10_000
    r = own_client.post("/sparql", data={"update": update}, headers=AUTH)
    assert r.status_code == 400 and "nests" in r.get_data(as_text=True)
    assert _count(own_client) == before


def test_updates_get_the_predeclared_prefixes_and_any_case_of_bearer(own_client):
    update = "INSERT DATA { GRAPH <http://example.org/sec> { <https://w3id.org/techniekpact/id/org/x> skos:prefLabel 'x' } }"
    r = own_client.post(
        "/sparql", data={"update": update}, headers={"Authorization": f"bEaReR {UPDATE_TOKEN}"}
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    r = own_client.get(
        "/store",
        query_string={"graph": "http://example.org/sec"},
        headers={"Accept": "application/n-triples"},
    )
    assert (
        "<https://w3id.org/techniekpact/id/org/x> <http://www.w3.org/2004/02/skos/core#prefLabel>"
        in r.get_data(as_text=True)
    )
    assert own_client.delete("/store?graph=http://example.org/sec", headers=AUTH).status_code == 204


def test_graph_store_put_takes_json_ld(own_client):
    body = '{"@id": "http://example.org/j", "http://example.org/p": "json-ld"}'
    r = own_client.put(
        "/store?graph=http://example.org/jsonld", data=body, content_type="application/ld+json", headers=AUTH
    )
    assert r.status_code in (201, 204), r.get_data(as_text=True)
    r = own_client.get("/store?graph=http://example.org/jsonld", headers={"Accept": "application/n-triples"})
    assert '<http://example.org/j> <http://example.org/p> "json-ld"' in r.get_data(as_text=True)
    named = '{"@id": "http://example.org/g", "@graph": [{"@id": "http://example.org/j", "http://example.org/p": "x"}]}'
    r = own_client.put(
        "/store?graph=http://example.org/jsonld", data=named, content_type="application/ld+json", headers=AUTH
    )
    assert r.status_code == 400 and "graphs of its own" in r.get_data(as_text=True)
    assert own_client.delete("/store?graph=http://example.org/jsonld", headers=AUTH).status_code == 204


def test_stored_script_iris_are_shown_as_text_and_pages_send_a_csp(own_client):
    payload = "javascript:alert(document.domain)"
    update = (
        f"INSERT DATA {{ GRAPH <http://example.org/xss> {{ <https://w3id.org/techniekpact/id/goal/2016-01> rdfs:seeAlso <{payload}> . "
        f"<{payload}> skos:prefLabel '<script>alert(1)</script>'@nl }} }}"
    )
    assert own_client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
    try:
        pages = [
            "/id/goal/2016-01",
            "/queries/actions-of-goal?goal=https://w3id.org/techniekpact/id/goal/2016-01",
        ]
        for path in pages:
            r = own_client.get(path, headers={"Accept": "text/html"})
            html = r.get_data(as_text=True)
            assert r.status_code == 200
            assert 'href="javascript' not in html.lower()
            assert "<script>alert(1)" not in html
            assert "script-src 'self'" in r.headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
            assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert "javascript:alert(document.domain)" in own_client.get(
            "/id/goal/2016-01", headers={"Accept": "text/html"}
        ).get_data(as_text=True)
    finally:
        own_client.delete("/store?graph=http://example.org/xss", headers=AUTH)


def test_a_blank_node_pointing_at_an_entity_keeps_its_page(own_client):
    update = (
        "INSERT DATA { GRAPH <http://example.org/bnode> { "
        "[] rdfs:seeAlso <https://w3id.org/techniekpact/id/goal/2016-02> } }"
    )
    assert own_client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
    try:
        r = own_client.get("/id/goal/2016-02", headers={"Accept": "text/html"})
        assert r.status_code == 200 and "2016-02" in r.get_data(as_text=True)
    finally:
        own_client.delete("/store?graph=http://example.org/bnode", headers=AUTH)
