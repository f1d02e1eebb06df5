"""The network views and the interlock matrix in headless Chromium, as a visual explorer uses
them: each loads with no console error (Content-Security-Policy violations included) and no
outside request, in Dutch and English, at 1400 and 400 px (screenshots in tests/out/);
labels do not overlap, search flies to a node, selection dims the rest, the exports are real
files, and the matrix shows the counts the data gives."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import console_errors, external_requests
from tests.live import wait_until

OUT = Path(__file__).parent / "out"
ID = "https://w3id.org/techniekpact/id/"
VIEWS = {
    "partners": "/network/partners",
    "programmes": "/network/programmes",
    "landsdeel-oost": "/network/landsdeel-oost",
    "ego": "/network/ego?iri=" + ID + "org/vhto",
    "interlock": "/network/interlock",
}


# A line of each view's legend, in Dutch and in English.
LEGEND = {
    "partners": {"nl": "\nrond ", "en": "\naround "},
    "programmes": {"nl": "\nactie\n", "en": "\naction\n"},
    "landsdeel-oost": {"nl": "\norganisatie\n", "en": "\norganisation\n"},
    "ego": {"nl": "\norganisatie\n", "en": "\norganisation\n"},
    "interlock": {"nl": "landelijk pact", "en": "national pact"},
}


def _stable(browser, element_id="network", seconds=60):
    WebDriverWait(browser, seconds).until(
        lambda d: d.execute_script(
            f"const e = document.getElementById('{element_id}'); return !!e && e.dataset.stable === 'true'"
        )
    )


def _open(browser, url, name):
    browser.get(url)
    if name == "interlock":
        WebDriverWait(browser, 60).until(
            lambda d: d.execute_script("return document.body.dataset.ready === 'true'")
        )
    else:
        _stable(browser)


@pytest.fixture(scope="module")
def downloads(browser, tmp_path_factory):
    folder = tmp_path_factory.mktemp("downloads")
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    return folder


@pytest.mark.parametrize("name", list(VIEWS))
def test_each_view_loads_cleanly_in_both_languages_and_sizes(browser, live_server, name):
    OUT.mkdir(exist_ok=True)
    page = requests.get(live_server + VIEWS[name], headers={"Accept": "text/html"}, timeout=30)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"], "served under the strict policy"
    for lang, menu in (("nl", "Tijdlijn"), ("en", "Timeline")):
        for width in (1400, 400):
            browser.set_window_size(width, 1000)
            browser.get_log("browser")  # what earlier pages logged is theirs
            sep = "&" if "?" in VIEWS[name] else "?"
            _open(browser, live_server + VIEWS[name] + sep + "lang=" + lang, name)
            browser.save_screenshot(str(OUT / f"network-{name}-{lang}-{width}.png"))
            assert console_errors(browser) == [], (name, lang, width)
            assert external_requests(browser, live_server) == []
            body = browser.find_element(By.TAG_NAME, "body").text
            assert menu in body and browser.find_elements(By.CSS_SELECTOR, "header nav input[name=q]")
            assert LEGEND[name][lang] in body, "the legend in the page's language"
            if name != "interlock":
                canvas = browser.find_element(By.ID, "network")
                assert canvas.size["height"] > 300 and canvas.size["width"] > 300, (
                    "the drawing gets the room it needs"
                )
    browser.set_window_size(1400, 1000)


def test_nodes_never_overlap_and_labels_go_by_importance(browser, live_server):
    browser.set_window_size(1400, 1000)
    _open(browser, live_server + "/network/partners", "partners")
    found = browser.execute_script("""
        const cy = window.techniekpactNetwork;
        const boxes = cy.nodes().map(n => n.boundingBox({includeLabels: false, includeOverlays: false}));
        let overlaps = 0;
        for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i], b = boxes[j];
          if (a.x1 < b.x2 - 0.5 && b.x1 < a.x2 - 0.5 && a.y1 < b.y2 - 0.5 && b.y1 < a.y2 - 0.5) overlaps++;
        }
        const labels = cy.nodes('.labelled').map(n => n.renderedBoundingBox(
            {includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false}));
        let labelOverlaps = 0;
        for (let i = 0; i < labels.length; i++) for (let j = i + 1; j < labels.length; j++) {
          const a = labels[i], b = labels[j];
          if (a.x1 < b.x2 - 2 && b.x1 < a.x2 - 2 && a.y1 < b.y2 - 2 && b.y1 < a.y2 - 2) labelOverlaps++;
        }
        const top = cy.nodes().sort((a, b) => a.data('importance') - b.data('importance'))[0];
        return {nodes: cy.nodes().length, overlaps, labelled: labels.length, labelOverlaps,
                topLabelled: top.hasClass('labelled'), edgeLabels: cy.edges('.show-label').length,
                colours: new Set(cy.nodes().map(n => n.style('background-color'))).size};""")
    assert found["nodes"] > 100 and found["overlaps"] == 0
    assert 10 < found["labelled"] < found["nodes"], "the most central are named, not all at once"
    assert found["topLabelled"] and found["labelOverlaps"] == 0
    assert found["edgeLabels"] == 0, "edge labels only on hover or selection"
    assert found["colours"] >= 5, "coloured by community"
    # Zooming in names more of them.
    browser.execute_script("""const cy = window.techniekpactNetwork;
        cy.zoom({level: cy.zoom() * 3, renderedPosition: {x: cy.width() / 2, y: cy.height() / 2}});""")
    WebDriverWait(browser, 10).until(
        lambda d: int(d.find_element(By.ID, "network").get_attribute("data-labels")) != found["labelled"]
    )
    # The tool bar: zoom in and out by the buttons, and fit brings every node back in view.
    zoom = browser.execute_script("return window.techniekpactNetwork.zoom()")
    browser.find_element(By.CSS_SELECTOR, "[data-tool=zoom-in]").click()
    assert browser.execute_script("return window.techniekpactNetwork.zoom()") > zoom
    browser.find_element(By.CSS_SELECTOR, "[data-tool=zoom-out]").click()
    browser.find_element(By.CSS_SELECTOR, "[data-tool=zoom-out]").click()
    assert browser.execute_script("return window.techniekpactNetwork.zoom()") < zoom
    browser.find_element(By.CSS_SELECTOR, "[data-tool=fit]").click()
    WebDriverWait(browser, 30).until(
        lambda d: d.execute_script("""const cy = window.techniekpactNetwork, e = cy.extent(),
        b = cy.nodes().boundingBox({includeLabels: false});
        return !cy.animated() && b.x1 >= e.x1 && b.x2 <= e.x2 && b.y1 >= e.y1 && b.y2 <= e.y2;""")
    )
    # Switching to colours by kind switches the legend.
    browser.find_element(By.CSS_SELECTOR, "input[name=colour][value=kind]").click()
    assert browser.find_element(By.CSS_SELECTOR, "[data-legend=kind]").is_displayed()
    assert not browser.find_element(By.CSS_SELECTOR, "[data-legend=community]").is_displayed()
    assert (
        browser.execute_script(
            "return new Set(window.techniekpactNetwork.nodes().map(n => n.style('background-color'))).size"
        )
        <= 4
    )


def test_search_flies_to_a_node_and_selection_dims_the_rest(browser, live_server):
    browser.set_window_size(1400, 1000)
    _open(browser, live_server + "/network/partners?lang=en", "partners")
    search = browser.find_element(By.ID, "search")
    search.send_keys("VHTO", Keys.ENTER)
    WebDriverWait(browser, 30).until(
        lambda d: d.find_element(By.ID, "network").get_attribute("data-centred") == ID + "org/vhto"
    )
    assert browser.execute_script(
        "return window.techniekpactNetwork.nodes(':selected').map(n => n.id())"
    ) == [ID + "org/vhto"]
    found = browser.execute_script(
        """
        const cy = window.techniekpactNetwork, node = cy.getElementById(arguments[0]);
        const p = node.renderedPosition(), hood = node.closedNeighborhood();
        const box = cy.container();
        return {dx: Math.abs(p.x - box.clientWidth / 2), dy: Math.abs(p.y - box.clientHeight / 2),
                faded: cy.nodes('.faded').length, others: cy.nodes().length - hood.nodes().length,
                hoodFaded: hood.nodes('.faded').length, edgeLabels: cy.edges('.show-label').length,
                edges: node.connectedEdges().length};""",
        ID + "org/vhto",
    )
    assert found["dx"] < 5 and found["dy"] < 5, "centred on the node found"
    assert found["faded"] == found["others"] > 0 and found["hoodFaded"] == 0
    assert found["edgeLabels"] == found["edges"] > 0 or found["edges"] > 40
    panel = browser.find_element(By.ID, "selection")
    assert panel.is_displayed() and "VHTO" in panel.text and "organisation" in panel.text
    assert panel.find_element(By.CSS_SELECTOR, "a.open").get_attribute("href").endswith("/id/org/vhto")
    browser.find_element(By.CSS_SELECTOR, "[data-tool=clear]").click()
    assert browser.execute_script("return window.techniekpactNetwork.elements('.faded').length") == 0
    search.clear()
    search.send_keys("no such partner at all", Keys.ENTER)
    assert browser.find_element(By.ID, "search-status").text == "not found"


def _wait_file(folder: Path, name: str) -> Path:
    """The downloaded file, once Chromium has written it whole."""
    path = folder / name
    wait_until(
        lambda: path.exists() and path.stat().st_size > 0 and not (folder / (name + ".crdownload")).exists(),
        120,
        f"{name} downloaded",
    )
    return path


def test_exports_are_real_files(browser, live_server, downloads):
    browser.set_window_size(1400, 1000)
    _open(browser, live_server + "/network/landsdeel-oost", "landsdeel-oost")
    drawn = browser.execute_script("""const cy = window.techniekpactNetwork;
        return {nodes: cy.nodes().map(n => n.id()), edges: cy.edges().length, labels: cy.nodes('.labelled').length};""")
    for tool in ("png", "svg", "graphml", "gexf", "nodes-csv", "edges-csv"):
        browser.find_element(By.CSS_SELECTOR, f"[data-tool={tool}]").click()
    png = _wait_file(downloads, "landsdeel-oost.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    assert width > 500 and height > 500 and len(png) > 20_000
    svg = ET.parse(_wait_file(downloads, "landsdeel-oost.svg")).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    shapes = [
        e
        for e in svg.iter()
        if e.tag in (ns + "circle", ns + "rect", ns + "polygon") and e.find(ns + "title") is not None
    ]
    assert len(shapes) == len(drawn["nodes"]) and len(list(svg.iter(ns + "line"))) == drawn["edges"]
    assert len(list(svg.iter(ns + "text"))) == drawn["labels"] > 0
    graphml = nx.read_graphml(_wait_file(downloads, "landsdeel-oost.graphml"))
    assert set(graphml.nodes) == set(drawn["nodes"]) and graphml.number_of_edges() == drawn["edges"]
    assert graphml.nodes[ID + "pact/twente"]["kind"] == "pact" and graphml.nodes[ID + "pact/twente"]["label"]
    gexf = nx.read_gexf(_wait_file(downloads, "landsdeel-oost.gexf"))
    assert gexf.number_of_nodes() == len(drawn["nodes"]) and gexf.number_of_edges() == drawn["edges"]
    nodes = list(csv.DictReader(io.StringIO(_wait_file(downloads, "landsdeel-oost-nodes.csv").read_text())))
    edges = list(csv.DictReader(io.StringIO(_wait_file(downloads, "landsdeel-oost-edges.csv").read_text())))
    assert {r["iri"] for r in nodes} == set(drawn["nodes"]) and len(edges) == drawn["edges"]
    assert set(edges[0]) == {"source", "target", "relation", "weight"}


def test_ego_view_is_centred_on_its_node_at_depth_one(browser, live_server):
    browser.set_window_size(1400, 1000)
    _open(browser, live_server + "/network/ego?iri=" + ID + "org/vhto", "ego")
    found = browser.execute_script("""const cy = window.techniekpactNetwork, focus = cy.nodes('[?focus]');
        const p = focus.renderedPosition(), hood = focus.closedNeighborhood().nodes();
        const box = cy.container();
        return {id: focus.id(), dx: Math.abs(p.x - box.clientWidth / 2), dy: Math.abs(p.y - box.clientHeight / 2),
                all: cy.nodes().length, hood: hood.length};""")
    assert found["id"] == ID + "org/vhto" and found["dx"] < 5 and found["dy"] < 5
    assert found["all"] == found["hood"], "depth 1 by default: only its neighbours"
    # The entity page draws the same, small.
    browser.get(live_server + "/id/org/vhto")
    _stable(browser, "ego")
    assert console_errors(browser) == [] and external_requests(browser, live_server) == []


def test_interlock_matrix_shows_the_counts_and_opens_a_cell(browser, live_server):
    browser.set_window_size(1400, 1000)
    data = requests.get(live_server + "/network/interlock.json", timeout=30).json()
    _open(browser, live_server + "/network/interlock", "interlock")
    shown = browser.execute_script("""return [...document.querySelectorAll('#matrix button[data-a]')]
        .map(b => [Number(b.dataset.a), Number(b.dataset.b), b.textContent.replace('●', '').trim()]);""")
    expected = {(c["a"], c["b"]): c["count"] for c in data["cells"]}
    # Each cell appears twice (the matrix is symmetric) with the count the data gives.
    assert len(shown) == 2 * len(expected)
    for a, b, text in shown:
        assert int(text or 0) == expected[(a, b)]
    cell = max(data["cells"], key=lambda c: (len(c["actions"]), c["count"]))
    browser.find_element(
        By.CSS_SELECTOR, f'#matrix button[data-a="{cell["a"]}"][data-b="{cell["b"]}"]'
    ).click()
    panel = browser.find_element(By.ID, "shared")
    for kind in ("partners", "actions", "goals"):
        items = panel.find_elements(By.CSS_SELECTOR, f"ul.shared-{kind} li a")
        assert len(items) == len(cell[kind])
        assert {i.get_attribute("href").replace(live_server, "") for i in items} == {
            data["items"][iri]["href"] for iri in cell[kind]
        }
    assert data["programmes"][cell["a"]]["label"] in panel.text
