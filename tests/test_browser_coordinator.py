"""A coordinator's round in headless Chromium: every menu link and search box gives HTML, a
table sorts and filters and downloads its filtered CSV, a 0 in the heat map leads somewhere
useful, the language switch works, nothing scrolls sideways at 400 px, and the main pages
are photographed at 1400 and 400 px (var/test-output/screenshots/, or
$TECHNIEKPACT_SCREENSHOTS)."""

import os
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import console_errors, external_requests

SHOTS = Path(
    os.environ.get("TECHNIEKPACT_SCREENSHOTS", Path(__file__).parent.parent / "var/test-output/screenshots")
)
ID = "https://w3id.org/techniekpact/id/"
MAIN_PAGES = {
    "home": "/",
    "queries": "/queries",
    "gaps": "/queries/actions-with-gaps",
    "coverage": "/queries/coverage-goal-landsdeel",
    "map": "/map",
    "timeline": "/timeline",
    "validate": "/validate",
    "action": "/id/action/2016-noord-werken-1",
    "search": "/search?q=techniek",
}


def is_html_page(browser) -> bool:
    return browser.execute_script("return document.contentType") == "text/html" and bool(
        browser.find_elements(By.CSS_SELECTOR, "header.top nav")
    )


def test_every_menu_link_and_search_box_opens_html(browser, live_server):
    browser.set_window_size(1400, 900)
    browser.get(live_server + "/?lang=nl")
    links = [
        a.get_attribute("href")
        for a in browser.find_elements(By.CSS_SELECTOR, "header.top nav a, .hero .links a")
    ]
    pages = [
        h for h in links if h.startswith(live_server) and "/dataset." not in h and not h.endswith("/void")
    ]
    assert len(pages) >= 8
    for href in pages:
        browser.get(href)
        assert is_html_page(browser), href
    for start in ("/", "/queries", "/timeline"):  # the header's box, on pages of several kinds
        browser.get(live_server + start)
        box = browser.find_element(By.CSS_SELECTOR, "header.top form.navsearch input[name=q]")
        box.send_keys("vhto", Keys.ENTER)
        WebDriverWait(browser, 20).until(lambda b: "/search" in b.current_url)
        assert is_html_page(browser) and browser.find_elements(By.CSS_SELECTOR, "ul.hits a"), start
    browser.get(live_server + "/")
    browser.find_element(By.CSS_SELECTOR, ".hero form.searchbox input[name=q]").send_keys(
        "jet-net", Keys.ENTER
    )
    WebDriverWait(browser, 20).until(lambda b: "/search" in b.current_url)
    assert is_html_page(browser)


def test_sort_filter_and_download_the_filtered_csv(browser, live_server):
    browser.set_window_size(1400, 900)
    browser.get(live_server + "/queries/owners-ranking?lang=nl&size=10")
    whole = requests.get(live_server + "/queries/owners-ranking.json?size=5000", timeout=30).json()
    everyone = sorted(int(r[whole["columns"].index("owns")]["value"]) for r in whole["rows"])

    def owns():
        index = [
            th.get_attribute("data-column") for th in browser.find_elements(By.CSS_SELECTOR, "thead th")
        ].index("owns")
        return [
            int(tr.find_elements(By.TAG_NAME, "td")[index].text)
            for tr in browser.find_elements(By.CSS_SELECTOR, "table.sortable tbody tr")
        ]

    # The header sorts the whole answer: the first page of 10 is the answer's 10 smallest, then largest.
    browser.find_element(By.CSS_SELECTOR, 'th[data-column="owns"] a.sort').click()
    WebDriverWait(browser, 20).until(lambda b: "_sort=owns" in b.current_url)
    assert owns() == everyone[:10]
    browser.find_element(By.CSS_SELECTOR, 'th[data-column="owns"] a.sort').click()
    WebDriverWait(browser, 20).until(lambda b: "_sort_desc=owns" in b.current_url)
    assert owns() == everyone[::-1][:10] and owns()[0] > everyone[0]
    browser.get(live_server + "/queries/actions-with-gaps?lang=nl")
    facet = browser.find_element(
        By.XPATH, "//aside[@class='facets']//section[h3='eigenaar']//a[text()='ontbreekt']"
    )
    expected = int(facet.find_element(By.XPATH, "following-sibling::span[@class='count']").text)
    facet.click()
    WebDriverWait(browser, 20).until(lambda b: "f.missingOwner=ontbreekt" in b.current_url)
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.sortable tbody tr")) == expected
    # Sorted as well: the filter stays, and the download honours both.
    browser.find_element(By.CSS_SELECTOR, 'th[data-column="plan"] a.sort').click()
    WebDriverWait(browser, 20).until(
        lambda b: "_sort=plan" in b.current_url and "f.missingOwner=ontbreekt" in b.current_url
    )
    shown = [
        a.get_attribute("href").rsplit("/id/", 1)[-1]
        for a in browser.find_elements(By.CSS_SELECTOR, "table.sortable tbody tr td:first-child a")
    ]
    csv_href = browser.find_element(By.LINK_TEXT, "CSV").get_attribute("href")
    assert "f.missingOwner=ontbreekt" in csv_href and "_sort=plan" in csv_href
    lines = requests.get(csv_href, timeout=30).text.strip().splitlines()
    assert len(lines) == expected + 1 and all(",ontbreekt," in line for line in lines[1:])
    assert [line.split(",")[0].rsplit("/id/", 1)[-1] for line in lines[1:]] == shown
    SHOTS.mkdir(parents=True, exist_ok=True)
    for lang in ("nl", "en"):
        for width in (1400, 400):
            browser.set_window_size(width, 1000)
            browser.get(browser.current_url.split("&lang=")[0].replace("lang=nl&", "") + f"&lang={lang}")
            browser.save_screenshot(str(SHOTS / f"table-sorted-filtered-{lang}-{width}.png"))


def test_map_provinces_open_their_landsdeel(browser, live_server):
    browser.set_window_size(400, 900)
    browser.get(live_server + f"/map?lang=nl&by=goal&row={ID}goal/2016-01")
    provinces = browser.find_elements(By.CSS_SELECTOR, "figure.nlmap a.province")
    assert len(provinces) == 12
    gelderland = browser.find_element(By.CSS_SELECTOR, 'a.province[data-province="gelderland"]')
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", gelderland)
    WebDriverWait(browser, 20).until(
        lambda b: (
            "/cell?" in b.current_url
            and "landsdeel%2Foost" in b.current_url
            or "landsdeel/oost" in b.current_url
        )
    )
    assert is_html_page(browser) and "Oost" in browser.find_element(By.TAG_NAME, "h1").text


def test_a_zero_in_the_heat_map_opens_a_useful_page(browser, live_server):
    browser.set_window_size(1400, 900)
    browser.get(live_server + "/queries/coverage-goal-landsdeel?lang=nl")
    zero = browser.find_element(By.CSS_SELECTOR, "figure.heatmap a.cell.zero")
    browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", zero)
    WebDriverWait(browser, 20).until(lambda b: "/cell?" in b.current_url)
    assert "Witte vlek" in browser.find_element(By.CSS_SELECTOR, "p.blank-spot").text
    onward = browser.find_elements(By.CSS_SELECTOR, "main section li a")
    assert onward, "a blank spot shows the landsdelen and goals that do have actions"
    onward[0].click()
    WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, "ul.things li a"))


def test_parameter_is_picked_by_name(browser, live_server):
    browser.set_window_size(1400, 900)
    browser.get(live_server + "/queries/organisation-involvement?lang=nl")
    visible = browser.find_element(By.CSS_SELECTOR, "input.iri-name")
    assert visible.get_attribute("value").startswith("Ministerie van Onderwijs")  # a name, not an IRI
    visible.clear()
    visible.send_keys("VHTO")
    WebDriverWait(browser, 20).until(
        lambda b: (
            b.execute_script("return document.querySelector('input[name=org]').value") == ID + "org/vhto"
        )
    )
    browser.find_element(By.CSS_SELECTOR, "form.params button[type=submit]").click()
    WebDriverWait(browser, 20).until(lambda b: "org=https" in b.current_url and "vhto" in b.current_url)


@pytest.mark.parametrize(
    "lang,other,words",
    [("nl", "en", ["Timeline", "Search", "Validation"]), ("en", "nl", ["Tijdlijn", "Zoek", "Validatie"])],
)
def test_language_switch_is_remembered(browser, live_server, lang, other, words):
    browser.set_window_size(1400, 900)
    browser.get(live_server + f"/?lang={other}")
    browser.find_element(By.CSS_SELECTOR, "a.langswitch").click()
    WebDriverWait(browser, 20).until(
        lambda b: b.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    )
    for path in MAIN_PAGES.values():
        browser.get(live_server + path)  # no ?lang=: the choice is remembered
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang, path
        nav = browser.find_element(By.CSS_SELECTOR, "header.top").text
        assert not [w for w in words if w in nav], path


def test_main_pages_at_1400_and_400_px(browser, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    wide = []
    for lang in ("nl", "en"):
        for name, path in MAIN_PAGES.items():
            for width in (1400, 400):
                browser.set_window_size(width, 900)
                browser.get(live_server + path + ("&" if "?" in path else "?") + f"lang={lang}")
                overflow = browser.execute_script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                if overflow > 1:
                    wide.append((name, lang, width, overflow))
                height = browser.execute_script(
                    "return Math.min(document.documentElement.scrollHeight, 4000)"
                )
                browser.set_window_size(width, height)
                browser.save_screenshot(str(SHOTS / f"{name}-{lang}-{width}.png"))
                assert external_requests(browser, live_server) == [] and console_errors(browser) == [], (
                    name,
                    lang,
                )
    assert wide == [], f"pages that scroll sideways: {wide}"


def test_keyboard_reaches_the_content_first(browser, live_server):
    browser.set_window_size(400, 900)
    browser.get(live_server + "/?lang=nl")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    first = browser.switch_to.active_element
    assert first.get_attribute("class") == "skip" and first.is_displayed()
    first.send_keys(Keys.ENTER)
    assert browser.switch_to.active_element.get_attribute("id") == "main"
