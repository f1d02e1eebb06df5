"""Doublure candidates: pairs of actions, sub-actions, measures or initiatives that may be the
same thing, each with the evidence that says so.

`find(store)` reads the items from the store (records.py), compares the pairs that share a
cheap key (blocking.py) on several kinds of evidence (scoring.py) and returns them ranked. An
action and an initiative are of two kinds: they are a candidate only when the action's names
say it is the initiative or sets it up (embodiment.py), not when it merely uses it.
Decisions a coordinator takes on candidates are kept apart (decisions.py).

Plain code rather than a record-linkage library: recordlinkage and Splink bring pandas or
DuckDB for a few hundred items, and give a score without the words behind it, while a
coordinator must see which names matched and which description words were shared.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.doublures.blocking import cross_kind, pairs, same_initiative_pairs
from graph.doublures.embodiment import embodies
from graph.doublures.features import TfIdf, split_compounds, stems
from graph.doublures.records import KINDS, Record, read
from graph.doublures.scoring import MIN_SCORE, Candidate, score

__all__ = ["KINDS", "Candidate", "Candidates", "Record", "find"]


@dataclass
class Candidates:
    """The ranked candidates of one store version, with the items and labels they refer to."""

    ranked: list[Candidate]
    records: dict[str, Record]
    labels: dict[str, str]
    compared: int = 0  # pairs the blocking let through to scoring

    def involving(self, iri: str) -> list[Candidate]:
        return [c for c in self.ranked if iri in (c.a, c.b)]


def find(store, min_score: float = MIN_SCORE) -> Candidates:
    records, labels = read(store)
    texts = {iri: stems(" ".join(r.names) + " " + r.text) for iri, r in records.items()}
    vocabulary = {term for terms in texts.values() for term in terms}
    tfidf = TfIdf({iri: split_compounds(terms, vocabulary) for iri, terms in texts.items()})
    continued = _continued(store, records)
    initiative_names = {iri: r.names for iri, r in records.items() if r.kind == "initiative"}
    compared = pairs(records, tfidf, continued)
    # First the actions that are an initiative (the evidence an action and an initiative need to
    # meet at all), then every pair: two actions that are one initiative are a doublure too.
    embodiments, embodied = {}, {}
    for a, b in compared:
        x, y = records[a], records[b]
        if cross_kind(x, y):
            action, initiative = (y, x) if x.kind == "initiative" else (x, y)
            found = embodies(action, initiative, tfidf, vocabulary, initiative_names)
            if found is not None:  # else it only mentions, uses or supports the initiative
                embodiments[a, b] = found
                embodied.setdefault(action.iri, set()).add(initiative.iri)
    compared |= same_initiative_pairs(records, embodied)
    ranked = []
    for a, b in compared:
        x, y = records[a], records[b]
        if cross_kind(x, y) and (a, b) not in embodiments:
            continue
        candidate = score(x, y, tfidf, continued, min_score, embodiments.get((a, b)), embodied)
        if candidate is not None:
            ranked.append(candidate)
    ranked.sort(key=lambda c: (-c.score, c.a, c.b))
    return Candidates(ranked, records, labels, len(compared))


def _continued(store, records: dict[str, Record]) -> dict[str, set[str]]:
    from graph.namespaces import PREFIXES

    found: dict[str, set[str]] = {}
    for row in store.query(
        "SELECT ?x ?g WHERE { ?x tp:continuedUnder ?g }", prefixes=PREFIXES, use_default_graph_as_union=True
    ):
        if row["x"].value in records:
            found.setdefault(row["x"].value, set()).add(row["g"].value)
    return found
