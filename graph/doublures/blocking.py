"""Blocking: which pairs are compared at all.

Comparing every item with every other is n² (at 100× the curated graph, 47 000 items, a
billion pairs). As record linkage does, each item gets cheap keys — the stems of its names,
the rarest stems of its description, its owners and partners, its targets and goals — and
only items that share a key are compared. A key that too many items share (a ministry that is
partner in a hundred actions, a word in every second description) tells nothing and would
make the blocks quadratic again, so it is dropped ("block purging").

Stated links are compared whatever the keys: skos:related, an action and an initiative it
mentions (tp:mentions: whether it is the initiative is embodiment.py's to tell), and two
actions that are each the same initiative.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from graph.doublures.embodiment import may_embody
from graph.doublures.features import TfIdf, stems
from graph.doublures.records import Record

MAX_BLOCK = 40  # a key shared by more items than this is dropped
RARE_WORDS = 6  # description stems per item used as keys

_ACTIONS = {"action", "sub-action", "measure"}


def cross_kind(x: Record, y: Record) -> bool:
    return (x.kind == "initiative") != (y.kind == "initiative")


def comparable(x: Record, y: Record) -> bool:
    """Actions with actions (of any plan and kind), initiatives with initiatives; never an
    item and its own part. An action meets an initiative only when it mentions it or its names
    hold the initiative's name (embodiment.py decides whether it is more than a mention)."""
    if cross_kind(x, y):
        action, initiative = (y, x) if x.kind == "initiative" else (x, y)
        return may_embody(action, initiative)
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
        mentioned = record.initiatives if record.kind != "initiative" else set()
        for other in record.related | mentioned:
            if other in records and other != iri:
                found.add(tuple(sorted((iri, other))))
    return {(a, b) for a, b in found if comparable(records[a], records[b])}


def same_initiative_pairs(records: dict[str, Record], embodied: dict[str, set[str]]) -> set[tuple[str, str]]:
    """Pairs of actions that are each the same initiative (an initiative that too many actions
    are tells nothing, as a purged block)."""
    by_initiative: dict[str, list[str]] = defaultdict(list)
    for action, initiatives in embodied.items():
        for initiative in initiatives:
            by_initiative[initiative].append(action)
    found = set()
    for members in by_initiative.values():
        if len(members) <= MAX_BLOCK:
            found.update(
                (a, b) for a, b in combinations(sorted(members), 2) if comparable(records[a], records[b])
            )
    return found
