"""Thousands of odd requests over every route, method, parameter, encoding and size: none may
get a 500 or show a traceback. The requests come from a seeded generator, so a failure is
repeatable; the seed and the request are in the assertion message."""

from __future__ import annotations

import logging
import random
import re

import pytest

from graph.build import build
from server import create_app
from server.config import Config
from tests.conftest import UPDATE_TOKEN

SEED = 20261203
REQUESTS = 3000

PARAMETERS = [
    "query",
    "update",
    "default-graph-uri",
    "named-graph-uri",
    "using-graph-uri",
    "graph",
    "default",
    "format",
    "iri",
    "depth",
    "lang",
    "page",
    "size",
    "by",
    "q",
    "line",
    "landsdeel",
    "document",
    "goal",
    "org",
    "organisation",
    "year",
    "action",
    "severity",
    "shape",
    "kind",
    "plan",
    "n",
]

VALUES = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "2",
    "99999999999999999999",
    "1e309",
    "NaN",
    "nl",
    "en",
    "xx",
    "json",
    "csv",
    "html",
    "ttl",
    "turtle",
    "http://a\nb",
    "http://a b",
    "http://[",
    "http://x/%ZZ",
    "http://x/\x00",
    "\x00",
    "%00",
    "%ZZ",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "'\"><img src=x>",
    "rel/ative",
    "urn:x",
    "https://w3id.org/techniekpact/id/goal/2016-01",
    "https://w3id.org/techniekpact/id/org/vhto",
    "https://w3id.org/techniekpact/graph/pact-2016",
    "ë" * 300,
    "a" * 70_000,
    "{" * 5000,
    "ASK {}",
    "SELECT * { ?s ?p ?o } LIMIT 1",
    "SELECT * WHERE {",
    "DESCRIBE <http://a>",
    "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 2",
    "SELECT * WHERE " + "{" * 3000 + "}" * 3000,
    "CLEAR ALL",
    "DROP SILENT GRAPH <http://example.org/fuzz>",
    "INSERT DATA { <http://example.org/f> <http://example.org/p> 1 }",
    "LOAD <http://127.0.0.1:9/x>",
    "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "oost",
    "kiezen",
    "2016",
    "goal",
    "landsdeel",
]

PATH_VALUES = [
    "goal/2016-01",
    "org/vhto",
    "x",
    "a%09b",
    "%00",
    "a%0Ab",
    "%3Cscript%3E",
    "..%2F..%2Fetc%2Fpasswd",
    "goal/2016-01.ttl",
    "goal/2016-01.jsonld",
    "goal/2016-01.nt",
    "ë",
    "a" * 3000,
    "partners",
    "programmes",
    "landsdeel-oost",
    "ego",
    "actions-of-goal",
    "goals-2016",
    "nothing",
]

ACCEPTS = [
    None,
    "*/*",
    "text/html",
    "application/json",
    "text/csv",
    "text/turtle",
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "application/n-triples",
    "application/ld+json",
    "image/png",
    "text/html;q=0.1, application/json;q=0.9",
    "garbage;;q=x",
    "\x00",
]

BODY_TYPES = [
    "application/sparql-query",
    "application/sparql-update",
    "application/x-www-form-urlencoded",
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "application/rdf+xml",
    "multipart/form-data; boundary=x",
    "image/png",
    "text/plain; charset=latin-1",
    None,
]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("fuzz") / "store").store
    app = create_app(
        Config(
            store=str(store),
            update_token=UPDATE_TOKEN,
            query_timeout=2.0,
            query_workers=2,
            result_limit=200,
            prepare_timeout=0,
            prepare_validation=False,
        )
    )
    yield app
    app.extensions["techniekpact.engine"].close()


def _paths(app, rng: random.Random) -> str:
    rule = rng.choice([r for r in app.url_map.iter_rules() if r.endpoint != "static"])
    path = re.sub(r"<(?:[^:<>]+:)?[^<>]+>", lambda _: rng.choice(PATH_VALUES), rule.rule)
    return path


def _request(app, rng: random.Random) -> dict:
    params = {}
    for _ in range(rng.randrange(0, 4)):
        params.setdefault(rng.choice(PARAMETERS), []).append(rng.choice(VALUES))
    method = rng.choice(["GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"])
    headers = {}
    accept = rng.choice(ACCEPTS)
    if accept is not None:
        headers["Accept"] = accept
    if rng.random() < 0.3:
        headers["Authorization"] = rng.choice(
            [f"Bearer {UPDATE_TOKEN}", f"bearer {UPDATE_TOKEN}", "Bearer x", "Basic eDp5", "Bearer", "\x00"]
        )
    if rng.random() < 0.2:
        headers["Accept-Language"] = rng.choice(["en", "nl", "de;q=x", "*"])
    request = {"method": method, "path": _paths(app, rng), "query_string": params, "headers": headers}
    if method in ("POST", "PUT", "PATCH") and rng.random() < 0.8:
        content_type = rng.choice(BODY_TYPES)
        body = rng.choice(
            [v.encode("utf-8", "surrogatepass") for v in VALUES]
            + [
                b"\xff\xfe\x00",
                b"query=\xed\xa0\x80",
                bytes(rng.randrange(256) for _ in range(64)),
                b"query=ASK%7B%7D",
                b"update=CLEAR%20ALL",
                b"query=%ZZ",
                b"<a> <b> <c> .",
            ]
        )
        request["data"] = body
        if content_type:
            headers["Content-Type"] = content_type
    return request


def test_no_request_gets_a_500_or_a_traceback(app, caplog):
    rng = random.Random(SEED)
    client = app.test_client()
    statuses: dict[int, int] = {}
    with caplog.at_level(logging.ERROR):
        for number in range(REQUESTS):
            request = _request(app, rng)
            response = client.open(**request)
            body = response.get_data()
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code != 500 and response.status_code < 600, (
                SEED,
                number,
                request,
                body[:300],
            )
            assert b"Traceback (most recent call last)" not in body, (SEED, number, request)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.records[:3]
    # The generator reaches the service's real answers as well as its refusals.
    assert statuses.get(200, 0) > 100 and sum(n for s, n in statuses.items() if 400 <= s < 500) > 1000, (
        statuses
    )
