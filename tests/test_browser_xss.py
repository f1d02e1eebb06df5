"""Stored script, tried in headless Chromium: IRIs `javascript:…` and labels holding markup are
stored with the update token; every page that shows them must neither link the IRI nor run
the markup, and clicking every link of those pages runs no script."""

from __future__ import annotations

import pytest
import requests
from selenium.webdriver.common.by import By

from graph.build import build
from server import close_app, create_app
from server.config import Config
from tests.browser import console_errors
from tests.conftest import UPDATE_TOKEN
from tests.live import serving

ID = "https://w3id.org/techniekpact/id/"
SCRIPT_IRI = "javascript:window.__xss=1"
MARKUP = '<img src=x onerror="window.__xss=1">'
_QUOTED = MARKUP.replace('"', '\\"')
PAYLOAD = f"""
INSERT DATA {{ GRAPH <http://example.org/xss> {{
  <{ID}goal/2016-01> rdfs:seeAlso <{SCRIPT_IRI}> .
  <{SCRIPT_IRI}> skos:prefLabel "{_QUOTED}"@nl .
  <{ID}org/xss> a org:Organization ; skos:prefLabel "{_QUOTED} organisatie"@nl ;
      rdfs:seeAlso <{SCRIPT_IRI}> .
  <{ID}action/2013-01> tp:involves <{ID}org/xss> .
}} }}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    store = build(tmp_path_factory.mktemp("xss") / "store").store
    app = create_app(Config(store=str(store), update_token=UPDATE_TOKEN, prepare_timeout=0, query_timeout=10))
    with serving(app, threads=4) as url:
        r = requests.post(
            url + "/sparql", data={"update": PAYLOAD}, headers={"Authorization": f"Bearer {UPDATE_TOKEN}"}
        )
        assert r.status_code == 204, r.text
        yield url, app
    close_app(app)


PAGES = [
    "/",
    "/id/goal/2016-01",
    "/id/org/xss",
    "/id/action/2013-01",
    "/search?q=organisatie",
    f"/queries/actions-of-goal?goal={ID}goal/2016-01",
    "/validate",
    "/queries/goals-2016",
]


def _no_script_ran(browser) -> bool:
    return browser.execute_script("return window.__xss === undefined")


@pytest.mark.parametrize("path", PAGES)
def test_no_page_links_or_runs_stored_script(browser, site, path):
    site, app = site
    browser.get(site + path)
    if "503" in browser.title:  # being prepared: wait for it, then load the page again
        for preparer in ("answers", "network_views", "reports"):
            assert app.extensions[f"techniekpact.{preparer}"].idle(300)
        browser.get(site + path)
    hrefs = browser.execute_script(
        "return [...document.querySelectorAll('a')].map(a => a.getAttribute('href') || '')"
    )
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], path
    assert _no_script_ran(browser)
    # Click every link that leads to the payload or shows its text (a real click, as a user would).
    targets = browser.execute_script("""return [...document.querySelectorAll('a')].map((a, i) => [a, i])
        .filter(([a]) => a.offsetParent !== null && ((a.getAttribute('href') || '').includes('xss')
                                                    || a.textContent.includes('organisatie')))
        .map(([a, i]) => i)""")
    for index in targets[:10]:
        browser.find_elements(By.TAG_NAME, "a")[index].click()
        assert _no_script_ran(browser), (path, index)
        browser.get(site + path)
    assert not [e for e in console_errors(browser) if "Content Security Policy" in e or "xss" in e.lower()]


def test_the_script_iri_is_shown_as_text(browser, site):
    site, _ = site
    browser.get(site + "/id/goal/2016-01")
    shown = browser.find_elements(By.CSS_SELECTOR, f'main span[title="{SCRIPT_IRI}"]')
    assert shown and shown[0].text == MARKUP  # its label, as text; the IRI on hover, not as a link
    assert _no_script_ran(browser)


@pytest.mark.parametrize("view", [f"/network/ego?iri={ID}org/xss&depth=1", "/network/partners"])
def test_no_network_node_links_or_runs_stored_script(browser, site, view):
    from selenium.webdriver.support.ui import WebDriverWait

    site, _ = site
    browser.get(site + view)
    WebDriverWait(browser, 120).until(
        lambda d: d.execute_script(
            "const e = document.getElementById('network'); return !!e && e.dataset.stable === 'true'"
        )
    )
    # Select every node as a click does, and read the link its panel offers.
    offered = browser.execute_script("""
        const cy = window.techniekpactNetwork, links = [];
        cy.nodes().forEach(n => {
          cy.elements().unselect(); n.select(); n.emit('tap');
          const a = document.querySelector('#selection a.open');
          links.push({id: n.id(), href: a && !a.hidden ? a.getAttribute('href') : null, label: n.data('label')});
        });
        return links;""")
    assert offered and _no_script_ran(browser)
    assert not [
        o for o in offered if o["href"] and not o["href"].startswith(("/", "http://", "https://", "mailto:"))
    ]
    if "ego" not in view:
        return
    payload = [o for o in offered if "organisatie" in (o["label"] or "")]
    assert payload and payload[0]["href"] == "/id/org/xss"
    # Follow the payload node's link as a user would, and the page it opens runs nothing either.
    browser.execute_script("""const cy = window.techniekpactNetwork;
        const n = cy.nodes().filter(n => (n.data('label') || '').includes('organisatie'))[0];
        cy.elements().unselect(); n.select(); n.emit('tap');""")
    browser.find_element(By.CSS_SELECTOR, "#selection a.open").click()
    assert browser.current_url.endswith("/id/org/xss") and _no_script_ran(browser)
