"""Running pyshacl (graph/shacl/run.py): each SPARQL constraint's text is checked once per run,
not once per focus node, without changing pyshacl for anyone else."""

import pyshacl.helper
import pytest
from pyshacl.errors import ValidationFailure
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from rdflib import SH

from graph.shacl.inputs import data_graph, shapes_graph
from graph.shacl.run import CheckedOnce, run_pyshacl


def test_each_constraint_text_is_checked_once_and_pyshacl_is_left_as_it_was(store, monkeypatch):
    checks, nodes = [], []
    check, pre_bind = SPARQLQueryHelper.check_invalid_sparql, SPARQLQueryHelper.pre_bind_variables

    def counted_check(self, text, valuenode=None, extravars=None):
        checks.append(text)
        return check(self, text, valuenode=valuenode, extravars=extravars)

    def counted_node(self, thisnode, *args, **kwargs):
        nodes.append(thisnode)
        return pre_bind(self, thisnode, *args, **kwargs)

    monkeypatch.setattr(SPARQLQueryHelper, "check_invalid_sparql", counted_check)
    monkeypatch.setattr(SPARQLQueryHelper, "pre_bind_variables", counted_node)
    before = pyshacl.helper.SPARQLQueryHelperCls
    shapes = shapes_graph(store)
    run_pyshacl(data_graph(store), shapes)
    constraints = list(shapes.subject_objects(SH.sparql))  # (shape, constraint): a helper each
    assert len(constraints) >= 5
    assert len(nodes) > 500  # the constraints are evaluated for hundreds of focus nodes …
    assert 0 < len(checks) <= len(constraints)  # … and each text is checked once for each shape
    assert pyshacl.helper.SPARQLQueryHelperCls is before


def test_an_invalid_constraint_is_refused_every_time():
    helper = CheckedOnce(None, None, "SELECT $this WHERE { $this ?p ?o MINUS { $this a ?c } }")
    for _ in range(2):
        with pytest.raises(ValidationFailure, match="MINUS"):
            helper.check_invalid_sparql(helper.select_text)
