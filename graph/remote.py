"""A remote SPARQL 1.1 server as the store (Oxigraph server, Virtuoso, Fuseki, GraphDB …).

`RemoteStore` offers the part of `pyoxigraph.Store` the service uses — `query`,
`quads_for_pattern`, `update`, `flush`, `dump` — over the SPARQL 1.1 Protocol through
SPARQLWrapper. Results are parsed by Oxigraph's own result parsers, so the rest of the code
sees the same objects as with the embedded store.

No set-up of the server is needed for the default graph: the service sends every query that
names no dataset of its own with the merge it keeps as `default-graph-uri` and the other graphs
as `named-graph-uri` (graph/merge.py), so each triple counts once on any server.
"""

from __future__ import annotations

import uuid
from urllib.error import HTTPError, URLError

import pyoxigraph as ox
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from graph.namespaces import ID, META_GRAPH

VERSION_PREDICATE = "https://w3id.org/techniekpact/def#storeVersion"
DATASET = ID + "dataset"


class RemoteUnavailable(ConnectionError):
    """The remote SPARQL server cannot be reached or answered with a server error."""


def _prologue(prefixes: dict | None) -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in (prefixes or {}).items())


class RemoteStore:
    def __init__(self, query_url: str, update_url: str | None = None, timeout: float = 30.0):
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.timeout = timeout

    # -- reading ---------------------------------------------------------------------
    def _request(
        self,
        url: str,
        text: str,
        *,
        accept: str | None = None,
        default_graph=None,
        named_graphs=None,
        update: bool = False,
    ) -> bytes:
        client = SPARQLWrapper(url, updateEndpoint=url)
        client.setMethod(POST)
        client.setRequestMethod(
            URLENCODED
        )  # query= or update= form: every server takes it (Virtuoso hangs on a direct body)
        client.setTimeout(int(self.timeout))
        client.setOnlyConneg(
            True
        )  # no format=… parameters: servers read them differently (Virtuoso answers 406)
        client.setQuery(text)
        # SPARQLWrapper guesses query from update by the first keyword it finds, comments
        # included ("removes" in a comment made a SELECT a MOVE): we know which it is.
        client.queryType = "INSERT" if update else "SELECT"
        for graph in default_graph or []:
            client.addParameter("default-graph-uri", graph.value)
        for graph in named_graphs or []:
            client.addParameter("named-graph-uri", graph.value)
        if accept:
            client.addCustomHttpHeader("Accept", accept)
        try:
            return client.query().response.read()
        except HTTPError as error:
            body = error.read().decode("utf-8", "replace")[:500]
            if error.code >= 500:
                raise RemoteUnavailable(f"{url} answered {error.code}: {body}") from None
            raise SyntaxError(f"{url} rejected the request ({error.code}): {body}") from None
        except SPARQLWrapperException as error:
            text = str(error)[:600]
            if "500" in text[:40] or "EndPointInternalError" in text[:40]:
                raise RemoteUnavailable(text) from None
            raise SyntaxError(text) from None
        except (URLError, ConnectionError, TimeoutError, OSError) as error:
            raise RemoteUnavailable(f"the SPARQL server at {url} cannot be reached: {error}") from None

    def query(
        self,
        sparql: str,
        *,
        prefixes=None,
        use_default_graph_as_union=False,
        default_graph=None,
        named_graphs=None,
        base_iri=None,
    ):
        text = (f"BASE <{base_iri}>\n" if base_iri else "") + _prologue(prefixes) + sparql
        _syntax_check(lambda empty: empty.query(text), text)
        graphs = (
            default_graph if isinstance(default_graph, list) else ([default_graph] if default_graph else None)
        )
        triples = _form(sparql) == "graph"
        body = self._request(
            self.query_url,
            text,
            accept="application/n-triples" if triples else "application/sparql-results+json",
            default_graph=graphs,
            named_graphs=named_graphs,
        )
        if triples:
            return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

    def quads_for_pattern(self, subject, predicate, obj, graph_name=None):
        terms = {"s": subject, "p": predicate, "o": obj}
        pattern = " ".join(str(t) if t is not None else f"?{n}" for n, t in terms.items())
        if isinstance(graph_name, ox.DefaultGraph):
            raise NotImplementedError(
                "the remote store's own default graph is not addressable when it is the union"
            )
        where = f"GRAPH {graph_name if graph_name is not None else '?g'} {{ {pattern} }}"
        result = self.query(f"SELECT * WHERE {{ {where} }}")
        for row in result:
            yield ox.Quad(
                subject or row["s"],
                predicate or row["p"],
                obj if obj is not None else row["o"],
                graph_name if graph_name is not None else row["g"],
            )

    def dump(self, format: ox.RdfFormat, **_) -> bytes:
        return ox.serialize(self.quads_for_pattern(None, None, None), format=format)

    # -- writing ---------------------------------------------------------------------
    def update(self, sparql: str, *, prefixes=None, base_iri=None) -> None:
        """The project's prefixes and the base IRI are written as a prologue: servers have no
        other way to be given them."""
        text = (f"BASE <{base_iri}>\n" if base_iri else "") + _prologue(prefixes) + sparql
        _syntax_check(lambda empty: empty.update(text), text)
        self._request(self.update_url, text, update=True)

    def flush(self) -> None:
        """Nothing to do: the remote server persists each update itself."""

    def replace_graphs(self, graphs: dict[str, list[ox.Triple]], chunk: int = 2000) -> None:
        """Load whole graphs: drop, then insert in chunks (remote servers bound request sizes).
        Blank nodes are skolemised (RDF 1.1 §3.5): INSERT DATA may not carry them everywhere
        (Virtuoso refuses), and chunks must keep referring to the same node."""
        for graph, triples in graphs.items():
            self.update(f"DROP SILENT GRAPH <{graph}>")
            triples = [ox.Triple(_skolem(t.subject), t.predicate, _skolem(t.object)) for t in triples]
            for start in range(0, len(triples), chunk):
                body = ox.serialize(triples[start : start + chunk], format=ox.RdfFormat.N_TRIPLES).decode()
                self.update(f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}")

    # -- version ---------------------------------------------------------------------
    def read_version(self) -> str:
        rows = list(
            self.query(
                f"SELECT ?v WHERE {{ GRAPH <{META_GRAPH}> {{ <{DATASET}> <{VERSION_PREDICATE}> ?v }} }}"
            )
        )
        return rows[0]["v"].value if rows else "none"

    def write_version(self) -> str:
        version = uuid.uuid4().hex
        self.update(
            f"DROP SILENT GRAPH <{META_GRAPH}> ; "
            f'INSERT DATA {{ GRAPH <{META_GRAPH}> {{ <{DATASET}> <{VERSION_PREDICATE}> "{version}" }} }}'
        )
        return version


def _skolem(term):
    return ox.NamedNode(f"{ID}.well-known/genid/{term.value}") if isinstance(term, ox.BlankNode) else term


def _syntax_check(run, text: str) -> None:
    """Parse (and run on an empty store) before sending, so that a malformed query gets the
    same message with its position as with the embedded store, and never reaches the server."""
    try:
        run(ox.Store())
    except SyntaxError:
        raise
    except (RuntimeError, OSError):
        pass  # well-formed; what failed needs the real data or the network


def _form(sparql: str) -> str:
    """'graph' for CONSTRUCT/DESCRIBE, else 'results' (prologue and comments skipped)."""
    import re

    body = re.sub(r"#[^\n]*", " ", sparql)
    body = re.sub(r"(?is)^\s*((PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", body)
    return "graph" if re.match(r"(?i)\s*(CONSTRUCT|DESCRIBE)\b", body) else "results"
