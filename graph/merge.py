"""The default graph that queries see: the RDF merge of every graph, each triple once.

SPARQL defines a default graph made of several graphs as their RDF merge, a set of triples.
Oxigraph's "default graph as union" (≤ 0.5.13; fixed upstream in 0.6, oxigraph#1920) and
Virtuoso repeat a triple once per graph that states it, so aggregates count it several times.
The service therefore keeps the merge itself, in a named graph of its own (`MERGE_GRAPH`):

- the build writes it last (`rebuild`), and `publish` copies it to a remote server with the rest;
- a query without a dataset of its own (no FROM / FROM NAMED, no `default-graph-uri` /
  `named-graph-uri`) runs on the dataset `query_dataset` gives: default graph = the merge, named
  graphs = every graph but the merge, so `GRAPH ?g` still tells which document said what;
- every write through the service carries its own upkeep of the merge in the same update
  request (`maintaining`), so the store never shows the merge out of step with its graphs.

The upkeep costs what the written graphs hold, not what the store holds: before the write the
triples of the graphs it can touch are copied aside (`SCRATCH_GRAPH`), after it their triples are
added to the merge and those copied aside that no graph states any more are taken out of it. Which
graphs an update can touch is read off its text (`touched_graphs`), erring on the side of too
many: a graph named by a variable, or ALL / NAMED, means "any", and the merge is then checked
whole (a scan of the store: about 0.4 s at 1×).
"""

from __future__ import annotations

import itertools
from urllib.parse import urljoin

import pyoxigraph as ox

from graph.namespaces import GRAPH, META_GRAPH, PREFIXES
from graph.update_dataset import _TOKEN, _top_level_words

MERGE_GRAPH = GRAPH + "merge"
SCRATCH_GRAPH = GRAPH + "merge-before"  # exists only inside one update request
# The service's own bookkeeping: neither in the merge nor among the graphs queries see.
SERVICE_GRAPHS = (MERGE_GRAPH, SCRATCH_GRAPH, META_GRAPH)

# Words after which an update names a graph it may write (or, for MOVE, empty).
_GRAPH_WORDS = {"GRAPH", "WITH", "INTO", "TO", "ADD", "MOVE", "COPY", "DROP", "CLEAR", "CREATE", "LOAD"}
_SKIP = {"SILENT", "GRAPH"}
# Operations that can remove a statement (COPY replaces its target, MOVE empties its source).
_REMOVING = {"DELETE", "DROP", "CLEAR", "MOVE", "COPY"}


# -- queries --------------------------------------------------------------------------------
def dataset_graphs(store) -> list[str] | None:
    """The named graphs of the dataset that queries see (every graph but the service's own),
    sorted; None when the store holds no merge. Works on a remote store too (two queries)."""
    if not bool(store.query(f"ASK {{ GRAPH <{MERGE_GRAPH}> {{ ?s ?p ?o }} }}")):
        return None
    names = (
        store.named_graphs()
        if hasattr(store, "named_graphs")
        else (row["g"] for row in store.query("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"))
    )  # Virtuoso: 7 s with DISTINCT
    return sorted(g.value for g in names if isinstance(g, ox.NamedNode) and g.value not in SERVICE_GRAPHS)


def quads(store, subject=None, predicate=None, obj=None):
    """`store.quads_for_pattern` over every graph but the service's own: each statement with the
    graph that states it, not again from the merge."""
    for quad in store.quads_for_pattern(subject, predicate, obj, None):
        if not (isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in SERVICE_GRAPHS):
            yield quad


def names_own_dataset(query: str) -> bool:
    """True when the query has FROM or FROM NAMED: then its own dataset holds."""
    return any(word == "FROM" for word, _, _ in _top_level_words(query))


def query_dataset(query: str, default_graphs, named, graphs: list[str] | None) -> dict:
    """Keyword arguments for `Store.query`: the protocol's dataset when the request gives one
    (it takes precedence over FROM, SPARQL 1.1 Protocol 2.1.4); none when the query names its
    own; else the merge as default graph and `graphs` (every graph but the merge) as the named
    ones. `graphs` None: the store has no merge (built before it existed, or loaded by other
    means), and the union of all graphs stands in for it."""
    kwargs: dict = {}
    if default_graphs or named:
        kwargs["default_graph"] = (
            [ox.NamedNode(g) for g in default_graphs]
            if default_graphs
            else ([ox.NamedNode(MERGE_GRAPH)] if graphs is not None else None)
        )
        if kwargs["default_graph"] is None:
            del kwargs["default_graph"]
            kwargs["use_default_graph_as_union"] = True
        if named:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named]
        return kwargs
    if names_own_dataset(query):
        return kwargs
    if graphs is None:
        return {"use_default_graph_as_union": True}
    # A graph the query names that the store lacks is an empty graph of the dataset, as the
    # store's own would be; Virtuoso answers GRAPH <g> for a g outside the dataset with a match.
    mentions = [(kind, iri) for kind, iri in _graph_mentions(query, None, PREFIXES) if kind != "iri"]
    if not mentions:
        # No GRAPH in the query: the named graphs cannot matter, and a dataset of a few hundred
        # of them costs a small query more than its evaluation (0.8 → 3 ms at 100×).
        return {"default_graph": ox.NamedNode(MERGE_GRAPH), "named_graphs": []}
    named_here = {iri for kind, iri in mentions if kind == "graph" and _absolute(iri)}
    names = sorted(set(graphs) | (named_here - set(SERVICE_GRAPHS)))
    return {"default_graph": ox.NamedNode(MERGE_GRAPH), "named_graphs": [ox.NamedNode(g) for g in names]}


def _absolute(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
        return ":" in iri
    except ValueError:
        return False


# -- the build --------------------------------------------------------------------------------
def rebuild(store: ox.Store, chunk: int = 500_000) -> int:
    """Write the merge from every other graph of an embedded store that is not being served (the
    build's last step): Oxigraph's bulk loader, which is not transactional, in chunks of `chunk`
    quads so that memory stays bounded at any scale; the store keeps one copy of a quad however
    often it is given. Returns the merge's size."""
    store.update(f"DROP SILENT GRAPH <{MERGE_GRAPH}>")
    merge = ox.NamedNode(MERGE_GRAPH)
    quads = (
        ox.Quad(q.subject, q.predicate, q.object, merge)
        for q in store.quads_for_pattern(None, None, None, None)
        if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in SERVICE_GRAPHS)
    )
    while batch := list(itertools.islice(quads, chunk)):
        store.bulk_extend(batch)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, merge))


# -- writes -----------------------------------------------------------------------------------
def touched_graphs(update: str, base_iri: str | None, prefixes: dict, existing: list[str]) -> set[str] | None:
    """The named graphs an update can change, or None when that cannot be told from its text
    (a graph variable, ALL, NAMED, or the service's own graphs). Over-approximated: every
    existing graph the text names anywhere, and every IRI after a word that introduces a
    written graph. The store's own default graph is always taken as touched (`maintaining`)."""
    existing_set = set(existing)
    touched: set[str] = set()
    for kind, iri in _graph_mentions(update, base_iri, prefixes):
        if kind == "any":
            return None
        if kind == "graph" or iri in existing_set:
            touched.add(iri)
    if touched & set(SERVICE_GRAPHS):
        return None
    return touched


def _graph_mentions(text: str, base_iri: str | None, prefixes: dict):
    """("graph", IRI) for each IRI after a word that introduces a graph (prefixed names and
    relative IRIs resolved), ("iri", IRI) for every other IRI, ("any", None) for a graph
    named by a variable and for ALL and NAMED."""
    known = dict(prefixes)
    base = base_iri or ""
    tokens = [
        (m.lastgroup, m.group()) for m in _TOKEN.finditer(text) if m.lastgroup not in ("string", "comment")
    ]

    def resolve(kind: str, token: str) -> str | None:
        if kind == "iri":
            return urljoin(base, token[1:-1]) if base else token[1:-1]
        if kind == "word" and ":" in token:
            prefix, _, local = token.partition(":")
            return known[prefix] + local if prefix in known else None
        return None

    for i, (kind, token) in enumerate(tokens):
        word = token.upper() if kind == "word" else None
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            known[tokens[i + 1][1].rstrip(":")] = resolve("iri", tokens[i + 2][1])
        elif word == "BASE" and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
            base = resolve("iri", tokens[i + 1][1])
        elif word in ("ALL", "NAMED"):
            yield "any", None
        elif word in _GRAPH_WORDS:
            j = i + 1
            while j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() in _SKIP:
                j += 1
            if j < len(tokens) and tokens[j][0] == "var":
                yield "any", None
            elif j < len(tokens) and (named := resolve(*tokens[j])) is not None:
                yield "graph", named
        elif (named := resolve(kind, token)) is not None:
            yield "iri", named


def maintaining(
    update: str, touched: set[str] | None, *, own_default_graph: bool = True, adds_only: bool | None = None
) -> str:
    """The update followed by the upkeep of the merge, as one request (one transaction on the
    embedded store). `touched`: the graphs the update can change (`touched_graphs`), or None
    for any. `own_default_graph`: the store has a default graph of its own that writes can reach
    (the embedded store; a remote server's is not addressable). `adds_only`: the update cannot
    remove a statement (read off its text when None), so nothing is copied aside or checked for
    removal: an INSERT DATA costs the lookups of the touched graphs' statements only."""
    if adds_only is None:
        adds_only = not any(word in _REMOVING for word, _, _ in _top_level_words(update))
    merge, scratch = f"<{MERGE_GRAPH}>", f"<{SCRATCH_GRAPH}>"
    own = ", ".join(f"<{g}>" for g in SERVICE_GRAPHS)
    elsewhere = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({own}))"
    default = "?s ?p ?o" if own_default_graph else None
    if touched is None:
        sources = f"{{ {elsewhere} }}" + (f" UNION {{ {default} }}" if default else "")
        still = f"FILTER NOT EXISTS {{ {elsewhere} }}" + (
            f" FILTER NOT EXISTS {{ {default} }}" if default else ""
        )
        before: list[str] = []
        after = [
            f"INSERT {{ GRAPH {merge} {{ ?s ?p ?o }} }} WHERE {{ {sources} "
            f"FILTER NOT EXISTS {{ GRAPH {merge} {{ ?s ?p ?o }} }} }}"
        ]
        if not adds_only:
            after.append(
                f"DELETE {{ GRAPH {merge} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {merge} {{ ?s ?p ?o }} {still} }}"
            )
    else:
        patterns = [f"GRAPH <{g}> {{ ?s ?p ?o }}" for g in sorted(touched)] + ([default] if default else [])
        copies = [f"INSERT {{ GRAPH {scratch} {{ ?s ?p ?o }} }} WHERE {{ {p} }}" for p in patterns]
        # DELETE WHERE, not DROP: Virtuoso leaves a graph that a later DROP of one request names.
        empty = f"DELETE WHERE {{ GRAPH {scratch} {{ ?s ?p ?o }} }}"
        before = [] if adds_only else [empty, *copies]
        still = f"FILTER NOT EXISTS {{ {elsewhere} }}" + (
            f" FILTER NOT EXISTS {{ {default} }}" if default else ""
        )
        # Only what the merge lacks: a read costs less than writing a quad again.
        after = [
            f"INSERT {{ GRAPH {merge} {{ ?s ?p ?o }} }} WHERE {{ {p} FILTER NOT EXISTS {{ GRAPH {merge} "
            f"{{ ?s ?p ?o }} }} }}"
            for p in patterns
        ]
        if not adds_only:
            after.append(
                f"DELETE {{ GRAPH {merge} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {scratch} {{ ?s ?p ?o }} {still} }}"
            )
            after.append(empty)
    # Before the user's operations but after its prologue (Oxigraph reads PREFIX and BASE only
    # at the start), on the same line (so the line numbers of its errors hold); after it on new
    # lines (a comment on its last line must not swallow them).
    start = _prologue_end(update)
    head = " " + " ; ".join(before) + " ; " if before else ""
    joiner = "" if _ends_open(update) else "\n;"
    return update[:start] + head + update[start:] + joiner + "\n" + " ;\n".join(after)


def _prologue_end(update: str) -> int:
    """Where the update's leading PREFIX and BASE declarations end."""
    end, expect = 0, None
    for m in _TOKEN.finditer(update):
        kind, text = m.lastgroup, m.group()
        if kind == "comment":
            continue
        if expect == "name" and kind == "word":
            expect = "iri"
        elif expect == "iri" and kind == "iri":
            expect, end = None, m.end()
        elif expect is None and kind == "word" and text.upper() in ("PREFIX", "BASE"):
            expect = "name" if text.upper() == "PREFIX" else "iri"
        else:
            break
    return end


def _ends_open(update: str) -> bool:
    """True when the update is empty or ends with ';' (outside strings, IRIs and comments), so
    that the next operation follows without another ';'."""
    masked = list(update)
    for m in _TOKEN.finditer(update):
        if m.lastgroup in ("string", "comment", "iri"):
            masked[m.start() : m.end()] = " " * (m.end() - m.start())
    rest = "".join(masked).rstrip()
    # A prologue alone (PREFIX/BASE declarations) is an empty update too.
    words = [w for w, _, _ in _top_level_words(update)]
    return not rest or rest.endswith(";") or all(w in ("PREFIX", "BASE") or w.endswith(":") for w in words)
