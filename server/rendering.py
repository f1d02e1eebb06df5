"""Turning results into what people read: links to entity pages, labels, table cells.

Every view builds one data dict; HTML (Jinja2, autoescaped), JSON and CSV are rendered
from that same dict.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re

import pyoxigraph as ox
from flask import has_request_context, request

from graph.labels import compact
from graph.labels import labels as store_labels
from graph.namespaces import entity_path as href
from graph.saved_queries import ParameterError
from server.i18n import current_lang


def cell(term, names: dict[str, str]) -> dict | None:
    """A result term as a table cell: text to show, link, kind, language."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return {
            "type": "uri",
            "value": term.value,
            "text": names.get(term.value) or compact(term.value),
            "href": href(term.value),
        }
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value, "text": "_:" + term.value}
    datatype = term.datatype.value if term.datatype else None
    numeric = bool(datatype) and datatype.rsplit("#", 1)[-1] in (
        "integer",
        "decimal",
        "double",
        "float",
        "int",
    )
    return {
        "type": "literal",
        "value": term.value,
        "text": term.value,
        "lang": term.language,
        "datatype": datatype,
        "numeric": numeric,
    }


def labels(source, iris, lang: str = "nl") -> dict[str, str]:
    """The labels of `iris` from an Engine (looked up by its query workers, within the time limit)
    or from a store."""
    if hasattr(source, "labels"):
        return source.labels(iris, lang)
    return store_labels(source, iris, lang)


def remember_labels(
    store, variables: list[str], rows: list, remembered: dict[str, str | None], lang: str = "nl"
) -> dict[str, str | None]:
    """Add to `remembered` the labels of the rows' IRIs it lacks (None: the IRI has none), in
    one lookup; returns it."""
    iris = {row[v].value for row in rows for v in variables if isinstance(row[v], ox.NamedNode)}
    missing = iris - remembered.keys()
    if missing:
        found = labels(store, missing, lang)
        remembered.update({iri: found.get(iri) for iri in missing})
    return remembered


def table_data(
    store: ox.Store,
    variables: list[str],
    rows: list,
    lang: str = "nl",
    remembered: dict[str, str | None] | None = None,
) -> dict:
    """Columns and rows of cells, with labels for every IRI looked up once. `remembered` holds
    labels looked up before; the new ones are added to it."""
    names = remember_labels(store, variables, rows, {} if remembered is None else remembered, lang)
    return {"columns": variables, "rows": [[cell(row[v], names) for v in variables] for row in rows]}


def csv_bytes(table: dict) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table["columns"])
    for row in table["rows"]:
        writer.writerow(["" if c is None else c["value"] for c in row])
    return out.getvalue().encode("utf-8")


def etag_for(*parts, by_language: bool = True) -> str:
    """An (unquoted) entity tag for a representation: parts include the store version. The
    page's language is part of it too (one address shows Dutch or English by cookie), unless
    the representation never depends on it (`by_language=False`: SPARQL results)."""
    if by_language and has_request_context():
        parts = (*parts, current_lang())
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:32]


# A client may keep what it got, but must ask again before each reuse: an update can change the
# store at any moment, and a positive max-age would let a client show an answer the store no
# longer gives. Asking again is cheap: the ETag is decided before any work, and a match is an
# empty 304.
REVALIDATE = "max-age=0, must-revalidate"


MAX_PAGE = 1_000_000  # the last page number a paged view accepts


def positive_arg(name: str, default: int, largest: int) -> int:
    """A whole-number query parameter from 1 to `largest` (`default` when absent); ParameterError
    (400) otherwise."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if not re.fullmatch(r"\s*\d{1,9}\s*", raw) or not 1 <= int(raw) <= largest:
        raise ParameterError(f"{name} must be a whole number from 1 to {largest:,}, got {raw!r}")
    return int(raw)
