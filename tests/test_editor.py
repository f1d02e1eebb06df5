"""The editor's server side: a browser's permalink opens the editor, machines still get
results, `format=` wins over Accept and gives a named file, the vendored library is served
with its version and licence, and saved queries reach the editor with their parameters."""

import csv
import io
import json
import re
from pathlib import Path

import requests
from SPARQLWrapper import JSON, SPARQLWrapper

from graph import saved_queries
from server import editor

ROOT = Path(__file__).resolve().parent.parent
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
GOALS = "SELECT ?goal ?label WHERE { ?goal a tp:Goal ; skos:prefLabel ?label FILTER(lang(?label)='nl') } ORDER BY ?goal"
CONSTRUCT_GOALS = "CONSTRUCT { ?g skos:prefLabel ?l } WHERE { ?g a tp:Goal ; skos:prefLabel ?l }"


def editor_data(html: str) -> dict:
    block = re.search(r'<script id="editor-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_a_browser_opening_a_permalink_gets_the_editor_with_that_query(live_server):
    r = requests.get(live_server + "/sparql", params={"query": GOALS}, headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "Accept" in r.headers["Vary"]
    data = editor_data(r.text)
    assert data["permalink"] == {"query": GOALS}
    assert data["endpoint"] == "/sparql"
    assert data["prefixes"]["tp"] == "https://w3id.org/techniekpact/def#"


def test_machine_clients_still_get_results(live_server):
    # curl sends */*; no Accept at all; SPARQLWrapper names its result type.
    for headers in ({"Accept": "*/*"}, {}):
        r = requests.get(live_server + "/sparql", params={"query": GOALS}, headers=headers)
        assert r.headers["Content-Type"].startswith("application/sparql-results+json")
        assert len(r.json()["results"]["bindings"]) == 12
    r = requests.get(live_server + "/sparql", params={"query": GOALS}, headers={"Accept": "text/csv"})
    assert r.headers["Content-Type"].startswith("text/csv") and len(r.text.splitlines()) == 13
    client = SPARQLWrapper(live_server + "/sparql")
    client.setQuery(GOALS)
    client.setReturnFormat(JSON)
    assert len(client.query().convert()["results"]["bindings"]) == 12
    r = requests.get(
        live_server + "/sparql", params={"query": CONSTRUCT_GOALS}, headers={"Accept": "text/turtle"}
    )
    assert r.headers["Content-Type"].startswith("text/turtle") and "skos:prefLabel" in r.text


def test_format_wins_over_accept_and_names_the_file(live_server):
    expected = {
        "csv": ("text/csv", "query-results.csv"),
        "tsv": ("text/tab-separated-values", "query-results.tsv"),
        "json": ("application/sparql-results+json", "query-results.json"),
    }
    for fmt, (media, name) in expected.items():
        # A browser's download: its own Accept (HTML first) and format=.
        r = requests.post(
            live_server + "/sparql", data={"query": GOALS, "format": fmt}, headers={"Accept": BROWSER_ACCEPT}
        )
        assert r.status_code == 200 and r.headers["Content-Type"].startswith(media), fmt
        assert r.headers["Content-Disposition"] == f'attachment; filename="{name}"'
    r = requests.get(
        live_server + "/sparql",
        params={"query": GOALS, "format": "csv"},
        headers={"Accept": "application/sparql-results+json"},
    )
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["goal", "label"] and len(rows) == 13
    r = requests.get(
        live_server + "/sparql", params={"query": GOALS, "format": "tsv"}, headers={"Accept": BROWSER_ACCEPT}
    )
    assert r.text.splitlines()[0] == "?goal\t?label", "a GET with format= is a download, not the editor"
    r = requests.post(
        live_server + "/sparql",
        data={"query": CONSTRUCT_GOALS, "format": "turtle"},
        headers={"Accept": BROWSER_ACCEPT},
    )
    assert r.headers["Content-Type"].startswith("text/turtle")
    assert r.headers["Content-Disposition"] == 'attachment; filename="query-results.ttl"'
    # Without format= nothing is an attachment: an API client reads the body as before.
    r = requests.post(live_server + "/sparql", data={"query": GOALS}, headers={"Accept": "text/csv"})
    assert "Content-Disposition" not in r.headers


def test_a_format_that_does_not_fit_the_result_is_a_406(live_server):
    r = requests.post(live_server + "/sparql", data={"query": CONSTRUCT_GOALS, "format": "csv"})
    assert r.status_code == 406 and "turtle" in r.text


def test_saved_queries_reach_the_editor_with_their_defaults(live_server):
    query = saved_queries.load("actions-of-goal")
    text = editor.with_parameters(query)
    assert "VALUES (?goal) { (<https://w3id.org/techniekpact/id/goal/2016-07>) }" in text
    given = editor.with_parameters(query, {"goal": "https://w3id.org/techniekpact/id/goal/2016-03"})
    assert "<https://w3id.org/techniekpact/id/goal/2016-03>" in given
    # The text with its defaults gives the rows the saved query page gives.
    rows = requests.post(
        live_server + "/sparql", data={"query": text}, headers={"Accept": "application/sparql-results+json"}
    ).json()["results"]["bindings"]
    page = requests.get(live_server + "/queries/actions-of-goal.json").json()
    assert len(rows) == len(page["rows"]) > 0
    html = requests.get(live_server + "/sparql", headers={"Accept": "text/html"}).text
    examples = {e["name"]: e for e in editor_data(html)["examples"]}
    assert set(examples) == set(saved_queries.names())
    assert examples["actions-of-goal"]["text"] == text and examples["actions-of-goal"]["parameters"] == [
        "goal"
    ]


def test_every_saved_query_page_opens_in_the_editor(live_server):
    goal = "https://w3id.org/techniekpact/id/goal/2016-03"
    html = requests.get(
        live_server + "/queries/actions-of-goal", params={"goal": goal}, headers={"Accept": "text/html"}
    ).text
    link = re.search(r'class="open-in-editor" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    r = requests.get(live_server + link, headers={"Accept": BROWSER_ACCEPT})
    assert f"VALUES (?goal) {{ (<{goal}>) }}" in editor_data(r.text)["permalink"]["query"]
    for name in saved_queries.names():
        page = requests.get(live_server + f"/queries/{name}", headers={"Accept": "text/html"}).text
        assert 'class="open-in-editor" href="/sparql?query=' in page, name


def test_the_editor_page_loads_only_local_vendored_files(live_server):
    html = requests.get(live_server + "/sparql", headers={"Accept": "text/html"}).text
    assets = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert (
        "/static/vendor/yasgui/yasgui.min.js" in assets
        and "/static/vendor/chartjs/chart.umd.min.js" in assets
    )
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert requests.get(live_server + asset).status_code == 200
    assert "<script>" not in html and "onclick" not in html  # the page works under the CSP


def test_vendored_libraries_record_version_and_licence():
    for lib, name in (("yasgui", "@zazuko/yasgui"), ("chartjs", "chart.js")):
        folder = ROOT / "server" / "static" / "vendor" / lib
        package = json.loads((folder / "package.json").read_text())
        assert package["name"] == name and package["license"] == "MIT"
        assert (folder / "VERSION").read_text().strip() == package["version"]
        assert any("MIT" in f.read_text() for f in folder.glob("LICENSE*"))
        wanted = json.loads((ROOT / "frontend" / "yasgui" / "package.json").read_text())["dependencies"][name]
        assert wanted == package["version"], "vendor.sh was not run after the version changed"
    bundle = (ROOT / "server" / "static" / "vendor" / "yasgui" / "yasgui.min.js").read_text()
    assert "sourceMappingURL" not in bundle[-300:]
