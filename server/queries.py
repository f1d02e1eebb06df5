"""The saved query library at /queries and /queries/<name> (HTML, JSON, CSV).

Parameters come from the query string and are bound as typed RDF terms. Answers come in
pages (`page`, from 1, and `size`, rows a page, up to the endpoint's result limit), so a
saved query answers at any scale instead of running into the result limit; every page links
the next and previous ones (`Link` header, RFC 8288, and in the HTML and JSON). Pages are cut
from the whole answer, evaluated once per store version (server/answers.py). Results
carry an ETag tied to the store version; repeated requests are answered from a small cache
that every update or build invalidates (the version changes).
"""

from __future__ import annotations

import json

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from graph import saved_queries
from server import facets as facet_rules
from server.answers import PAGE_SIZE, page_table
from server.engine import SELECT, Result
from server.i18n import current_lang
from server.rendering import MAX_PAGE, cell, csv_bytes, positive_arg, remember_labels, table_data
from server.representation import CSV, HTML, JSON, choose, engine, fresh

bp = Blueprint("queries", __name__)
FORMATS = {"html": HTML, "json": JSON, "csv": CSV}
SUFFIXES = {"json": "json", "csv": "csv"}


def _format(suffix: str | None) -> str:
    return choose(FORMATS, suffix=suffix, suffixes=SUFFIXES, what="a saved query")


def _saved(name: str) -> saved_queries.SavedQuery:
    try:
        return saved_queries.load(name)
    except KeyError:
        abort(404, f"there is no saved query {name!r}")


def listing(lang: str = "nl") -> list[dict]:
    return [
        {
            "name": q.name,
            "title": q.label(lang),
            "title_nl": q.label("nl"),
            "title_en": q.label("en"),
            "description": q.description(lang),
            "description_nl": q.description("nl"),
            "description_en": q.description("en"),
            "audience": q.audience,
            "keywords": q.keywords,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "default": p.default,
                    "doc": p.doc,
                    "title": q.column_title(p.name, lang),
                }
                for p in q.params
            ],
        }
        for q in saved_queries.load_all()
    ]


@bp.route("/queries")
@bp.route("/queries.<suffix>")
def index(suffix=None):
    fmt = _format(suffix)
    items = listing(current_lang())
    if fmt == "csv":
        abort(404, "the list of queries is offered as HTML and JSON")
    if fmt == "json":
        return Response(json.dumps({"queries": items}, ensure_ascii=False), mimetype="application/json")
    return render_template("queries.html", queries=items)


def paging() -> tuple[int, int]:
    """(page, size) from the query string; ParameterError (400) if either is not a whole
    number in range. A page is at most the endpoint's result limit."""
    largest = engine().config.result_limit
    return positive_arg("page", 1, MAX_PAGE), positive_arg("size", min(PAGE_SIZE, largest), largest)


def run_saved(
    query: saved_queries.SavedQuery,
    values: dict[str, str],
    page: int = 1,
    size: int = PAGE_SIZE,
    filters: dict[str, str] | None = None,
    lang: str = "nl",
    sort: tuple[str, bool] | None = None,
) -> dict:
    """One page of a saved query's answer (kept per store version, server/answers.py), filtered
    by `filters` and ordered by `sort` (column, descending) over the whole answer
    (server/facets.py), as the one data dict every rendering uses."""
    filters = filters or {}
    answer = current_app.extensions["techniekpact.answers"].get(query, saved_queries.bind(query, values))
    facet_rules.check(filters, Result(SELECT, tsv=answer.header).variables, sort)
    view = facet_rules.view(answer, filters, sort, query.hidden, engine(), lang)
    start = (page - 1) * size
    facets, total = view["facets"], view["total"]
    # The answer remembers the labels its pages showed, in each language.
    remembered = answer.labels if lang == "nl" else answer.labels_en
    prepared = answer.first_cells.get(lang)
    if (
        view["order"] is None
        and page == 1
        and prepared is not None
        and (size <= len(prepared["rows"]) or len(prepared["rows"]) == total)
    ):
        # The first page of the whole answer: its cells, and the labels of its facets' values,
        # were made when the answer was prepared (Answers._with_labels).
        variables, more = prepared["columns"], total > size
        table = {"columns": variables, "rows": prepared["rows"][:size]}
    else:
        if view["order"] is None:  # every row, in the answer's own order: cut the page directly
            result = Result(SELECT, tsv=answer.slice(start, size + 1))
        else:
            result = Result(SELECT, tsv=answer.rows_at(view["order"][start : start + size + 1]))
        variables, rows, more = result.variables, result.rows, len(result.rows) > size
        # The labels of the page's cells and of the facets' values, in one lookup.
        cells = [{"v": row[v]} for row in rows[:size] for v in variables] + [
            {"v": value["term"]} for f in facets for value in f["values"]
        ]
        remember_labels(engine(), ["v"], cells, remembered, lang)
        table = page_table(engine(), query, variables, rows[:size], lang, remembered)
    names = remembered
    for f in facets:
        f["title"] = query.column_title(f["column"], lang)
        for v in f["values"]:
            term = v.pop("term")
            v["text"] = (
                (names.get(v["value"]) or cell(term, names)["text"])
                if isinstance(term, ox.NamedNode)
                else query.value_text(v["value"], lang)
                if v["value"]
                else None
            )
    return {
        "name": query.name,
        "title": query.label(lang),
        "title_nl": query.label("nl"),
        "title_en": query.label("en"),
        "description": query.description(lang),
        "description_nl": query.description("nl"),
        "description_en": query.description("en"),
        "audience": query.audience,
        "query": query.text,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "doc": p.doc,
                "title": query.column_title(p.name, lang),
                "value": values.get(p.name, p.default),
            }
            for p in query.params
        ],
        "column_titles": {v: query.column_title(v, lang) for v in variables},
        "hidden": [v for v in query.hidden if v in variables],
        "filters": filters,
        "facets": facets,
        "total": total,
        "sort": {"column": sort[0], "descending": sort[1]} if sort else None,
        "page": page,
        "size": size,
        "first_row": (page - 1) * size + 1,
        "next": page + 1 if more else None,
        "previous": page - 1 if page > 1 else None,
        **table,
    }


def _page_links(name: str, suffix: str | None, data: dict) -> dict[str, str]:
    """URLs of the next and previous pages (link relations "next", "prev"), keeping the
    parameters, format and size."""
    args = {k: v for k, v in request.args.items() if k != "page"}
    return {
        rel: url_for("queries.show", name=name, suffix=suffix, page=data[key], **args)
        for rel, key in (("next", "next"), ("prev", "previous"))
        if data[key]
    }


@bp.route("/queries/<name>")
@bp.route("/queries/<name>.<suffix>")
def show(name, suffix=None):
    query = _saved(name)
    fmt = _format(suffix)
    values = {
        k: v
        for k, v in request.args.items()
        if k not in saved_queries.RESERVED and not facet_rules.is_table_arg(k)
    }
    filters = facet_rules.filters_from(request.args)
    sort = facet_rules.sort_from(request.args)
    page, size = paging()
    # The page's links repeat the request's own arguments (lang among them, in their order),
    # so a kept page is only ever served to the same arguments.
    key = (
        engine().version,
        name,
        tuple(sorted(values.items())),
        tuple(sorted(filters.items())),
        sort,
        page,
        size,
        fmt,
        current_lang(),
        tuple(request.args.items(multi=True)),
    )
    fresh(*key)
    cache = current_app.extensions["techniekpact.cache"]
    cached = cache.get(key)
    if cached is None:
        data = run_saved(query, values, page, size, filters, current_lang(), sort)
        links = _page_links(name, suffix, data)
        if fmt == "json":
            body = json.dumps({**data, "links": links}, ensure_ascii=False).encode()
        elif fmt == "csv":
            body = csv_bytes(data)
        else:
            body = render_template(
                "query.html",
                q=data,
                links=links,
                extra=_extra_view(data),
                facet_url=_facet_url,
                sort_url=_sort_url,
                param_labels=_param_labels(data),
            ).encode()
        cached = (body, links)
        cache.put(key, cached, len(body))
    body, links = cached
    headers = {}
    if links:
        headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    if fmt == "csv":
        suffix_page = f"-page-{page}" if page > 1 or links.get("next") else ""
        headers["Content-Disposition"] = f'attachment; filename="{name}{suffix_page}.csv"'
    return Response(body, headers={**headers, "Content-Type": FORMATS[fmt]})


def _extra_view(data: dict) -> dict | None:
    """Views some queries add to their page (the coverage matrix's heat map)."""
    from server.heatmap import heatmap_for

    return heatmap_for(data)


def _facet_url(column: str, value: str | None) -> str:
    """This table's address with the filter on `column` set to `value` (None: removed), from page 1."""
    args = request.args.copy()
    args.pop("page", None)
    args.pop(facet_rules.PREFIX + column, None)
    if value is not None:
        args[facet_rules.PREFIX + column] = value
    return url_for("queries.show", name=request.view_args["name"], **args.to_dict())


def _sort_url(column: str, descending: bool) -> str:
    """This table's address sorted by `column`, from page 1, its filters kept."""
    args = request.args.copy()
    for k in ("page", facet_rules.SORT, facet_rules.SORT_DESC):
        args.pop(k, None)
    args[facet_rules.SORT_DESC if descending else facet_rules.SORT] = column
    return url_for("queries.show", name=request.view_args["name"], **args.to_dict())


def _param_labels(data: dict) -> dict[str, str]:
    """The names of the IRIs given as parameters, shown in place of the IRI."""
    iris = [p["value"] for p in data["parameters"] if p["type"] == "iri" and p["value"]]
    return (
        remember_labels(engine(), ["v"], [{"v": ox.NamedNode(i)} for i in iris], {}, current_lang())
        if iris
        else {}
    )


@bp.app_template_filter("reject_filters")
def _reject_filters(args) -> dict:
    """The query string without its filters and page: "clear all filters"."""
    return {k: v for k, v in args.items() if not k.startswith(facet_rules.PREFIX) and k != "page"}


@bp.app_template_filter("reject_sort")
def _reject_sort(args) -> dict:
    """The query string without its sort and page: "the query's own order"."""
    return {k: v for k, v in args.items() if k not in (facet_rules.SORT, facet_rules.SORT_DESC, "page")}


@bp.route("/queries/<name>/cell")
def cell_list(name):
    """The list behind one cell of a matrix query's heat map (server/heatmap.py)."""
    from server.heatmap import cell_query, heatmap_for, nearby

    query = _saved(name)
    lang = current_lang()
    row, column = request.args.get("row", ""), request.args.get("column", "")
    fmt = choose({"html": HTML, "json": JSON}, what="a cell of a matrix")
    fresh(engine().version, name, "cell", row, column, fmt)
    data = run_saved(query, {}, 1, engine().config.result_limit, None, lang)
    matrix = heatmap_for(data)
    if matrix is None:
        abort(404, f"{name} is no matrix query")
    rows = {r["value"]: r for r in matrix["rows"]}
    columns = {c["value"]: c for c in matrix["columns"]}
    if row not in rows or column not in columns:
        raise saved_queries.ParameterError(f"row and column must be a row and a column of {name}'s matrix")
    count = matrix["grid"][list(rows).index(row)][list(columns).index(column)]["count"]
    things = []
    if count:
        result = engine().query(
            cell_query(query.text), substitutions={"row": ox.NamedNode(row), "column": ox.NamedNode(column)}
        )
        table = table_data(engine(), result.variables, result.rows, lang=lang)
        things = sorted((r[0] for r in table["rows"] if r[0]), key=lambda c: c["text"].lower())
    data = {
        "query": name,
        "title": query.label(lang),
        "row": rows[row],
        "column": columns[column],
        "count": count,
        "things": things,
        "nearby": nearby(matrix, row, column) if not count else None,
    }
    if fmt == "json":
        return Response(json.dumps(data, ensure_ascii=False), mimetype="application/json")
    return Response(render_template("cell.html", d=data), mimetype="text/html")
