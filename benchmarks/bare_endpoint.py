"""The 'bare endpoint' peer: Flask + waitress + pyoxigraph in a dozen lines, no checks.
What every check of the real service is measured against."""

import sys

import pyoxigraph as ox
from flask import Flask, Response, request
from waitress import serve

store = ox.Store.read_only(sys.argv[1])
app = Flask(__name__)


@app.route("/sparql", methods=["GET", "POST"])
def sparql():
    result = store.query(request.values["query"], use_default_graph_as_union=True)
    return Response(
        result.serialize(format=ox.QueryResultsFormat.JSON), mimetype="application/sparql-results+json"
    )


serve(app, host="127.0.0.1", port=int(sys.argv[2]), threads=8, _quiet=True)
