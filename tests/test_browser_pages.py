"""Home page, an entity page and a network view in headless Chromium: they render, draw,
log no errors and request nothing from outside the server."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import console_errors, external_requests


def test_home_page_renders(browser, live_server):
    browser.get(live_server + "/")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    assert len(rows) >= 12
    assert external_requests(browser, live_server) == [] and console_errors(browser) == []


def test_entity_page_renders(browser, live_server):
    browser.get(live_server + "/id/org/ocw?lang=nl")  # headless Chromium asks for English
    assert "Ministerie van Onderwijs" in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.CSS_SELECTOR, "table.properties tr")
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#ego canvas")
    )  # small ego network
    assert external_requests(browser, live_server) == [] and console_errors(browser) == []


def test_network_view_draws_its_canvas(browser, live_server):
    browser.get(live_server + "/network/partners")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#network canvas"))
    canvas = browser.find_element(By.CSS_SELECTOR, "#network canvas")
    assert canvas.size["width"] > 200 and canvas.size["height"] > 200
    count = browser.execute_script("return window.techniekpactNetwork.nodes().length")
    assert count > 10
    assert external_requests(browser, live_server) == [] and console_errors(browser) == []
