"""How the programmes interlock: the pacts and agendas (the national pacts, Smart Industry,
HCA ICT, Codepact, Onderwijs2032, the Human Capital Roadmap, the regional pacts and agendas …)
as a matrix of what each two of them share — partners, actions, goals.

What a programme holds, by one definition (tests/test_network.py checks the counts against
the same definition written as one SPARQL query):

* actions: actions that are part of it, contribute to it or mention it;
* goals: goals (objectives) that are part of it, contribute to it or mention it, and the
  goals its actions serve;
* partners: organisations that sign, steer, run, take part in or are mentioned by it, and the
  owners, parties and runners of its actions.

Two programmes share an item when both hold it; a cell counts the shared items.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph.namespaces import PREFIXES, entity_path
from graph.query import execute

MAX_PROGRAMMES = 40  # rows of the matrix: beyond this many, the ones that hold most are shown

TOWARDS_PLAN = ("tp:partOfPlan", "tp:contributesTo", "tp:mentions")  # an action or goal → its programme
PLAN_PARTNER = (
    "tp:signedBy",
    "tp:steeredBy",
    "tp:mentions",
    "tp:involves",
    "tp:runBy",
    "tp:responsibleMinistry",
)
ACTION_PARTNER = ("tp:owner", "tp:involves", "tp:runBy")
# Programmes that name one another (a pact's linked agendas, what it builds on): a mark in
# the matrix, beside the count.
LINKING = ("tp:linkedAgenda", "tp:buildsOn", "tp:partOfPlan", "tp:contributesTo")
TYPES = ("partners", "actions", "goals")


@dataclass
class Programme:
    iri: str
    label: str
    kind: str  # national-pact, regional-pact, agenda or regional-agenda
    items: dict  # type → set of item IRIs


def _rows(store: ox.Store, sparql: str):
    result = execute(store, sparql)
    names = [v.value for v in result.variables]
    for row in result:
        yield {n: row[n] for n in names}


def _pairs(store: ox.Store, predicates: set[str]) -> dict[str, set[tuple[str, str]]]:
    """predicate (as written here, tp:…) → its (subject, object) pairs, all in one query."""
    short = {_expand(p): p for p in predicates}
    pairs: dict[str, set] = {p: set() for p in predicates}
    values = " ".join(sorted(predicates))
    for row in _rows(
        store, f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?o FILTER(isIRI(?o)) }}"
    ):
        pairs[short[row["p"].value]].add((row["s"].value, row["o"].value))
    return pairs


def _expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local


def _members(store: ox.Store, kinds: str) -> set[str]:
    return {
        row["s"].value
        for row in _rows(store, f"SELECT DISTINCT ?s WHERE {{ VALUES ?k {{ {kinds} }} ?s a ?k }}")
    }


def _holdings(store: ox.Store) -> tuple[dict[str, dict[str, set]], set[tuple[str, str]]]:
    """programme → {partners, actions, goals: item IRIs}, and the pairs of programmes that
    name one another. Joined here from one small query a
    relation: the same joins in SPARQL took 1.6 s on the curated graph and 22 s at 100×."""
    plans, actions = _members(store, "tp:Agenda tp:Pact"), _members(store, "tp:Action")
    goals, organisations = _members(store, "tp:Objective"), _members(store, "org:Organization")
    pairs = _pairs(store, set(TOWARDS_PLAN + PLAN_PARTNER + ACTION_PARTNER + LINKING + ("tp:serves",)))
    of = lambda predicates: {pair for p in predicates for pair in pairs[p]}
    towards = [(s, o) for s, o in of(TOWARDS_PLAN) if o in plans]
    holds: dict[str, dict[str, set]] = {}
    hold = lambda plan, kind, item: holds.setdefault(plan, {t: set() for t in TYPES})[kind].add(item)
    plans_of_action: dict[str, set] = {}
    for item, plan in towards:
        if item in actions:
            hold(plan, "actions", item)
            plans_of_action.setdefault(item, set()).add(plan)
        if item in goals:
            hold(plan, "goals", item)
    for action, goal in of(("tp:serves",)):
        if goal in goals:
            for plan in plans_of_action.get(action, ()):
                hold(plan, "goals", goal)
    for plan, organisation in of(PLAN_PARTNER):
        if plan in plans and organisation in organisations:
            hold(plan, "partners", organisation)
    for action, organisation in of(ACTION_PARTNER):
        if organisation in organisations:
            for plan in plans_of_action.get(action, ()):
                hold(plan, "partners", organisation)
    links = {(a, b) for a, b in of(LINKING) if a in plans and b in plans and a != b}
    return holds, links


def _labels(store: ox.Store, iris: list[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for start in range(0, len(iris), 400):
        values = " ".join(f"<{i}>" for i in iris[start : start + 400])
        for row in _rows(
            store,
            f'SELECT ?n ?l WHERE {{ VALUES ?n {{ {values} }} ?n skos:prefLabel ?l FILTER(LANG(?l) = "nl") }}',
        ):
            labels.setdefault(row["n"].value, row["l"].value)
    return labels


def _kinds(store: ox.Store, iris: list[str]) -> dict[str, str]:
    kinds: dict[str, set] = {}
    for start in range(0, len(iris), 400):
        values = " ".join(f"<{i}>" for i in iris[start : start + 400])
        for row in _rows(store, f"SELECT ?n ?t WHERE {{ VALUES ?n {{ {values} }} ?n a ?t }}"):
            kinds.setdefault(row["n"].value, set()).add(row["t"].value.rsplit("#", 1)[-1])

    def kind(types: set) -> str:
        if "Pact" in types:
            return "regional-pact" if "RegionalPact" in types else "national-pact"
        return "regional-agenda" if "RegionalAgenda" in types else "agenda"

    return {iri: kind(types) for iri, types in kinds.items()}


KIND_ORDER = {"national-pact": 0, "agenda": 1, "regional-pact": 2, "regional-agenda": 3}
KIND_NAMES = {
    "national-pact": {"nl": "landelijk pact", "en": "national pact"},
    "agenda": {"nl": "agenda", "en": "agenda"},
    "regional-pact": {"nl": "regionaal pact", "en": "regional pact"},
    "regional-agenda": {"nl": "regionale agenda", "en": "regional agenda"},
}


def interlock(store: ox.Store, limit: int = MAX_PROGRAMMES) -> dict:
    """The matrix: programmes (rows and columns, grouped by kind), and for each two of them
    that share something or name each other a cell with the shared items by type."""
    holds, links = _holdings(store)
    linked = {frozenset(pair) for pair in links}
    # Who takes part: every programme that holds something or is named by another one.
    candidates = set(holds) | {p for pair in links for p in pair}
    total = len(candidates)
    size = lambda p: sum(len(s) for s in holds.get(p, {}).values())
    chosen = sorted(candidates, key=lambda p: (-size(p), p))[:limit]
    labels, kinds = _labels(store, chosen), _kinds(store, chosen)
    chosen.sort(key=lambda p: (KIND_ORDER[kinds.get(p, "agenda")], -size(p), labels.get(p, p)))
    programmes = [
        {
            "iri": p,
            "label": labels.get(p, p.rsplit("/", 1)[-1]),
            "kind": kinds.get(p, "agenda"),
            "href": entity_path(p),
            **{t: len(holds.get(p, {}).get(t, ())) for t in TYPES},
        }
        for p in chosen
    ]
    cells, shown = [], set()
    for i, a in enumerate(chosen):
        for j in range(i + 1, len(chosen)):
            b = chosen[j]
            shared = {
                t: sorted(holds.get(a, {}).get(t, set()) & holds.get(b, {}).get(t, set())) for t in TYPES
            }
            count = sum(len(v) for v in shared.values())
            is_linked = frozenset((a, b)) in linked
            if count or is_linked:
                cells.append({"a": i, "b": j, "count": count, "linked": is_linked, **shared})
                shown.update(x for v in shared.values() for x in v)
    item_labels = _labels(store, sorted(shown))
    items = {
        iri: {"label": item_labels.get(iri, iri.rsplit("/", 1)[-1]), "href": entity_path(iri)}
        for iri in sorted(shown)
    }
    return {
        "name": "interlock",
        "programmes": programmes,
        "cells": cells,
        "items": items,
        "total_programmes": total,
        "summarised": total > len(chosen),
        "max_count": max((c["count"] for c in cells), default=0),
        "kinds": KIND_NAMES,
    }
