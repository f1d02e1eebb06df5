"""Interactive network views at /network/<view> (HTML) and /network/<view>.json (data).

vis-network comes from the installed pyvis package and is served from this server, never
from a CDN. Views are computed once per store version and filter combination.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pyvis
from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from graph import network
from graph.namespaces import GRAPH, ID

bp = Blueprint("network", __name__)
VIS_DIR = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
LINES = {"kiezen": "Kiezen voor techniek", "leren": "Leren in de techniek", "werken": "Werken in de techniek"}
DOCUMENTS = {"pact-2013": "Techniekpact 2013", "actions-2013": "Actieoverzicht 2013", "pact-2016": "Techniekpact 2016-2020",
             "achterhoek-2014": "Achterhoek–De Liemers 2014", "inventory": "Inventarisatie"}


def _engine():
    return current_app.extensions["techniekpact.engine"]


@bp.route("/assets/vis-network.min.js")
def vis_js():
    return send_file(VIS_DIR / "vis-network.min.js", mimetype="text/javascript", max_age=86400)


@bp.route("/assets/vis-network.css")
def vis_css():
    return send_file(VIS_DIR / "vis-network.css", mimetype="text/css", max_age=86400)


def _choice(name: str, allowed) -> str | None:
    value = request.args.get(name) or None
    if value is not None and value not in allowed:
        abort(400, f"{name} must be one of {', '.join(sorted(allowed))}")
    return value


@lru_cache(maxsize=64)
def _view_data(version: str, name: str, iri: str | None, depth: int, line: str | None, landsdeel: str | None,
               document: str | None) -> dict:
    store = _engine().store
    try:
        view = network.build_view(store, name, iri=iri, depth=depth,
                                  line=f"{ID}concept/actielijn/{line}" if line else None,
                                  landsdeel_iri=f"{ID}landsdeel/{landsdeel}" if landsdeel else None,
                                  document=GRAPH + document if document else None)
    except network.UnknownView as error:
        abort(404, str(error.args[0]))
    return {"name": view.name, "title": view.title, "description": view.description,
            "summarised": view.summarised, "total_nodes": view.total_nodes,
            "filters": {"line": line, "landsdeel": landsdeel, "document": document, "iri": iri, "depth": depth},
            "analytics": network.analytics(view), **network.vis_data(view)}


def view_data(name: str) -> dict:
    store = _engine().store
    landsdelen = network.landsdelen(store)
    iri = request.args.get("iri") or None
    if iri is not None and not iri.startswith(("http://", "https://")):
        abort(400, "iri must be an absolute http(s) IRI")
    try:
        depth = int(request.args.get("depth", 1))
    except ValueError:
        abort(400, "depth must be 1 or 2")
    if depth not in (1, 2):
        abort(400, "depth must be 1 or 2")
    data = _view_data(_engine().version, name, iri, depth, _choice("line", LINES),
                      _choice("landsdeel", landsdelen), _choice("document", DOCUMENTS))
    return {**data, "choices": {"lines": LINES, "landsdelen": landsdelen, "documents": DOCUMENTS}}


@bp.route("/network")
def index():
    return render_template("network_index.html", landsdelen=network.landsdelen(_engine().store))


@bp.route("/network/<name>.json")
def show_json(name):
    data = view_data(name)
    return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json",
                    headers={"Access-Control-Allow-Origin": "*"})


@bp.route("/network/<name>")
def show(name):
    return render_template("network.html", v=view_data(name), inline_assets=False)


def standalone_html(store, name: str, **kwargs) -> str:
    """A self-contained HTML file of a view (for `techniekpact network`): assets inlined."""
    from flask import Flask

    view = network.build_view(store, name, **kwargs)
    data = {"name": view.name, "title": view.title, "description": view.description,
            "summarised": view.summarised, "total_nodes": view.total_nodes, "filters": {},
            "analytics": network.analytics(view), **network.vis_data(view), "choices": None}
    app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))
    with app.test_request_context():
        return render_template("network.html", v=data, inline_assets=True,
                               vis_js=(VIS_DIR / "vis-network.min.js").read_text(encoding="utf-8"),
                               vis_css=(VIS_DIR / "vis-network.css").read_text(encoding="utf-8"),
                               site_css=(Path(__file__).parent / "static" / "style.css").read_text(encoding="utf-8"),
                               network_js=(Path(__file__).parent / "static" / "network.js").read_text(encoding="utf-8"))
