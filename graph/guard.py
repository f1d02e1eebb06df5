"""What a query or update may do before any engine sees it: its size and nesting are bounded,
and SERVICE and LOAD may reach only allowed IRIs, decided on the parsed request.

Three walls, each independent of the others:

1. `check_bounds` — size and nesting depth, counted by a small lexer that skips strings and
   comments (so a brace in a literal does not count) but counts inside IRIs (so it never
   counts less than a parser could nest). A request nested deeper than MAX_DEPTH never reaches
   a parser: Oxigraph's recursive parser overflows its stack (a segfault) on 10,000 braces.
2. `check_remote_access` — the request is parsed by rdflib's SPARQL parser and every SERVICE
   pattern and LOAD operation in the parse tree is checked: its target must be an absolute IRI
   (after prefixes are expanded) that starts with an allowed prefix; a variable never is.
   Only requests whose text (after SPARQL's \\u escapes are decoded, as every parser does
   first) contains the letters "service" or "load" can hold either keyword, so only those
   are parsed here (rdflib's parser takes some 100 ms): the skip is sound, not a heuristic.
3. Query workers cannot open network sockets at all (server/sandbox.py), so a request that
   passed 2 by a difference between rdflib's parser and Oxigraph's still reaches no host.
"""

from __future__ import annotations

import re
import sys
from urllib.parse import urlsplit

MAX_QUERY_BYTES = 1 << 20  # a query of over 1 MiB is refused before parsing
MAX_UPDATE_BYTES = 64 << 20  # updates may carry data (INSERT DATA); the Graph Store is for bulk
MAX_DEPTH = 64  # nested { ( [ ; real queries stay under 15

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

# The terminals that can hide a bracket from the parser: strings (long ones first) and
# comments. IRIs are matched so that a '#' or quote inside one is not taken for a comment or
# string, but their brackets are counted all the same.
_TOKEN = re.compile(
    r"""
    (?P<string>'{3}(?:'{0,2}(?:[^'\\]|\\.))*'{3} | "{3}(?:"{0,2}(?:[^"\\]|\\.))*"{3}
              | '(?:[^'\\\n\r]|\\.)*' | "(?:[^"\\\n\r]|\\.)*")
  | (?P<comment>\#[^\n\r]*)
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
""",
    re.VERBOSE | re.DOTALL,
)


class RemoteAccessRefused(PermissionError):
    """A SERVICE or LOAD to a host that is not allowed."""


class RequestTooComplex(ValueError):
    """A query or update larger or more deeply nested than this endpoint parses."""


class Unverifiable(ValueError):
    """The request names SERVICE or LOAD and could not be parsed to check where they go."""


def decode_escapes(text: str) -> str:
    """SPARQL's \\u and \\U escapes decoded, as the grammar says they are before parsing."""
    if "\\u" not in text and "\\U" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def nesting_depth(text: str) -> int:
    """The deepest nesting of braces, parentheses and brackets outside strings and comments."""
    depth = deepest = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(depth - 1, 0)
        elif kind == "iri":
            # An IRI's '(' or '[' might be code to a parser that reads '<' as less-than.
            deepest = max(deepest, depth + match.group().count("(") + match.group().count("["))
    return deepest


def check_bounds(text: str, kind: str = "query") -> str:
    """The text with its escapes decoded, once it is known to be small and shallow enough;
    else RequestTooComplex saying which limit it passed."""
    limit = MAX_QUERY_BYTES if kind == "query" else MAX_UPDATE_BYTES
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise RequestTooComplex(f"the {kind} is {size:,} bytes; this endpoint takes at most {limit:,}")
    decoded = decode_escapes(text)
    depth = nesting_depth(decoded)
    if depth > MAX_DEPTH:
        raise RequestTooComplex(
            f"the {kind} nests {{ ( [ {depth} deep; this endpoint takes at most {MAX_DEPTH}"
        )
    return decoded


def may_reach_remote(text: str) -> bool:
    """False only when the request cannot contain the keyword SERVICE or LOAD."""
    lowered = decode_escapes(text).lower()
    return "service" in lowered or "load" in lowered


def load_parser() -> None:
    """Import rdflib's SPARQL parser now (building its grammar takes a second), not within a
    request's time limit."""
    from rdflib.plugins.sparql import parser  # noqa: F401


def remote_targets(text: str, kind: str, prefixes: dict[str, str]) -> list[tuple[str, str | None]]:
    """Every SERVICE and LOAD in the parsed query or update, with its target IRI (None where it
    is a variable, a relative IRI or a prefix this request does not declare). Unverifiable if
    the request cannot be parsed."""
    from rdflib.plugins.sparql import parser  # imported on first need: its grammar takes a second

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # pyparsing recurses ~25 frames a nesting level
    try:
        parsed = parser.parseUpdate(text) if kind == "update" else parser.parseQuery(text)
    except Exception as error:  # noqa: BLE001 — pyparsing's errors have no common base we can name
        raise Unverifiable(
            f"the {kind} names SERVICE or LOAD, and it could not be parsed to check "
            f"where they go: {str(error).splitlines()[0][:300]}"
        ) from None
    finally:
        sys.setrecursionlimit(limit)
    found: list[tuple[str, str | None]] = []
    declared: dict[str, list[str]] = {}
    for node in _walk(parsed):
        name = getattr(node, "name", None)
        if name == "PrefixDecl":
            declared.setdefault(str(node.get("prefix") or ""), []).append(str(node["iri"]))
        elif name == "ServiceGraphPattern":
            found.append(("SERVICE", node["term"]))
        elif name == "Load":
            found.append(("LOAD", node["iri"]))
    return [(keyword, _target(term, declared, prefixes)) for keyword, term in found]


def _walk(node):
    """Every node of rdflib's parse tree (CompValues inside ParseResults and lists), depth first,
    without recursion (the tree is as deep as the request)."""
    from pyparsing import ParseResults

    stack = [node]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, dict):  # rdflib's CompValue is an OrderedDict
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, (ParseResults, list, tuple)):
            stack.extend(reversed(list(node)))


def _target(term, declared: dict[str, list[str]], prefixes: dict[str, str]) -> str | None:
    """The absolute IRI a SERVICE or LOAD target names, or None when that cannot be told for sure
    (a relative IRI is None too: BASE could point it anywhere)."""
    from rdflib.term import URIRef

    if getattr(term, "name", None) == "pname":
        prefix = str(term.get("prefix") or "")
        local = str(term.get("localname") or "")
        namespaces = declared.get(prefix) or ([prefixes[prefix]] if prefix in prefixes else [])
        iris = {namespace + local for namespace in namespaces}
        # A prefix declared twice must give the same target both times; else we cannot tell.
        iri = iris.pop() if len(iris) == 1 else None
    elif isinstance(term, URIRef):
        iri = str(term)
    else:  # a variable
        return None
    if iri is None or not urlsplit(iri).scheme:
        return None
    return iri


def check_remote_access(
    text: str, kind: str, allowed: tuple[str, ...], prefixes: dict[str, str], sandboxed: bool = False
) -> None:
    """Raise RemoteAccessRefused for every SERVICE or LOAD whose target is not allowed. A
    request that names either and cannot be parsed here is refused (Unverifiable), unless
    `sandboxed`: then it runs where no connection can be opened, and the engine's own parser
    decides (a malformed query then gets Oxigraph's message, with its position)."""
    if not may_reach_remote(text):
        return
    try:
        targets = remote_targets(text, kind, prefixes)
    except Unverifiable:
        if sandboxed:
            return
        raise
    for keyword, iri in targets:
        if iri is None or not any(iri.startswith(prefix) for prefix in allowed):
            shown = iri if iri is not None else "(a variable, relative IRI or unknown prefix)"
            raise RemoteAccessRefused(
                f"{keyword} {shown} is not allowed: this endpoint does not reach other hosts"
                + (
                    f" (allowed: {', '.join(allowed)})"
                    if allowed
                    else " (set TECHNIEKPACT_ALLOWED_SERVICES to allow some)"
                )
            )
