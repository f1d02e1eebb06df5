"""Interactive network views at /network/<view> (HTML) and /network/<view>.json (data).

vis-network comes from the installed pyvis package and is served from this server, never
from a CDN. Views are built once per store version and choice of filters, outside the request
(server/network_views.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyvis
from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from graph import network
from graph.namespaces import GRAPH, ID
from graph.terms import parse_iri
from server.network_views import ViewKey
from server.rendering import conditional, etag_for, not_modified

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


def build_data(store, key: ViewKey) -> dict:
    """The data of one view, as /network/<view>.json gives it (less the filter choices).
    Built by NetworkViews, once per store version and choice of filters."""
    view = network.build_view(store, key.name, iri=key.iri, depth=key.depth,
                              line=f"{ID}concept/actielijn/{key.line}" if key.line else None,
                              landsdeel_iri=f"{ID}landsdeel/{key.landsdeel}" if key.landsdeel else None,
                              document=GRAPH + key.document if key.document else None)
    return {"name": view.name, "title": view.title, "description": view.description,
            "summarised": view.summarised, "total_nodes": view.total_nodes,
            "filters": {"line": key.line, "landsdeel": key.landsdeel, "document": key.document, "iri": key.iri,
                        "depth": key.depth},
            "analytics": network.analytics(view), **network.vis_data(view)}


def view_data(name: str) -> dict:
    engine = _engine()
    landsdelen = network.landsdelen(engine.store)
    iri = request.args.get("iri") or None
    if iri is not None:
        iri = parse_iri(iri, "iri").value
    try:
        depth = int(request.args.get("depth", 1))
    except ValueError:
        abort(400, "depth must be 1 or 2")
    if depth not in (1, 2):
        abort(400, "depth must be 1 or 2")
    key = ViewKey(engine.version, name, iri, depth, _choice("line", LINES), _choice("landsdeel", landsdelen),
                  _choice("document", DOCUMENTS))
    try:
        data = current_app.extensions["techniekpact.network_views"].get(key, timeout=engine.config.query_timeout)
    except network.UnknownView as error:
        abort(404, str(error.args[0]))
    return {**data, "choices": {"lines": LINES, "landsdelen": landsdelen, "documents": DOCUMENTS}}


@bp.route("/network")
def index():
    return render_template("network_index.html", landsdelen=network.landsdelen(_engine().store))


@bp.route("/network/<name>.json")
def show_json(name):
    etag = etag_for(_engine().version, "network", name, sorted(request.args.items(multi=True)))
    headers = {"Access-Control-Allow-Origin": "*"}
    if not_modified(etag):  # decided before the view is looked up or built
        return conditional(Response(headers=headers), etag)
    data = view_data(name)
    return conditional(Response(json.dumps(data, ensure_ascii=False), mimetype="application/json",
                                headers=headers), etag)


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
