"""The rdflib peer's BerkeleyDB store (benchmarks/rdflib_endpoint_peer.py), which the benchmarks
use beyond 100×: it must hold what the in-memory peer holds, or the two columns compare
different data."""

import rdflib

from benchmarks import generate
from benchmarks import rdflib_endpoint_peer as peer


def split(dataset: rdflib.Dataset) -> tuple[set, list]:
    """(quads without a blank node, quads with one), each quad with its graph's name."""
    ground, blank = set(), []
    for s, p, o, g in dataset.quads():
        quad = (s, p, o, g.identifier if hasattr(g, "identifier") else g)
        (blank.append if any(isinstance(t, rdflib.BNode) for t in (s, o)) else ground.add)(quad)
    return ground, blank


def blank_nodes(quads: list) -> int:
    return len({t for s, _, o, _ in quads for t in (s, o) if isinstance(t, rdflib.BNode)})


def described_blank_objects(quads: list) -> int:
    """Quads whose object is a blank node that is described (is a subject) in the same data."""
    subjects = {s for s, _, _, _ in quads}
    return sum(1 for _, _, o, _ in quads if isinstance(o, rdflib.BNode) and o in subjects)


def test_a_load_in_chunks_holds_what_the_in_memory_peer_parses(tmp_path, monkeypatch):
    nquads = tmp_path / "scale-1.nq"
    generate.generate(1, nquads)
    # Small chunks, so that many blank nodes are written in one chunk and described in another.
    monkeypatch.setattr(peer, "CHUNK", 97)
    figures = peer.load_berkeleydb(nquads, tmp_path / "bdb")
    assert figures == peer.loaded_figures(tmp_path / "bdb")
    assert figures["quads"] == sum(1 for _ in nquads.open("rb"))

    in_memory = rdflib.Dataset(default_union=True)
    in_memory.parse(str(nquads), format="nquads")
    on_disk = peer.open_berkeleydb(tmp_path / "bdb")
    try:
        # Blank nodes get new names in every parse, so the quads without them are compared as they
        # are, and those with them by count: a blank node split by a chunk boundary would become
        # two nodes, and a join through it would lose its rows.
        (ground, blank), (ground_in_memory, blank_in_memory) = split(on_disk), split(in_memory)
        assert ground == ground_in_memory and len(ground) > 15_000
        assert len(blank) == len(blank_in_memory) > 0
        assert blank_nodes(blank) == blank_nodes(blank_in_memory) > 0
        assert described_blank_objects(blank) == described_blank_objects(blank_in_memory) > 0
    finally:
        on_disk.close()


def test_an_unfinished_load_is_not_taken_for_a_finished_one(tmp_path):
    (tmp_path / "bdb").mkdir()
    assert peer.loaded_figures(tmp_path / "bdb") is None
