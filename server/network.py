"""Interactive network views at /network/<view> (HTML) and /network/<view>.json (data), and
the programmes' interlock matrix at /network/interlock.

The drawing library, Cytoscape.js with the fcose layout, is vendored from npm into
static/vendor/cytoscape/ (frontend/cytoscape/vendor.sh) and served from this server, never
from a CDN. Views are built once per store version and choice of filters, outside the
request (server/network_views.py).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, render_template, request

from graph import interlock, network
from graph.namespaces import GRAPH, ID
from graph.terms import parse_iri
from server import i18n
from server.network_views import ViewKey
from server.representation import engine, fresh

bp = Blueprint("network", __name__)
STATIC = Path(__file__).parent / "static"
# The drawing library's files, in the order the page loads them (fcose needs the other two).
LIBRARY = [
    "vendor/cytoscape/cytoscape.min.js",
    "vendor/cytoscape/layout-base.js",
    "vendor/cytoscape/cose-base.js",
    "vendor/cytoscape/cytoscape-fcose.js",
]
LINES = {"kiezen": "Kiezen voor techniek", "leren": "Leren in de techniek", "werken": "Werken in de techniek"}
LINES_EN = {
    "kiezen": "Choosing technology",
    "leren": "Learning technology",
    "werken": "Working in technology",
}
DOCUMENTS = {
    "pact-2013": "Techniekpact 2013",
    "actions-2013": "Actieoverzicht 2013",
    "pact-2016": "Techniekpact 2016-2020",
    "achterhoek-2014": "Achterhoek–De Liemers 2014",
    "inventory": "Inventarisatie",
}
DOCUMENTS_EN = {
    **DOCUMENTS,
    "actions-2013": "Overview of actions 2013",
    "inventory": "Inventory of initiatives",
}


@bp.app_context_processor
def drawing_library():
    """The drawing library's scripts, for every page that draws a network (the entity page's
    ego network too)."""
    return {"network_library": LIBRARY}


def _landsdelen() -> list[str]:
    """The landsdelen's slugs (the filter's choices), read by a query worker, once per version."""
    return _landsdelen_of(engine().version)


@lru_cache(maxsize=2)
def _landsdelen_of(version: str) -> list[str]:
    rows = engine().query("SELECT ?ld WHERE { ?ld a tp:Landsdeel }").rows
    return sorted(row["ld"].value.rsplit("/", 1)[-1] for row in rows)


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        abort(400, f"{name} must be one of {', '.join(sorted(allowed))}")
    return value


def _view_dict(view: network.View) -> dict:
    return {
        "name": view.name,
        "title": view.title,
        "title_en": view.title_en,
        "description": view.description,
        "description_en": view.description_en,
        "summarised": view.summarised,
        "total_nodes": view.total_nodes,
        "analytics": network.analytics(view),
        **network.drawing_data(view),
    }


def build_data(store, key: ViewKey) -> dict:
    """The data of one view, as /network/<view>.json gives it (less the filter choices).
    Built by NetworkViews, once per store version and choice of filters."""
    if key.name == "interlock":
        return interlock.interlock(store)
    view = network.build_view(
        store,
        key.name,
        iri=key.iri,
        depth=key.depth,
        line=f"{ID}concept/actielijn/{key.line}" if key.line else None,
        landsdeel_iri=f"{ID}landsdeel/{key.landsdeel}" if key.landsdeel else None,
        document=GRAPH + key.document if key.document else None,
    )
    return {
        **_view_dict(view),
        "filters": {
            "line": key.line,
            "landsdeel": key.landsdeel,
            "document": key.document,
            "iri": key.iri,
            "depth": key.depth,
        },
    }


def _get(key: ViewKey) -> dict:
    try:
        return current_app.extensions["techniekpact.network_views"].get(
            key, timeout=engine().config.query_timeout
        )
    except network.UnknownView as error:
        abort(404, str(error.args[0]))


def view_data(name: str) -> dict:
    landsdelen = _landsdelen()
    iri = request.args.get("iri") or None
    if iri is not None:
        iri = parse_iri(iri, "iri").value
    try:
        depth = int(request.args.get("depth", 1))
    except ValueError:
        abort(400, "depth must be 1 or 2")
    if depth not in (1, 2):
        abort(400, "depth must be 1 or 2")
    key = ViewKey(
        engine().version,
        name,
        iri,
        depth,
        _choice("line", LINES),
        _choice("landsdeel", landsdelen),
        _choice("document", DOCUMENTS),
    )
    english = i18n.current_lang() == "en"
    return {
        **_get(key),
        "choices": {
            "lines": LINES_EN if english else LINES,
            "landsdelen": landsdelen,
            "documents": DOCUMENTS_EN if english else DOCUMENTS,
        },
    }


def _json(build, *parts) -> Response:
    """A view's JSON, with an ETag from the store version and the request, decided before the
    view is looked up or built (`build` runs only for a client that lacks this version)."""
    fresh(engine().version, "network", *parts, sorted(request.args.items(multi=True)))
    return Response(json.dumps(build(), ensure_ascii=False), mimetype="application/json")


@bp.route("/network")
def index():
    return render_template("network_index.html", landsdelen=_landsdelen())


@bp.route("/network/interlock.json")
def interlock_json():
    return _json(lambda: _get(ViewKey(engine().version, "interlock")), "interlock")


def heat(count: int) -> int:
    """A cell's shade: 0 (named each other, nothing shared), 1, 2–3, 4–7, 8–15, 16 or more."""
    return min(5, count.bit_length())


@bp.route("/network/interlock")
def interlock_page():
    fresh(engine().version, "network", "interlock", "html")
    data = _get(ViewKey(engine().version, "interlock"))
    grid = {(c["a"], c["b"]): c for c in data["cells"]}
    return render_template("network_interlock.html", m=data, grid=grid, heat=heat)


@bp.route("/network/<name>.json")
def show_json(name):
    return _json(lambda: view_data(name), name)


@bp.route("/network/<name>")
def show(name):
    fresh(engine().version, "network", name, "html", sorted(request.args.items(multi=True)))
    return render_template("network.html", v=view_data(name), layout="base.html")


def standalone_html(store, name: str, lang: str = "nl", **kwargs) -> str:
    """A self-contained HTML file of a view (for `techniekpact network`): the drawing library,
    the page's script and style inlined, so it opens anywhere without a server or internet."""
    view = network.build_view(store, name, **kwargs)
    data = {**_view_dict(view), "filters": {}, "choices": None}
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
    i18n.register(app)
    with app.test_request_context(f"/?lang={lang}"):
        return render_template(
            "network.html",
            v=data,
            layout="network_standalone.html",
            inline_scripts=[(STATIC / path).read_text(encoding="utf-8") for path in LIBRARY + ["network.js"]],
            site_css=(STATIC / "style.css").read_text(encoding="utf-8"),
        )
