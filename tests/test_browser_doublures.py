"""A coordinator marks a doublure in headless Chromium: the page works under the CSP (the
script is a file, no inline code), the decision is saved and the pair leaves the open list.
Screenshots of the page at 1400 and 400 px, in Dutch and English, go to
var/test-output/screenshots/ (or $TECHNIEKPACT_SCREENSHOTS)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from graph.build import build
from server import close_app, create_app
from server.config import Config
from tests.browser import console_errors, external_requests
from tests.live import answers, serving, wait_until

SHOTS = Path(
    os.environ.get("TECHNIEKPACT_SCREENSHOTS", Path(__file__).parent.parent / "var/test-output/screenshots")
)
REVIEWER = "browser-reviewer"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A store and app of its own (a decision changes the store), served by waitress."""
    target = tmp_path_factory.mktemp("doublures-browser") / "store"
    build(target)
    app = create_app(Config(store=str(target), reviewer_token=REVIEWER, query_timeout=60.0))
    with serving(app, threads=4) as url:
        wait_until(lambda: answers(url + "/doublures.json"), 120, "the doublure candidates made")
        yield url
    close_app(app)


def test_a_coordinator_marks_a_candidate_as_the_same(browser, server):
    browser.set_window_size(1400, 900)
    browser.get(server + "/doublures?lang=nl")
    first = browser.find_element(By.CSS_SELECTOR, "li.candidate")
    names = [a.text for a in first.find_elements(By.CSS_SELECTOR, ".side .item a")]
    assert len(names) == 2
    # the script hid each form's own token field: one field serves the page
    assert not first.find_element(By.CSS_SELECTOR, "form.decide .own-token").is_displayed()
    browser.find_element(By.ID, "decider-name").send_keys("Coördinator Noord")
    browser.find_element(By.ID, "decider-token").send_keys(REVIEWER)
    first.find_element(By.CSS_SELECTOR, "input[name=note]").send_keys("beide plannen noemen dezelfde actie")
    first.find_element(By.CSS_SELECTOR, "button[value=same]").click()
    WebDriverWait(browser, 60).until(lambda b: b.find_elements(By.CSS_SELECTOR, "p.notice"))
    open_names = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "li.candidate .side .item a")]
    assert open_names[:2] != names
    decided = requests.get(server + "/doublures.json?status=decided", timeout=60).json()
    assert len(decided["candidates"]) == 1
    assert (
        decided["decisions"][0]["who"] == "Coördinator Noord" and decided["decisions"][0]["verdict"] == "same"
    )
    assert not console_errors(browser) and not external_requests(browser, server)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_screenshots_and_no_sideways_scrolling(browser, server, lang):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1400, 400):
        browser.set_window_size(width, 1000)
        browser.get(f"{server}/doublures?lang={lang}")
        browser.save_screenshot(str(SHOTS / f"doublures-{lang}-{width}.png"))
        browser.execute_script("document.querySelector('li.candidate').scrollIntoView()")
        browser.save_screenshot(str(SHOTS / f"doublures-{lang}-{width}-candidate.png"))
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (width, overflow)
        # an action and the initiative it sets up, with the words that say so, in the page's language
        browser.get(f"{server}/doublures?kind=initiative&lang={lang}")
        browser.execute_script("document.querySelector('li.embodies').scrollIntoView({block: 'center'})")
        browser.save_screenshot(str(SHOTS / f"doublures-initiative-{lang}-{width}.png"))
        said = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "li.embodies")]
        assert any(
            ("zet dit initiatief op" if lang == "nl" else "sets this initiative up") in x for x in said
        )
        assert browser.find_elements(By.CSS_SELECTOR, ".side .matched mark")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (width, overflow)
    browser.set_window_size(1400, 1000)
    browser.get(f"{server}/id/action/2013-7b?lang={lang}")
    browser.save_screenshot(str(SHOTS / f"doublures-entity-{lang}-1400.png"))
    assert browser.find_elements(By.CSS_SELECTOR, "section.doublure-block")
