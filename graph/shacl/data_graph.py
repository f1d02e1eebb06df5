"""The data graph pyshacl walks: an in-memory Oxigraph store read through pyshacl's own
Oxigraph backend, with two changes that keep validation linear (see `DataGraph`)."""

from __future__ import annotations

from collections import defaultdict

import pyoxigraph as ox
import rdflib
from pyshacl.graph_abstraction import OxigraphDataGraph
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.query import Result
from rdflib.term import Variable

from graph.terms import to_ox, to_rdflib


class DataGraph(OxigraphDataGraph):
    """The data graph pyshacl walks: an in-memory Oxigraph store with every triple in its
    default graph, read through pyshacl's own Oxigraph backend.

    Not rdflib's memory store, which takes some 1.3 kB a triple (3.1 GB at 100× the curated
    graph, 30 GB at 1000×); with Oxigraph's, validation at 100× peaks at 1.4 GB instead of
    3.0 GB (benchmarks/RESULTS.md). Two things pyshacl's backend does differently here:

    * `len()` is the number of quads, counted when triples are added. pyshacl's backend asks
      Oxigraph for COUNT(DISTINCT …), and len() of a store walks it too, and pyshacl takes
      `len(data graph)` for every result it writes: validation was quadratic (74 s instead
      of under a second on the curated graph). All triples are in the default graph, so the
      quads are the triples.
    * A SHACL-SPARQL constraint is evaluated once, not once per focus node. pyshacl runs it
      with the same text and only $this pre-bound. Every constraint in shapes/ binds $this
      in its first triple pattern and selects it, so its results for one focus node are
      exactly its results over the whole graph with ?this equal to that node: the rows are
      kept per ?this and each per-node call is answered from them. Any other query (other
      pre-bound variables, ASK, no ?this) goes to pyshacl's backend as usual.

    Give it an empty in-memory store (`DataGraph(ox.Store())`: pyshacl's constructor takes
    the store), add triples with `load_quads` or `add_triples`, which forget the kept rows,
    and describe the findings through `view()`, an rdflib graph over the same store."""

    def __init__(self, store: ox.Store):
        super().__init__(store)
        self._rows_by_this: dict = {}
        self._length = len(store)

    def __len__(self, context=None) -> int:
        return self._length

    def load_quads(self, quads) -> None:
        """Oxigraph quads (of any graph) as triples of this graph."""
        self.impl.bulk_extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
        self._changed()

    def add_triples(self, triples) -> None:
        """rdflib triples (a parsed file, a class closure)."""
        self.impl.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples])
        self._changed()

    def _changed(self) -> None:
        self._rows_by_this.clear()
        self._length = len(self.impl)  # len() of a store walks it: once per change, not per result

    def view(self) -> rdflib.Graph:
        """The same triples as a plain rdflib graph (read from the store, not copied)."""
        return rdflib.Graph(store=self.store, identifier=DATASET_DEFAULT_GRAPH_ID)

    def query(
        self,
        query_object,
        processor="sparql",
        result="sparql",
        initNs=None,
        initBindings=None,
        use_store_provided=True,
        **kwargs,
    ):
        if isinstance(query_object, str) and not initNs and initBindings and set(initBindings) == {"this"}:
            rows = self._rows_for_this(query_object)
            if rows is not None:
                answer = Result("SELECT")
                answer.vars = rows["vars"]
                answer.bindings = list(rows["by_this"].get(initBindings["this"], ()))
                return answer
        return super().query(
            query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs
        )

    def _rows_for_this(self, text: str) -> dict | None:
        """{'vars', 'by_this'} for a SELECT that selects ?this, evaluated once; None otherwise."""
        if text not in self._rows_by_this:
            rows = None
            try:
                solutions = self.impl.query(text)
            except SyntaxError:
                solutions = None  # leave it to pyshacl's backend, which reports it the way pyshacl expects
            if isinstance(solutions, ox.QuerySolutions):
                names = [v.value for v in solutions.variables]
                if "this" in names:
                    variables = [Variable(n) for n in names]
                    by_this: dict = defaultdict(list)
                    for solution in solutions:
                        binding = {
                            var: to_rdflib(solution[name])
                            for var, name in zip(variables, names)
                            if solution[name] is not None
                        }
                        by_this[binding.get(Variable("this"))].append(binding)
                    rows = {"vars": variables, "by_this": by_this}
            self._rows_by_this[text] = rows
        return self._rows_by_this[text]
