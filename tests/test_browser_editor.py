"""The SPARQL editor (YASGUI, vendored) in headless Chromium, as an analyst uses it: type a
query with autocompletion, run it, follow a result link, download every format, open a
permalink in a fresh browser, open a saved query with its parameter, read an error at its
line — and no request ever leaves the server under test."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
import rdflib
import requests
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import chromium, console_errors, requests_sent

GOALS = (
    "SELECT ?goal ?label WHERE {\n  ?goal a tp:Goal ; skos:prefLabel ?label .\n"
    '  FILTER(lang(?label) = "nl")\n} ORDER BY ?goal'
)
CONSTRUCT_GOALS = "CONSTRUCT { ?g skos:prefLabel ?l } WHERE { ?g a tp:Goal ; skos:prefLabel ?l }"
WAIT = 30  # seconds, an upper bound only: every wait polls for what the page shows


@pytest.fixture(scope="module")
def editor(live_server):
    """A browser that records every request it sends and saves downloads in a folder."""
    driver = chromium(network_log=True)
    driver.set_window_size(1400, 1000)
    folder = Path(tempfile.mkdtemp(prefix="downloads-"))
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
    driver.downloads = folder
    yield driver
    driver.quit()


def only_local(driver, live_server, expected_error: str | None = None) -> None:
    """No request left the server under test (Chrome's own network log), and the page ran
    without errors (a CSP violation is one) but the one expected."""
    sent = requests_sent(driver)
    assert any(u.startswith(live_server + "/sparql") for u in sent)
    # (chrome:// are the browser's own pages, such as the first empty tab: no network.)
    outside = [
        u for u in sent if not u.startswith((live_server + "/", "data:", "blob:", "chrome:", "about:"))
    ]
    assert outside == []
    assert [e for e in console_errors(driver) if not (expected_error and expected_error in e)] == []


def open_editor(driver, url):
    driver.get(url)
    WebDriverWait(driver, WAIT).until(lambda d: d.execute_script("return !!window.techniekpactEditor"))


def js(driver, code, *args):
    """Run code with `yasgui`, `tab` and `yasqe` (the open tab's editor) at hand."""
    return driver.execute_script(
        "const yasgui = window.techniekpactEditor, tab = yasgui.getTab(), yasqe = tab.getYasqe();\n" + code,
        *args,
    )


def status(driver) -> str:
    return driver.find_element(By.ID, "status").text


def wait_status(driver, *words) -> str:
    WebDriverWait(driver, WAIT).until(lambda d: all(w in status(d) for w in words))
    return status(driver)


def result_rows(driver):
    return js(driver, "return [...tab.getYasr().resultsEl.querySelectorAll('tbody tr')]")


def hints(driver) -> list[str]:
    # Read in one script: the list is redrawn on every key, so elements found in one
    # call can be gone by the next (a stale element reference).
    return js(driver, "return [...document.querySelectorAll('.CodeMirror-hints li')].map(e => e.innerText)")


def type_keys(driver, *keys):
    ActionChains(driver).send_keys(*keys).perform()


def run(driver):
    """Ctrl+Enter in the editor (after closing a completion list: Esc with no list open
    would leave the editor)."""
    if hints(driver):
        type_keys(driver, Keys.ESCAPE)
    js(driver, "yasqe.focus()")
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()


def click_start(driver, element):
    """Click an element's first words, as a person does: a long label is cut off at its
    column's edge (ellipsis), so its middle may lie under the next column."""
    x, y = driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'});"
        "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top + r.height / 2]",
        element,
    )
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(x) + 10, int(y)).click()
    actions.perform()


def test_type_with_autocompletion_run_and_follow_a_result_link(editor, live_server):
    open_editor(editor, live_server + "/sparql?lang=en")
    js(
        editor,
        "yasqe.setValue('SELECT ?goal ?label WHERE {\\n  ?goal a '); yasqe.focus(); yasqe.setCursor({line: 1, ch: 99});",
    )
    type_keys(editor, "tp:Go")
    WebDriverWait(editor, WAIT).until(lambda d: hints(d))
    first = hints(editor)[0]
    # The class from this graph's ontology, with its Dutch and English labels.
    assert first.startswith("tp:Goal ") and "doel 2016-2020" in first and "goal 2016-2020" in first
    type_keys(editor, Keys.ENTER)
    type_keys(editor, " ;\n skos:prefL")
    WebDriverWait(editor, WAIT).until(lambda d: "skos:prefLabel" in hints(d))
    type_keys(editor, Keys.ENTER, ' ?label .\n FILTER(lang(?label) = "en")\n}\nORDER BY ?goal')
    text = js(editor, "return yasqe.getValue()")
    assert "?goal a tp:Goal ;" in text and "skos:prefLabel ?label" in text
    assert "PREFIX" not in text  # the prefixes stay out of the box
    run(editor)
    line = wait_status(editor, "12 results in", " s")
    assert float(line.split(" in ")[1].rstrip(" s")) >= 0
    # The address is a permalink of the query just run.
    assert unquote(editor.current_url.split("?query=", 1)[1]) == text
    # The table is drawn once its labels are in: wait for it (a cell read during a redraw is stale).
    settled = WebDriverWait(editor, WAIT, ignored_exceptions=(StaleElementReferenceException,))
    settled.until(lambda d: len(result_rows(d)) == 12)
    link = settled.until(lambda d: result_rows(d)[0].find_element(By.CSS_SELECTOR, "a.iri"))
    assert link.get_attribute("href") == live_server + "/id/goal/2016-01"
    assert link.get_attribute("title") == "https://w3id.org/techniekpact/id/goal/2016-01"
    label = link.text
    assert not label.startswith(("tpd:", "http")) and len(label) > 20  # a label, not the IRI
    click_start(editor, link)
    WebDriverWait(editor, WAIT).until(lambda d: d.current_url.endswith("/id/goal/2016-01"))
    assert label[:30] in editor.find_element(By.TAG_NAME, "body").text
    only_local(editor, live_server)


def wait_download(folder: Path, name: str) -> Path:
    path = folder / name
    WebDriverWait(None, WAIT, poll_frequency=0.2).until(
        lambda _: path.exists() and not list(folder.glob("*.crdownload"))
    )
    return path


def download(driver, fmt: str, name: str) -> str:
    for old in driver.downloads.iterdir():
        old.unlink()
    buttons = [
        b
        for b in driver.find_elements(By.CSS_SELECTOR, f'#download button[value="{fmt}"]')
        if b.is_displayed()
    ]
    buttons[0].click()
    return wait_download(driver.downloads, name).read_text(encoding="utf-8")


def test_downloads_are_real_files_of_each_format(editor, live_server):
    open_editor(editor, live_server + "/sparql?lang=en&query=" + quote(GOALS))
    wait_status(editor, "12 results")
    rows = list(csv.reader(io.StringIO(download(editor, "csv", "query-results.csv"))))
    assert rows[0] == ["goal", "label"] and len(rows) == 13
    assert (
        rows[1][0] == "https://w3id.org/techniekpact/id/goal/2016-01" and "basisscholen" in rows[1][1].lower()
    )
    lines = download(editor, "tsv", "query-results.tsv").splitlines()
    assert lines[0] == "?goal\t?label" and len(lines) == 13
    data = json.loads(download(editor, "json", "query-results.json"))
    assert data["head"]["vars"] == ["goal", "label"] and len(data["results"]["bindings"]) == 12
    # Graphs: only the graph formats are offered.
    open_editor(editor, live_server + "/sparql?lang=en&query=" + quote(CONSTRUCT_GOALS))
    triples = int(wait_status(editor, "triples in").split()[0])
    offered = [
        b.get_attribute("value")
        for b in editor.find_elements(By.CSS_SELECTOR, "#download button")
        if b.is_displayed()
    ]
    assert offered == ["turtle", "ntriples", "jsonld"]
    graph = rdflib.Graph().parse(data=download(editor, "turtle", "query-results.ttl"), format="turtle")
    assert len(graph) == triples == 24  # twelve goals, a Dutch and an English label each
    assert (
        graph.value(
            rdflib.URIRef("https://w3id.org/techniekpact/id/goal/2016-01"),
            rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
        )
        is not None
    )
    only_local(editor, live_server)


def test_ask_and_describe_are_shown(editor, live_server):
    open_editor(
        editor, live_server + "/sparql?lang=nl&query=" + quote("ASK { tpd:goal\\/2016-01 a tp:Goal }")
    )
    assert "Antwoord: ja (true)" in wait_status(editor, "Antwoord:")
    assert js(editor, "return tab.getYasr().resultsEl.textContent").strip().lower() == "true"
    open_editor(editor, live_server + "/sparql?lang=nl&query=" + quote("DESCRIBE tpd:goal\\/2016-01"))
    wait_status(editor, "triples in")
    assert len(result_rows(editor)) > 3
    only_local(editor, live_server)


def test_only_http_iris_become_links_and_aggregates_draw_a_chart(editor, live_server):
    query = (
        "SELECT ?thing (COUNT(*) AS ?n) WHERE { VALUES ?thing { <urn:example:1> <mailto:info@example.nl> "
        "<https://example.org/x> tpd:landsdeel\\/oost } } GROUP BY ?thing ORDER BY ?thing"
    )
    open_editor(editor, live_server + "/sparql?lang=en&query=" + quote(query))
    wait_status(editor, "4 results")
    links = js(
        editor,
        "return [...tab.getYasr().resultsEl.querySelectorAll('tbody a.iri')].map(a => a.getAttribute('href'))",
    )
    assert sorted(links) == ["/id/landsdeel/oost", "https://example.org/x"]
    texts = js(editor, "return tab.getYasr().resultsEl.textContent")
    assert "urn:example:1" in texts and "mailto:info@example.nl" in texts and "Landsdeel East" in texts
    # The chart view: one bar a row, the count as its height.
    js(editor, "tab.getYasr().selectPlugin('chart')")
    WebDriverWait(editor, WAIT).until(lambda d: js(d, "return !!tab.getYasr().plugins.chart.chart"))
    chart = js(
        editor,
        "const c = tab.getYasr().plugins.chart.chart; "
        "return {type: c.config.type, labels: c.data.labels, data: c.data.datasets[0].data}",
    )
    assert chart["type"] == "bar" and chart["data"] == [1, 1, 1, 1] and "Landsdeel East" in chart["labels"]
    assert js(editor, "return tab.getYasr().resultsEl.querySelector('canvas').height") > 100
    js(editor, "tab.getYasr().selectPlugin('table')")
    only_local(editor, live_server)


def test_a_permalink_opens_in_a_new_browser_and_runs(editor, live_server):
    open_editor(editor, live_server + "/sparql?lang=en")
    query = "SELECT ?l WHERE { tpd:landsdeel\\/oost skos:prefLabel ?l }"
    js(editor, "yasqe.setValue(arguments[0]); yasqe.focus();", query)
    run(editor)
    wait_status(editor, "results in")
    permalink = editor.current_url
    other = chromium()
    try:
        other.get(permalink)
        WebDriverWait(other, WAIT).until(lambda d: "results in" in d.find_element(By.ID, "status").text)
        assert js(other, "return yasqe.getValue()") == query
        assert "Oost" in js(other, "return tab.getYasr().resultsEl.textContent")
        assert console_errors(other) == []
    finally:
        other.quit()
    only_local(editor, live_server)


def test_a_saved_query_with_a_parameter_opens_in_the_editor_with_rows(editor, live_server):
    goal = "https://w3id.org/techniekpact/id/goal/2016-03"
    expected = len(
        requests.get(live_server + "/queries/actions-of-goal.json", params={"goal": goal}).json()["rows"]
    )
    assert expected > 0
    editor.get(live_server + "/queries/actions-of-goal?goal=" + quote(goal, safe=""))
    editor.find_element(By.CSS_SELECTOR, "a.open-in-editor").click()
    line = wait_status(editor, "results in")
    assert line.startswith(f"{expected} result")
    assert f"VALUES (?goal) {{ (<{goal}>) }}" in js(editor, "return yasqe.getValue()")
    # The list of saved queries opens one in a tab of its own, its parameter at its default.
    tabs = js(editor, "return Object.keys(yasgui._tabs).length")
    select = editor.find_element(By.ID, "examples")
    select.find_element(By.CSS_SELECTOR, 'option[value="actions-of-goal"]').click()
    WebDriverWait(editor, WAIT).until(lambda d: js(d, "return Object.keys(yasgui._tabs).length") == tabs + 1)
    default = len(requests.get(live_server + "/queries/actions-of-goal.json").json()["rows"])
    assert wait_status(editor, "results in").startswith(f"{default} result") and default > 0
    # Tabs, their queries and their last results are kept in the browser (localStorage).
    editor.refresh()
    WebDriverWait(editor, WAIT).until(lambda d: d.execute_script("return !!window.techniekpactEditor"))
    assert js(editor, "return Object.keys(yasgui._tabs).length") == tabs + 1
    assert f"<{goal}>" not in js(editor, "return yasqe.getValue()")  # the default, in the tab last shown
    assert "<https://w3id.org/techniekpact/id/goal/2016-07>" in js(editor, "return yasqe.getValue()")
    assert len(result_rows(editor)) == min(default, 50)
    only_local(editor, live_server)


@pytest.mark.parametrize("lang, words", [("nl", "regel 4, kolom 18"), ("en", "line 4, column 18")])
def test_a_syntax_error_is_shown_at_its_line(editor, live_server, lang, words):
    open_editor(editor, live_server + f"/sparql?lang={lang}")
    broken = 'SELECT ?x\nWHERE {\n  ?x a tp:Goal .\n  BIND("a" AS ?x ?y)\n}'
    js(editor, "yasqe.setValue(arguments[0]); yasqe.focus();", broken)
    run(editor)
    box = editor.find_element(By.ID, "query-error")
    WebDriverWait(editor, WAIT).until(lambda d: box.is_displayed())
    assert words in box.text and 'expected ")"' in box.text
    assert "tp-error-line" in (js(editor, "return yasqe.lineInfo(3).bgClass") or "")
    assert js(editor, "return yasqe.getCursor().line") == 3
    assert js(editor, "return yasqe.getAllMarks().length") >= 1
    # Fixing it and running again clears the marks.
    js(editor, "yasqe.setValue(arguments[0].replace(' ?x ?y', ' ?y')); yasqe.focus();", broken)
    run(editor)
    WebDriverWait(editor, WAIT).until(lambda d: not box.is_displayed())
    assert not js(editor, "return yasqe.lineInfo(3).bgClass")
    only_local(
        editor,
        live_server,
        expected_error="/sparql - Failed to load resource: the server responded with a status of 400",
    )


def history_entries(driver) -> list[dict]:
    """The history panel's entries as shown: time, outcome and query text."""
    return driver.execute_script(
        "return [...document.querySelectorAll('#history .history-entry')].map(li => ({"
        " time: li.querySelector('time').textContent, outcome: li.querySelector('.history-outcome').textContent,"
        " query: li.querySelector('.history-query').textContent}))"
    )


def open_history(driver):
    summary = driver.find_element(By.CSS_SELECTOR, "#history summary")
    if not driver.find_element(By.ID, "history").get_attribute("open"):
        summary.click()


def test_the_history_keeps_each_query_run_and_runs_it_again(editor, live_server):
    open_editor(editor, live_server + "/sparql?lang=en")
    editor.execute_script("localStorage.removeItem('techniekpact.editor.history')")
    editor.refresh()
    WebDriverWait(editor, WAIT).until(lambda d: d.execute_script("return !!window.techniekpactEditor"))
    assert editor.find_element(By.CSS_SELECTOR, "#history summary").text.strip() == "History"
    # Three runs: a SELECT, a broken query, and the SELECT again (one entry a query text).
    counted = "SELECT ?l WHERE { tpd:landsdeel\\/oost skos:prefLabel ?l } # history test"
    broken = "SELECT ?x WHERE { ?x a }"
    for query, expected in ((counted, [counted]), (broken, [broken, counted]), (counted, [counted, broken])):
        js(editor, "yasqe.setValue(arguments[0]); yasqe.focus();", query)
        run(editor)
        WebDriverWait(editor, WAIT).until(
            lambda d, expected=expected: [e["query"] for e in history_entries(d)] == expected
        )
    shown = status(editor)
    # Opening the editor again keeps it (localStorage), newest first, with the outcome the
    # status line showed. (Not a reload of the permalink the address is now: that runs again.)
    open_editor(editor, live_server + "/sparql?lang=en")
    assert editor.find_element(By.CSS_SELECTOR, "#history summary").text.strip() == "History (2)"
    open_history(editor)
    entries = history_entries(editor)
    assert [e["query"] for e in entries] == [counted, broken]
    assert entries[0]["outcome"] == shown and shown.startswith("2 results in")  # Oost, East
    assert entries[1]["outcome"].startswith("Error (line 1, column ") and "expected" in entries[1]["outcome"]
    assert all(e["time"] for e in entries)
    # Opened from the history in a new tab, it runs there.
    tabs = js(editor, "return Object.keys(yasgui._tabs).length")
    js(editor, "yasqe.setValue('ASK {}')")  # what the current tab holds stays as it is
    current = js(editor, "return tab.getId()")
    editor.find_elements(By.CSS_SELECTOR, "#history .history-entry .history-open")[0].click()
    WebDriverWait(editor, WAIT).until(lambda d: js(d, "return Object.keys(yasgui._tabs).length") == tabs + 1)
    assert js(editor, "return yasqe.getValue()") == counted
    WebDriverWait(editor, WAIT).until(lambda d: "East" in js(d, "return tab.getYasr().resultsEl.textContent"))
    assert wait_status(editor, "2 results in")
    assert js(editor, "return yasgui._tabs[arguments[0]].getYasqe().getValue()", current) == "ASK {}"
    # ... or in the tab shown now, replacing its text.
    editor.find_elements(By.CSS_SELECTOR, "#history .history-entry .history-here")[1].click()
    WebDriverWait(editor, WAIT).until(lambda d: d.find_element(By.ID, "query-error").is_displayed())
    assert js(editor, "return yasqe.getValue()") == broken
    assert js(editor, "return Object.keys(yasgui._tabs).length") == tabs + 1
    # Running moved the broken query to the top; removing it leaves the other.
    WebDriverWait(editor, WAIT).until(lambda d: history_entries(d)[0]["query"] == broken)
    editor.find_elements(By.CSS_SELECTOR, "#history .history-entry .history-remove")[0].click()
    assert [e["query"] for e in history_entries(editor)] == [counted]
    assert editor.find_element(By.CSS_SELECTOR, "#history summary").text.strip() == "History (1)"
    # Clearing asks first, then empties the panel and the storage.
    editor.find_element(By.CSS_SELECTOR, "#history .history-clear").click()
    alert = editor.switch_to.alert
    assert alert.text == "Clear the whole history?"
    alert.accept()
    assert history_entries(editor) == []
    assert editor.find_element(By.CSS_SELECTOR, "#history .history-empty").is_displayed()
    assert (
        editor.execute_script("return JSON.parse(localStorage.getItem('techniekpact.editor.history'))") == []
    )
    only_local(
        editor,
        live_server,
        expected_error="/sparql - Failed to load resource: the server responded with a status of 400",
    )


def test_the_history_is_bounded_and_in_the_page_language(editor, live_server):
    open_editor(editor, live_server + "/sparql?lang=nl")
    # 120 earlier runs in storage, as if made one by one: the page keeps the newest 100.
    editor.execute_script(
        "localStorage.setItem('techniekpact.editor.history', JSON.stringify(Array.from({length: 120}, (_, i) =>"
        " ({query: 'SELECT * WHERE { ?s ?p ?o } LIMIT ' + (120 - i), ok: true, kind: 'select', count: 120 - i,"
        " ms: 12, at: new Date(Date.UTC(2025, 0, 1, 12, 0, 120 - i)).toISOString()}))))"
    )
    editor.refresh()
    WebDriverWait(editor, WAIT).until(lambda d: d.execute_script("return !!window.techniekpactEditor"))
    assert editor.find_element(By.CSS_SELECTOR, "#history summary").text.strip() == "Geschiedenis (100)"
    js(editor, "yasqe.setValue('ASK { tpd:goal\\\\/2016-01 a tp:Goal }'); yasqe.focus();")
    run(editor)
    WebDriverWait(editor, WAIT).until(lambda d: history_entries(d)[0]["query"].startswith("ASK"))
    assert editor.find_element(By.CSS_SELECTOR, "#history summary").text.strip() == "Geschiedenis (100)"
    assert (
        len(editor.execute_script("return JSON.parse(localStorage.getItem('techniekpact.editor.history'))"))
        == 100
    )
    open_history(editor)
    entries = history_entries(editor)
    assert entries[0]["outcome"].startswith("Antwoord: ja (true) in ")
    assert entries[1]["outcome"] == "120 resultaten in 0,012 s"
    assert entries[-1]["query"].endswith("LIMIT 22")  # the oldest 21 went
    assert [
        b.text
        for b in editor.find_elements(By.CSS_SELECTOR, "#history .history-entry")[0].find_elements(
            By.TAG_NAME, "button"
        )
    ] == ["Openen in nieuw tabblad", "In dit tabblad", "Verwijderen"]
    only_local(editor, live_server)
