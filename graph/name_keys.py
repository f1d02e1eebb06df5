"""Normalised names, stored once at build time, so that doublures are found by equality.

Two initiatives or actions are doublure candidates when their names are the same after
normalisation, or when one name (of at least 10 letters) is the beginning or the end of
another, a few words off. Computing that in SPARQL means normalising every label with a
chain of REPLACEs and comparing them pairwise or through computed join keys, which no engine
indexes (Virtuoso 7.2 re-evaluates the chain for every row of the other side). So the build
writes, for every tp:Action and tp:Initiative:

* `tp:nameKey` — each of its names (skos:prefLabel, skos:altLabel), normalised: lower case,
  no accents, no spaces or punctuation, 'Techniepact' read as 'Techniekpact'
  ('Jet-Net' and 'Jet Net' both give "jetnet");
* `tp:namePart` — the first and the last words of each name, cut at up to 8 word
  boundaries, normalised the same way, when they have at least 10 letters.

`queries/doublure-candidates.rq` then joins stored literals on equality, on any store.
"""

from __future__ import annotations

import re
import unicodedata

import pyoxigraph as ox

from graph.namespaces import DEF, DERIVED_GRAPH, PREFIXES

MIN_KEY = 6  # shorter names ("W&T", "ICT") say too little to pair on
MIN_PART = 10  # a part must be a name in its own right, not a common word
MAX_CUTS = 8  # word boundaries tried from each end

NAME_KEY = ox.NamedNode(DEF + "nameKey")
NAME_PART = ox.NamedNode(DEF + "namePart")


def words(label: str) -> list[str]:
    """The words of a name, lower case and without accents: 'Bèta-Techniek' → ['beta', 'techniek']."""
    text = unicodedata.normalize("NFKD", label)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("techniepact", "techniekpact")
    return re.findall(r"[a-z0-9]+", text)


def key(label: str) -> str:
    return "".join(words(label))


def parts(label: str) -> set[str]:
    """The name's first and last words, cut at up to MAX_CUTS word boundaries (not the whole)."""
    w = words(label)
    found = set()
    for cut in range(1, min(MAX_CUTS, len(w) - 1) + 1):
        found.add("".join(w[:cut]))
        found.add("".join(w[-cut:]))
    whole = "".join(w)
    return {p for p in found if len(p) >= MIN_PART and p != whole}


_NAMES = """
SELECT DISTINCT ?x ?label WHERE {
  VALUES ?kind { tp:Action tp:Initiative }
  ?x a ?kind ; skos:prefLabel|skos:altLabel ?label .
  FILTER(isIRI(?x))
}"""


def derive(store: ox.Store) -> int:
    """Write the name keys and parts of every action and initiative into the derived graph."""
    graph = ox.NamedNode(DERIVED_GRAPH)
    quads = set()
    for row in store.query(_NAMES, prefixes=PREFIXES, use_default_graph_as_union=True):
        label = row["label"].value
        name = key(label)
        if len(name) >= MIN_KEY:
            quads.add(ox.Quad(row["x"], NAME_KEY, ox.Literal(name), graph))
        for part in parts(label):
            quads.add(ox.Quad(row["x"], NAME_PART, ox.Literal(part), graph))
    # Without a transaction: the build writes into a store of its own that nobody reads until it
    # is swapped in. A transaction holds every write in memory until the commit: at 1000× the
    # curated graph, millions of quads, it passed 16 GB and half an hour.
    store.bulk_extend(quads)
    return len(quads)
