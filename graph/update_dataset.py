"""The SPARQL 1.1 Protocol's update dataset (`using-graph-uri`, `using-named-graph-uri`) applied
to an update's text, for engines whose update call takes no dataset (Oxigraph's Store.update,
a remote server reached through its own protocol).

The protocol parameters mean exactly what USING and USING NAMED clauses in every DELETE/INSERT
operation would mean, and the protocol says a request may not carry both (400). So the update
is rewritten only when it has no USING or WITH of its own: the clauses go before the WHERE of
each operation that has one. `DELETE WHERE { P }` is the grammar's short form of
`DELETE { P } WHERE { P }`, which is written out so that it can take the clauses too.

The text is read by a small lexer that skips strings, comments and IRIs and tracks braces:
USING, WITH and WHERE are keywords of the update's top level only (depth 0); anywhere else
(inside a group, a prefixed name `ex:where`, a variable `?where`) they are not these clauses.
The graph IRIs have been through graph.terms.parse_iri, so they are safe to write as <…>.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(
    r"""
    (?P<string>'{3}(?:'{0,2}(?:[^'\\]|\\.))*'{3} | "{3}(?:"{0,2}(?:[^"\\]|\\.))*"{3}
              | '(?:[^'\\\n\r]|\\.)*' | "(?:[^"\\\n\r]|\\.)*")
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w]+)
  | (?P<word>[A-Za-z_][\w.-]*(?::[\w.:%-]*)? | :[\w.:%-]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
""",
    re.VERBOSE | re.DOTALL,
)


class DatasetConflict(ValueError):
    """using-graph-uri / using-named-graph-uri given for an update that has USING or WITH."""


def _top_level_words(text: str):
    """(WORD in upper case, start, end) of every keyword-like token outside any brackets, plus
    ('{', start, end-of-its-group) for every group that opens at the top level."""
    depth, opened = 0, None
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            if depth == 0 and match.group() == "{":
                opened = match.start()
            depth += 1
        elif kind == "close":
            depth = max(depth - 1, 0)
            if depth == 0 and opened is not None and match.group() == "}":
                yield "{", opened, match.end()
                opened = None
        elif kind == "word" and depth == 0:
            yield match.group().upper(), match.start(), match.end()


def has_own_dataset(update: str) -> bool:
    """True when some operation of the update names its own dataset (USING or WITH)."""
    return any(word in ("USING", "WITH") for word, _, _ in _top_level_words(update))


def with_dataset(update: str, using: list[str], using_named: list[str]) -> str:
    """The update with the protocol's dataset written into each DELETE/INSERT operation as
    USING / USING NAMED clauses; unchanged when no graph is given. DatasetConflict when the
    update names a dataset of its own."""
    if not using and not using_named:
        return update
    if has_own_dataset(update):
        raise DatasetConflict(
            "using-graph-uri and using-named-graph-uri cannot be combined with an update "
            "that has its own USING or WITH (SPARQL 1.1 Protocol, 2.2.3)"
        )
    clauses = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named])
    tokens = list(_top_level_words(update))
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), in text order
    for i, (word, start, end) in enumerate(tokens):
        if word != "WHERE":
            continue
        previous = tokens[i - 1][0] if i else None
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if previous == "DELETE" and following is not None and following[0] == "{":
            # DELETE WHERE { P }  ->  DELETE { P } USING … WHERE { P }
            pattern = update[following[1] : following[2]]
            edits.append((start, end, f"{pattern} {clauses} WHERE"))
        else:
            edits.append((start, start, f"{clauses} "))
    for start, end, replacement in reversed(edits):
        update = update[:start] + replacement + update[end:]
    return update


def clear_missing_as_empty(update: str) -> str:
    """CLEAR of a graph the store does not hold succeeds and changes nothing, as in a store that
    does not record empty graphs (the protocol's own tests CLEAR a graph that was never made).
    Written as CLEAR SILENT: for CLEAR, a missing graph is the only error SILENT hides."""
    tokens = list(_top_level_words(update))
    inserts = [
        end
        for i, (word, _, end) in enumerate(tokens)
        if word == "CLEAR" and (i + 1 == len(tokens) or tokens[i + 1][0] != "SILENT")
    ]
    for end in reversed(inserts):
        update = update[:end] + " SILENT" + update[end:]
    return update
