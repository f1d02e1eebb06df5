"""Network views: partners, programme interlock, landsdelen, ego networks — data, analytics,
escaping, offline rendering."""

import re
import threading

import pytest
from click.testing import CliRunner

from server.cli import main
from tests.conftest import UPDATE_TOKEN

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
ID = "https://w3id.org/techniekpact/id/"
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def view(client, name, **params):
    """A view's data. While it is being built (503: on a busy machine it can take more than the
    3 s the test app waits), the test waits until the builder is done, then asks again."""
    r = client.get(f"/network/{name}.json", query_string=params)
    if r.status_code == 503:
        assert client.application.extensions["techniekpact.network_views"].idle(300), "not built in 5 minutes"
        r = client.get(f"/network/{name}.json", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def node_ids(data):
    return {n["id"] for n in data["nodes"]}


def test_partner_network_links_organisations_through_shared_work(client):
    data = view(client, "partners")
    ids = node_ids(data)
    assert ID + "org/ocw" in ids
    kinds = {n["kind"] for n in data["nodes"]}
    assert kinds <= {"organisatie", "ministerie", "landsdeel", "topsector"}
    top = [r["iri"] for r in data["analytics"]["degree"]]
    assert ID + "org/ocw" in top, "OCW owns and takes part in most national actions"
    assert data["analytics"]["components"] >= 1 and data["analytics"]["communities"]


def test_partner_links_count_the_work_two_organisations_share(store):
    """Each link's weight is the number of actions and initiatives that name both partners
    (as owner, party, runner or mention), by the definition written as one SPARQL query."""
    from graph import network

    expected = {
        (r["a"].value, r["b"].value): int(r["shared"].value)
        for r in store.query(
            """
        PREFIX tp: <https://w3id.org/techniekpact/def#> PREFIX org: <http://www.w3.org/ns/org#>
        SELECT ?a ?b (COUNT(DISTINCT ?x) AS ?shared) WHERE {
          ?x (tp:owner|tp:involves|tp:runBy|tp:mentions) ?a , ?b .
          ?a a org:Organization . ?b a org:Organization . FILTER(STR(?a) < STR(?b))
        } GROUP BY ?a ?b""",
            use_default_graph_as_union=True,
        )
    }
    graph = network.partners(store).graph
    found = {tuple(sorted((a, b))): data["weight"] for a, b, data in graph.edges(data=True)}
    assert len(expected) > 100
    assert found == expected


def test_programme_interlock_reaches_the_agendas(client):
    data = view(client, "programmes")
    ids = node_ids(data)
    assert {ID + "agenda/smart-industry", ID + "agenda/hca-ict"} <= ids
    assert any(i.startswith(ID + "goal/2016-") for i in ids)
    legend = {item["kind"] for item in data["legend"]}
    assert {"doel", "actie", "agenda"} <= legend
    edge_labels = {e["relation"] for e in data["edges"]}
    assert "dient" in edge_labels and "draagt bij aan" in edge_labels
    assert {"serves", "contributes to"} <= {e["relation_en"] for e in data["edges"]}


def test_filters_narrow_a_view_and_bad_filters_are_400(client):
    everything = view(client, "programmes")
    kiezen = view(client, "programmes", line="kiezen")
    assert 0 < len(kiezen["nodes"]) < len(everything["nodes"])
    assert client.get("/network/programmes.json", query_string={"line": "zwemmen"}).status_code == 400
    assert client.get("/network/programmes.json", query_string={"landsdeel": "atlantis"}).status_code == 400


def test_one_view_per_landsdeel(client):
    for slug in ("noord", "noordwest", "oost", "zuidoost", "zuidwest"):
        data = view(client, f"landsdeel-{slug}")
        assert data["nodes"], slug
    oost = node_ids(view(client, "landsdeel-oost"))
    assert any(i.startswith(ID + "action/achterhoek-") for i in oost), "Achterhoek lies in Oost"
    assert client.get("/network/landsdeel-atlantis.json").status_code == 404


def test_ego_network_depth_one_and_two(client):
    one = view(client, "ego", iri=ID + "org/vhto", depth=1)
    two = view(client, "ego", iri=ID + "org/vhto", depth=2)
    assert ID + "org/vhto" in node_ids(one)
    assert len(one["nodes"]) > 1
    assert node_ids(one) < node_ids(two)
    assert (
        client.get("/network/ego.json", query_string={"iri": ID + "org/vhto", "depth": 3}).status_code == 400
    )
    assert client.get("/network/ego.json", query_string={"iri": ID + "org/nobody"}).status_code == 404
    assert client.get("/network/ego.json").status_code == 404


def test_labels_with_html_are_shown_as_text(own_client):
    client = own_client
    graph = "https://w3id.org/techniekpact/graph/test-escape"
    evil = '<img src=x onerror="alert(1)">Kwaadaardig'
    update = f"""INSERT DATA {{ GRAPH <{graph}> {{
        <{ID}org/test-evil> a <https://w3id.org/techniekpact/def#Company> , <http://www.w3.org/ns/org#Organization> ;
            <http://www.w3.org/2004/02/skos/core#prefLabel> '''{evil}'''@nl .
        <{ID}action/test-evil> a <https://w3id.org/techniekpact/def#Action> ;
            <https://w3id.org/techniekpact/def#owner> <{ID}org/test-evil> , <{ID}org/ocw> }} }}"""
    assert ID + "org/test-evil" not in node_ids(view(client, "partners"))  # built and kept for this version
    assert client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
    assert ID + "org/test-evil" in node_ids(view(client, "partners")), (
        "a new version, a new view: never stale"
    )
    view(client, "ego", iri=ID + "org/test-evil")  # built: the page below is the view, not "being prepared"
    page = client.get(
        "/network/ego", query_string={"iri": ID + "org/test-evil"}, headers={"Accept": "text/html"}
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<img src=x" not in html
    assert "Kwaadaardig" in html
    entity = client.get("/id/org/test-evil", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<img src=x" not in entity and "&lt;img src=x" in entity


@pytest.mark.parametrize("name", ["partners", "programmes", "landsdeel-oost"])
def test_pages_load_nothing_from_the_internet(client, name):
    view(client, name)  # built, so that the page is not a 503
    html = client.get(f"/network/{name}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert not EXTERNAL.findall(html)
    assert "cdn" not in html.lower()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/vendor/cytoscape/cytoscape.min.js" in scripts and "/static/network.js" in scripts
    for src in scripts:
        assert client.get(src).status_code == 200, src
    assert not re.search(r"<script>\s*\S", html), (
        "no inline script code (the Content-Security-Policy forbids it)"
    )


def test_the_drawing_library_is_vendored_with_version_and_licence():
    """Cytoscape.js and fcose come from npm (frontend/cytoscape/vendor.sh), each with its licence
    and a VERSION line; the versions served are the ones the lock file pins."""
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    vendor = root / "server/static/vendor/cytoscape"
    lock = json.loads((root / "frontend/cytoscape/package-lock.json").read_text())["packages"]
    versions = dict(line.split()[:2] for line in (vendor / "VERSION").read_text().splitlines())
    for name in ("cytoscape", "layout-base", "cose-base", "cytoscape-fcose"):
        assert versions[name] == lock[f"node_modules/{name}"]["version"]
        assert "Permission is hereby granted" in (vendor / f"LICENSE.{name}").read_text(), (
            "MIT licence shipped"
        )
    assert int(versions["cytoscape"].split(".")[0]) >= 3 and int(versions["cytoscape"].split(".")[1]) >= 30
    assert "pyvis" not in (root / "pyproject.toml").read_text()


def _luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_passes_wcag_aa():
    """Text 4.5:1 against what it is drawn on; the shapes and swatches that carry meaning
    (kinds, communities) 3:1 against the white canvas (WCAG 1.4.3 and 1.4.11)."""
    from pathlib import Path

    from graph import network

    assert round(contrast("#000000", "#ffffff"), 1) == 21.0 and contrast("#777777", "#ffffff") < 4.5
    js = (Path(__file__).resolve().parents[1] / "server/static/network.js").read_text()
    ink = re.search(r'const INK = "(#[0-9a-f]{6})"', js).group(1)
    assert contrast(ink, "#ffffff") >= 4.5, "node and edge labels: ink on a white halo or background"
    for colour in [k[2] for k in network.KINDS] + [network.OTHER[2]] + network.COMMUNITY_COLOURS:
        assert contrast(colour, "#ffffff") >= 3, colour
    css = (Path(__file__).resolve().parents[1] / "server/static/style.css").read_text()
    shades = re.findall(r"\.heat-(\d) \{ background: (#[0-9a-f]{6}); color: (#[0-9a-f]{6}); \}", css)
    assert len(shades) == 6
    for level, background, text in shades:
        assert contrast(background, text) >= 4.5, f"interlock shade {level}"
    root = dict(re.findall(r"--(\w+): (#[0-9a-f]{6})", css))
    for name in ("ink", "muted", "accent"):
        assert contrast(root[name], root["bg"]) >= 4.5 and contrast(root[name], "#eef3f6") >= 4.5, name
    assert contrast("#ffffff", root["accent"]) >= 4.5, "the menu: white on the accent colour"


def test_interlock_cells_count_what_two_programmes_share(client, store):
    """Each cell of /network/interlock counts the partners, actions and goals both programmes
    hold, by the definition in graph/interlock.py written here as one SPARQL query."""
    data = view(client, "interlock")
    holds = {}
    for row in store.query(
        """
        PREFIX tp: <https://w3id.org/techniekpact/def#> PREFIX org: <http://www.w3.org/ns/org#>
        SELECT DISTINCT ?plan ?item ?type WHERE {
          VALUES ?planKind { tp:Agenda tp:Pact } ?plan a ?planKind .
          { ?item a tp:Action ; (tp:partOfPlan|tp:contributesTo|tp:mentions) ?plan . BIND("actions" AS ?type) }
          UNION { ?item a tp:Objective ; (tp:partOfPlan|tp:contributesTo|tp:mentions) ?plan . BIND("goals" AS ?type) }
          UNION { ?action a tp:Action ; (tp:partOfPlan|tp:contributesTo|tp:mentions) ?plan ; tp:serves ?item .
                  ?item a tp:Objective . BIND("goals" AS ?type) }
          UNION { ?plan (tp:signedBy|tp:steeredBy|tp:mentions|tp:involves|tp:runBy|tp:responsibleMinistry) ?item .
                  ?item a org:Organization . BIND("partners" AS ?type) }
          UNION { ?action a tp:Action ; (tp:partOfPlan|tp:contributesTo|tp:mentions) ?plan ;
                  (tp:owner|tp:involves|tp:runBy) ?item . ?item a org:Organization . BIND("partners" AS ?type) }
        }""",
        use_default_graph_as_union=True,
    ):
        holds.setdefault(row["plan"].value, set()).add((row["type"].value, row["item"].value))
    programmes = [p["iri"] for p in data["programmes"]]
    cells = {(c["a"], c["b"]): c for c in data["cells"]}
    labels = {p["iri"]: p["label"] for p in data["programmes"]}
    assert {
        "Codepact",
        "Onderwijs2032",
        "Human Capital Roadmap Topsectoren",
        "Human Capital Agenda ICT",
        "Actieagenda Smart Industry",
        "Nationaal Techniekpact 2020",
    } <= set(labels.values())
    checked = 0
    for i, a in enumerate(programmes):
        for j in range(i + 1, len(programmes)):
            shared = holds.get(a, set()) & holds.get(programmes[j], set())
            cell = cells.get((i, j), {"count": 0, "partners": [], "actions": [], "goals": []})
            assert cell["count"] == len(shared), (labels[a], labels[programmes[j]])
            assert {(t, x) for t in ("partners", "actions", "goals") for x in cell[t]} == shared
            checked += bool(shared)
    assert checked > 40
    pacts = programmes.index(ID + "pact/2013"), programmes.index(ID + "pact/2016")
    both = cells[tuple(sorted(pacts))]
    assert both["linked"] and ID + "org/vhto" in both["partners"], (
        "the 2016 pact builds on 2013's; VHTO signed both"
    )
    page = client.get("/network/interlock", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert (
        'aria-label="Nationaal Techniekpact 2020 — Nationaal Techniekpact 2020 - Inzet voor 2016-2020: '
        in page
    )


def test_cli_writes_a_self_contained_view(store_dir, tmp_path):
    out = tmp_path / "partners.html"
    result = CliRunner().invoke(main, ["network", "--store", str(store_dir), "partners", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert "cytoscape" in html and "fcose" in html and "org/ocw" in html
    assert "window.techniekpactDraw" in html, "the page's own script is inlined too"
    assert not EXTERNAL.findall(html)
    # Nothing that would make the browser fetch from elsewhere: CSS url(), @import, fetch, script loaders.
    assert not re.findall(
        r"""url\(\s*["']?https?:|@import\s+["']?https?:|fetch\(\s*["']https?:|importScripts\(""", html
    )
    bad = CliRunner().invoke(main, ["network", "--store", str(store_dir), "nonsense", "--out", str(out)])
    assert bad.exit_code == 2 and "there is no view" in bad.output


_apps = []  # the apps a test made, closed after it


@pytest.fixture(autouse=True)
def _close_apps():
    yield
    from server import close_app

    while _apps:
        close_app(_apps.pop())


def _views_app(store_dir, **config):
    from server import create_app
    from server.config import Config

    app = create_app(Config(store=str(store_dir), prepare_validation=False, **config))
    _apps.append(app)
    return app


def test_a_view_not_built_within_the_time_limit_is_503_and_goes_on_being_built(store_dir):
    """No view is built within a millisecond, even on the curated graph: the request is told to
    come back (Retry-After) instead of waiting without bound, and the view is built meanwhile."""
    client = _views_app(store_dir, query_timeout=0.001, prepare_timeout=0).test_client()
    first = client.get("/network/programmes.json", query_string={"line": "kiezen"})
    assert first.status_code == 503
    assert first.headers["Retry-After"] and "programmes is being built" in first.get_json()["message"]
    assert client.application.extensions["techniekpact.network_views"].idle(300)
    assert client.application.extensions["techniekpact.network_views"].kept() == 1
    later = client.get("/network/programmes.json", query_string={"line": "kiezen"})
    assert (
        later.status_code == 200
        and later.get_json()["filters"]["line"] == "kiezen"
        and later.get_json()["nodes"]
    )
    page = client.get("/network/programmes", query_string={"line": "werken"}, headers={"Accept": "text/html"})
    assert page.status_code == 503
    assert '<meta http-equiv="refresh" content="5">' in page.get_data(as_text=True), (
        "the page asks again by itself"
    )


def test_the_unfiltered_views_are_built_in_the_background_after_start(store_dir):
    client = _views_app(store_dir, query_timeout=0.001, prepare_timeout=60).test_client()
    for preparer in ("network_views", "answers", "doublures", "summaries"):
        assert client.application.extensions[f"techniekpact.{preparer}"].idle(300)
    assert not client.get("/health").get_json()["preparing"]
    assert client.get("/health").get_json()["prepared_network_views"] == 3
    for name in ("partners", "programmes", "interlock"):
        r = client.get(f"/network/{name}.json")
        assert r.status_code == 200, r.get_data(as_text=True)  # within 1 ms: built before it was asked for
    assert client.get("/network/partners.json", query_string={"line": "leren"}).status_code == 503


def test_views_waiting_to_be_built_are_bounded(store_dir):
    """Requests for ever new filter combinations (any IRI makes a new ego view) queue one view
    each behind the one being built; beyond MAX_WAITING they are refused, not queued."""
    from server import network as network_routes
    from server.network_views import MAX_WAITING, NetworkViews, ViewKey
    from server.prepared import StillPreparing

    app = _views_app(store_dir, prepare_timeout=0)
    engine, gate = app.extensions["techniekpact.engine"], threading.Event()
    views = NetworkViews(
        engine, lambda store, key: gate.wait(60) and network_routes.build_data(store, key), background=False
    )
    keys = [
        ViewKey(engine.version, "ego", f"{ID}org/vhto", 1, line)
        for line in (None, "kiezen", "leren", "werken")
    ]
    keys += [ViewKey(engine.version, "ego", f"{ID}org/{slug}") for slug in range(MAX_WAITING - len(keys))]
    for key in keys:
        with pytest.raises(StillPreparing):
            views.get(key, timeout=0)
    with pytest.raises(StillPreparing, match="waiting to be built"):
        views.get(ViewKey(engine.version, "ego", f"{ID}org/ocw"), timeout=0)
    gate.set()
    assert ID + "org/vhto" in node_ids(views.get(keys[0], timeout=60))
    views.close()


def test_a_view_with_more_edges_than_can_be_drawn_draws_the_strongest(store, store_dir, monkeypatch):
    """vis-network lays out thousands of edges slowly (17 s for the partner view at 100×):
    beyond MAX_DRAWN_EDGES every node keeps its strongest edge and the strongest others fill
    up; the analytics and the page still count every edge."""
    from graph import network

    built = network.build_view(store, "partners")
    graph, total = built.graph, built.graph.number_of_edges()
    monkeypatch.setattr(network, "MAX_DRAWN_EDGES", 300)
    data = network.drawing_data(built)
    assert data["total_edges"] == total > 300 and len(data["edges"]) == 300
    drawn = {frozenset((e["source"], e["target"])) for e in data["edges"]}
    assert {n for e in drawn for n in e} == {n for n in graph if graph.degree(n)}, "no drawn node floats free"
    weight = lambda a, b: graph.edges[a, b].get("weight", 1)
    strongest = {n: max(weight(n, m) for m in graph[n]) for n in graph if graph.degree(n)}
    heaviest_left_out = max(weight(a, b) for a, b in graph.edges if frozenset((a, b)) not in drawn)
    for pair in drawn:
        a, b = tuple(pair)
        assert weight(a, b) >= heaviest_left_out or weight(a, b) in (strongest[a], strongest[b])

    fresh = _views_app(store_dir, prepare_timeout=0).test_client()
    view(fresh, "partners")  # built (on a busy machine it can take longer than the time limit)
    # The backbone large views are laid out on: every node's two strongest drawn edges.
    backbone = [e for e in data["edges"] if e["backbone"]]
    for node in {n for e in data["edges"] for n in (e["source"], e["target"])}:
        mine = sorted(
            (e["weight"] for e in data["edges"] if node in (e["source"], e["target"])), reverse=True
        )
        kept = sorted((e["weight"] for e in backbone if node in (e["source"], e["target"])), reverse=True)
        assert kept[:2] == mine[:2]
    assert len(backbone) < len(data["edges"])
    page = fresh.get("/network/partners", headers={"Accept": "text/html"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"Van de {total} verbindingen zijn de 300 sterkste getekend" in html
