"""Pages a coordinator works in: navigation, both languages, tables, drill-down, map."""

import re

import pytest

HTML = {"Accept": "text/html"}


def test_menu_links_and_search_forms_open_html(client):
    html = client.get("/", headers=HTML).get_data(as_text=True)
    assert 'href="/timeline"' in html and "timeline.json" not in html
    assert re.findall(r'<form action="([^"]+)"', html) and all(
        a == "/search" for a in re.findall(r'<form action="([^"]+)"', html)
    )
    for path in ("/timeline", "/search?q=vhto"):
        r = client.get(path, headers=HTML)
        assert r.status_code == 200 and r.content_type.startswith("text/html")
    assert client.get("/timeline.json").content_type.startswith("application/json")
    assert client.get("/search.json?q=vhto").get_json()["count"] > 0


ID = "https://w3id.org/techniekpact/id/"
# Words of the interface that must not show on a page of the other language.
ENGLISH_UI = [
    "Search",
    "Timeline",
    "Validation",
    "previous",
    "rows",
    "Filter",
    "missing",
    "Warning",
    "Violation",
    "Not found",
    "What is missing",
    "Saved queries",
    "Blank spot",
    "Map:",
]
DUTCH_UI = [
    "Zoek",
    "Tijdlijn",
    "Validatie",
    "vorige",
    "rijen",
    "Filteren",
    "ontbreekt",
    "Waarschuwing",
    "Overtreding",
    "Niet gevonden",
    "Wat ontbreekt",
    "Opgeslagen queries",
    "Witte vlek",
    "Kaart:",
]
PAGES = [
    "/",
    "/queries",
    "/queries/actions-with-gaps",
    "/queries/coverage-goal-landsdeel",
    f"/queries/coverage-goal-landsdeel/cell?row={ID}goal/2016-01&column={ID}landsdeel/noord",
    "/timeline",
    "/search?q=vhto",
    "/validate",
    "/id/action/2016-noord-werken-1",
    "/map",
    "/id/nothing/here",
]


def page(client, path, lang):
    sep = "&" if "?" in path else "?"
    r = client.get(f"{path}{sep}lang={lang}", headers=HTML)
    assert r.status_code in (200, 404), (path, r.status_code)
    return r.get_data(as_text=True)


def visible_ui_text(html: str, lang: str) -> str:
    """The page's text without scripts, attributes and parts marked as another language
    (data from the graph keeps its own lang attribute)."""
    html = re.sub(r"<(script|style|pre)\b.*?</\1>", " ", html, flags=re.S)
    other = "en" if lang == "nl" else "nl"
    for _ in range(3):  # nested elements in the other language
        html = re.sub(rf'<(\w+)[^>]*\blang="{other}"[^>]*>.*?</\1>', " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_kind_speaks_one_language(client, path):
    nl = visible_ui_text(page(client, path, "nl"), "nl")
    en = visible_ui_text(page(client, path, "en"), "en")
    assert [w for w in ENGLISH_UI if re.search(rf"\b{re.escape(w)}\b", nl)] == []
    assert [w for w in DUTCH_UI if re.search(rf"\b{re.escape(w)}\b", en)] == []
    assert nl != en


def test_language_is_remembered_and_follows_accept_language(client):
    assert "Tijdlijn" in client.get("/", headers={**HTML, "Accept-Language": "nl"}).get_data(as_text=True)
    assert ">Timeline<" in client.get("/", headers={**HTML, "Accept-Language": "en-GB,en"}).get_data(
        as_text=True
    )
    client.get("/?lang=en", headers=HTML)
    assert ">Timeline<" in client.get("/queries", headers={**HTML, "Accept-Language": "nl"}).get_data(
        as_text=True
    )


def test_column_titles_come_from_the_query_metadata(client):
    nl = page(client, "/queries/actions-with-gaps", "nl")
    heads = re.findall(r'<th scope="col" data-column="(\w+)">\s*<a class="sort"[^>]*>([^<]+)</a>', nl)
    assert dict(heads)["missingOwner"] == "eigenaar" and dict(heads)["plan"] == "plan of document"
    assert "title" not in dict(heads)  # it only repeats the action's label
    en = page(client, "/queries/actions-with-gaps", "en")
    assert (
        dict(re.findall(r'data-column="(\w+)">\s*<a class="sort"[^>]*>([^<]+)</a>', en))["missingTimeline"]
        == "timeline"
    )
    assert ">missing<" in en and ">ontbreekt<" in nl


def test_filters_facets_and_downloads_agree(client):
    whole = client.get("/queries/actions-with-gaps.json?size=5000").get_json()
    owner = whole["columns"].index("missingOwner")
    without_owner = [r for r in whole["rows"] if r[owner] and r[owner]["value"] == "ontbreekt"]
    facet = {f["column"]: f for f in whole["facets"]}["missingOwner"]
    assert {v["value"]: v["count"] for v in facet["values"]}["ontbreekt"] == len(without_owner) > 0
    html = page(client, "/queries/actions-with-gaps?f.missingOwner=ontbreekt", "nl")
    assert f"<strong>{len(without_owner)}</strong>" in html
    assert 'href="/queries/actions-with-gaps.csv?f.missingOwner=ontbreekt' in html
    csv_text = client.get("/queries/actions-with-gaps.csv?f.missingOwner=ontbreekt&size=5000").get_data(
        as_text=True
    )
    lines = csv_text.strip().splitlines()
    assert len(lines) == len(without_owner) + 1 and all(",ontbreekt," in line for line in lines[1:])
    # Two filters: landsdeel plan and missing owner together.
    plan = ID + "plan/2016-noord"
    both = client.get(f"/queries/actions-with-gaps.json?f.missingOwner=ontbreekt&f.plan={plan}").get_json()
    assert both["total"] == sum(
        1 for r in without_owner if r[whole["columns"].index("plan")]["value"] == plan
    )
    assert client.get("/queries/actions-with-gaps.json?f.nosuchcolumn=x").status_code == 400


def _column(data: dict, name: str) -> list:
    i = data["columns"].index(name)
    return [r[i]["value"] if r[i] else None for r in data["rows"]]


def test_sorting_is_over_the_whole_answer_not_the_page(client):
    whole = client.get("/queries/owners-ranking.json?size=5000").get_json()
    owns = sorted(int(v) for v in _column(whole, "owns"))
    assert len(owns) > 20 and owns[0] < owns[-1]
    first = client.get("/queries/owners-ranking.json?_sort_desc=owns&size=10").get_json()
    assert [int(v) for v in _column(first, "owns")] == owns[::-1][:10]
    assert (
        first["sort"] == {"column": "owns", "descending": True}
        and "_sort_desc=owns" in first["links"]["next"]
    )
    second = client.get(first["links"]["next"]).get_json()
    assert [int(v) for v in _column(second, "owns")] == owns[::-1][10:20]
    up = client.get("/queries/owners-ranking.json?_sort=owns&size=10").get_json()
    assert [int(v) for v in _column(up, "owns")] == owns[:10]
    # The headers link to the sorted table; the sorted column's link turns the order round.
    html = page(client, "/queries/owners-ranking?_sort=owns", "nl")
    assert re.search(
        r'data-column="owns" aria-sort="ascending">\s*<a class="sort" href="/queries/owners-ranking\?'
        r"(lang=nl&amp;)?_sort_desc=owns",
        html,
    )
    assert client.get("/queries/owners-ranking.json?_sort=nosuchcolumn").status_code == 400
    assert client.get("/queries/owners-ranking.json?_sort=owns&_sort_desc=owns").status_code == 400


def test_sorted_filtered_download_and_facets_cover_every_row(client):
    args = "f.missingOwner=ontbreekt&_sort_desc=plan"
    small = client.get(f"/queries/actions-with-gaps.json?{args}&size=5").get_json()
    everything = client.get(f"/queries/actions-with-gaps.json?{args}&size=5000").get_json()
    assert small["total"] == everything["total"] == len(everything["rows"]) > 5
    # Facets count every row the filters keep, not the five on the page.
    timeline = {f["column"]: f for f in small["facets"]}["missingTimeline"]
    assert sum(v["count"] for v in timeline["values"]) == small["total"]
    # Sorted by the plan's name as shown, descending, across the whole answer.
    names = [r[everything["columns"].index("plan")]["text"].casefold() for r in everything["rows"]]
    assert names == sorted(names, reverse=True) and names[:5] == [
        r[small["columns"].index("plan")]["text"].casefold() for r in small["rows"]
    ]
    csv_lines = (
        client.get(f"/queries/actions-with-gaps.csv?{args}&size=5000")
        .get_data(as_text=True)
        .strip()
        .splitlines()
    )
    assert [line.split(",")[0] for line in csv_lines[1:]] == _column(everything, "action")


def test_a_view_is_made_once_per_filter_set_and_sort(client, monkeypatch):
    from server import facets

    made = []
    real = facets._make_view
    monkeypatch.setattr(facets, "_make_view", lambda *a, **k: made.append(a[1:3]) or real(*a, **k))
    for page_number in (1, 2, 3):
        assert (
            client.get(
                f"/queries/actions-with-gaps.json?f.missingTimeline=ontbreekt&_sort=number&size=7"
                f"&page={page_number}"
            ).status_code
            == 200
        )
    assert made == [({"missingTimeline": "ontbreekt"}, ("number", False))]


def test_heat_map_cells_all_link_and_a_zero_shows_what_is_nearby(client):
    html = page(client, "/queries/coverage-goal-landsdeel", "nl")
    cells = re.findall(r'<a href="(/queries/coverage-goal-landsdeel/cell\?[^"]+)" class="cell( zero)?"', html)
    matrix = client.get("/queries/coverage-goal-landsdeel.json").get_json()
    assert len(cells) == len(matrix["rows"]) == 60
    zeros = [c for c, z in cells if z]
    counts = [int(r[2]["value"]) for r in matrix["rows"]]
    assert len(zeros) == counts.count(0) > 0
    zero = client.get(zeros[0].replace("&amp;", "&"), headers=HTML).get_data(as_text=True)
    assert "Witte vlek" in zero and "Wel in de buurt" in zero
    assert "/queries/coverage-goal-landsdeel/cell?" in zero  # it links on to cells that have actions
    full = next(c for c, z in cells if not z).replace("&amp;", "&")
    data = client.get(full + "&format=json").get_json()
    assert data["count"] == len(data["things"]) > 0 and all(
        t["href"].startswith("/id/") for t in data["things"]
    )
    assert "<title>Landsdeel Noord</title>Noord</text>" in html  # short headers, full names on hover


def test_home_counts_landsdelen_as_the_coverage_matrix_does(client):
    matrix = client.get("/queries/coverage-goal-landsdeel.json").get_json()
    covered = {}
    for row, _column, count in matrix["rows"]:
        covered[row["value"]] = covered.get(row["value"], 0) + (int(count["value"]) > 0)
    html = page(client, "/", "nl")
    for goal, n in covered.items():
        assert re.search(rf'href="/map\?by=goal&amp;row={re.escape(goal)}">{n}</a>', html), goal
    assert any(n > 0 for n in covered.values())
    assert "org#Organization" not in html and "cube#Observation" not in html and "Organisatie" in html


def test_action_page_says_what_is_missing_and_shows_doublures(client):
    html = page(client, "/id/action/2016-noord-werken-1", "nl")
    missing = html.split("Wat ontbreekt")[1].split("</ul>")[0]
    assert "eigenaar" in missing and "looptijd" in missing and "landsdeel" not in missing
    assert (
        "Mogelijke doublures" in html
        and 'href="/id/action/2016-zuidwest-werken-5"'
        in html.split("Mogelijke doublures")[1].split("</table>")[0]
    )
    properties, technical = html.split("Technische gegevens")
    assert "nameKey" not in properties.split("Wat de documenten zeggen")[1] and "naam" in properties
    assert "skos:prefLabel" not in html


def test_timeline_orders_goals_and_groups_undated_by_document(client):
    html = page(client, "/timeline", "nl")
    numbers = [int(n) for n in re.findall(r"<h2>(\d+)\. ", html)]
    assert numbers == sorted(numbers) and numbers[:3] == [1, 2, 3]
    assert "begin- en eindjaar bekend" in html
    assert re.search(r"<summary>\d+ zonder looptijd uit [^<]+</summary>", html)


def test_not_found_page_in_both_languages(client):
    assert "Niet gevonden" in page(client, "/id/nothing/here", "nl")
    assert "Not found" in page(client, "/id/nothing/here", "en")


PROVINCE_LINK = re.compile(
    r'<a href="([^"]+)" class="province" data-province="([^"]+)" data-landsdeel="([^"]+)">\s*'
    r'<path d="([^"]+)"[^>]*><title>([^<]*)</title>'
)


def test_map_draws_the_provinces_in_the_landsdelen_the_graph_gives(client, store):
    from tests.conftest import select

    within = {
        r["p"].rsplit("/", 1)[-1]: r["ld"]
        for r in select(
            store,
            """
        SELECT ?p ?ld WHERE { ?p a tp:Province ; tp:within ?ld . ?ld a tp:Landsdeel }""",
        )
    }
    html = page(client, "/map", "nl")
    drawn = {slug: (href, ld, d) for href, slug, ld, d, _ in PROVINCE_LINK.findall(html)}
    # Every province the graph places in a landsdeel is drawn there, from real borders (hundreds
    # of points, not a tile), and opens its landsdeel's row of the coverage table.
    assert {slug: ld for slug, (_, ld, _) in drawn.items()} == within and len(within) == 11
    assert all(d.count(" L") > 50 for _, _, d in drawn.values())
    assert all("f.column=" + ld in href for href, ld, _ in drawn.values())
    # Noord-Brabant: the graph gives no landsdeel but subregions in two; the map says so.
    assert "noord-brabant" not in within
    assert re.search(r'class="province split" data-province="noord-brabant"', html)
    assert "West-Brabant" in html and "Midden-Brabant" in html and "verdeeld over" in html
    assert "Natural Earth" in html and "0 · witte vlek" in html  # the source and the legend
    english = page(client, "/map", "en")
    assert "split between" in english and "North Brabant" in english and "blank spot" in english


def test_map_colours_a_goal_by_its_cells_and_opens_them(client):
    row = ID + "goal/2016-01"
    matrix = client.get("/queries/coverage-goal-landsdeel.json?size=1000").get_json()
    index = {c: i for i, c in enumerate(matrix["columns"])}
    cells = {
        r[index["column"]]["value"]: int(r[index["count"]]["value"])
        for r in matrix["rows"]
        if r[index["row"]]["value"] == row
    }
    html = page(client, f"/map?by=goal&row={row}", "nl")
    links = PROVINCE_LINK.findall(html)
    assert len(links) == 11
    for href, slug, ld, _, title in links:
        assert "/queries/coverage-goal-landsdeel/cell?row=" in href
        assert title.endswith(f": {cells.get(ld, 0)}"), (slug, title)  # the tooltip gives the count
    data = client.get(f"/map?by=goal&row={row}&format=json").get_json()
    assert {ld["value"]: ld["count"] for ld in data["landsdelen"]} == {
        ld: cells.get(ld, 0) for ld in {x["value"] for x in data["landsdelen"]}
    }
    geometry = client.get(data["geometry"])
    assert geometry.status_code == 200 and len(geometry.get_json()["features"]) == 12
    # A blank spot on the map opens the useful page behind its 0.
    zero = next((href for href, _, ld, _, _ in links if cells.get(ld, 0) == 0), None)
    if zero:
        assert "Witte vlek" in page(client, zero.replace("&amp;", "&"), "nl")
    assert client.get("/map?row=https://example.org/nothing").status_code == 400
    assert client.get("/map?by=nonsense").status_code == 400
