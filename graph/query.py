"""Running SPARQL on the store and writing results in the standard formats."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pyoxigraph as ox

from graph import merge
from graph.namespaces import PREFIXES

# Media types of the SPARQL 1.1 result formats and the RDF formats, by short name.
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


def bind_as_values(sparql: str, substitutions: dict | None) -> str:
    """Parameter bindings ({name: term}) as a VALUES block at the start of the query's WHERE
    group. The terms are written by Oxigraph, so they cannot inject. Not Oxigraph's own
    substitution: it evaluates the pattern first and binds afterwards (actions-of-goal at
    100×: 245 ms against 2 ms), and remote servers have none; a trailing VALUES block would
    be joined last, after every FILTER, by some servers."""
    if not substitutions:
        return sparql
    names = list(substitutions)
    block = (
        " VALUES ("
        + " ".join(f"?{n.value if isinstance(n, ox.Variable) else n}" for n in names)
        + ") { ("
        + " ".join(str(substitutions[n]) for n in names)
        + ") } "
    )
    where = _first_brace(sparql)
    return sparql[: where + 1] + block + sparql[where + 1 :]


def without_comment(line: str) -> str:
    """A line of SPARQL without its comment: nothing of a comment line, else the line up to
    a '#' that no '<', '>' or quote follows (so not the '#' of an IRI or a string)."""
    if line.lstrip().startswith("#"):
        return ""
    return re.sub(r"#[^<>\"']*$", "", line)


def _first_brace(sparql: str) -> int:
    """Where the WHERE group opens: the first '{' that is not in a comment."""
    offset = 0
    for line in sparql.splitlines(keepends=True):
        code = without_comment(line)
        if "{" in code:
            return offset + code.index("{")
        offset += len(line)
    raise SyntaxError("the query has no WHERE group")


def execute(
    store: ox.Store,
    sparql: str,
    *,
    substitutions: dict | None = None,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    base_iri: str | None = None,
    graphs: list[str] | None | bool = True,
):
    """Evaluate a query over the merge of all graphs (graph/merge.py), its own FROM dataset, or
    the given one, with parameter bindings as a VALUES block (bind_as_values). `graphs`: the
    store's dataset graphs (merge.dataset_graphs) when the caller keeps them; looked up when
    not given. Raises SyntaxError."""
    sparql = bind_as_values(sparql, substitutions)
    if graphs is True:
        graphs = merge.dataset_graphs(store)
    kwargs: dict = {"prefixes": PREFIXES, "base_iri": base_iri}
    kwargs.update(merge.query_dataset(sparql, default_graphs, named_graphs, graphs))
    return store.query(sparql, **kwargs)


def result_kind(result) -> str:
    if isinstance(result, ox.QuerySolutions):
        return "select"
    if isinstance(result, ox.QueryBoolean):
        return "ask"
    return "graph"


@dataclass
class Table:
    """A SELECT result held in memory: variable names and rows of terms (None where unbound)."""

    variables: list[str]
    rows: list[list]


def to_table(result: ox.QuerySolutions, limit: int | None = None) -> Table:
    variables = [v.value for v in result.variables]
    rows = []
    for solution in result:
        if limit is not None and len(rows) >= limit:
            break
        rows.append([solution[v] for v in variables])
    return Table(variables, rows)


def term_text(term, compact: bool = True) -> str:
    """A term as a person reads it: prefixed IRI, plain literal value, or empty."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        if compact:
            for prefix, iri in PREFIXES.items():
                if term.value.startswith(iri) and prefix != "tpd":
                    return f"{prefix}:{term.value[len(iri) :]}"
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def format_text_table(table: Table) -> str:
    """A fixed-width table for the terminal."""
    cells = [[term_text(t) for t in row] for row in table.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(table.variables)]
    widths = [min(w, 80) for w in widths]
    out = io.StringIO()
    line = " | ".join(v.ljust(w) for v, w in zip(table.variables, widths))
    out.write(line.rstrip() + "\n" + "-+-".join("-" * w for w in widths) + "\n")
    for row in cells:
        out.write(" | ".join(c[:w].ljust(w) for c, w in zip(row, widths)).rstrip() + "\n")
    out.write(f"({len(cells)} row{'s' if len(cells) != 1 else ''})\n")
    return out.getvalue()


def serialize(result, fmt: str) -> bytes:
    """Serialise a query result in a SPARQL results format (SELECT/ASK) or an RDF format (graphs)."""
    if result_kind(result) == "graph":
        return result.serialize(format=GRAPH_FORMATS[fmt])
    return result.serialize(format=RESULT_FORMATS[fmt])
