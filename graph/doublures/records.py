"""The items compared for doublures, read from the store with a few SPARQL queries.

Each query returns (item, value) pairs of one kind and is joined here, in Python, by item:
one pattern per query keeps every query a scan of one or two predicates, fast on any engine
and at any size (a single query with a dozen OPTIONALs multiplies rows per item).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from graph.namespaces import ID, PREFIXES

# The kinds a coordinator filters on. A 2016 measure is an action of the 2016 plan listed under
# one of its twelve goals (action/2016-07-1); a sub-action is a lettered part (2013-17a).
KINDS = ("action", "sub-action", "measure", "initiative")
_MEASURE = re.compile(re.escape(ID) + r"action/2016-\d\d-")

_ITEMS = """SELECT ?x ?class WHERE {
  VALUES ?class { tp:Action tp:SubAction tp:Initiative }
  ?x a ?class . FILTER(isIRI(?x)) }"""

_ITEM = "VALUES ?kind { tp:Action tp:Initiative } ?x a ?kind ."

# name: (query, what) — every query binds ?x and ?v (and ?l, a label, where the value is an IRI).
_FACETS = {
    # Every kind of resource has a name and a source: these two are asked of the items only (at
    # 100× the curated graph, half the rows).
    "pref": "SELECT ?x ?v WHERE { %s ?x skos:prefLabel ?v FILTER(LANG(?v) = 'nl' || LANG(?v) = '') }" % _ITEM,
    "alt": "SELECT ?x ?v WHERE { ?x skos:altLabel ?v }",
    "text": """SELECT ?x ?v WHERE { { ?x dcterms:description ?v } UNION { ?x tp:stateOfAffairs ?v }
               UNION { ?x tp:targetGroup ?v } FILTER(LANG(?v) = 'nl' || LANG(?v) = '') }""",
    "owners": "SELECT ?x ?v WHERE { { ?x tp:owner ?v } UNION { ?x tp:runBy ?v } }",
    "partners": "SELECT ?x ?v WHERE { { ?x tp:involves ?v } UNION { ?x tp:mentions ?v . ?v a org:Organization } }",
    "initiatives": "SELECT ?x ?v WHERE { ?x tp:mentions ?v . ?v a tp:Initiative }",
    "goals": "SELECT ?x ?v WHERE { { ?x tp:serves ?v } UNION { ?x tp:continuedUnder ?v } }",
    "lines": "SELECT ?x ?v WHERE { ?x tp:actionLine ?v }",
    "targets": "SELECT ?x ?v WHERE { { ?x tp:hasTarget ?v } UNION { ?x tp:hasTarget/tp:indicator ?v } }",
    "areas": "SELECT ?x ?v WHERE { ?x tp:scope ?v }",
    "landsdelen": """SELECT ?x ?v WHERE { { ?x tp:scope ?v } UNION { ?x tp:scope/tp:within ?v }
                     ?v a tp:Landsdeel }""",
    "plans": "SELECT ?x ?v WHERE { ?x tp:partOfPlan ?v }",
    "years": """SELECT ?x ?v WHERE { ?x tp:timeline ?i . { ?i time:hasBeginning ?t } UNION { ?i time:hasEnd ?t }
                ?t time:inXSDgYear ?v }""",
    "related": "SELECT ?x ?v WHERE { { ?x skos:related ?v } UNION { ?v skos:related ?x } }",
    "parents": "SELECT ?x ?v WHERE { ?x tp:subActionOf|dcterms:isPartOf ?v }",
    "sections": "SELECT ?x ?v WHERE { %s ?x dcterms:source ?v }" % _ITEM,
    "section_doc": "SELECT ?x ?v WHERE { ?x a tp:Section ; dcterms:isPartOf+ ?v . ?v a tp:SourceDocument }",
}

_LABELS = """SELECT ?x ?v WHERE { VALUES ?c { org:Organization tp:Objective tp:Area tp:Plan tp:Target
  tp:Indicator tp:Source skos:Concept } ?x a ?c ; skos:prefLabel|rdfs:label ?v FILTER(LANG(?v) = 'nl' || LANG(?v) = '') }"""


@dataclass
class Record:
    iri: str
    kind: str
    names: list[str] = field(default_factory=list)  # prefLabel first, then altLabels
    text: str = ""  # description, state of affairs, target group
    owners: set[str] = field(default_factory=set)
    partners: set[str] = field(default_factory=set)  # involved and mentioned organisations
    initiatives: set[str] = field(default_factory=set)  # initiatives it mentions
    goals: set[str] = field(default_factory=set)
    lines: set[str] = field(default_factory=set)
    targets: set[str] = field(default_factory=set)  # targets and their indicators
    areas: set[str] = field(default_factory=set)
    landsdelen: set[str] = field(default_factory=set)
    plans: set[str] = field(default_factory=set)
    years: tuple[int, int] | None = None
    related: set[str] = field(default_factory=set)
    parents: set[str] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return self.names[0] if self.names else self.iri.rsplit("/", 1)[-1]

    parties: set[str] = field(default_factory=set)  # owners and partners, made once in read()


def _pairs(store, sparql: str):
    for row in store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True):
        yield row["x"].value, row["v"].value


def read(store) -> tuple[dict[str, Record], dict[str, str]]:
    """Every action, sub-action, measure and initiative, and the labels of what they point to."""
    classes = defaultdict(set)
    for row in store.query(_ITEMS, prefixes=PREFIXES, use_default_graph_as_union=True):
        classes[row["x"].value].add(row["class"].value.rsplit("#", 1)[-1])
    records = {}
    for iri, found in classes.items():
        if "Initiative" in found:
            kind = "initiative"
        elif "SubAction" in found:
            kind = "sub-action"
        else:
            kind = "measure" if _MEASURE.match(iri) else "action"
        records[iri] = Record(iri, kind)
    facets = {name: defaultdict(set) for name in _FACETS}
    for name, sparql in _FACETS.items():
        for x, v in _pairs(store, sparql):
            if name == "section_doc" or x in records:
                facets[name][x].add(v)
    for iri, record in records.items():
        record.names = sorted(facets["pref"].get(iri, ()))[:1] + sorted(
            facets["alt"].get(iri, set()) - facets["pref"].get(iri, set())
        )
        record.text = " ".join(sorted(facets["text"].get(iri, ())))
        for name in (
            "owners",
            "partners",
            "initiatives",
            "goals",
            "lines",
            "targets",
            "areas",
            "landsdelen",
            "plans",
            "related",
            "parents",
            "sections",
        ):
            setattr(record, name, facets[name].get(iri, set()))
        record.partners -= record.owners
        record.parties = record.owners | record.partners
        years = sorted(int(y[:4]) for y in facets["years"].get(iri, ()) if y[:4].isdigit())
        record.years = (years[0], years[-1]) if years else None
        record.documents = {doc for s in record.sections for doc in facets["section_doc"].get(s, {s})}
    labels = dict(_pairs(store, _LABELS))
    labels.update({iri: r.name for iri, r in records.items()})
    return records, labels
