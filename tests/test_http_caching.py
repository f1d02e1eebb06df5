"""HTTP caching that clients can use: an ETag from the store version and the request, a 304
decided before any work, `Cache-Control: max-age=0, must-revalidate`, and never a stale answer
after an update."""

import pytest

from tests.conftest import UPDATE_TOKEN

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
GOAL_COUNT = "SELECT (COUNT(?g) AS ?n) WHERE { ?g a tp:Goal }"
PROBE = "https://w3id.org/techniekpact/id/goal/test-caching"
PROBE_GRAPH = "https://w3id.org/techniekpact/graph/test-caching"


class Forbidden(AssertionError):
    """Raised by the work a 304 must not do."""


def _refuse(*_args, **_kwargs):
    raise Forbidden("the answer was worked out although the client already had it")


def _engine(app):
    return app.extensions["techniekpact.engine"]


# (address, headers, what must not run for a 304: (module object path, attribute))
CASES = {
    "sparql": (f"/sparql?query={GOAL_COUNT}", {"Accept": "application/sparql-results+json"}, None),
    "entity-html": ("/id/goal/2016-07", {"Accept": "text/html"}, ("server.entities", "entity_data")),
    "entity-turtle": ("/id/goal/2016-07.ttl", {}, ("server.entities", "entity_data")),
    "validate-json": ("/validate.json", {}, ("server.validate", "current_report")),
    "network-json": ("/network/programmes.json", {}, ("server.network", "view_data")),
    "dump": ("/dataset.nq", {}, None),
    "network-html": ("/network/programmes", {"Accept": "text/html"}, ("server.network", "view_data")),
    "interlock-html": ("/network/interlock", {"Accept": "text/html"}, ("server.network", "_get")),
    "graph-store": (
        "/store?graph=https://w3id.org/techniekpact/graph/ontology",
        {"Accept": "text/turtle"},
        None,
    ),
    "void": ("/void", {"Accept": "text/turtle"}, ("server.pages", "_summaries")),
    "search": ("/search.json?q=vhto", {}, ("server.pages", "_summaries")),
    "timeline": ("/timeline.json?by=landsdeel", {}, ("server.pages", "timeline_data")),
    "doublures": ("/doublures.json?kind=measure", {}, ("server.doublures", "_prepared")),
    "doublures-csv": ("/doublures", {"Accept": "text/csv"}, ("server.doublures", "_prepared")),
}


@pytest.mark.parametrize("name", list(CASES))
def test_etag_and_304_decided_before_the_work(client, app, monkeypatch, name):
    path, headers, work = CASES[name]
    first = client.get(path, headers=headers)
    if first.status_code == 503:  # a view or report still being prepared: wait for it, then ask again
        for preparer in ("network_views", "reports", "answers", "doublures", "summaries"):
            assert app.extensions[f"techniekpact.{preparer}"].idle(300)
        first = client.get(path, headers=headers)
    assert first.status_code == 200, first.get_data(as_text=True)[:300]
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "max-age=0, must-revalidate"
    if work is not None:
        import importlib

        monkeypatch.setattr(importlib.import_module(work[0]), work[1], _refuse)
    # The engine is never asked: no query, no store read for the dump.
    monkeypatch.setattr(type(_engine(app)), "query", _refuse)
    monkeypatch.setattr(type(_engine(app)), "store", property(_refuse))
    again = client.get(path, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag and again.headers["Cache-Control"] == "max-age=0, must-revalidate"


def test_the_etag_follows_the_request(client):
    one = client.get("/sparql", query_string={"query": GOAL_COUNT}, headers={"Accept": "text/csv"}).headers[
        "ETag"
    ]
    other_format = client.get(
        "/sparql", query_string={"query": GOAL_COUNT}, headers={"Accept": "application/sparql-results+json"}
    ).headers["ETag"]
    other_query = client.get(
        "/sparql", query_string={"query": GOAL_COUNT + " LIMIT 1"}, headers={"Accept": "text/csv"}
    ).headers["ETag"]
    assert len({one, other_format, other_query}) == 3
    stale = client.get(
        "/sparql",
        query_string={"query": GOAL_COUNT},
        headers={"Accept": "text/csv", "If-None-Match": other_format},
    )
    assert stale.status_code == 200 and stale.text.splitlines() == ["n", "12"]


def test_results_are_one_representation_in_every_page_language(client):
    """A page is Dutch or English by cookie or Accept-Language, so its ETag and Vary say so;
    SPARQL results are data, the same whatever the page language: a cache keeps one copy."""
    answers = [
        client.get(
            "/sparql",
            query_string={"query": GOAL_COUNT},
            headers={"Accept": "text/csv", "Accept-Language": lang},
        )
        for lang in ("nl", "en")
    ]
    assert answers[0].headers["ETag"] == answers[1].headers["ETag"]
    assert "Accept-Language" not in answers[0].headers.get("Vary", "")
    pages = [
        client.get("/", headers={"Accept": "text/html", "Accept-Language": lang}) for lang in ("nl", "en")
    ]
    assert pages[0].headers["ETag"] != pages[1].headers["ETag"]
    assert "Accept-Language" in pages[0].headers["Vary"]


def test_never_stale_after_an_update(own_client):
    query = {"query": GOAL_COUNT}
    accept = {"Accept": "text/csv"}
    first = own_client.get("/sparql", query_string=query, headers=accept)
    entity = own_client.get("/id/goal/test-caching.ttl")
    assert first.text.splitlines() == ["n", "12"] and entity.status_code == 404
    update = (
        f'INSERT DATA {{ GRAPH <{PROBE_GRAPH}> {{ <{PROBE}> a tp:Goal ; skos:prefLabel "Proefdoel"@nl }} }}'
    )
    assert own_client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
    try:
        again = own_client.get(
            "/sparql", query_string=query, headers={**accept, "If-None-Match": first.headers["ETag"]}
        )
        assert again.status_code == 200 and again.text.splitlines() == ["n", "13"]
        assert again.headers["ETag"] != first.headers["ETag"]
        page = own_client.get("/id/goal/test-caching.ttl")
        assert page.status_code == 200 and "Proefdoel" in page.text
        etag = page.headers["ETag"]
        assert own_client.get("/id/goal/test-caching.ttl", headers={"If-None-Match": etag}).status_code == 304
    finally:
        own_client.post("/sparql", data={"update": f"DROP GRAPH <{PROBE_GRAPH}>"}, headers=AUTH)
    gone = own_client.get("/id/goal/test-caching.ttl", headers={"If-None-Match": etag})
    assert gone.status_code == 404
    after = own_client.get(
        "/sparql", query_string=query, headers={**accept, "If-None-Match": again.headers["ETag"]}
    )
    assert after.status_code == 200 and after.text.splitlines() == ["n", "12"]
