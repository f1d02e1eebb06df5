"""Queries of one triple pattern are answered in the serving process (server/bounded.py), under
every rule a worker applies: the same answer, the row limit, no SERVICE or LOAD (what is not
recognised goes to a worker, and tests/test_security.py tries every spelling of SERVICE
against the endpoint)."""

from __future__ import annotations

import pytest

from server import bounded, create_app
from server.config import Config
from server.engine import IN_PROCESS_ROWS

OCW = "<https://w3id.org/techniekpact/id/org/ocw>"
JSON = {"Accept": "application/sparql-results+json"}

ONE_PATTERN = [
    f"SELECT ?p ?o WHERE {{ {OCW} ?p ?o }} # a counter, as every request differs",
    "select * { ?s a tp:Goal }",
    'PREFIX ex: <http://example.org/> SELECT ?s { ?s ex:p "x"@nl . } LIMIT 5 OFFSET 10',
    'ASK { ?s ?p "1"^^xsd:integer }',
    "SELECT ?s WHERE { ?s rdfs:label 'Jet-Net' } OFFSET 3 LIMIT 2",
]

NOT_ONE_PATTERN = [
    "SELECT ?x { ?x ?p ?x }",  # scans every triple for s = o
    "SELECT * { ?s ?p ?o . ?o ?q ?r }",  # a join
    "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    'SELECT * { ?s ?p """ } SERVICE <http://example.org/> { """ }',  # a long string is not three
    'SELECT * { ?s ?p "a\\u0022 } SERVICE <http://example.org/> { " }',  # escapes are decoded first
    "SELECT DISTINCT ?p { ?s ?p ?o }",
    "SELECT * { ?s ?p ?o } ORDER BY ?s",
    f"SELECT * {{ ?s ?p ?o }} OFFSET {bounded.MAX_OFFSET + 1}",
    "SELECT * { ?s ?p ?o FILTER(?o) }",
    "SELECT * { ?s ex:p.q ?o }",
    "SELECT * { ?s ?p ?o } VALUES ?s { <http://example.org/> }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "SELECT (1 AS ?x) { ?s ?p ?o }",
    "SELECT * FROM <http://example.org/> { ?s ?p ?o }",
    "SELECT * { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * { ?s <http://example.org/p>* ?o }",
    "SELECT * { ?s ?p ?o ; ?q ?r }",
    "SELECT * { _:b ?p ?o }",
    "SELECT * { ?s ?p ?o } LIMIT 1 LIMIT 2",
]


@pytest.mark.parametrize("text", ONE_PATTERN)
def test_one_pattern_queries_are_recognised(text):
    assert bounded.single_pattern(text) is not None


@pytest.mark.parametrize("text", NOT_ONE_PATTERN)
def test_everything_else_goes_to_a_worker(text):
    assert bounded.single_pattern(text) is None


@pytest.fixture(scope="module")
def small_limit_app(store_dir):
    app = create_app(
        Config(
            store=str(store_dir),
            query_timeout=10.0,
            result_limit=10,
            prepare_timeout=0,
            prepare_validation=False,
        )
    )
    yield app
    app.extensions["techniekpact.engine"].close()
    app.extensions["techniekpact.answers"].close()


def _rows(response) -> list[dict]:
    assert response.status_code == 200, response.data
    return [{k: v["value"] for k, v in b.items()} for b in response.get_json()["results"]["bindings"]]


def test_the_answer_in_process_is_the_workers_answer(client):
    here = _rows(client.post("/sparql", data={"query": f"SELECT ?p ?o {{ {OCW} ?p ?o }}"}, headers=JSON))
    # FILTER(true) makes it two operators: a worker answers it.
    there = _rows(
        client.post("/sparql", data={"query": f"SELECT ?p ?o {{ {OCW} ?p ?o FILTER(true) }}"}, headers=JSON)
    )
    assert len(here) > 10
    assert sorted(map(sorted, map(dict.items, here))) == sorted(map(sorted, map(dict.items, there)))


def test_the_row_limit_holds_in_process(small_limit_app):
    client = small_limit_app.test_client()
    refused = client.post("/sparql", data={"query": "SELECT * { ?s ?p ?o }"}, headers=JSON)
    assert refused.status_code == 400
    assert b"more than 10 rows" in refused.data
    assert (
        len(_rows(client.post("/sparql", data={"query": "SELECT * { ?s ?p ?o } LIMIT 10"}, headers=JSON)))
        == 10
    )


def test_an_answer_larger_than_read_in_process_comes_whole_from_a_worker(client, store):
    limit = IN_PROCESS_ROWS + 500  # under the test app's row limit (5,000)
    rows = _rows(
        client.post("/sparql", data={"query": f"SELECT ?s ?c {{ ?s a ?c }} LIMIT {limit}"}, headers=JSON)
    )
    typed = list(store.query("SELECT (COUNT(*) AS ?n) { ?s a ?c }", use_default_graph_as_union=True))[0][
        "n"
    ].value
    assert len(rows) == min(limit, int(typed)) > IN_PROCESS_ROWS
