"""The 34 cases of the W3C SPARQL 1.1 Protocol test suite (w3c/rdf-tests, sparql11/protocol),
replayed request by request against the service on a store of its own: the cases CLEAR and
DROP ALL, so they never touch the session's store.

Each case is written here in the suite's terms (method, path, content type, body, expected
status and answer). The data the suite loads (data0.rdf … data3.rdf) is one triple per graph,
`<dataN.rdf> a foaf:Document`, the same the suite's update cases insert themselves.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from server import create_app
from server.config import Config

TOKEN = "w3c-token"
K = "http://kasei.us/2009/09/sparql/data/"
FOAF = "http://xmlns.com/foaf/0.1/"
DC = "http://purl.org/dc/terms/"
Q, U, FORM = "application/sparql-query", "application/sparql-update", "application/x-www-form-urlencoded"


def iri(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


DATA = (
    "DROP ALL ; INSERT DATA { "
    + " ".join(f"GRAPH <{K}data{n}.rdf> {{ <{K}data{n}.rdf> a <{FOAF}Document> }}" for n in range(4))
    + " }"
)

UPDATE_PROLOGUE = f"PREFIX dc: <{DC}>\nPREFIX foaf: <{FOAF}>\n"
INSERT_THREE = (
    "DROP ALL ;\nINSERT DATA {\n"
    + "".join(f"  GRAPH <{K}data{n}.rdf> {{ <{K}data{n}.rdf> a foaf:Document }}\n" for n in (1, 2, 3))
    + "} ;\n"
)


@pytest.fixture(scope="module")
def w3c(tmp_path_factory):
    path = tmp_path_factory.mktemp("w3c") / "store"
    ox.Store(str(path)).flush()  # an empty store; the service stamps its first version
    app = create_app(
        Config(
            store=str(path),
            update_token=TOKEN,
            query_workers=1,
            prepare_timeout=0,
            prepare_validation=False,
            query_timeout=30.0,
        )
    )
    yield app.test_client()
    app.extensions["techniekpact.engine"].close()


def send(client, method, path, content_type=None, body=None, auth=False):
    headers = {"Accept": "application/sparql-results+json"}
    if content_type:
        headers["Content-Type"] = content_type
    if auth:
        headers["Authorization"] = f"Bearer {TOKEN}"
    return client.open(path, method=method, data=body, headers=headers)


def load_data(client):
    r = send(client, "POST", "/sparql", U, DATA, auth=True)
    assert r.status_code == 204, r.get_data(as_text=True)


def ask(client, query) -> bool:
    r = send(client, "POST", "/sparql", Q, query)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()["boolean"]


# (name, method, path, content type, body, expected boolean or None)
D0 = f"/sparql?default-graph-uri={iri(K + 'data0.rdf')}"
BOTH = f"<{K}data1.rdf> a ?type . <{K}data2.rdf> a ?type ."
NAMED = f"GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} GRAPH ?g2 {{ <{K}data2.rdf> a ?type }}"
QUERY_CASES = [
    ("query_post_form", "POST", D0, FORM, "query=ASK%20%7B%7D", True),
    (
        "query_dataset_default_graphs_get",
        "GET",
        f"/sparql?query={iri('ASK { ' + BOTH + ' }')}&default-graph-uri={iri(K + 'data1.rdf')}"
        f"&default-graph-uri={iri(K + 'data2.rdf')}",
        None,
        None,
        True,
    ),
    (
        "query_dataset_default_graphs_post",
        "POST",
        f"/sparql?default-graph-uri={iri(K + 'data1.rdf')}&default-graph-uri={iri(K + 'data2.rdf')}",
        Q,
        f"ASK {{ {BOTH} }}",
        True,
    ),
    (
        "query_dataset_named_graphs_post",
        "POST",
        f"/sparql?named-graph-uri={iri(K + 'data1.rdf')}&named-graph-uri={iri(K + 'data2.rdf')}",
        Q,
        f"ASK {{ {NAMED} }}",
        True,
    ),
    (
        "query_dataset_named_graphs_get",
        "GET",
        f"/sparql?query={iri('ASK { ' + NAMED + ' }')}&named-graph-uri={iri(K + 'data1.rdf')}"
        f"&named-graph-uri={iri(K + 'data2.rdf')}",
        None,
        None,
        True,
    ),
    (
        "query_dataset_full",
        "POST",
        f"/sparql?default-graph-uri={iri(K + 'data3.rdf')}&named-graph-uri={iri(K + 'data1.rdf')}"
        f"&named-graph-uri={iri(K + 'data2.rdf')}",
        Q,
        f"ASK {{ <{K}data3.rdf> a ?type {NAMED} }}",
        True,
    ),
    # The suite's own request encodes its second named-graph-uri inside the first (…data1.rdf%26named-graph-
    # uri%3D…), one IRI that names no graph; this is the request it means: two named graphs, and the
    # protocol's dataset wins over the query's FROM.
    (
        "query_multiple_dataset",
        "POST",
        f"/sparql?named-graph-uri={iri(K + 'data1.rdf')}&named-graph-uri={iri(K + 'data2.rdf')}",
        Q,
        f"ASK FROM <{K}data3.rdf> {{ {NAMED} }}",
        True,
    ),
    (
        "query_get",
        "GET",
        f"/sparql?query=ASK%20%7B%7D&default-graph-uri={iri(K + 'data0.rdf')}",
        None,
        None,
        True,
    ),
    ("query_post_direct", "POST", "/sparql", Q, "ASK {}", True),
]


@pytest.mark.parametrize(
    "name, method, path, content_type, body, expected", QUERY_CASES, ids=[case[0] for case in QUERY_CASES]
)
def test_query_cases(w3c, name, method, path, content_type, body, expected):
    load_data(w3c)
    r = send(w3c, method, path, content_type, body)
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["boolean"] is expected


@pytest.mark.parametrize(
    "name, body, accept_kind, media",
    [
        (
            "query_content_type_select",
            "SELECT (1 AS ?value) {}",
            "select",
            (
                "application/sparql-results+json",
                "application/sparql-results+xml",
                "text/csv",
                "text/tab-separated-values",
            ),
        ),
        (
            "query_content_type_ask",
            "ASK {}",
            "ask",
            ("application/sparql-results+json", "application/sparql-results+xml"),
        ),
        (
            "query_content_type_describe",
            "DESCRIBE <http://example.org/>",
            "graph",
            ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json"),
        ),
        # A relative IRI (<s>, <p>) resolves against the endpoint's address, as in updates.
        (
            "query_content_type_construct",
            "CONSTRUCT { <s> <p> 1 } WHERE {}",
            "graph",
            ("text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json"),
        ),
    ],
)
def test_content_type_cases(w3c, name, body, accept_kind, media):
    r = w3c.post(D0, data=body, headers={"Content-Type": Q})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.headers["Content-Type"].split(";")[0] in media
    if name == "query_content_type_construct":
        triples = list(ox.parse(r.data, format=ox.RdfFormat.TURTLE))
        assert [(t.subject.value, t.predicate.value, t.object.value) for t in triples] == [
            ("http://localhost/s", "http://localhost/p", "1")
        ]


def test_update_dataset_default_graph(w3c):
    update = (
        UPDATE_PROLOGUE
        + f"CLEAR ALL ;\nINSERT DATA {{ GRAPH <{K}data1.rdf> {{ <{K}data1.rdf> a foaf:Document }} }} ;\n"
        "INSERT { GRAPH <http://example.org/protocol-update-dataset-test/> { ?s a dc:BibliographicResource } }\n"
        "WHERE { ?s a foaf:Document }"
    )
    r = send(w3c, "POST", f"/sparql?using-graph-uri={iri(K + 'data1.rdf')}", U, update, auth=True)
    assert r.status_code == 204, r.get_data(as_text=True)
    assert ask(
        w3c,
        f"ASK {{ GRAPH <http://example.org/protocol-update-dataset-test/> "
        f"{{ <{K}data1.rdf> a <{DC}BibliographicResource> }} }}",
    )


def _three_way(target: str, where: str) -> str:
    return (
        UPDATE_PROLOGUE
        + INSERT_THREE
        + f"INSERT {{ GRAPH <{target}> {{ {where[0]} }} }}\nWHERE {{ {where[1]} }}"
    )


def _only_one_and_two(target: str) -> str:
    return (
        f"ASK {{ GRAPH <{target}> {{ <{K}data1.rdf> a <{DC}BibliographicResource> . "
        f"<{K}data2.rdf> a <{DC}BibliographicResource> }} "
        f"FILTER NOT EXISTS {{ GRAPH <{target}> {{ <{K}data3.rdf> a <{DC}BibliographicResource> }} }} }}"
    )


def test_update_dataset_default_graphs(w3c):
    target = "http://example.org/protocol-update-dataset-graphs-test/"
    update = _three_way(target, ("?s a dc:BibliographicResource", "?s a foaf:Document"))
    r = send(
        w3c,
        "POST",
        f"/sparql?using-graph-uri={iri(K + 'data1.rdf')}&using-graph-uri={iri(K + 'data2.rdf')}",
        U,
        update,
        auth=True,
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    assert ask(w3c, _only_one_and_two(target))


def test_update_dataset_named_graphs(w3c):
    target = "http://example.org/protocol-update-dataset-named-graphs-test/"
    update = _three_way(target, ("?s a dc:BibliographicResource", "GRAPH ?g { ?s a foaf:Document }"))
    r = send(
        w3c,
        "POST",
        f"/sparql?using-named-graph-uri={iri(K + 'data1.rdf')}&using-named-graph-uri={iri(K + 'data2.rdf')}",
        U,
        update,
        auth=True,
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    assert ask(w3c, _only_one_and_two(target))


def test_update_dataset_full(w3c):
    target = "http://example.org/protocol-update-dataset-full-test/"
    update = _three_way(
        target,
        (
            "?s <http://example.org/in> ?in",
            "{ GRAPH ?g { ?s a foaf:Document } BIND(?g AS ?in) } UNION "
            '{ ?s a foaf:Document . BIND("default" AS ?in) }',
        ),
    )
    r = send(
        w3c,
        "POST",
        f"/sparql?using-graph-uri={iri(K + 'data1.rdf')}&using-named-graph-uri={iri(K + 'data2.rdf')}",
        U,
        update,
        auth=True,
    )
    assert r.status_code == 204, r.get_data(as_text=True)
    assert ask(
        w3c,
        f'ASK {{ GRAPH <{target}> {{ <{K}data1.rdf> <http://example.org/in> "default" . '
        f"<{K}data2.rdf> <http://example.org/in> <{K}data2.rdf> }} "
        f"FILTER NOT EXISTS {{ GRAPH <{target}> {{ <{K}data3.rdf> ?p ?o }} }} }}",
    )


@pytest.mark.parametrize(
    "name, content_type, body",
    [
        ("update_post_form", FORM, "update=CLEAR+ALL"),
        ("update_post_direct", U, "CLEAR ALL"),
    ],
)
def test_update_post_cases(w3c, name, content_type, body):
    load_data(w3c)
    assert send(w3c, "POST", "/sparql", content_type, body, auth=True).status_code == 204
    assert not ask(w3c, "ASK { GRAPH ?g { ?s ?p ?o } }")


def test_update_base_uri(w3c):
    # CLEAR of a graph the store never held succeeds, as the case expects of a first request.
    update = (
        "CLEAR GRAPH <http://example.org/protocol-base-test/> ;\n"
        "INSERT DATA { GRAPH <http://example.org/protocol-base-test/> { <http://example.org/s> "
        "<http://example.org/p> <test> } }"
    )
    assert send(w3c, "POST", "/sparql", U, update, auth=True).status_code == 204
    r = send(
        w3c,
        "POST",
        "/sparql",
        Q,
        "SELECT ?o WHERE { GRAPH <http://example.org/protocol-base-test/> "
        "{ <http://example.org/s> <http://example.org/p> ?o } }",
    )
    rows = r.get_json()["results"]["bindings"]
    assert len(rows) == 1 and rows[0]["o"]["type"] == "uri"
    assert rows[0]["o"]["value"] == "http://localhost/test"  # resolved against the endpoint's address


CONFLICT = (
    "PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
    "DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
    "WHERE { ?person foaf:givenName 'Bill' }"
)
BAD_CASES = [
    (
        "bad_query_method",
        "PUT",
        f"/sparql?query=ASK%20%7B%7D&default-graph-uri={iri(K + 'data0.rdf')}",
        FORM,
        b"",
    ),
    ("bad_multiple_queries", "GET", "/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", None, None),
    ("bad_query_wrong_media_type", "POST", "/sparql", "text/plain", b"ASK {}"),
    ("bad_query_missing_form_type", "POST", "/sparql", None, b"query=ASK%20%7B%7D"),
    ("bad_query_missing_direct_type", "POST", "/sparql", None, b"ASK {}"),
    (
        "bad_query_non_utf8",
        "POST",
        "/sparql",
        "application/sparql-query; charset=UTF-16",
        "ASK {}".encode("utf-16"),
    ),
    ("bad_query_syntax", "GET", "/sparql?query=ASK%20%7B", None, None),
    ("bad_update_get", "GET", "/sparql?update=CLEAR%20ALL", None, None),
    ("bad_multiple_updates", "POST", "/sparql", FORM, b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT"),
    ("bad_update_wrong_media_type", "POST", "/sparql", "text/plain", b"CLEAR NAMED"),
    ("bad_update_missing_form_type", "POST", "/sparql", None, b"update=CLEAR%20NAMED"),
    ("bad_update_missing_direct_type", "POST", "/sparql", None, b"CLEAR NAMED"),
    (
        "bad_update_non_utf8",
        "POST",
        "/sparql",
        "application/sparql-update; charset=UTF-16",
        "CLEAR NAMED".encode("utf-16"),
    ),
    ("bad_update_syntax", "POST", "/sparql", FORM, b"update=CLEAR%20XYZ"),
    (
        "bad_update_dataset_conflict",
        "POST",
        "/sparql?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople",
        U,
        CONFLICT.encode(),
    ),
]


@pytest.mark.parametrize("name, method, path, content_type, body", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_requests_are_4xx_and_change_nothing(w3c, name, method, path, content_type, body):
    load_data(w3c)
    r = send(w3c, method, path, content_type, body, auth=True)
    assert 400 <= r.status_code < 500, (r.status_code, r.get_data(as_text=True))
    assert ask(w3c, f"ASK {{ GRAPH <{K}data1.rdf> {{ <{K}data1.rdf> a <{FOAF}Document> }} }}")
