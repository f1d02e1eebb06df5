"""Running pyshacl: one pass over the data graph, with no inference of its own (the store's
inferred graph is the class inference) and every SPARQL constraint's text checked once.

pyshacl checks a SPARQL constraint's text with regular expressions (no MINUS, VALUES,
SERVICE, no re-bound pre-bound variables) again for every focus node: about 0.6 ms a node for
the longest constraint in shapes/, more than the evaluation itself (the MINUS and SERVICE
expressions backtrack over the whole text from every line start). The verdict depends only on
the text and on which variables may be pre-bound, so `CheckedOnce`, a subclass of pyshacl's
query helper, keeps the texts it found valid; an invalid one still raises every time. pyshacl
0.40 makes its helpers through `pyshacl.helper.get_query_helper_cls()`, which returns the
class in `pyshacl.helper.SPARQLQueryHelperCls`: that is where the subclass is put, for the
length of a run only (`_checked_once`), and nothing of pyshacl's own is replaced."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pyshacl
import pyshacl.helper
import rdflib
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

from graph.shacl.data_graph import DataGraph


class CheckedOnce(SPARQLQueryHelper):
    """pyshacl's query helper, checking each (text, pre-bound variables) once. A helper lives
    for one constraint of one shape during one run, so what it remembers goes with it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._found_valid: set = set()

    def check_invalid_sparql(self, sparql_text, valuenode=None, extravars=None):
        key = (sparql_text, valuenode is not None, frozenset(extravars or ()))
        if key not in self._found_valid:
            super().check_invalid_sparql(sparql_text, valuenode=valuenode, extravars=extravars)
            self._found_valid.add(key)
        return True


_running = threading.Lock()  # one run at a time sets and restores the helper class


@contextmanager
def _checked_once():
    with _running:
        previous = pyshacl.helper.SPARQLQueryHelperCls
        pyshacl.helper.SPARQLQueryHelperCls = CheckedOnce
        try:
            yield
        finally:
            pyshacl.helper.SPARQLQueryHelperCls = previous


def run_pyshacl(data: DataGraph, shapes: rdflib.Graph) -> tuple[rdflib.Graph, float]:
    """The sh:ValidationReport graph, and the seconds pyshacl took."""
    started = time.perf_counter()
    with _checked_once():
        _conforms, results, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=False,
            allow_warnings=True,
            allow_infos=True,
            abort_on_first=False,
            meta_shacl=False,
            inplace=True,
        )
    return results, time.perf_counter() - started
