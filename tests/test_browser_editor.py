"""The query editor in a real browser: open it, run a query, see the result table."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import console_errors, external_requests


def test_editor_runs_a_query_and_shows_the_table(browser, live_server):
    browser.get(live_server + "/sparql")
    assert "tp:" in browser.find_element(By.ID, "highlight").get_attribute("innerHTML")  # highlighted
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 15).until(EC.presence_of_element_located((By.CSS_SELECTOR, "#results table tbody tr")))
    rows = browser.find_elements(By.CSS_SELECTOR, "#results table tbody tr")
    assert len(rows) == 12
    first_link = rows[0].find_element(By.TAG_NAME, "a")
    assert first_link.get_attribute("href").endswith("/id/goal/2016-01")
    assert "basisscholen" in rows[0].text.lower()
    assert browser.find_element(By.ID, "download").get_attribute("href").endswith("format=csv")
    assert external_requests(browser, live_server) == []
    assert console_errors(browser) == []


def test_editor_shows_a_syntax_error(browser, live_server):
    browser.get(live_server + "/sparql")
    area = browser.find_element(By.ID, "query")
    browser.execute_script("arguments[0].value = 'SELECT * WHERE { ?s ?p }'", area)
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 15).until(lambda d: "Fout 400" in d.find_element(By.ID, "status").text)
    assert "error at 1:" in browser.find_element(By.ID, "status").text
