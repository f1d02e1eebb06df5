"""Headless Chromium (Debian's chromium + chromedriver) driven by Selenium, offline."""

from __future__ import annotations

import json
import shutil
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def chromium(network_log: bool = False) -> webdriver.Chrome:
    """`network_log`: keep Chrome's performance log, so requests_sent() sees every request
    the browser sends (navigations, fetches and blocked ones too)."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}",
    ):
        options.add_argument(flag)
    options.set_capability(
        "goog:loggingPrefs", {"browser": "ALL", **({"performance": "ALL"} if network_log else {})}
    )
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def external_requests(driver, base_url: str) -> list[str]:
    """Every resource the page loaded from somewhere other than the server under test."""
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    return [u for u in urls if not u.startswith(base_url)]


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def requests_sent(driver) -> list[str]:
    """URLs of the requests the browser sent since the last call (a driver made with
    chromium(network_log=True)), from Chrome's own network events."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls
