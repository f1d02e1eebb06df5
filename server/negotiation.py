"""Content negotiation: pick a format from the `format` parameter or the Accept header."""

from __future__ import annotations

from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

RESULT_MEDIA = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_MEDIA = {
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
# Other names clients use for the same formats.
ALIASES = {
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "text/n3": "turtle",
    "text/rdf+n3": "turtle",
    "application/n3": "turtle",
    "n3": "turtle",
    "text/plain": "ntriples",
    "application/json+ld": "jsonld",
    "srj": "json",
    "srx": "xml",
    "ttl": "turtle",
    "nt": "ntriples",
    "n-triples": "ntriples",
    "json-ld": "jsonld",
    "rdf": "rdfxml",
    "xml-rdf": "rdfxml",
    "rdf+xml": "rdfxml",
}


class NotAcceptable(Exception):
    pass


def _name_for(value: str, table: dict[str, str]) -> str | None:
    value = value.strip().lower()
    if value in table:
        return value
    for name, media in table.items():
        if media == value:
            return name
    alias = ALIASES.get(value)
    return alias if alias in table else None


def table_for(kind: str) -> dict[str, str]:
    """The formats of a SPARQL result of `kind` ('select', 'ask' or 'graph')."""
    return GRAPH_MEDIA if kind == "graph" else RESULT_MEDIA


@lru_cache(maxsize=512)
def pick(
    accept_header: str | None,
    fmt: str | None,
    offered: tuple[tuple[str, str], ...],
    what: str,
    strict: bool = True,
) -> str:
    """A format name from `offered` (name, media type) pairs: the `format` parameter when given
    (it always wins: a browser's download link sends the browser's own Accept, and the SPARQL
    protocol allows either), else the Accept header when it names a type offered, else the first
    offered. `strict`: an Accept header that names only types not offered (and no wildcard) is
    refused (406). Cached: clients send few distinct headers, and matching one costs as much as
    evaluating a tiny query."""
    table = dict(offered)
    if fmt:
        name = _name_for(fmt, table)
        if name is None:
            raise NotAcceptable(f"format {fmt!r} is not offered for {what}; use one of {', '.join(table)}")
        return name
    accept = parse_accept_header(accept_header, MIMEAccept)
    specific = bool(accept) and accept.best not in (None, "*/*")
    if specific:
        offered_media = list(table.values()) + [m for m, n in ALIASES.items() if "/" in m and n in table]
        best = accept.best_match(offered_media)
        if best is not None and accept[best] > 0:
            return _name_for(best, table)
        if strict and not any(value in ("*/*", "application/*", "text/*") for value, _ in accept):
            raise NotAcceptable(
                f"none of the accepted types ({accept}) fits {what}; "
                f"this address offers {', '.join(table.values())}"
            )
    return next(iter(table))


def choose(accept_header: str | None, fmt: str | None, kind: str) -> str:
    """A format name for a SPARQL result of `kind` ('select', 'ask' or 'graph')."""
    return pick(accept_header, fmt, tuple(table_for(kind).items()), f"a {kind.upper()} result")


# The file name a download of each format gets (Content-Disposition).
EXTENSIONS = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "ttl",
    "ntriples": "nt",
    "jsonld": "jsonld",
    "rdfxml": "rdf",
}


def attachment(media: str, stem: str = "query-results") -> str:
    """A Content-Disposition that saves a result of this media type as a file named for
    its format, e.g. `attachment; filename="query-results.csv"`."""
    base = media.split(";")[0].strip()
    name = next(n for n, m in {**RESULT_MEDIA, **GRAPH_MEDIA}.items() if m == base)
    return f'attachment; filename="{stem}.{EXTENSIONS[name]}"'


def media_type(name: str) -> str:
    media = RESULT_MEDIA.get(name) or GRAPH_MEDIA[name]
    return (
        media + "; charset=utf-8" if media.startswith("text/") or "json" in media or "xml" in media else media
    )


def prefers_html(accept: MIMEAccept) -> bool:
    """True for a browser: HTML is accepted and ranked above the machine formats."""
    if not accept:
        return False
    html = accept["text/html"]
    machine = max([accept[m] for m in list(RESULT_MEDIA.values()) + list(GRAPH_MEDIA.values())] + [0])
    return html > 0 and html >= machine and accept.best != "*/*"
