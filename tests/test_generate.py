"""The scale generator (benchmarks/generate.py): N regions' worth of the curated graph's shape."""

import re

import pyoxigraph as ox
import pytest

from benchmarks import generate
from graph.namespaces import DEF, ID, PREFIXES

TYPE, LABEL, SCOPE = PREFIXES["rdf"] + "type", PREFIXES["skos"] + "prefLabel", DEF + "scope"


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    out = tmp_path_factory.mktemp("gen") / "scale-3.nq"
    written = generate.generate(3, out)
    return out, written, list(ox.parse(path=str(out), format=ox.RdfFormat.N_QUADS))


def test_every_copy_has_its_own_actions_labelled_with_its_region(three):
    _, written, quads = three
    assert written == len(quads)
    actions = {
        q.subject.value for q in quads if q.predicate.value == TYPE and q.object.value == DEF + "Action"
    }
    curated = {a for a in actions if not re.search(r"-x\d+$", a)}
    assert curated and all(f"{a}-x1" in actions and f"{a}-x2" in actions for a in curated)
    labels = [
        q.object.value
        for q in quads
        if q.predicate.value == LABEL
        and q.subject.value.endswith("-x2")
        and not q.subject.value.startswith(ID + "region/regio-x")
    ]  # not the synthetic region's own
    region_first = [l for l in labels if l.startswith("Regio 2: ") and l.endswith(" (Oost)")]
    branches = [l for l in labels if l.endswith(" (regio 2, Oost)")]
    assert len(region_first) + len(branches) == len(labels)
    assert 0.05 < len(branches) / len(labels) < 0.15, "one name in ten is a regional branch"


def test_a_copy_scopes_to_its_own_region_and_districts(three):
    _, _, quads = three
    copy_scopes = {
        q.object.value for q in quads if q.predicate.value == SCOPE and q.subject.value.endswith("-x1")
    }
    assert ID + "region/regio-x1" in copy_scopes and ID + "region/regio-x1-noord" in copy_scopes
    assert not any(s.startswith(ID + "landsdeel/") or s == ID + "area/nederland" for s in copy_scopes)
    within = {(q.subject.value, q.object.value) for q in quads if q.predicate.value == DEF + "within"}
    assert (ID + "region/regio-x1-noord", ID + "landsdeel/noord") in within


def test_the_same_seed_gives_the_same_file(three, tmp_path):
    out, _, _ = three
    again = tmp_path / "again.nq"
    generate.generate(3, again)
    assert again.read_bytes() == out.read_bytes()


def test_a_generated_graph_loads_as_a_build_loads_it(three, tmp_path):
    out, _, quads = three
    store = generate.load_store(out, tmp_path / "store")
    assert len(store) > len(quads)  # entailments, name keys and shapes added
    # an equal-name doublure of the curated data recurs in each copy, and only within it
    keys = {}
    for row in store.query("SELECT ?x ?k WHERE { GRAPH ?g { ?x <%snameKey> ?k } }" % DEF):
        keys.setdefault(row["k"].value, set()).add(row["x"].value)
    shared = [xs for xs in keys.values() if len(xs) > 1]
    assert shared
    for xs in shared:
        copies = {re.search(r"-x(\d+)$", x).group(1) if re.search(r"-x\d+$", x) else "0" for x in xs}
        assert len(copies) == 1, f"{xs} pair across copies"
