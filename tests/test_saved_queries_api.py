"""The saved-query library over HTTP and the CLI: listing, parameters, formats, caching."""

import csv
import html as html_lib
import io
import re
from urllib.parse import parse_qsl

import pytest
from click.testing import CliRunner

from graph import saved_queries
from graph.cli import main
from tests.conftest import UPDATE_TOKEN

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}


def test_every_saved_query_has_bilingual_metadata_and_is_a_select():
    queries = saved_queries.load_all()
    assert len([q for q in queries if q.audience == "analyst"]) >= 15
    assert len([q for q in queries if q.audience == "coordinator"]) >= 4
    for q in queries:
        assert q.meta.get("title") and q.meta.get("title@en"), q.name
        assert q.meta.get("description") and q.meta.get("description@en"), q.name
        assert q.audience in ("analyst", "coordinator"), q.name
        assert "SELECT" in q.text.upper(), q.name
        for p in q.params:
            assert p.default, f"{q.name}: parameter {p.name} needs a default"
            assert f"?{p.name}" in q.text, f"{q.name}: parameter {p.name} is not a variable of the query"


def test_listing_in_html_and_json(client):
    html = client.get("/queries", headers={"Accept": "text/html"}).get_data(as_text=True)
    data = client.get("/queries.json").get_json()
    names = {q["name"] for q in data["queries"]}
    assert "actions-of-goal" in names and "goals-without-actions" in names
    for name in names:
        assert f'href="/queries/{name}"' in html


def test_parameter_is_bound_as_a_typed_term(client):
    data = client.get(
        "/queries/actions-of-goal.json",
        query_string={"goal": "https://w3id.org/techniekpact/id/goal/2016-12"},
    ).get_json()
    assert data["rows"], "goal 12 has measures"
    goal_column = data["columns"].index("goal")
    assert {row[goal_column]["value"] for row in data["rows"]} == {
        "https://w3id.org/techniekpact/id/goal/2016-12"
    }


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/techniekpact/id/goal/2016-01> } UNION { ?s ?p ?o",
        "goal/2016-01",
        "https://x.org/a b",
        'https://x.org/"',
    ],
)
def test_a_value_that_tries_to_break_out_is_rejected(client, value):
    r = client.get("/queries/actions-of-goal", query_string={"goal": value})
    assert r.status_code == 400
    assert "must be an absolute http(s) IRI" in r.get_data(as_text=True)


def test_unknown_parameter_and_unknown_query(client):
    assert client.get("/queries/actions-of-goal", query_string={"nope": "1"}).status_code == 400
    assert client.get("/queries/no-such-query").status_code == 404
    assert client.get("/queries/..%2Fetc%2Fpasswd").status_code == 404


def test_csv_download(client):
    r = client.get("/queries/actions-of-goal.csv")
    assert r.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0][:2] == ["goal", "action"] and len(rows) > 1
    assert all(row[1].startswith("https://w3id.org/techniekpact/id/action/2016-07-") for row in rows[1:])


def test_html_table_has_labels_and_links(client):
    html = client.get("/queries/actions-of-goal", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/id/action/2016-07-' in html
    assert "<table" in html


def test_etag_gives_304_and_an_update_invalidates_it(own_client):
    first = own_client.get("/queries/goals-without-actions.json")
    etag = first.headers["ETag"]
    assert (
        own_client.get("/queries/goals-without-actions.json", headers={"If-None-Match": etag}).status_code
        == 304
    )
    # A new goal without actions appears after an update: the cached answer must not be served.
    probe = "https://w3id.org/techniekpact/id/goal/test-probe"
    graph = "https://w3id.org/techniekpact/graph/test-cache"
    update = (
        f"INSERT DATA {{ GRAPH <{graph}> {{ <{probe}> a <https://w3id.org/techniekpact/def#Goal> ; "
        f'<http://www.w3.org/2004/02/skos/core#prefLabel> "Testdoel"@nl }} }}'
    )
    assert own_client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
    try:
        again = own_client.get("/queries/goals-without-actions.json", headers={"If-None-Match": etag})
        assert again.status_code == 200 and again.headers["ETag"] != etag
        assert probe in {cell["value"] for row in again.get_json()["rows"] for cell in row if cell}
    finally:
        own_client.post("/sparql", data={"update": f"DROP GRAPH <{graph}>"}, headers=AUTH)
    after = own_client.get("/queries/goals-without-actions.json").get_json()
    assert probe not in {cell["value"] for row in after["rows"] for cell in row if cell}


def test_cli_runs_a_saved_query_with_a_parameter(store_dir):
    result = CliRunner().invoke(
        main,
        [
            "query",
            "--store",
            str(store_dir),
            "actions-of-goal",
            "--param",
            "goal=https://w3id.org/techniekpact/id/goal/2016-12",
            "--format",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/techniekpact/id/action/2016-12-" in result.output
    bad = CliRunner().invoke(
        main, ["query", "--store", str(store_dir), "actions-of-goal", "--param", "goal=x y"]
    )
    assert bad.exit_code == 2 and "absolute http(s) IRI" in bad.output


def _pages(client, path: str, **args) -> list[dict]:
    """Every page of a saved query's JSON answer, following the rel="next" links."""
    pages, url = [], path
    response = client.get(url, query_string=args)
    while True:
        assert response.status_code == 200, response.get_data(as_text=True)
        pages.append(response.get_json())
        link = response.headers.get("Link", "")
        if 'rel="next"' not in link:
            return pages
        url = next(part.split(">")[0].strip(" <") for part in link.split(",") if 'rel="next"' in part)
        response = client.get(url)


def test_pages_partition_the_whole_answer(client):
    whole = client.get("/queries/actions-with-gaps.json", query_string={"size": 5000}).get_json()
    assert whole["next"] is None and len(whole["rows"]) > 250, "the curated graph has hundreds of gaps"
    pages = _pages(client, "/queries/actions-with-gaps.json", size=100)
    assert len(pages) == -(-len(whole["rows"]) // 100)
    assert all(len(p["rows"]) == 100 for p in pages[:-1]) and 0 < len(pages[-1]["rows"]) <= 100
    assert [row for p in pages for row in p["rows"]] == whole["rows"]
    assert pages[0]["previous"] is None and pages[1]["previous"] == 1 and pages[-1]["next"] is None
    assert pages[1]["first_row"] == 101


def _link(html: str, rel: str) -> tuple[str, dict]:
    href = html_lib.unescape(re.search(rf'<a rel="{rel}" href="([^"]+)"', html).group(1))
    return href.split("?")[0], dict(parse_qsl(href.split("?")[1]))


def test_html_page_links_keep_the_parameters(client):
    html = client.get(
        "/queries/actions-in-year",
        query_string={"year": "2016", "size": "5"},
        headers={"Accept": "text/html"},
    ).get_data(as_text=True)
    assert _link(html, "next") == ("/queries/actions-in-year", {"year": "2016", "size": "5", "page": "2"})
    assert "rijen 1–5" in html and 'rel="prev"' not in html
    second = client.get("/queries/actions-in-year?year=2016&size=5&page=2", headers={"Accept": "text/html"})
    html = second.get_data(as_text=True)
    assert _link(html, "prev") == ("/queries/actions-in-year", {"year": "2016", "size": "5", "page": "1"})
    assert "rijen 6–10" in html


@pytest.mark.parametrize(
    "args, message",
    [
        ({"page": "0"}, "page must be a whole number from 1"),
        ({"page": "-2"}, "page must be a whole number from 1"),
        ({"page": "twee"}, "page must be a whole number from 1"),
        ({"size": "0"}, "size must be a whole number from 1 to 5,000"),
        ({"size": "5001"}, "size must be a whole number from 1 to 5,000"),
        ({"size": "1e3"}, "size must be a whole number from 1 to 5,000"),
    ],
)
def test_bad_paging_is_a_400_that_says_why(client, args, message):
    r = client.get("/queries/actions-with-gaps.json", query_string=args)
    assert r.status_code == 400
    assert message in r.get_data(as_text=True)


def test_a_saved_query_larger_than_the_result_limit_answers_in_pages(store_dir):
    from server import create_app
    from server.config import Config

    small = create_app(Config(store=str(store_dir), result_limit=40)).test_client()
    first = small.get("/queries/actions-with-gaps.json")
    assert first.status_code == 200, first.get_data(as_text=True)
    assert len(first.get_json()["rows"]) == 40 and first.get_json()["next"] == 2
    second = small.get("/queries/actions-with-gaps.csv?page=2")
    assert '</queries/actions-with-gaps.csv?page=1>; rel="prev"' in second.headers["Link"]
    assert 'filename="actions-with-gaps-page-2.csv"' in second.headers["Content-Disposition"]
    assert len(list(csv.reader(io.StringIO(second.get_data(as_text=True))))) == 41
    # a plain SPARQL query for the same answer is refused: the limit still bounds it
    text = saved_queries.load("actions-with-gaps").text
    assert small.post("/sparql", data={"query": text}).status_code == 400


def test_saved_queries_may_not_claim_the_service_names():
    with pytest.raises(ValueError, match="reserved"):
        saved_queries.parse("x", "# param page: integer = 1\nSELECT ?page WHERE {} ORDER BY ?page")
    for query in saved_queries.load_all():
        assert "ORDER BY" in query.text, f"{query.name}: pages need a fixed order"


def test_no_saved_query_lists_a_row_twice(client):
    for query in saved_queries.load_all():
        rows = client.get(f"/queries/{query.name}.json").get_json()["rows"]
        keys = [tuple((cell or {}).get("value") for cell in row) for row in rows]
        assert len(keys) == len(set(keys)), f"{query.name} repeats rows"


def test_bound_values_cannot_break_out_of_the_query(store):
    import pyoxigraph as ox

    from graph.query import bind_as_values, execute

    nasty = 'x" } ?s ?p ?o { "'
    text = bind_as_values(
        "# a comment with { and <http://x#y> in it\nSELECT ?v WHERE { BIND(STRLEN(?v) AS ?n) }",
        {"v": ox.Literal(nasty)},
    )
    rows = list(execute(store, text))
    assert len(rows) == 1 and rows[0]["v"].value == nasty
