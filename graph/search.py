"""Finding resources by name: labels and alt labels, accent- and case-insensitive, forgiving
of small misspellings, in Dutch and English. The index is built once per store version.

A search scores only the names that can match (`Index.candidates`), not every name: at 100×
the curated graph there are 166,000 names but under 3,000 distinct words, so the words a query
word is in, or is close to, are found in the vocabulary and lead to their names; names close
to the whole query as one string are found by the letter pairs they share with it. The
candidates are a superset of the names that score above 0, so the hits are those of scoring
every name."""

from __future__ import annotations

import bisect
import heapq
import math
import re
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox
from rapidfuzz import fuzz, process

from graph.namespaces import ID, PREFIXES
from graph.query import execute

_KIND_ORDER = [
    "Organisatie",
    "Landsdeel",
    "Doel",
    "Actie",
    "Initiatief",
    "Agenda",
    "Pact",
    "Persoon",
    "Gebied",
    "Bron",
    "Begrip",
    "Overig",
]
_KINDS = [  # (type IRI, kind shown) — the first match wins
    ("tp:Landsdeel", "Landsdeel"),
    ("org:Organization", "Organisatie"),
    ("tp:Objective", "Doel"),
    ("tp:Action", "Actie"),
    ("tp:Initiative", "Initiatief"),
    ("tp:Agenda", "Agenda"),
    ("tp:Pact", "Pact"),
    ("tp:Person", "Persoon"),
    ("tp:Area", "Gebied"),
    ("tp:Section", "Bron"),
    ("tp:SourceDocument", "Bron"),
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
    label: str  # the preferred label shown
    names: list[str]  # normalised labels and alt labels
    kind: str


@dataclass
class Hit:
    iri: str
    label: str
    kind: str
    matched: str
    score: float


def build_index(store: ox.Store) -> Index:
    types = {PREFIXES[c.split(":")[0]] + c.split(":")[1]: kind for c, kind in _KINDS}
    rows = execute(
        store,
        f"""
        SELECT ?s ?p ?l ?t WHERE {{
          VALUES ?p {{ skos:prefLabel skos:altLabel rdfs:label foaf:name skos:notation }}
          ?s ?p ?l . FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}"))
          OPTIONAL {{ ?s a ?t }}
        }}""",
    )
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
        label = (
            e["pref"].get("nl")
            or e["pref"].get("")
            or e["pref"].get("en")
            or next(iter(e["pref"].values()), iri)
        )
        kind = next((k for _, k in _KINDS if k in e["kinds"]), "Overig")
        index.append(Entry(iri, label, sorted(n for n in e["names"] if n), kind))
    return Index(index)


CLOSE_WORD = 0.75  # how alike a query word and a word of a name must be to forgive a misspelling


class Index:
    """The entries, with what finds the names a query can match without reading every name."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        ids: dict[str, int] = {}
        self.owners: list[list[int]] = []  # the entries (positions) that have each name
        for position, entry in enumerate(entries):
            for name in entry.names:
                if name not in ids:
                    ids[name] = len(ids)
                    self.owners.append([])
                self.owners[ids[name]].append(position)
        self.names = list(ids)
        self.postings: dict[str, array] = {}  # word: the names it is a word of
        self.by_length: dict[int, array] = {}  # name length: the names that long
        # (letter pair, name length): the names of that length, once per occurrence of the pair
        self.pairs: dict[tuple[str, int], array] = {}
        for k, name in enumerate(self.names):
            for word in set(name.split()):
                self.postings.setdefault(word, array("i")).append(k)
            self.by_length.setdefault(len(name), array("i")).append(k)
            for i in range(len(name) - 1):
                self.pairs.setdefault((name[i : i + 2], len(name)), array("i")).append(k)
        self.words = sorted(self.postings)
        self._ids = ids
        self._name_ids = sorted(range(len(self.names)), key=self.names.__getitem__)
        self._sorted_names = [self.names[k] for k in self._name_ids]
        # Each entry's place in the order search shows a tier in: kind, then label.
        order = sorted(range(len(entries)), key=lambda p: (_kind_rank(entries[p].kind), entries[p].label, p))
        self._rank = [0] * len(entries)
        for place, p in enumerate(order):
            self._rank[p] = place

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, query: str, tokens: list[str], seen: dict) -> set[int]:
        """The names (ids) that may score above 0 for `query`: every name that does is here.
        Fills `seen` with the word comparisons it made, as _score would."""
        # Every query word inside a word of the name: covers equal, starts with, every word a
        # prefix, and the query inside the name (its words then lie within the name's words).
        found = self.containing(tokens)
        # Every query word close to a word of the name (the misspelling rule).
        close_words = [
            {k for word, _ in self._close_words(t, seen) for k in self.postings[word]}
            for t in dict.fromkeys(tokens)
        ]
        close_words.sort(key=len)
        found |= set.intersection(*close_words) if close_words else set()
        return found | self._close_whole(query)

    def containing(self, tokens: list[str]) -> set[int]:
        """The names in which every token lies within some word."""
        return self._all_tokens(tokens, lambda t, w: t in w)

    def best_exact(self, query: str, tokens: list[str], limit: int) -> list[int] | None:
        """The positions of the entries that rank first, in index order, when at least `limit`
        entries match without misspelling (score 1.0, 0.95, 0.9 or 0.85, above any misspelled
        match): then the misspellings need not be scored. None when fewer do. The tiers are
        made best first, each only when the ones before hold fewer than `limit` entries."""
        tiers = (
            lambda: [self._ids[query]] if query in self._ids else [],  # 1.0: the name itself
            lambda: self._sorted_range(self._sorted_names, self._name_ids, query),  # 0.95: starts with it
            lambda: self._word_prefixes(tokens),  # 0.9: every word starts a word of the name
            lambda: [k for k in self.containing(tokens) if query in self.names[k]],  # 0.85: inside it
        )
        positions, reached = self._first(((self._entries_of(make()), None) for make in tiers), limit)
        return positions if reached else None

    def best_misspelt(self, query: str, token: str, limit: int, seen: dict) -> list[int]:
        """For a one-word query that fewer than `limit` entries match without misspelling: the
        positions of the entries that can rank in the first `limit`, in index order. A name
        that a close word leads to scores 0.5 + 0.3 × the closeness of its closest word, unless
        it matches without misspelling or is close as a whole (those are always kept): so the
        close words are taken closest first, and only as far as `limit` entries reach."""
        kept = set(self._entries_of(self.containing([token]) | self._close_whole(query)))
        by_score: dict[float, list[str]] = {}
        for word, ratio in self._close_words(token, seen):
            # the score a hit shows (rounded): words whose names tie there form one tier
            by_score.setdefault(round(0.5 + 0.3 * ratio, 3), []).append(word)
        tiers = (
            (self._entries_of(k for word in words for k in self.postings[word]), kept)
            for _, words in sorted(by_score.items(), reverse=True)
        )
        return sorted(kept | set(self._first(tiers, limit)[0]))

    def _first(self, tiers, limit: int) -> tuple[list[int], bool]:
        """The `limit` entries that rank first over `tiers` (sets of entry positions, best tier
        first, each with entries to leave out of it, or None), in index order, and True; every
        entry of the tiers and False when they hold fewer. Within a tier entries rank by kind,
        then label (as search sorts)."""
        chosen: set[int] = set()
        for tier, leave_out in tiers:
            tier -= chosen  # an entry ranks by its best name
            if leave_out:
                tier -= leave_out
            if len(chosen) + len(tier) < limit:
                chosen |= tier
                continue
            return sorted(
                chosen | set(heapq.nsmallest(limit - len(chosen), tier, key=self._rank.__getitem__))
            ), True
        return sorted(chosen), False

    def _close_words(self, token: str, seen: dict) -> list[tuple[str, float]]:
        """The vocabulary's words close to `token` (the misspelling rule) with their closeness,
        closest first, found by rapidfuzz in one pass over it; remembered in `seen` for _score."""
        close = [
            (word, ratio / 100)
            for word, ratio, _ in process.extract(
                token, self.words, scorer=fuzz.ratio, score_cutoff=CLOSE_WORD * 100, limit=None
            )
        ]
        for word, ratio in close:
            seen[(token, word)] = ratio
        return close

    def _entries_of(self, names) -> set[int]:
        return {p for k in names for p in self.owners[k]}

    @staticmethod
    def _sorted_range(keys: list[str], values: list[int], prefix: str) -> list[int]:
        """values[i] for the keys (sorted) that start with `prefix`."""
        return values[bisect.bisect_left(keys, prefix) : bisect.bisect_left(keys, prefix + "\U0010ffff")]

    def _word_prefixes(self, tokens: list[str]) -> set[int]:
        """The names in which every token starts some word."""
        each = []
        for t in dict.fromkeys(tokens):
            lo, hi = bisect.bisect_left(self.words, t), bisect.bisect_left(self.words, t + "\U0010ffff")
            each.append({k for word in self.words[lo:hi] for k in self.postings[word]})
        each.sort(key=len)
        return set.intersection(*each) if each else set()

    def _all_tokens(self, tokens: list[str], match) -> set[int]:
        """The names in which every token matches some word."""
        each = []
        for t in dict.fromkeys(tokens):
            names: set[int] = set()
            for w in self.words:
                if match(t, w):
                    names.update(self.postings[w])
            each.append(names)
        each.sort(key=len)
        return set.intersection(*each) if each else set()

    def _close_whole(self, query: str) -> set[int]:
        """The names that may be close to `query` as a whole (_close(query, name, 0.8) > 0).
        A ratio 2M/T of at least 0.8 (M letters of a longest common subsequence, in k blocks that
        are runs in both strings; T both lengths) leaves at
        most T - 2M unmatched letters, so k ≤ 1 + T - 2M, and the blocks share at least
        M - k ≥ 0.2·T - 1 letter pairs with the query: count the shared pairs per name."""
        floor, q = 0.8, len(query)
        lengths = [n for n in self.by_length if 2 * min(q, n) / (q + n) >= floor - 1e-9]
        need = {n: math.ceil(0.2 * (q + n) - 1 - 1e-6) for n in lengths}
        found: set[int] = set()
        shared: Counter = Counter()
        pairs = {query[i : i + 2] for i in range(q - 1)}
        for n in lengths:
            if need[n] <= 0:
                found.update(self.by_length[n])
                continue
            for pair in pairs:
                shared.update(self.pairs.get((pair, n), ()))
        found.update(k for k, count in shared.items() if count >= need[len(self.names[k])])
        return found


def _close(a: str, b: str, floor: float) -> float:
    """How alike two strings are, 2·(longest common subsequence) / (both lengths) (rapidfuzz's
    ratio: an insertion or deletion each costs one), when it is at least `floor`; else 0.0."""
    return fuzz.ratio(a, b, score_cutoff=floor * 100) / 100


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
                ratio = seen[(t, w)] = _close(t, w, CLOSE_WORD)
            best = max(best, ratio)
        close.append(best)
    if close and min(close) >= CLOSE_WORD:
        return 0.5 + 0.3 * (sum(close) / len(close))
    whole = _close(query, name, 0.8)
    return 0.5 + 0.3 * whole if whole else 0.0


def search(index: Index | list[Entry], text: str, limit: int = 50) -> list[Hit]:
    query = normalise(text)
    if not query:
        return []
    tokens = query.split()
    hits, seen = [], {}
    entries = index
    if isinstance(index, Index):  # only the entries with a name that can match, in index order
        positions = index.best_exact(query, tokens, limit)
        if positions is None and len(tokens) == 1:
            positions = index.best_misspelt(query, tokens[0], limit, seen)
        elif positions is None:
            positions = sorted({p for k in index.candidates(query, tokens, seen) for p in index.owners[k]})
        entries = [index.entries[p] for p in positions]
    for entry in entries:
        best, matched = 0.0, ""
        for name in entry.names:
            score = _score(query, tokens, name, seen)
            if score > best:
                best, matched = score, name
        if best > 0:
            hits.append(Hit(entry.iri, entry.label, entry.kind, matched, round(best, 3)))
    hits.sort(key=lambda h: (-h.score, _kind_rank(h.kind), h.label))
    return hits[:limit]


def _kind_rank(kind: str) -> int:
    return _KIND_ORDER.index(kind) if kind in _KIND_ORDER else 99


def grouped(hits: list[Hit]) -> list[dict]:
    """Hits grouped by kind, kinds in a fixed order."""
    groups: dict[str, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.kind, []).append(hit)
    return [
        {"kind": k, "hits": [h.__dict__ for h in groups[k]]}
        for k in sorted(groups, key=lambda k: _KIND_ORDER.index(k) if k in _KIND_ORDER else 99)
    ]
