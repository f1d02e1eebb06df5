"""Pages a coordinator works in: navigation, both languages, tables, drill-down, map."""

import re

import pytest

HTML = {"Accept": "text/html"}


def test_menu_links_and_search_forms_open_html(client):
    html = client.get("/", headers=HTML).get_data(as_text=True)
    assert 'href="/timeline"' in html and "timeline.json" not in html
    assert re.findall(r'<form action="([^"]+)"', html) and \
        all(a == "/search" for a in re.findall(r'<form action="([^"]+)"', html))
    for path in ("/timeline", "/search?q=vhto"):
        r = client.get(path, headers=HTML)
        assert r.status_code == 200 and r.content_type.startswith("text/html")
    assert client.get("/timeline.json").content_type.startswith("application/json")
    assert client.get("/search.json?q=vhto").get_json()["count"] > 0
