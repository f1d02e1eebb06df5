"""The store: one named graph per source, counts, idempotence, failing builds, inference."""

import shutil

import pytest

from graph.build import BuildError, build
from graph.namespaces import DATA_DIR, GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, QUERIES_GRAPH, SHAPES_GRAPH
from graph.store import graph_counts, open_store, read_version
from tests.conftest import select

DOCUMENT_GRAPHS = ["reference", "pact-2013", "actions-2013", "pact-2016", "achterhoek-2014", "inventory"]


def test_one_named_graph_per_source_document_and_for_ontology_shapes_inferred(built):
    for name in DOCUMENT_GRAPHS:
        assert built.counts.get(GRAPH + name, 0) > 100, f"graph {name} is (nearly) empty"
    assert built.counts[ONTOLOGY_GRAPH] > 500
    assert built.counts[INFERRED_GRAPH] > 100
    assert built.counts.get(QUERIES_GRAPH, 0) > 0
    assert SHAPES_GRAPH in built.counts


def test_building_twice_gives_the_same_counts(built, tmp_path):
    first = build(tmp_path / "store").counts
    second = build(tmp_path / "store").counts
    assert first == second == built.counts


def test_a_malformed_file_fails_with_file_line_and_message_and_keeps_the_previous_store(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    target = tmp_path / "store"
    build(target, data_dir=data)
    version, counts = read_version(target), graph_counts(open_store(target, read_only=True))
    broken = data / "zz-broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "unterminated ;\n')
    with pytest.raises(BuildError) as caught:
        build(target, data_dir=data)
    assert caught.value.path == broken
    assert caught.value.line == 3
    assert "zz-broken.ttl:3" in str(caught.value)
    assert read_version(target) == version
    assert graph_counts(open_store(target, read_only=True)) == counts
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name], (
        "the half-built store was left behind"
    )


def test_inference_finds_organisations_through_their_subclasses(store):
    # org/ocw is asserted only as a tp:Ministry; OWL 2 RL makes it an org:Organization.
    asserted = select(
        store,
        f"""SELECT ?t WHERE {{ GRAPH ?g {{ tpd:org\\/ocw a ?t }}
                                 FILTER(?g != <{INFERRED_GRAPH}>) }}""",
    )
    assert {r["t"] for r in asserted} == {"https://w3id.org/techniekpact/def#Ministry"}
    rows = select(store, "SELECT ?o WHERE { ?o a org:Organization }")
    found = {r["o"] for r in rows}
    assert "https://w3id.org/techniekpact/id/org/ocw" in found
    assert "https://w3id.org/techniekpact/id/landsdeel/oost" in found  # a tp:Landsdeel is a party too


def test_transitive_geography_is_materialised(store):
    rows = select(store, """SELECT ?area WHERE { tpd:province\\/overijssel tp:within ?area }""")
    assert {r["area"] for r in rows} >= {
        "https://w3id.org/techniekpact/id/landsdeel/oost",
        "https://w3id.org/techniekpact/id/area/nederland",
    }
