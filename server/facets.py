"""Filters and facet counts on a saved query's whole answer, as Datasette offers them.

A filter is `f.<column>=<value>` in the query string (the value an IRI or a literal's text;
empty for "nothing there"), so a filtered table has an address and its CSV and JSON twins
honour it. Facets count the values of the columns that have few of them (a landsdeel, a
plan, what is missing) over the rows that the filters keep.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.saved_queries import ParameterError

PREFIX = "f."
MAX_VALUES = 30        # a column with more distinct values is no facet
MAX_FILTERS = 10
FACET_ROWS = 50_000    # facets are counted on answers up to this size (filters work at any size)


def filters_from(args) -> dict[str, str]:
    """The `f.<column>` filters of a query string."""
    found = {k[len(PREFIX):]: v for k, v in args.items() if k.startswith(PREFIX)}
    if len(found) > MAX_FILTERS:
        raise ParameterError(f"at most {MAX_FILTERS} filters")
    return found


def check(filters: dict[str, str], variables: list[str]) -> None:
    unknown = sorted(set(filters) - set(variables))
    if unknown:
        raise ParameterError(f"no column {', '.join(unknown)} to filter on; the columns are {', '.join(variables)}")


def _value(term) -> str:
    return "" if term is None else term.value


def keep(rows: list, filters: dict[str, str]) -> list:
    """The rows whose cells equal every filter's value."""
    if not filters:
        return rows
    return [r for r in rows if all(_value(r[c]) == v for c, v in filters.items())]


def _numeric(term) -> bool:
    return isinstance(term, ox.Literal) and term.datatype is not None and \
        term.datatype.value.rsplit("#", 1)[-1] in ("integer", "decimal", "double", "float", "int")


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
        facets.append({"column": var, "values": [{"value": k, "term": terms[k], "count": n,
                                                   "selected": filters.get(var) == k} for k, n in values]})
    return facets
