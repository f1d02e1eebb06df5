"""The default graph is the RDF merge of the named graphs: a triple stated by several documents
counts once without GRAPH, while GRAPH ?g still names every document that states it; writes keep
it so (graph/merge.py)."""

from __future__ import annotations

import pytest

from graph.build import build
from graph.merge import MERGE_GRAPH, SERVICE_GRAPHS
from server import create_app
from server.config import Config
from tests.conftest import UPDATE_TOKEN

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
G = "https://w3id.org/techniekpact/graph/"
S, P, O = "<urn:merge-test:s>", "<urn:merge-test:p>", '"gedeeld"'


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """An app on a store of its own (these tests write)."""
    report = build(tmp_path_factory.mktemp("merge") / "store")
    app = create_app(Config(store=str(report.store), update_token=UPDATE_TOKEN, query_timeout=30))
    yield app, app.test_client()
    app.extensions["techniekpact.engine"].close()


def rows(client, query, **params):
    r = client.post(
        "/sparql", data={"query": query, **params}, headers={"Accept": "application/sparql-results+json"}
    )
    assert r.status_code == 200, r.get_data(as_text=True)
    return [{k: v["value"] for k, v in b.items()} for b in r.get_json()["results"]["bindings"]]


def count(client, where, **params) -> int:
    return int(rows(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", **params)[0]["n"])


def update(client, text):
    r = client.post("/sparql", data={"update": text}, headers=AUTH)
    assert r.status_code in (200, 204), r.get_data(as_text=True)


def truth(client):
    """Distinct triples, quads and graph names of the documents' graphs, read through GRAPH ?g."""
    distinct = count(client, "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    quads = count(client, "GRAPH ?g { ?s ?p ?o }")
    graphs = {r["g"] for r in rows(client, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")}
    return distinct, quads, graphs


def test_each_triple_once_without_graph_and_every_document_with_it(service):
    _, client = service
    distinct, quads, graphs = truth(client)
    assert not graphs & set(SERVICE_GRAPHS)  # GRAPH ?g never shows the service's own graph
    assert distinct < quads  # the documents do repeat each other
    assert count(client, "?s ?p ?o") == distinct
    assert 20_000 < distinct
    # A triple stated by more than one document: once without GRAPH, each document with it.
    shared = rows(
        client,
        "SELECT ?s ?p ?o (COUNT(?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER isIRI(?o) } "
        "GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 2) LIMIT 1",
    )[0]
    triple = f"<{shared['s']}> <{shared['p']}> <{shared['o']}>"
    assert count(client, triple) == 1
    assert count(client, f"GRAPH ?g {{ {triple} }}") == int(shared["n"])


def test_a_query_with_its_own_from_gets_its_own_dataset(service):
    _, client = service
    graph = G + "actions-2013"
    own = count(client, f"GRAPH <{graph}> {{ ?s ?p ?o }}")
    r = rows(client, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    assert int(r[0]["n"]) == own < count(client, "?s ?p ?o")
    # The protocol's dataset takes precedence over FROM (SPARQL 1.1 Protocol 2.1.4).
    other = G + "reference"
    r = rows(
        client, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}", **{"default-graph-uri": other}
    )
    assert int(r[0]["n"]) == count(client, f"GRAPH <{other}> {{ ?s ?p ?o }}")


def test_updates_keep_the_merge(service):
    _, client = service
    total = count(client, "?s ?p ?o")
    a, b = G + "test-a", G + "test-b"
    update(client, f"INSERT DATA {{ GRAPH <{a}> {{ {S} {P} {O} }} }}")
    assert count(client, "?s ?p ?o") == total + 1
    update(client, f"INSERT DATA {{ GRAPH <{b}> {{ {S} {P} {O} }} }}")  # stated twice now
    assert count(client, "?s ?p ?o") == total + 1
    assert count(client, f"GRAPH ?g {{ {S} {P} {O} }}") == 2
    update(client, f"DELETE DATA {{ GRAPH <{a}> {{ {S} {P} {O} }} }}")  # still stated by b
    assert count(client, f"{S} {P} {O}") == 1
    update(client, f"DROP GRAPH <{b}>")
    assert count(client, f"{S} {P} {O}") == 0
    assert count(client, "?s ?p ?o") == total


def test_updates_naming_graphs_by_variable_prefix_or_default(service):
    _, client = service
    total = count(client, "?s ?p ?o")
    update(client, f"PREFIX t: <{G}> INSERT DATA {{ GRAPH t:test-c {{ {S} {P} {O} }} }}")
    update(client, f"INSERT DATA {{ {S} {P} {O} }}")  # the store's own default graph too
    assert count(client, f"{S} {P} {O}") == 1
    update(client, f"DELETE {{ GRAPH ?g {{ {S} {P} ?o }} }} WHERE {{ GRAPH ?g {{ {S} {P} ?o }} }}")
    assert count(client, f"{S} {P} {O}") == 1  # the default graph still states it
    update(client, "CLEAR DEFAULT")
    assert count(client, f"{S} {P} {O}") == 0
    assert count(client, "?s ?p ?o") == total


def test_a_triple_the_build_shared_survives_deleting_one_statement(service):
    _, client = service
    shared = rows(
        client,
        "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER isIRI(?o) "
        "{ SELECT ?s ?p ?o WHERE { GRAPH ?h { ?s ?p ?o } } GROUP BY ?s ?p ?o "
        "HAVING (COUNT(?h) = 2) } } LIMIT 2",
    )
    triple = f"<{shared[0]['s']}> <{shared[0]['p']}> <{shared[0]['o']}>"
    first = [r["g"] for r in shared if f"<{r['s']}> <{r['p']}> <{r['o']}>" == triple][0]
    update(client, f"DELETE DATA {{ GRAPH <{first}> {{ {triple} }} }}")
    try:
        assert count(client, triple) == 1
    finally:
        update(client, f"INSERT DATA {{ GRAPH <{first}> {{ {triple} }} }}")


def test_graph_store_writes_keep_the_merge(service):
    _, client = service
    total = count(client, "?s ?p ?o")
    target = G + "test-gsp"
    r = client.put(
        f"/store?graph={target}",
        data=f"{S} {P} {O} .\n<urn:merge-test:t> {P} {O} .\n",
        headers={**AUTH, "Content-Type": "application/n-triples"},
    )
    assert r.status_code in (200, 201, 204), r.get_data(as_text=True)
    assert count(client, "?s ?p ?o") == total + 2
    r = client.delete(f"/store?graph={target}", headers=AUTH)
    assert r.status_code in (200, 204)
    assert count(client, "?s ?p ?o") == total


def test_a_failed_update_leaves_the_merge_as_it_was(service):
    _, client = service
    total = count(client, "?s ?p ?o")
    r = client.post(
        "/sparql",
        data={
            "update": f"INSERT DATA {{ GRAPH <{G}test-d> {{ {S} {P} {O} }} }} ; "
            f"CREATE GRAPH <{G}actions-2013>"
        },
        headers=AUTH,
    )
    assert 400 <= r.status_code < 500
    assert count(client, "?s ?p ?o") == total
    assert count(client, f"GRAPH <{MERGE_GRAPH}> {{ {S} {P} {O} }}") == 0
