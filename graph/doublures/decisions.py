"""Coordinators' decisions on doublure candidates: same, different or related, with who and when.

Decisions are RDF (PROV-O) in their own named graph. The build makes the store anew from the
curated sources, so the decisions live OUTSIDE those sources, in a TriG file beside the store
(`var/store` → `var/store.decisions.trig`, written atomically), and the build loads that file
into every new store (graph/build.py). The file is the record; the named graph in the store is
its copy for SPARQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.atomic import write_atomically
from graph.namespaces import DEF, GRAPH, ID, PREFIXES

DECISIONS_GRAPH = GRAPH + "decisions"
VERDICTS = ("same", "different", "related")
MAX_NOTE = 2000

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_PROV = "http://www.w3.org/ns/prov#"
_SKOS_NOTE = ox.NamedNode("http://www.w3.org/2004/02/skos/core#note")
_DECISION = ox.NamedNode(DEF + "DoublureDecision")
_DECIDES = ox.NamedNode(DEF + "decides")
_VERDICT = ox.NamedNode(DEF + "verdict")
_BY = ox.NamedNode(_PROV + "wasAttributedTo")
_AT = ox.NamedNode(_PROV + "generatedAtTime")
_AGENT = ox.NamedNode(_PROV + "Agent")
_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
EXPORTS = {
    "sameAs": "http://www.w3.org/2002/07/owl#sameAs",
    "exactMatch": "http://www.w3.org/2004/02/skos/core#exactMatch",
}


@dataclass(frozen=True)
class Decision:
    a: str
    b: str
    verdict: str
    who: str  # a name the coordinator gave, or the role of the token used
    when: str  # xsd:dateTime, UTC
    note: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return pair_key(self.a, self.b)


def pair_key(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def decisions_path(store: str | Path) -> Path:
    """Beside the store, never inside it: a build replaces the store's directory."""
    store = Path(store)
    return store.with_name(store.name + ".decisions.trig")


def decision_iri(a: str, b: str) -> str:
    """One IRI per pair: deciding again replaces the earlier decision."""
    first, second = pair_key(a, b)
    return ID + "decision/" + hashlib.sha256(f"{first} {second}".encode()).hexdigest()[:16]


def _agent_iri(who: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", who.lower()).strip("-")[:60] or "anonymous"
    return ID + "agent/" + slug


def to_quads(decisions) -> list[ox.Quad]:
    graph = ox.NamedNode(DECISIONS_GRAPH)
    quads = []
    for d in decisions:
        node = ox.NamedNode(decision_iri(d.a, d.b))
        agent = ox.NamedNode(_agent_iri(d.who))
        quads += [
            ox.Quad(node, _RDF_TYPE, _DECISION, graph),
            ox.Quad(node, _DECIDES, ox.NamedNode(d.a), graph),
            ox.Quad(node, _DECIDES, ox.NamedNode(d.b), graph),
            ox.Quad(node, _VERDICT, ox.Literal(d.verdict), graph),
            ox.Quad(node, _BY, agent, graph),
            ox.Quad(agent, _RDF_TYPE, _AGENT, graph),
            ox.Quad(agent, _RDFS_LABEL, ox.Literal(d.who), graph),
            ox.Quad(node, _AT, ox.Literal(d.when, datatype=_XSD_DATETIME), graph),
        ]
        if d.note:
            quads.append(ox.Quad(node, _SKOS_NOTE, ox.Literal(d.note), graph))
    return quads


def from_quads(quads) -> dict[tuple[str, str], Decision]:
    by_node: dict[str, dict] = {}
    labels: dict[str, str] = {}
    for quad in quads:
        s, p, o = quad.subject.value, quad.predicate, quad.object
        if p == _RDFS_LABEL:
            labels[s] = o.value
            continue
        entry = by_node.setdefault(s, {"items": []})
        if p == _DECIDES:
            entry["items"].append(o.value)
        elif p == _VERDICT:
            entry["verdict"] = o.value
        elif p == _BY:
            entry["agent"] = o.value
        elif p == _AT:
            entry["when"] = o.value
        elif p == _SKOS_NOTE:
            entry["note"] = o.value
    found = {}
    for entry in by_node.values():
        if len(entry["items"]) == 2 and entry.get("verdict") in VERDICTS:
            a, b = pair_key(*entry["items"])
            who = labels.get(entry.get("agent", ""), entry.get("agent", "").rsplit("/", 1)[-1])
            found[(a, b)] = Decision(
                a, b, entry["verdict"], who, entry.get("when", ""), entry.get("note", "")
            )
    return found


def to_trig(decisions) -> bytes:
    return (
        ox.serialize(
            to_quads(sorted(decisions, key=lambda d: d.key)), format=ox.RdfFormat.TRIG, prefixes=PREFIXES
        )
        or b""
    )


def to_turtle(decisions) -> bytes:
    return (
        ox.serialize(
            [q.triple for q in to_quads(sorted(decisions, key=lambda d: d.key))],
            format=ox.RdfFormat.TURTLE,
            prefixes=PREFIXES,
        )
        or b""
    )


def links(decisions, kind: str = "sameAs") -> bytes:
    """The "same" decisions as owl:sameAs or skos:exactMatch links (Turtle), for analysts."""
    predicate = ox.NamedNode(EXPORTS[kind])
    triples = [
        ox.Triple(ox.NamedNode(d.a), predicate, ox.NamedNode(d.b))
        for d in sorted(decisions, key=lambda d: d.key)
        if d.verdict == "same"
    ]
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""


def read(path: Path) -> dict[tuple[str, str], Decision]:
    if not path.exists():
        return {}
    return from_quads(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))


def record(path: Path, decision: Decision) -> dict[tuple[str, str], Decision]:
    """Add (or replace) one decision in the file, atomically. Returns all decisions."""
    decisions = read(path)
    decisions[decision.key] = decision
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, to_trig(decisions.values()))
    return decisions


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def load_into(store: ox.Store, path: Path) -> int:
    """Put the decisions of `path` into the store's decisions graph (the build calls this on
    every new store). Returns the number of decisions."""
    decisions = read(path)
    store.extend(to_quads(decisions.values()))
    return len(decisions)
