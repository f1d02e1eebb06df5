"""Readable labels for IRIs: the Dutch skos:prefLabel, else English, else rdfs:label, else the IRI."""

from __future__ import annotations

import pyoxigraph as ox

from graph.namespaces import PREFIXES

_LABELS = """
SELECT ?iri ?label (LANG(?label) AS ?lang) ?p WHERE {
  VALUES ?iri { %s }
  VALUES ?p { skos:prefLabel rdfs:label foaf:name }
  ?iri ?p ?label .
}"""
_RANK = {"http://www.w3.org/2004/02/skos/core#prefLabel": 0, "http://www.w3.org/2000/01/rdf-schema#label": 1,
         "http://xmlns.com/foaf/0.1/name": 2}


def labels(store: ox.Store, iris, lang: str = "nl") -> dict[str, str]:
    """Best label per IRI, looked up in one query. IRIs without a label are left out."""
    iris = sorted({i for i in iris if i})
    best: dict[str, tuple] = {}
    for start in range(0, len(iris), 500):
        chunk = iris[start:start + 500]
        values = " ".join(f"<{i}>" for i in chunk)
        for row in store.query(_LABELS % values, prefixes=PREFIXES, use_default_graph_as_union=True):
            iri, label, tag, prop = row["iri"].value, row["label"].value, row["lang"].value, row["p"].value
            rank = (_RANK[prop], 0 if tag == lang else 1 if tag in ("", "en") else 2, label)
            if iri not in best or rank < best[iri]:
                best[iri] = rank
    return {iri: rank[2] for iri, rank in best.items()}


def compact(iri: str) -> str:
    """A prefixed name for IRIs of the known vocabularies, else the IRI."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri
