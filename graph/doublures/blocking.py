"""Blocking: which pairs are compared at all.

Comparing every item with every other is n² (at 100× the curated graph, 47 000 items, a
billion pairs). As record linkage does, each item gets cheap keys — the stems of its names,
the rarest stems of its description, its owners and partners, its targets and goals — and
only items that share a key are compared. A key that too many items share (a ministry that is
partner in a hundred actions, a word in every second description) tells nothing and would
make the blocks quadratic again, so it is dropped ("block purging").
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from graph.doublures.features import TfIdf, stems
from graph.doublures.records import Record

MAX_BLOCK = 40  # a key shared by more items than this is dropped
RARE_WORDS = 6  # description stems per item used as keys

_ACTIONS = {"action", "sub-action", "measure"}


def comparable(x: Record, y: Record) -> bool:
    """Actions with actions (of any plan and kind), initiatives with initiatives; never an
    item and its own part."""
    if (x.kind == "initiative") != (y.kind == "initiative"):
        return False
    return x.iri not in y.parents and y.iri not in x.parents


def keys(record: Record, tfidf: TfIdf) -> set[str]:
    found = {"n:" + s for name in record.names for s in stems(name)}
    found.update("d:" + s for s in tfidf.rarest(record.iri, RARE_WORDS))
    found.update("p:" + p for p in record.parties)
    found.update("t:" + t for t in record.targets)
    found.update("g:" + g for g in record.goals)
    return found


def pairs(records: dict[str, Record], tfidf: TfIdf, continued: dict[str, set[str]]) -> set[tuple[str, str]]:
    blocks: dict[str, list[str]] = defaultdict(list)
    for iri, record in records.items():
        for key in keys(record, tfidf):
            blocks[key].append(iri)
        # continuity: carried on under a goal is a key shared with those serving it
        for goal in continued.get(iri, ()):
            blocks["g:" + goal].append(iri)
    found = set()
    for members in blocks.values():
        if len(members) > MAX_BLOCK:
            continue
        for a, b in combinations(sorted(set(members)), 2):
            found.add((a, b))
    for iri, record in records.items():  # stated links are always compared
        for other in record.related:
            if other in records and other != iri:
                found.add(tuple(sorted((iri, other))))
    return {(a, b) for a, b in found if comparable(records[a], records[b])}
