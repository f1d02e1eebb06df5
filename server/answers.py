"""Whole answers of saved queries, evaluated once per store version and served page by page.

Every page of a saved query is a slice of its whole answer under its ORDER BY, and an engine
computes the whole answer (joins, sort) for any slice: at 100× the curated graph
`actions-with-gaps` takes seconds for page 1, and as long again for page 2. So the service
evaluates a saved query once per store version and set of parameter values, keeps the answer
on disk as SPARQL TSV (one row a line) with the byte offset of every row, and cuts the pages
from it. A build or an update makes a new version; the answers of older versions are deleted.

After start-up, and whenever the version changes, a background thread prepares the answers of
every saved query with its default parameters, one at a time (so it takes one query worker),
under its own time limit, and the labels of its first page: even the first visitor of a page
then gets a prepared answer.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import shutil
import tempfile
from array import array
from collections import OrderedDict
from pathlib import Path

from graph import saved_queries
from server import facets
from server.engine import SELECT, Result, ResultTooLarge
from server.prepared import KeptByPrepared, Prepared, StillPreparing
from server.rendering import remember_labels, table_data

__all__ = ["Answers", "Answer", "StillPreparing", "PAGE_SIZE"]

log = logging.getLogger(__name__)

MAX_ROWS = 1_000_000  # an answer with more rows is refused, not kept (a disk and memory bound)
MAX_BYTES = 1 << 30  # the answers kept on disk; the least recently used go first
MAX_ANSWERS = 256  # and at most this many (each keeps its header and labels in memory)
PAGE_SIZE = 1000  # rows a page, unless the request says otherwise


def values_digest(bound: dict) -> str:
    """The parameter values' part of an answer's key: hashed, for a client may send values of
    many kilobytes, and a key is kept as long as its answer."""
    values = tuple(sorted((k, str(v)) for k, v in bound.items()))
    return hashlib.sha256(repr(values).encode("utf-8", "backslashreplace")).hexdigest()


class Answer:
    """A whole answer on disk: the TSV header in memory; in the file, the TSV rows and after
    them where each row starts (8 bytes a row). Nothing stays open: every slice opens the
    file, reads what it needs and closes it (a kept answer that held its file open cost a
    descriptor, and 300 parameter values would have used 300 of the process's 1,024).

    A request that got this answer just before it was dropped (a newer version, or room for
    others) finds the file gone: it is told to ask again (StillPreparing, a 503 with
    Retry-After), and asking again evaluates the answer anew."""

    def __init__(self, path: Path, tsv: bytes):
        header_end = tsv.index(b"\n") + 1
        self.header, body = tsv[:header_end], memoryview(tsv)[header_end:]
        # A TSV row is one line: line breaks inside literals are written as \n.
        offsets, start = array("q", [0]), header_end
        while (newline := tsv.find(b"\n", start)) != -1:
            start = newline + 1
            offsets.append(start - header_end)
        if start < len(tsv):
            offsets.append(len(tsv) - header_end)
        self.path, self.size, self.rows = path, len(body), len(offsets) - 1
        with path.open("wb") as file:
            file.write(body)
            file.write(offsets.tobytes())
        # The labels of the IRIs its pages showed (rendering.remember_labels): pages of one answer
        # name the same IRIs again, and looking labels up is most of a page's time at scale.
        self.labels: dict[str, str | None] = {}
        self.labels_en: dict[str, str | None] = {}  # the same, for pages in English
        # The first PAGE_SIZE rows as table cells, by language: a default answer's first page,
        # unfiltered and in the answer's order, is what most visitors open (Answers._with_labels).
        self.first_cells: dict[str, dict] = {}
        # Its rows filtered and sorted, with facet counts (server/facets.py), by filters and sort.
        self.views: OrderedDict[tuple, dict] = OrderedDict()

    def slice(self, start: int, count: int) -> bytes:
        """TSV of rows start … start+count-1 (fewer at the end), with the header line."""
        start, end = min(start, self.rows), min(start + count, self.rows)
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            raise StillPreparing("this answer was replaced while it was read; ask again") from None
        try:
            first, last = (array("q", os.pread(fd, 8, self.size + 8 * row))[0] for row in (start, end))
            return self.header + os.pread(fd, last - first, first)
        finally:
            os.close(fd)

    def rows_at(self, positions) -> bytes:
        """TSV of the rows at these positions, in this order, with the header line: a page of
        a filtered or sorted view."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            raise StillPreparing("this answer was replaced while it was read; ask again") from None
        try:
            parts = [self.header]
            for row in positions:
                first, last = array("q", os.pread(fd, 16, self.size + 8 * row))
                line = os.pread(fd, last - first, first)
                parts.append(line if line.endswith(b"\n") else line + b"\n")
            return b"".join(parts)
        finally:
            os.close(fd)


class Answers(KeptByPrepared):
    """The answers kept for one engine: by (store version, query name, parameter values)."""

    def __init__(self, engine, prepare_timeout: float):
        self._engine = engine
        self.prepare_timeout = prepare_timeout
        self._root = Path(tempfile.mkdtemp(prefix="techniekpact-answers-"))
        atexit.register(shutil.rmtree, self._root, True)
        # Evaluated in the asking request's thread (a query worker bounds it); the builder
        # thread only prepares the default answers of each new version.
        self._kept: Prepared[Answer] = Prepared(
            engine,
            "saved query answers",
            lambda key: f"the answer of {key[1]}",
            max_kept=MAX_ANSWERS,
            max_bytes=MAX_BYTES,
            size=lambda answer: answer.size,
            dropped=lambda answer: answer.path.unlink(missing_ok=True),
            builder="prepare-answers" if prepare_timeout > 0 else None,
            inline=True,
        )
        if prepare_timeout > 0:
            self._kept.warm_up(self._defaults)

    @property
    def _answers(self):
        return self._kept.kept

    def get(self, query: saved_queries.SavedQuery, bound: dict, timeout: float | None = None) -> Answer:
        """The whole answer of `query` with these bound parameters, for the current version:
        kept, or evaluated now (one evaluation however many requests ask at once). Raises what
        Engine.query raises, or StillPreparing."""
        key = (self._engine.version, query.name, values_digest(bound))
        limit = self._engine.config.query_timeout if timeout is None else timeout
        answer = self._kept.get(key, lambda: self._evaluate(key, query, bound, timeout), limit)
        if not answer.path.exists():
            # Its file can go without us (a cleaner of the temporary directory): evaluate anew.
            self._kept.forget(key)
            answer = self._kept.get(key, lambda: self._evaluate(key, query, bound, timeout), limit)
        return answer

    def _evaluate(
        self, key: tuple, query: saved_queries.SavedQuery, bound: dict, timeout: float | None
    ) -> Answer:
        try:
            result = self._engine.query(query.text, substitutions=bound, limit=MAX_ROWS, timeout=timeout)
        except ResultTooLarge:
            raise ResultTooLarge(
                f"the answer of {query.name} has more than {MAX_ROWS:,} rows, more than "
                "this service keeps; narrow it down with its parameters"
            ) from None
        if result.kind != "select":
            raise ValueError(f"{query.name} is not a SELECT query")
        return Answer(self._root / f"{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}.tsv", result.tsv)

    def prepared(self) -> int:
        """How many answers are kept for the current version."""
        return self._kept.count()

    def _defaults(self, version: str):
        """Every saved query's default answer for `version`, with the labels of its first page.
        A query that fails here is left to be evaluated on request."""
        for query in saved_queries.load_all():
            bound = saved_queries.bind(query, {})
            key = (version, query.name, values_digest(bound))
            yield (
                key,
                lambda key=key, query=query, bound=bound: self._with_labels(
                    self._evaluate(key, query, bound, self.prepare_timeout), query
                ),
            )

    def _with_labels(self, answer: Answer, query: saved_queries.SavedQuery) -> Answer:
        """Do the whole-answer work of a first page here, once per version, so that a visitor's
        first page only does its own rows' work: the unfiltered view (its facet counts parse
        the whole answer) and the labels of the first page and of the facets' values, in Dutch
        and in English."""
        first = Result(SELECT, tsv=answer.slice(0, PAGE_SIZE))
        view = facets.view(answer, {}, None, query.hidden, self._engine)
        cells = [{"v": row[v]} for row in first.rows for v in first.variables] + [
            {"v": value["term"]} for f in view["facets"] for value in f["values"]
        ]
        for lang, remembered in (("nl", answer.labels), ("en", answer.labels_en)):
            remember_labels(self._engine, ["v"], cells, remembered, lang)  # one lookup a language
            answer.first_cells[lang] = page_table(
                self._engine, query, first.variables, first.rows, lang, remembered
            )
        return answer


def page_table(store, query: saved_queries.SavedQuery, variables, rows, lang: str, remembered: dict) -> dict:
    """A page's rows as table cells (rendering.table_data), a literal shown as the query's
    metadata says (its value texts)."""
    table = table_data(store, variables, rows, lang=lang, remembered=remembered)
    for row in table["rows"]:
        for c in row:
            if c and c["type"] == "literal":
                c["text"] = query.value_text(c["text"], lang)
    return table
