"""Queries whose evaluation is bounded by the rows they return: safe to answer in-process.

A query past the time limit can only be stopped by killing the process that evaluates it
(server/workers.py), so the web process evaluates a query itself only when its cost is known
before it runs: a SELECT or ASK of one triple pattern. Oxigraph answers it with one index scan
that yields a row at every step (no join, filter, ordering, grouping or DISTINCT that could
scan without yielding), so reading at most N rows costs O(N + OFFSET) index steps, whatever
the data. The caller reads at most a small number of rows and hands anything larger to a
worker (Engine.query).

`single_pattern` is a recogniser, not a parser: it accepts a small, strict subset of SPARQL
token by token and answers None for anything else (then the query goes to a worker, where
every rule applies as before). Every token it accepts means the same to Oxigraph's parser:
no backslash anywhere (so no \\u escape can change a token after the fact), IRIs and strings
with the grammar's own character sets, names and variables from a subset of theirs (a longer
name in the query leaves characters this recogniser refuses). So a query it accepts has no
SERVICE, no LOAD, no subquery and one pattern, by construction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_OFFSET = 10_000  # an OFFSET skips rows one index step each: bounded, but keep it small

_TOKEN = re.compile(
    r"""
    (?P<space>\s+|\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<string>"[^"\\\n\r]*"|'[^'\\\n\r]*')(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*)?(?![\w"'@-])
  | (?P<var>[?$][A-Za-z_][A-Za-z0-9_]*)(?![\w\u00b7])
  | (?P<pname>(?:[A-Za-z][A-Za-z0-9_-]*)?:(?:[A-Za-z0-9_][A-Za-z0-9_-]*)?)(?![\w.:%\u00b7-])
  | (?P<number>[0-9]+)(?![\w.eE])
  | (?P<word>[A-Za-z]+)(?![\w:-])
  | (?P<punct>[{}.*]|\^\^)
""",
    re.VERBOSE,
)

_KEYWORDS = {"prefix", "base", "select", "ask", "where", "limit", "offset"}


@dataclass(frozen=True)
class Pattern:
    form: str  # "select" or "ask"
    limit: int | None  # the query's own LIMIT
    offset: int


def _tokens(text: str) -> list[tuple[str, str]] | None:
    if "\\" in text:
        return None
    out, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None:
            return None
        kind = match.lastgroup
        at = match.end()
        if kind == "string":  # a literal, with its language tag (a datatype follows as ^^ and a term)
            out.append(("term", match.group()))
        elif kind != "space":
            value = match.group(kind)
            if kind == "word":
                lowered = value.lower()
                if value == "a":
                    kind = "term"
                elif lowered in _KEYWORDS:
                    kind, value = lowered, lowered
                else:
                    return None
            out.append((kind, value))
    return out


def single_pattern(text: str) -> Pattern | None:
    """The shape of `text` if it is `[PREFIX/BASE …] SELECT vars|* [WHERE] { s p o [.] }
    [LIMIT n] [OFFSET n]` or `ASK [WHERE] { s p o [.] }`, with no variable twice in the pattern;
    else None."""
    tokens = _tokens(text)
    if not tokens:
        return None
    i = 0

    def take(*kinds):
        nonlocal i
        if i < len(tokens) and tokens[i][0] in kinds:
            i += 1
            return tokens[i - 1]
        return None

    while True:  # the prologue
        if take("base"):
            if not take("iri"):
                return None
        elif take("prefix"):
            name = take("pname")
            if name is None or not name[1].endswith(":") or not take("iri"):
                return None
        else:
            break
    if take("select"):
        form = "select"
        if _punct(tokens, i, "*"):
            i += 1
        elif not take("var"):
            return None
        while take("var"):
            pass
    elif take("ask"):
        form = "ask"
    else:
        return None
    take("where")
    if not _punct(tokens, i, "{"):
        return None
    i += 1
    variables = []
    for _ in range(3):
        term = _term(tokens, i)
        if term is None:
            return None
        i, value = term
        if value.startswith(("?", "$")):
            variables.append(value[1:])
    if len(set(variables)) != len(variables):  # ?x ?p ?x scans every triple to find s = o
        return None
    if _punct(tokens, i, "."):
        i += 1
    if not _punct(tokens, i, "}"):
        return None
    i += 1
    limit, offset, seen = None, 0, set()
    while i < len(tokens) and form == "select":
        kind = tokens[i][0]
        if (
            kind not in ("limit", "offset")
            or kind in seen
            or i + 1 >= len(tokens)
            or tokens[i + 1][0] != "number"
        ):
            return None
        seen.add(kind)
        value = int(tokens[i + 1][1])
        if kind == "limit":
            limit = value
        else:
            offset = value
        i += 2
    if i != len(tokens) or offset > MAX_OFFSET:
        return None
    return Pattern(form, limit, offset)


def _punct(tokens, i: int, char: str) -> bool:
    return i < len(tokens) and tokens[i] == ("punct", char)


def _term(tokens, i: int) -> tuple[int, str] | None:
    """One RDF term or variable at tokens[i]: (the index after it, its text)."""
    if i >= len(tokens):
        return None
    kind, value = tokens[i]
    if kind in ("iri", "pname", "var"):
        return i + 1, value
    if kind == "term":
        if value != "a" and tokens[i + 1 : i + 2] == [("punct", "^^")]:  # a typed literal
            if i + 2 < len(tokens) and tokens[i + 2][0] in ("iri", "pname"):
                return i + 3, value
            return None
        return i + 1, value
    if kind == "number":
        return i + 1, value
    return None
