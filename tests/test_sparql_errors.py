"""Bad input gets a clear 4xx and changes nothing; limits and safety hold."""

import pytest

from tests.conftest import UPDATE_TOKEN

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
PROBE = "https://w3id.org/techniekpact/id/test/probe"


def count(client, graph=None):
    where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    r = client.get("/sparql", query_string={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"})
    return int(r.get_json()["results"]["bindings"][0]["n"]["value"])


def test_malformed_query_gets_400_with_position(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400
    assert "error at 1:" in r.get_data(as_text=True)


@pytest.mark.parametrize(
    "params",
    [
        {"query": ""},
        {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": "not an iri"},
        {"query": "SELECT ?x WHERE { BIND(1 AS ?x) }", "format": "pdf"},
    ],
)
def test_bad_parameters_get_4xx_not_500(client, params):
    r = client.get("/sparql", query_string=params)
    assert 400 <= r.status_code < 500, r.get_data(as_text=True)


def test_query_and_update_together_is_400(client):
    r = client.post("/sparql", data={"query": "ASK {}", "update": "CLEAR ALL"}, headers=AUTH)
    assert r.status_code == 400


def test_unsupported_body_type_is_415(client):
    r = client.post("/sparql", data=b"{}", headers={"Content-Type": "application/json"})
    assert r.status_code == 415


def test_updates_are_refused_without_token_configured(store_dir):
    from server import create_app
    from server.config import Config

    read_only = create_app(Config(store=str(store_dir))).test_client()
    before = count(read_only)
    r = read_only.post("/sparql", data={"update": f"INSERT DATA {{ <{PROBE}> <{PROBE}> 1 }}"})
    assert r.status_code == 403 and "disabled" in r.get_data(as_text=True)
    assert count(read_only) == before


def test_update_with_wrong_token_is_401_and_changes_nothing(own_client):
    before = count(own_client)
    r = own_client.post(
        "/sparql",
        data={"update": f"INSERT DATA {{ <{PROBE}> <{PROBE}> 1 }}"},
        headers={"Authorization": "Bearer wrong"},
    )
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    assert count(own_client) == before


def test_authorised_update_applies_and_a_failing_one_changes_nothing(own_client, own_app):
    graph = "https://w3id.org/techniekpact/graph/test-update"
    r = own_client.post(
        "/sparql",
        data=f"INSERT DATA {{ GRAPH <{graph}> {{ <{PROBE}> <{PROBE}> 1 }} }}".encode(),
        headers={**AUTH, "Content-Type": "application/sparql-update"},
    )
    assert r.status_code == 204 and count(own_client, graph) == 1
    before = count(own_client)
    # The second operation fails (adding to a literal's subject is a syntax error): nothing of it lands.
    r = own_client.post(
        "/sparql",
        data={
            "update": f"INSERT DATA {{ GRAPH <{graph}> {{ <{PROBE}> <{PROBE}> 2 }} }} ; "
            "INSERT DATA { GRAPH <x> { 1 <p> <o> } }"
        },
        headers=AUTH,
    )
    assert r.status_code == 400
    assert count(own_client) == before
    # An update that fails while running (not while parsing) is rolled back too.
    r = own_client.post(
        "/sparql",
        data={
            "update": f"INSERT DATA {{ GRAPH <{graph}> {{ <{PROBE}> <{PROBE}> 3 }} }} ; "
            f"CREATE GRAPH <{graph}>"
        },
        headers=AUTH,
    )
    assert 400 <= r.status_code < 500
    assert count(own_client) == before
    own_client.post("/sparql", data={"update": f"DROP GRAPH <{graph}>"}, headers=AUTH)
    assert count(own_client, graph) == 0


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE SILENT <http://169.254.169.254/latest> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { \\U00000053\\u0045RVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service <http://example.org/sparql> { ?s ?p ?o } }",
        "SELECT * WHERE { BIND(<http://example.org/sparql> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    ],
)
def test_service_to_outside_hosts_is_refused(client, query):
    r = client.get("/sparql", query_string={"query": query})
    assert r.status_code == 403 and "not allowed" in r.get_data(as_text=True)


def test_comment_lines_may_mention_service_and_load(client):
    query = (
        "# Which services load the most?\n  # SERVICE <http://example.org/x> is not called\nASK { ?s ?p ?o }"
    )
    r = client.get(
        "/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    assert r.status_code == 200 and r.get_json()["boolean"] is True


# Every other spelling of SERVICE and LOAD, against a listener: tests/test_security.py.


def test_load_from_outside_hosts_is_refused_even_with_token(client):
    before = count(client)
    r = client.post("/sparql", data={"update": "LOAD <http://example.org/data.ttl>"}, headers=AUTH)
    assert r.status_code == 403
    assert count(client) == before


@pytest.mark.parametrize(
    "form,accept",
    [
        ("SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {n}", "application/sparql-results+json"),
        # distinct triples: a triple stated in two documents is one triple of the result
        (
            "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ SELECT DISTINCT ?s ?p ?o WHERE {{ ?s ?p ?o }} LIMIT {n} }} }}",
            "application/n-triples",
        ),
    ],
)
def test_exactly_the_result_limit_is_answered_and_one_more_is_refused(client, app, form, accept):
    limit = app.config["TECHNIEKPACT"].result_limit
    full = client.post("/sparql", data={"query": form.format(n=limit)}, headers={"Accept": accept})
    assert full.status_code == 200, full.get_data(as_text=True)
    body = full.get_data(as_text=True)
    count = (
        len(full.get_json()["results"]["bindings"]) if "json" in accept else len(body.strip().splitlines())
    )
    assert count == limit
    over = client.post("/sparql", data={"query": form.format(n=limit + 1)}, headers={"Accept": accept})
    assert over.status_code == 400 and "LIMIT" in over.get_data(as_text=True)


def test_result_limit_is_answered_clearly(client):
    r = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o . ?x a ?t }"})
    assert r.status_code == 400 and "more than 5000 rows" in r.get_data(as_text=True)
    r = client.get(
        "/sparql",
        query_string={"query": "SELECT * WHERE { ?s ?p ?o . ?x a ?t } LIMIT 5000"},
        headers={"Accept": "text/tab-separated-values"},
    )
    assert r.status_code == 200 and len(r.get_data(as_text=True).splitlines()) == 5001


def test_query_timeout_is_answered_clearly_and_the_service_goes_on(client):
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . FILTER(?a != ?c && ?b != ?f) }"
    r = client.get("/sparql", query_string={"query": slow})
    assert r.status_code == 503 and "time limit is 3 s" in r.get_data(as_text=True)
    # A browser's GET of a query opens the editor (a permalink); its form POST runs it.
    page = client.post("/sparql", data={"query": slow}, headers={"Accept": "text/html"})
    assert page.status_code == 503 and "time limit is 3 s" in page.get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page.get_data(as_text=True), (
        "it would time out again: not asked again"
    )
    r = client.get("/sparql", query_string={"query": "ASK { tpd:goal\\/2016-01 a tp:Goal }"})
    assert r.status_code == 200 and r.get_json()["boolean"] is True


def test_graph_store_protocol_put_get_delete(own_client):
    graph = "https://w3id.org/techniekpact/graph/test-gsp"
    turtle = f'<{PROBE}> <http://www.w3.org/2000/01/rdf-schema#label> "probe"@en .'
    r = own_client.put(
        "/store", query_string={"graph": graph}, data=turtle, headers={**AUTH, "Content-Type": "text/turtle"}
    )
    assert r.status_code == 201
    r = own_client.get("/store", query_string={"graph": graph}, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and '"probe"@en' in r.get_data(as_text=True)
    r = own_client.put(
        "/store",
        query_string={"graph": graph},
        data="<a> <b> .",
        headers={**AUTH, "Content-Type": "text/turtle"},
    )
    assert r.status_code == 400
    assert count(own_client, graph) == 1
    r = own_client.put(
        "/store", query_string={"graph": graph}, data=turtle, headers={"Content-Type": "text/turtle"}
    )
    assert r.status_code == 401
    assert own_client.delete("/store", query_string={"graph": graph}, headers=AUTH).status_code == 204
    assert own_client.get("/store", query_string={"graph": graph}).status_code == 404


def test_no_500_for_odd_requests(client):
    odd = [
        client.get("/sparql", query_string={"update": "CLEAR ALL"}),
        client.post("/sparql", data={}),
        client.post("/sparql", data=b"\xff\xfe", headers={"Content-Type": "application/sparql-query"}),
        client.get("/store"),
        client.get("/store", query_string={"graph": "no iri"}),
        client.put(
            "/store", query_string={"default": ""}, data=b"x", headers={**AUTH, "Content-Type": "image/png"}
        ),
        client.get("/nothing-here"),
    ]
    for response in odd:
        assert 400 <= response.status_code < 500, (response.status_code, response.get_data(as_text=True))


def test_a_fault_of_the_code_in_a_worker_is_a_500_and_logged_not_the_clients_error(
    store_dir, monkeypatch, caplog
):
    """A request that breaks the service's own code is not answered as a malformed query: the
    client gets 500 and the operator a log line naming the fault."""
    from server import close_app, create_app, workers
    from server.config import Config

    def broken(*args, **kwargs):
        return undefined_name  # noqa: F821 — the fault under test

    app = create_app(
        Config(store=str(store_dir), query_workers=0, prepare_timeout=0, prepare_validation=False)
    )
    try:
        # a mistake in the query is the client's: 400
        assert app.test_client().get("/sparql", query_string={"query": "ASK {"}).status_code == 400
        monkeypatch.setattr(workers, "_run_query", broken)
        answer = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert answer.status_code == 500
        assert "undefined_name" not in answer.get_data(as_text=True)  # no internals to the client
        assert any("NameError" in r.getMessage() or "NameError" in (r.exc_text or "") for r in caplog.records)
    finally:
        close_app(app)
