"""The query editor at /sparql (YASGUI, vendored under server/static/vendor/yasgui/): the
data its page starts from, and the editor links of the saved queries.

A browser that asks for /sparql gets the editor; with `?query=` (a permalink) the editor
opens that query and runs it. Machine clients get the service description or the results
(server/sparql.py decides which, by negotiation.prefers_html).
"""

from __future__ import annotations

from flask import Response, render_template, url_for

from graph import saved_queries
from graph.namespaces import ID, ONTOLOGY_GRAPH, PREFIXES
from graph.query import bind_as_values
from server.i18n import current_lang

# What the editor shows on a first visit, before the browser remembers tabs of its own.
FIRST_QUERY = """# De twaalf doelen van 2016 / the twelve goals of 2016
SELECT ?goal ?label WHERE {
  ?goal a tp:Goal ; skos:prefLabel ?label .
  FILTER(lang(?label) = "nl")
} ORDER BY ?goal
"""


def with_parameters(query: saved_queries.SavedQuery, values: dict[str, str] | None = None) -> str:
    """The saved query's text with its parameters bound (given values, else the defaults) as
    a VALUES block, so that it runs as it does at /queries/<name>. The values are checked
    and written as typed RDF terms (saved_queries.bind); a required parameter without a
    value leaves the text as it is."""
    try:
        terms = saved_queries.bind(query, values or {})
    except saved_queries.ParameterError:
        return query.text
    return bind_as_values(query.text, terms)


def saved_query_link(name: str, parameters: list[dict] | None = None) -> str:
    """/sparql?query=… for a saved query with its parameters filled ("open in editor"):
    `parameters` as a saved query page has them, [{"name": …, "value": …}]."""
    values = {p["name"]: p["value"] for p in parameters or [] if p.get("value")}
    return url_for("sparql.sparql", query=with_parameters(saved_queries.load(name), values))


def examples(lang: str) -> list[dict]:
    return [
        {
            "name": q.name,
            "title": q.label(lang),
            "text": with_parameters(q),
            "parameters": [p.name for p in q.params],
        }
        for q in saved_queries.load_all()
    ]


def render(query: str | None = None) -> Response:
    """The editor page; with a query (a permalink) the page opens it in a tab and runs it."""
    lang = current_lang()
    data = {
        "lang": lang,
        "endpoint": url_for("sparql.sparql"),
        "prefixes": PREFIXES,
        "entityBase": ID,
        "entityPath": "/id/",
        "ontologyGraph": ONTOLOGY_GRAPH,
        "firstQuery": FIRST_QUERY,
        "permalink": {"query": query} if query is not None else None,
        "examples": examples(lang),
    }
    # The same URL gives machines results or a service description: caches must keep both.
    return Response(render_template("editor.html", editor=data), headers={"Vary": "Accept"})
