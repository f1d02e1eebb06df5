"""Finding resources by name: labels and alt labels, accent- and case-insensitive, forgiving
of small misspellings, in Dutch and English. The index is built once per store version."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

import pyoxigraph as ox

from graph.namespaces import ID, PREFIXES
from graph.query import execute

_KIND_ORDER = ["Organisatie", "Landsdeel", "Doel", "Actie", "Initiatief", "Agenda", "Pact", "Persoon", "Gebied",
               "Bron", "Begrip", "Overig"]
_KINDS = [  # (type IRI, kind shown) — the first match wins
    ("tp:Landsdeel", "Landsdeel"), ("org:Organization", "Organisatie"), ("tp:Objective", "Doel"),
    ("tp:Action", "Actie"), ("tp:Initiative", "Initiatief"), ("tp:Agenda", "Agenda"), ("tp:Pact", "Pact"),
    ("tp:Person", "Persoon"), ("tp:Area", "Gebied"), ("tp:Section", "Bron"), ("tp:SourceDocument", "Bron"),
    ("skos:Concept", "Begrip"),
]


def normalise(text: str) -> str:
    """Lower case, no accents, punctuation and hyphens as spaces: 'Bèta-Techniek' → 'beta techniek'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass
class Entry:
    iri: str
    label: str        # the preferred label shown
    names: list[str]  # normalised labels and alt labels
    kind: str


@dataclass
class Hit:
    iri: str
    label: str
    kind: str
    matched: str
    score: float


def build_index(store: ox.Store) -> list[Entry]:
    types = {PREFIXES[c.split(":")[0]] + c.split(":")[1]: kind for c, kind in _KINDS}
    rows = execute(store, f"""
        SELECT ?s ?p ?l ?t WHERE {{
          VALUES ?p {{ skos:prefLabel skos:altLabel rdfs:label foaf:name skos:notation }}
          ?s ?p ?l . FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}"))
          OPTIONAL {{ ?s a ?t }}
        }}""")
    entries: dict[str, dict] = {}
    for row in rows:
        iri, prop, label = row["s"].value, row["p"].value, row["l"].value
        entry = entries.setdefault(iri, {"names": set(), "pref": {}, "kinds": set()})
        entry["names"].add(normalise(label))
        if prop.endswith("prefLabel") or prop.endswith("#label") or prop.endswith("/name"):
            lang = getattr(row["l"], "language", None) or ""
            entry["pref"].setdefault(lang, label)
        if row["t"] is not None and row["t"].value in types:
            entry["kinds"].add(types[row["t"].value])
    index = []
    for iri, e in entries.items():
        label = e["pref"].get("nl") or e["pref"].get("") or e["pref"].get("en") or next(iter(e["pref"].values()), iri)
        kind = next((k for _, k in _KINDS if k in e["kinds"]), "Overig")
        index.append(Entry(iri, label, sorted(n for n in e["names"] if n), kind))
    return index


def _close(a: str, b: str, floor: float) -> float:
    """SequenceMatcher(None, a, b).ratio() when it is at least `floor`, else 0.0. The cheap upper
    bounds (length, then shared letters) rule most pairs out before the full comparison."""
    total = len(a) + len(b)
    if not total or 2 * min(len(a), len(b)) / total < floor:
        return 0.0
    matcher = SequenceMatcher(None, a, b)
    if matcher.quick_ratio() < floor:
        return 0.0
    ratio = matcher.ratio()
    return ratio if ratio >= floor else 0.0


def _score(query: str, tokens: list[str], name: str, seen: dict) -> float:
    """How well `name` matches; `seen` keeps the word comparisons of one search (the same words
    recur in thousands of names)."""
    if name == query:
        return 1.0
    if name.startswith(query):
        return 0.95
    words = name.split()
    if all(any(w.startswith(t) for w in words) for t in tokens):
        return 0.9
    if query in name:
        return 0.85
    # Forgive misspellings: every query word close to some word of the name. A ratio under the
    # bar counts as 0: only ratios at or over it are ever added up.
    close = []
    for t in tokens:
        best = 0.0
        for w in words:
            ratio = seen.get((t, w))
            if ratio is None:
                ratio = seen[(t, w)] = _close(t, w, 0.75)
            best = max(best, ratio)
        close.append(best)
    if close and min(close) >= 0.75:
        return 0.5 + 0.3 * (sum(close) / len(close))
    whole = _close(query, name, 0.8)
    return 0.5 + 0.3 * whole if whole else 0.0


def search(index: list[Entry], text: str, limit: int = 50) -> list[Hit]:
    query = normalise(text)
    if not query:
        return []
    tokens = query.split()
    hits, seen = [], {}
    for entry in index:
        best, matched = 0.0, ""
        for name in entry.names:
            score = _score(query, tokens, name, seen)
            if score > best:
                best, matched = score, name
        if best > 0:
            hits.append(Hit(entry.iri, entry.label, entry.kind, matched, round(best, 3)))
    hits.sort(key=lambda h: (-h.score, _KIND_ORDER.index(h.kind) if h.kind in _KIND_ORDER else 99, h.label))
    return hits[:limit]


def grouped(hits: list[Hit]) -> list[dict]:
    """Hits grouped by kind, kinds in a fixed order."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    return [{"kind": k, "hits": [h.__dict__ for h in groups[k]]}
            for k in sorted(groups, key=lambda k: _KIND_ORDER.index(k) if k in _KIND_ORDER else 99)]
