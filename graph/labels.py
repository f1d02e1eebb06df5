"""Readable labels for IRIs: the Dutch skos:prefLabel, else English, else rdfs:label, else the IRI."""

from __future__ import annotations

import pyoxigraph as ox

from graph.namespaces import PREFIXES

# One branch per label property, each a lookup by subject: with the property a variable too
# (VALUES ?p), Oxigraph scans every triple and joins afterwards, seconds at 100× the data.
_LABELS = """
SELECT ?iri ?label (LANG(?label) AS ?lang) ?rank WHERE {
  VALUES ?iri { %s }
  { ?iri skos:prefLabel ?label BIND(0 AS ?rank) }
  UNION { ?iri rdfs:label ?label BIND(1 AS ?rank) }
  UNION { ?iri foaf:name ?label BIND(2 AS ?rank) }
}"""


def label_queries(iris) -> list[str]:
    """The queries that look up the labels of `iris`, 500 IRIs each."""
    iris = sorted({i for i in iris if i})
    return [
        _LABELS % " ".join(f"<{i}>" for i in iris[start : start + 500]) for start in range(0, len(iris), 500)
    ]


def best_labels(rows, lang: str = "nl") -> dict[str, str]:
    """The best label per IRI among the rows of `label_queries`."""
    best: dict[str, tuple] = {}
    for row in rows:
        iri, label, tag = row["iri"].value, row["label"].value, row["lang"].value
        rank = (int(row["rank"].value), 0 if tag == lang else 1 if tag in ("", "en") else 2, label)
        if iri not in best or rank < best[iri]:
            best[iri] = rank
    return {iri: rank[2] for iri, rank in best.items()}


def labels(store: ox.Store, iris, lang: str = "nl") -> dict[str, str]:
    """Best label per IRI, looked up in one query. IRIs without a label are left out."""
    return best_labels(
        (
            row
            for query in label_queries(iris)
            for row in store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
        ),
        lang,
    )


def compact(iri: str) -> str:
    """A prefixed name for IRIs of the known vocabularies, else the IRI."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
