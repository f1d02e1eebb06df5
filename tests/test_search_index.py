"""The search index finds the same hits as scoring every name (graph/search.py), on the curated graph."""

from graph import search

# Exact names, prefixes, inner words, misspellings, missing or extra spaces, accents, numbers,
# words that match nothing, and one letter (every name that has it).
QUERIES = [
    "VHTO",
    "vhot",
    "jet-net",
    "jetnet",
    "techniek",
    "techniekpact",
    "platform bèta techniek",
    "Onderwjs Cultuur Wetenschap",
    "ministerie",
    "nisterie van onder",
    "oost",
    "noord nederland",
    "2013-12a",
    "12a",
    "smart industry",
    "smartindustry",
    "human capital agenda",
    "xyzzy",
    "zz top",
    "a",
    "e",
    "onderwijs",
    "onderwjis",
    "bedrijfsleven",
    "regio",
    "ragio",
    "landsdeel zuid",
]


def test_the_index_finds_what_scoring_every_name_finds(store):
    index = search.build_index(store)
    every = list(index)  # a plain list of entries: search scores every name of every entry
    for q in QUERIES:
        assert [h.__dict__ for h in search.search(index, q)] == [
            h.__dict__ for h in search.search(every, q)
        ], q
    assert search.search(index, "VHTO")[0].iri.endswith("/org/vhto")
    # Names are scored only for entries that can match: a word of no name finds none.
    assert index.candidates("xyzzy", ["xyzzy"], {}) == set()
