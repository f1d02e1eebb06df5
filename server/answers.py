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
import threading
from array import array
from collections import OrderedDict
from pathlib import Path

from graph import saved_queries
from server.engine import SELECT, Result, ResultTooLarge
from server.rendering import remember_labels
from server.versions import FollowVersions

log = logging.getLogger(__name__)

MAX_ROWS = 1_000_000  # an answer with more rows is refused, not kept (a disk and memory bound)
MAX_BYTES = 1 << 30   # the answers kept on disk; the least recently used go first
MAX_ANSWERS = 256     # and at most this many (each keeps its header and labels in memory)
PAGE_SIZE = 1000      # rows a page, unless the request says otherwise


class StillPreparing(Exception):
    """Another request or the warm-up is evaluating this answer, past this request's time limit."""


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


class Answers:
    """The answers kept for one engine: by (store version, query name, parameter values)."""

    def __init__(self, engine, prepare_timeout: float):
        self._engine = engine
        self.prepare_timeout = prepare_timeout
        self._root = Path(tempfile.mkdtemp(prefix="techniekpact-answers-"))
        atexit.register(shutil.rmtree, self._root, True)
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._pending: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._warming = FollowVersions(engine, self._warm_up, "prepare-answers", self._closed) \
            if prepare_timeout > 0 else None

    def get(self, query: saved_queries.SavedQuery, bound: dict, timeout: float | None = None) -> Answer:
        """The whole answer of `query` with these bound parameters, for the current version:
        kept, or evaluated now (one evaluation however many requests ask at once). Raises what
        Engine.query raises, or StillPreparing."""
        version = self._engine.version
        key = (version, query.name, values_digest(bound))
        with self._lock:
            if key in self._answers:
                # Its file can go without us (a cleaner of the temporary directory): evaluate anew.
                if self._answers[key].path.exists():
                    self._answers.move_to_end(key)
                    return self._answers[key]
                del self._answers[key]
            waiting = self._pending.get(key)
            if waiting is None:
                self._pending[key] = threading.Event()
        if waiting is not None:
            limit = self._engine.config.query_timeout if timeout is None else timeout
            if not waiting.wait(limit):
                raise StillPreparing(f"the answer of {query.name} is being prepared; try again in a minute")
            return self.get(query, bound, timeout)  # kept now, or its evaluation failed: try ourselves
        try:
            try:
                result = self._engine.query(query.text, substitutions=bound, limit=MAX_ROWS, timeout=timeout)
            except ResultTooLarge:
                raise ResultTooLarge(f"the answer of {query.name} has more than {MAX_ROWS:,} rows, more than "
                                     "this service keeps; narrow it down with its parameters") from None
            if result.kind != "select":
                raise ValueError(f"{query.name} is not a SELECT query")
            answer = Answer(self._root / f"{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}.tsv", result.tsv)
            with self._lock:
                self._answers[key] = answer
                self._forget(self._engine.version)
            return answer
        finally:
            with self._lock:
                self._pending.pop(key).set()

    def _forget(self, version: str) -> None:
        """Delete the answers of other versions, then the least recently used ones while the
        answers kept take more than MAX_BYTES or are more than MAX_ANSWERS."""
        for key in [k for k in self._answers if k[0] != version]:
            self._answers.pop(key).path.unlink(missing_ok=True)
        kept = sum(answer.size for answer in self._answers.values())
        while (kept > MAX_BYTES or len(self._answers) > MAX_ANSWERS) and len(self._answers) > 1:
            answer = self._answers.popitem(last=False)[1]
            answer.path.unlink(missing_ok=True)
            kept -= answer.size

    def prepared(self) -> int:
        """How many answers are kept for the current version."""
        version = self._engine.version
        with self._lock:
            return sum(1 for key in self._answers if key[0] == version)

    @property
    def preparing(self) -> bool:
        """The background thread has yet to prepare the current version's default answers."""
        return self._warming is not None and self._warming.preparing

    def close(self) -> None:
        self._closed.set()

    def _warm_up(self, version: str) -> bool:
        """Prepare every saved query's default answer for `version` (False: the version changed
        first). A query that fails here is left to be evaluated on request."""
        for query in saved_queries.load_all():
            if self._closed.is_set() or self._engine.version != version:
                return False
            try:
                answer = self.get(query, saved_queries.bind(query, {}), timeout=self.prepare_timeout)
                first = Result(SELECT, tsv=answer.slice(0, PAGE_SIZE))
                remember_labels(self._engine.store, first.variables, first.rows, answer.labels)
            except Exception:  # noqa: BLE001 - a time limit, a remote store away: try on request
                log.exception("preparing the answer of %s failed; it is evaluated on request", query.name)
        return True
