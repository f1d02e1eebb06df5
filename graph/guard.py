"""Keep SERVICE and LOAD from reaching arbitrary hosts.

The embedded engine would fetch any IRI a query names in SERVICE or an update names in
LOAD. The check runs on the query text after SPARQL's \\u escapes are decoded (the
grammar allows them anywhere), and refuses every SERVICE/LOAD whose target is not an IRI
starting with an allowed prefix — variables and prefixed names included.
"""

from __future__ import annotations

import re

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_REMOTE = re.compile(r"\b(SERVICE|LOAD)\b(?:\s+SILENT\b)?\s*(<[^>]*>|\S+)?", re.IGNORECASE)


class RemoteAccessRefused(PermissionError):
    """A SERVICE or LOAD to a host that is not allowed."""


def _decode(text: str) -> str:
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


# A line whose first non-blank character is '#' is a comment, or the text of a long string:
# never code, whatever follows. Only these are skipped: finding every comment and string
# needs SPARQL's own tokenizer ('<' is an IRI or less-than by context), and a mistake there
# would hide a SERVICE. A comment ends at \r as well as \n, so neither is crossed.
_COMMENT_LINE = re.compile(r"^[ \t]*#[^\r\n]*", re.MULTILINE)


def check_remote_access(text: str, allowed: tuple[str, ...] = ()) -> None:
    """Raise RemoteAccessRefused if the query or update reaches outside the allowed IRIs."""
    lowered = text.lower()
    if "service" not in lowered and "load" not in lowered and "\\u" not in lowered:
        # Neither keyword, nor an escape that could spell one: nothing to look for. Most
        # queries take this way, and the full scan costs as much as a tiny query's evaluation.
        return
    for match in _REMOTE.finditer(_decode(_COMMENT_LINE.sub("", text))):
        keyword, target = match.group(1).upper(), match.group(2) or ""
        iri = target[1:-1] if target.startswith("<") else None
        if iri is None or not any(iri.startswith(prefix) for prefix in allowed):
            shown = iri if iri is not None else (target or "(nothing)")
            raise RemoteAccessRefused(
                f"{keyword} {shown} is not allowed: this endpoint does not reach other hosts"
                + (f" (allowed: {', '.join(allowed)})" if allowed else
                   " (set TECHNIEKPACT_ALLOWED_SERVICES to allow some)"))
