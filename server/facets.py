"""Filters, sort order and facet counts on a saved query's whole answer, as Datasette offers them.

A filter is `f.<column>=<value>` in the query string (the value an IRI or a literal's text;
empty for "nothing there"); the sort is `_sort=<column>` or `_sort_desc=<column>`. So a
filtered, sorted table has an address, and its CSV and JSON twins honour it. Facets count the
values of the columns that have few of them (a landsdeel, a plan, what is missing) over every
row that the filters keep.

Both are made from the prepared answer (server/answers.py) once per store version, filter
set and sort, and kept with that answer as a *view*: the positions of the rows it keeps, in
its order, and the facet counts. Every page of that table is then cut from the view, so
page 2 of a sorted table costs what page 2 of the unsorted one does.
"""

from __future__ import annotations

import re
import threading
from array import array

import pyoxigraph as ox

from graph.labels import compact
from graph.saved_queries import ParameterError
from server.engine import SELECT, Result
from server.rendering import labels  # from an Engine (query workers) or a store

PREFIX = "f."
SORT, SORT_DESC = "_sort", "_sort_desc"
MAX_VALUES = 30  # a column with more distinct values is no facet
MAX_FILTERS = 10
MAX_VIEWS = 16  # views kept per answer; the least recently used go first
_lock = threading.Lock()


def filters_from(args) -> dict[str, str]:
    """The `f.<column>` filters of a query string."""
    found = {k[len(PREFIX) :]: v for k, v in args.items() if k.startswith(PREFIX)}
    if len(found) > MAX_FILTERS:
        raise ParameterError(f"at most {MAX_FILTERS} filters")
    return found


def sort_from(args) -> tuple[str, bool] | None:
    """(column, descending) from `_sort` or `_sort_desc`; None for the query's own order."""
    up, down = args.get(SORT), args.get(SORT_DESC)
    if up and down:
        raise ParameterError(f"give {SORT} or {SORT_DESC}, not both")
    return (up, False) if up else (down, True) if down else None


def is_table_arg(name: str) -> bool:
    """A query-string argument of the table (filter or sort), not a parameter of the query."""
    return name.startswith(PREFIX) or name in (SORT, SORT_DESC)


def check(filters: dict[str, str], variables: list[str], sort: tuple[str, bool] | None = None) -> None:
    unknown = sorted(set(filters) - set(variables))
    if unknown:
        raise ParameterError(
            f"no column {', '.join(unknown)} to filter on; the columns are {', '.join(variables)}"
        )
    if sort and sort[0] not in variables:
        raise ParameterError(f"no column {sort[0]} to sort by; the columns are {', '.join(variables)}")


def _value(term) -> str:
    return "" if term is None else term.value


def _numeric(term) -> bool:
    return (
        isinstance(term, ox.Literal)
        and term.datatype is not None
        and term.datatype.value.rsplit("#", 1)[-1] in ("integer", "decimal", "double", "float", "int")
    )


def keep(rows: list, filters: dict[str, str]) -> list[int]:
    """The positions of the rows whose cells equal every filter's value."""
    if not filters:
        return list(range(len(rows)))
    return [i for i, r in enumerate(rows) if all(_value(r[c]) == v for c, v in filters.items())]


def facet_counts(variables: list[str], rows: list, filters: dict[str, str], hidden: list[str]) -> list[dict]:
    """Per column with 2…MAX_VALUES distinct values (or a filter on it): its values, most rows first."""
    facets = []
    for var in variables:
        if var in hidden:
            continue
        counts: dict[str, int] = {}
        terms: dict[str, object] = {}
        numeric = False
        for row in rows:
            term = row[var]
            numeric = numeric or _numeric(term)
            key = _value(term)
            counts[key] = counts.get(key, 0) + 1
            terms.setdefault(key, term)
            if len(counts) > MAX_VALUES and var not in filters:
                break
        if var not in filters and (numeric or not 2 <= len(counts) <= MAX_VALUES or len(counts) == len(rows)):
            continue
        values = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        facets.append(
            {
                "column": var,
                "values": [
                    {"value": k, "term": terms[k], "count": n, "selected": filters.get(var) == k}
                    for k, n in values
                ],
            }
        )
    return facets


def _natural(text: str) -> tuple:
    """A text's sort key with its numbers compared as numbers ("actie 9" before "actie 10")."""
    parts = re.split(r"(\d+)", text.casefold())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def sort_keys(terms: list, names: dict[str, str | None]) -> list:
    """A key per cell: numbers by value, IRIs by the name the table shows (`names`, else the
    compact IRI), other text naturally; numbers before text. None for an empty cell."""
    keys = []
    for term in terms:
        if term is None:
            keys.append(None)
        elif _numeric(term):
            try:
                keys.append((0, float(term.value), ()))
            except ValueError:
                keys.append((1, 0.0, _natural(term.value)))
        elif isinstance(term, ox.NamedNode):
            keys.append((1, 0.0, _natural(names.get(term.value) or compact(term.value))))
        else:
            keys.append((1, 0.0, _natural(term.value)))
    return keys


def ordered(positions: list[int], keys: list, descending: bool) -> list[int]:
    """`positions` sorted by their keys (ties keep the answer's order), empty cells last either way."""
    full = [i for i in positions if keys[i] is not None]
    empty = [i for i in positions if keys[i] is None]
    return sorted(full, key=keys.__getitem__, reverse=descending) + empty


def view(
    answer,
    filters: dict[str, str],
    sort: tuple[str, bool] | None,
    hidden: list[str],
    store: ox.Store,
    lang: str = "nl",
) -> dict:
    """The rows of `answer` that `filters` keep, in `sort`'s order, with the facet counts:
    {"order": positions in the answer (None: all rows, in the answer's order), "total",
    "facets"}. Made once and kept with the answer; the caller gets copies of the facets to
    change as it likes."""
    key = (tuple(sorted(filters.items())), sort, lang if sort else None)
    found = _kept(answer, key)
    if found is None:
        found = _make_view(answer, filters, sort, hidden, store, lang)
        _keep(answer, key, found)
    return {**found, "facets": [{**f, "values": [dict(v) for v in f["values"]]} for f in found["facets"]]}


def _kept(answer, key: tuple) -> dict | None:
    with _lock:
        found = answer.views.get(key)
        if found is not None:
            answer.views.move_to_end(key)
        return found


def _keep(answer, key: tuple, view_: dict) -> None:
    with _lock:
        answer.views[key] = view_
        while len(answer.views) > MAX_VIEWS:
            answer.views.popitem(last=False)


def _make_view(answer, filters, sort, hidden, store, lang) -> dict:
    """A view not kept yet. The filtered rows and their facets do not depend on the order, so
    a new sort of a filter set reuses them (kept under the filter set without a sort)."""
    rows = Result(SELECT, tsv=answer.slice(0, answer.rows)).rows
    base_key = (tuple(sorted(filters.items())), None, None)
    base = _kept(answer, base_key)
    if base is None:
        positions = keep(rows, filters)
        variables = Result(SELECT, tsv=answer.header).variables
        facets = facet_counts(variables, [rows[i] for i in positions] if filters else rows, filters, hidden)
        base = {
            "order": array("l", positions) if filters else None,
            "total": len(positions),
            "facets": facets,
        }
        if sort:
            _keep(answer, base_key, base)
    if not sort:
        return base
    column, descending = sort
    terms = [row[column] for row in rows]
    # Sorted by the names people see: the column's IRIs' labels, looked up once for the whole
    # answer and kept with the answer's other labels (which its pages reuse).
    names = answer.labels if lang == "nl" else answer.labels_en
    iris = {t.value for t in terms if isinstance(t, ox.NamedNode)} - names.keys()
    if iris:
        found = labels(store, iris, lang)
        names.update({iri: found.get(iri) for iri in iris})
    positions = base["order"] if base["order"] is not None else range(len(rows))
    return {**base, "order": array("l", ordered(list(positions), sort_keys(terms, names), descending))}
