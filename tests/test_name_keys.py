"""Name keys for doublures: the build stores each action's and initiative's names normalised,
so that spelling variants meet on one key and a name inside another is found by equality."""

import pyoxigraph as ox

from graph import name_keys
from graph.namespaces import DERIVED_GRAPH, ID


def test_spelling_variants_give_one_key():
    assert name_keys.key("Jet-Net") == name_keys.key("Jet Net") == name_keys.key("JET NET") == "jetnet"
    assert name_keys.key("Techniepact Achterhoek") == name_keys.key("Techniekpact Achterhoek")
    assert name_keys.key("Bèta-Techniek") == "betatechniek"


def test_parts_are_the_first_and_last_words_of_at_least_ten_letters():
    parts = name_keys.parts("Centrum voor Innovatief Vakmanschap Automotive")
    assert "centrumvoorinnovatiefvakmanschap" in parts  # the first four words
    assert "innovatiefvakmanschapautomotive" in parts  # the last three
    assert "centrumvoorinnovatiefvakmanschapautomotive" not in parts  # the whole name is its key
    assert "automotive" in parts and "centrum" not in parts  # 10 letters at least
    assert "voorinnovatief" not in parts  # never from the middle


def test_the_build_stores_keys_and_parts_in_the_derived_graph(store):
    graph = ox.NamedNode(DERIVED_GRAPH)
    keys = {
        q.object.value
        for q in store.quads_for_pattern(
            ox.NamedNode(ID + "initiative/jet-net"), name_keys.NAME_KEY, None, graph
        )
    }
    assert "jetnet" in keys
    parts = {
        q.object.value
        for q in store.quads_for_pattern(
            ox.NamedNode(ID + "initiative/civ-automotive-helmond"), name_keys.NAME_PART, None, graph
        )
    }
    assert "centrumvoorinnovatiefvakmanschap" in parts
