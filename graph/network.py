"""Network views of the pact: who works with whom, and how goals, actions, initiatives and
agendas interlock. networkx does the analysis; `vis_data` turns the graph into vis-network data.

Every view is built by one function from SPARQL on the store and returns a `View`: the
networkx graph plus what the reader needs (title, legend, filters, analytics).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import networkx as nx
import pyoxigraph as ox
from networkx.algorithms import community

from graph.namespaces import ID, PREFIXES, entity_path
from graph.query import execute

# Kinds of node, their colour and vis-network shape. Order matters: the first kind a
# resource's types match wins.
KINDS = [
    ("landsdeel", "tp:Landsdeel", "#e07a1f", "hexagon"),
    ("ministerie", "tp:Ministry", "#7c3aed", "diamond"),
    ("topsector", "tp:Topsector", "#9d174d", "diamond"),
    ("organisatie", "org:Organization", "#2563eb", "dot"),
    ("doel", "tp:Objective", "#b91c1c", "star"),
    ("actie", "tp:Action", "#0b6e4f", "square"),
    ("initiatief", "tp:Initiative", "#d97706", "triangle"),
    ("agenda", "tp:Agenda", "#0891b2", "box"),
    ("pact", "tp:Pact", "#111827", "box"),
    ("gebied", "tp:Area", "#a16207", "hexagon"),
    ("persoon", "tp:Person", "#6b7280", "dot"),
]
KIND_OF = {PREFIXES[k.split(":")[0]] + k.split(":")[1]: name for name, k, _, _ in KINDS}
STYLE = {name: (colour, shape) for name, _, colour, shape in KINDS}
MAX_DRAWN_NODES = 600  # beyond this a view is summarised: the best-connected nodes are drawn
# vis-network took 17 s, the browser tab frozen, to lay out the 33,000 edges between the 600
# partners drawn at 100× the curated graph; beyond this many edges, the strongest are drawn.
MAX_DRAWN_EDGES = 3000

# Relations followed by the views, with the label an edge shows.
RELATIONS = {
    "tp:owner": "eigenaar", "tp:involves": "betrokken", "tp:runBy": "uitgevoerd door",
    "tp:serves": "dient", "tp:mentions": "noemt", "tp:contributesTo": "draagt bij aan",
    "tp:linkedAgenda": "verbonden met", "tp:continuedUnder": "voortgezet onder", "tp:partOfPlan": "onderdeel van",
    "tp:steeredBy": "aangestuurd door", "tp:signedBy": "ondertekend door", "tp:subActionOf": "deelactie van",
    "tp:subgoalOf": "subdoel van", "tp:scope": "reikwijdte", "tp:within": "ligt in",
    "tp:responsibleMinistry": "verantwoordelijk", "tp:buildsOn": "bouwt voort op",
    "org:subOrganizationOf": "onderdeel van", "tp:addresses": "pakt aan",
}


def _expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local


RELATION_IRIS = {_expand(c): label for c, label in RELATIONS.items()}


class UnknownView(KeyError):
    pass


@dataclass
class View:
    name: str
    title: str
    graph: nx.Graph
    description: str = ""
    filters: dict = field(default_factory=dict)
    summarised: bool = False
    total_nodes: int = 0


def _rows(store: ox.Store, sparql: str):
    result = execute(store, sparql)
    names = [v.value for v in result.variables]
    for row in result:
        yield {n: row[n] for n in names}


_DESCRIBE = {  # one small query a property: joined in one query they multiply into each other
    "label": 'SELECT ?n ?v WHERE {{ VALUES ?n {{ {values} }} ?n skos:prefLabel ?v BIND(LANG(?v) AS ?lang) '
             'FILTER(?lang = "nl") }}',
    "types": "SELECT ?n ?v WHERE {{ VALUES ?n {{ {values} }} ?n a ?v }}",
    "lines": "SELECT ?n ?v WHERE {{ VALUES ?n {{ {values} }} ?n tp:actionLine ?v }}",
    "landsdelen": "SELECT DISTINCT ?n ?v WHERE {{ VALUES ?n {{ {values} }} ?n tp:scope ?s . ?s (tp:within)? ?v . "
                  "?v a tp:Landsdeel }}",
    "graphs": "SELECT DISTINCT ?n ?v WHERE {{ VALUES ?n {{ {values} }} GRAPH ?v {{ ?n ?p ?o }} }}",
}


def _describe_nodes(store: ox.Store, graph: nx.Graph) -> None:
    """Give every node a label (nl), a kind and the landsdelen, action lines and graphs it belongs to."""
    iris = [n for n in graph.nodes if n.startswith("http")]
    found: dict = {key: {} for key in _DESCRIBE}
    for start in range(0, len(iris), 400):
        values = " ".join(f"<{i}>" for i in iris[start:start + 400])
        for key, sparql in _DESCRIBE.items():
            for row in _rows(store, sparql.format(values=values)):
                found[key].setdefault(row["n"].value, []).append(row["v"].value)
    for iri in iris:
        node = graph.nodes[iri]
        types = set(found["types"].get(iri, ()))
        kind = next((name for name, curie, _, _ in KINDS if _expand(curie) in types), "overig")
        labels = found["label"].get(iri)
        landsdelen = [iri] if iri.startswith(ID + "landsdeel/") else sorted(set(found["landsdelen"].get(iri, ())))
        node.update(label=labels[0] if labels else _short(iri), kind=kind,
                    lines=sorted(set(found["lines"].get(iri, ()))), landsdelen=landsdelen,
                    graphs=sorted(g.rsplit("/", 1)[-1] for g in set(found["graphs"].get(iri, ()))
                                  if not g.endswith(("/inferred", "/derived"))))


def _label(store: ox.Store, iri: str) -> str | None:
    """One resource's Dutch label (for a view's title)."""
    rows = _rows(store, _DESCRIBE["label"].format(values=f"<{iri}>"))
    return next((row["v"].value for row in rows), None)


def _short(iri: str) -> str:
    return iri[len(ID):] if iri.startswith(ID) else iri.rsplit("/", 1)[-1]


def _filters_sparql(var: str, line: str | None, landsdeel: str | None, document: str | None) -> str:
    """Graph patterns that keep only what ?var is for the chosen action line, landsdeel and
    document. The values are IRIs written by Oxigraph (str of a NamedNode), never raw input."""
    parts = []
    if line:
        parts.append(f"VALUES ?line {{ {ox.NamedNode(line)} }} ?{var} tp:actionLine ?line .")
    if landsdeel:
        parts.append(f"VALUES ?landsdeel {{ {ox.NamedNode(landsdeel)} }} ?{var} tp:scope ?sc . ?sc (tp:within)? ?landsdeel .")
    if document:
        parts.append(f"VALUES ?graph {{ {ox.NamedNode(document)} }} GRAPH ?graph {{ ?{var} ?anyp ?anyo }}")
    return "\n".join(parts)


def partners(store: ox.Store, line=None, landsdeel=None, document=None) -> View:
    """Organisations linked when they own, take part in or run the same action or initiative."""
    # Which organisations each action or initiative names, paired up here rather than by a
    # self-join in SPARQL: at 100× the curated graph the join took 24 s, this takes 4.
    members: dict[str, set[str]] = {}
    for row in _rows(store, f"""
        SELECT DISTINCT ?x ?a WHERE {{
          ?x (tp:owner|tp:involves|tp:runBy|tp:mentions) ?a . ?a a org:Organization .
          {_filters_sparql("x", line, landsdeel, document)}
        }}"""):
        members.setdefault(row["x"].value, set()).add(row["a"].value)
    shared: dict[tuple[str, str], int] = {}
    for organisations in members.values():
        ordered = sorted(organisations)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                shared[(a, b)] = shared.get((a, b), 0) + 1
    graph = nx.Graph()
    for (a, b), count in sorted(shared.items()):
        graph.add_edge(a, b, weight=count, relation=f"{count} gedeelde acties/initiatieven")
    return View("partners", "Partnernetwerk", graph,
                "Organisaties verbonden door acties of initiatieven waarin ze samen eigenaar, partij of uitvoerder zijn.")


def _relation_edges(store: ox.Store, graph: nx.Graph, sparql: str) -> None:
    for row in _rows(store, sparql):
        s, p, o = row["s"].value, row["p"].value, row["o"].value
        graph.add_edge(s, o, relation=RELATION_IRIS.get(p, p), predicate=p)


def programmes(store: ox.Store, line=None, landsdeel=None, document=None) -> View:
    """Goals ↔ actions ↔ initiatives ↔ agendas: how the pact's programme interlocks."""
    graph = nx.Graph()
    _relation_edges(store, graph, f"""
        SELECT ?s ?p ?o WHERE {{
          VALUES ?p {{ tp:serves tp:mentions tp:contributesTo tp:linkedAgenda tp:continuedUnder tp:subgoalOf }}
          ?s ?p ?o .
          ?s a ?sk . ?o a ?ok .
          VALUES ?sk {{ tp:Action tp:Initiative tp:Objective tp:Agenda tp:Pact }}
          VALUES ?ok {{ tp:Initiative tp:Objective tp:Agenda tp:Pact }}
          {_filters_sparql("s", line, landsdeel, document)}
        }}""")
    return View("programmes", "Programma-samenhang", graph,
                "Doelen, acties, initiatieven en agenda's (Smart Industry, HCA ICT, Codepact, Onderwijs2032 …) en hoe ze elkaar raken.")


def landsdeel(store: ox.Store, slug: str, line=None, document=None) -> View:
    """Everything that works in one landsdeel: its actions, their owners, parties and initiatives."""
    iri = f"{ID}landsdeel/{slug}"
    if not any(True for _ in store.quads_for_pattern(ox.NamedNode(iri), None, None, None)):
        raise UnknownView(f"there is no landsdeel {slug!r}")
    graph = nx.Graph()
    _relation_edges(store, graph, f"""
        SELECT ?s ?p ?o WHERE {{
          VALUES ?ld {{ {ox.NamedNode(iri)} }}
          ?s tp:scope ?scope . ?scope (tp:within)? ?ld .
          VALUES ?p {{ tp:owner tp:involves tp:mentions tp:serves tp:partOfPlan tp:contributesTo tp:runBy }}
          ?s ?p ?o . FILTER(isIRI(?o))
          {_filters_sparql("s", line, None, document)}
        }}""")
    label = _label(store, iri) or slug
    return View(f"landsdeel-{slug}", f"Landsdeel {slug.capitalize()}", graph,
                f"Acties, partijen en initiatieven met reikwijdte in landsdeel {label} of een regio daarbinnen.")


def ego(store: ox.Store, iri: str, depth: int = 1) -> View:
    """The neighbourhood of one resource, following the pact's relations both ways."""
    if not any(True for _ in store.quads_for_pattern(ox.NamedNode(iri), None, None, None)):
        raise UnknownView(f"the graph says nothing about {iri}")
    graph = nx.Graph()
    graph.add_node(iri)
    frontier = {iri}
    predicates = ", ".join(f"<{p}>" for p in RELATION_IRIS)
    for _ in range(depth):
        values = " ".join(f"<{n}>" for n in frontier)
        new = set()
        # The relations tested in a FILTER, not bound by VALUES: with both the nodes and the
        # predicates in VALUES, Oxigraph scans every triple (seconds at depth 2 and 100×).
        _relation_edges_collect = list(_rows(store, f"""
            SELECT ?s ?p ?o WHERE {{ VALUES ?n {{ {values} }}
              {{ ?n ?p ?o . BIND(?n AS ?s) }} UNION {{ ?s ?p ?n . BIND(?n AS ?o) }}
              FILTER(?p IN ({predicates}) && isIRI(?s) && isIRI(?o)) }}"""))
        for row in _relation_edges_collect:
            s, p, o = row["s"].value, row["p"].value, row["o"].value
            for n in (s, o):
                if n not in graph:
                    new.add(n)
            graph.add_edge(s, o, relation=RELATION_IRIS.get(p, p), predicate=p)
        frontier = new
        if not frontier:
            break
    graph.nodes[iri]["focus"] = True
    return View("ego", f"Ego-netwerk: {_label(store, iri) or _short(iri)}", graph,
                f"Alles wat binnen {depth} stap(pen) met deze bron verbonden is.")


def landsdelen(store: ox.Store) -> list[str]:
    return sorted(row["ld"].value.rsplit("/", 1)[-1] for row in _rows(store, "SELECT ?ld WHERE { ?ld a tp:Landsdeel }"))


def build_view(store: ox.Store, name: str, *, iri: str | None = None, depth: int = 1, line: str | None = None,
               landsdeel_iri: str | None = None, document: str | None = None) -> View:
    """The view called `name` (partners, programmes, landsdeel-<slug>, ego), filtered."""
    if name == "partners":
        view = partners(store, line, landsdeel_iri, document)
    elif name == "programmes":
        view = programmes(store, line, landsdeel_iri, document)
    elif name.startswith("landsdeel-") and re.fullmatch(r"landsdeel-[a-z]+", name):
        view = landsdeel(store, name.split("-", 1)[1], line, document)
    elif name == "ego":
        if not iri:
            raise UnknownView("the ego view needs ?iri=")
        view = ego(store, iri, max(1, min(depth, 2)))
    else:
        raise UnknownView(f"there is no view {name!r}; views: partners, programmes, ego, "
                          + ", ".join(f"landsdeel-{s}" for s in landsdelen(store)))
    view.filters = {"line": line, "landsdeel": landsdeel_iri, "document": document}
    view.total_nodes = view.graph.number_of_nodes()
    if view.total_nodes > MAX_DRAWN_NODES:
        keep = sorted(view.graph.degree, key=lambda nd: (-nd[1], nd[0]))[:MAX_DRAWN_NODES]
        view.graph = view.graph.subgraph(n for n, _ in keep).copy()
        view.summarised = True
    # Only the nodes drawn are described: at 1000× the partner view has some 180,000 nodes
    # and 600 are drawn, and describing all of them was most of the view's time.
    _describe_nodes(store, view.graph)
    return view


def analytics(view: View, top: int = 10) -> dict:
    """Centrality top lists, communities, components, and the agendas that share most actions."""
    graph = view.graph
    label = lambda n: graph.nodes[n].get("label", n)  # noqa: E731
    if graph.number_of_nodes() == 0:
        return {"nodes": 0, "edges": 0, "degree": [], "betweenness": [], "communities": [], "components": 0,
                "shared_agendas": []}
    degree = nx.degree_centrality(graph)
    k = min(graph.number_of_nodes(), 200) if graph.number_of_nodes() > 400 else None
    betweenness = nx.betweenness_centrality(graph, k=k, seed=42)
    communities = sorted(community.greedy_modularity_communities(graph, weight="weight"), key=len, reverse=True) \
        if graph.number_of_edges() else []
    agendas = [n for n, d in graph.nodes(data=True) if d.get("kind") == "agenda"]
    shared = []
    for i, a in enumerate(agendas):
        for b in agendas[i + 1:]:
            common = [n for n in set(graph[a]) & set(graph[b]) if graph.nodes[n].get("kind") == "actie"]
            if common:
                shared.append({"a": a, "a_label": label(a), "b": b, "b_label": label(b), "actions": len(common)})

    def ranked(scores):
        return [{"iri": n, "label": label(n), "kind": graph.nodes[n].get("kind"), "score": round(s, 4)}
                for n, s in sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:top]]

    return {
        "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(),
        "degree": ranked(degree), "betweenness": ranked(betweenness),
        "bridging_organisations": [r for r in ranked({n: s for n, s in betweenness.items()
                                                      if graph.nodes[n].get("kind") in ("organisatie", "ministerie", "landsdeel", "topsector")})],
        "communities": [{"size": len(c), "members": sorted(label(n) for n in c)[:12]} for c in communities[:8]],
        "components": nx.number_connected_components(graph),
        "shared_agendas": sorted(shared, key=lambda x: -x["actions"])[:top],
    }


def vis_data(view: View) -> dict:
    """Nodes and edges as vis-network's DataSets take them, plus the legend. (Written here
    rather than through pyvis.Network, whose add_edge looks through every edge it has for a
    duplicate: quadratic, seconds for a summarised view of a large graph.)"""
    degrees = dict(view.graph.degree)
    nodes = []
    for node, data in view.graph.nodes(data=True):
        kind = data.get("kind", "overig")
        colour, shape = STYLE.get(kind, ("#94a3b8", "dot"))
        nodes.append({"id": node, "label": data.get("label", node)[:60], "title": f"{data.get('label', node)} ({kind})",
                      "color": colour, "shape": shape, "size": 10 + 3 * min(degrees.get(node, 0), 15),
                      "kind": kind, "lines": data.get("lines", []), "landsdelen": data.get("landsdelen", []),
                      "graphs": data.get("graphs", []), "href": entity_path(node),
                      "borderWidth": 4 if data.get("focus") else 1})
    labelled = len(view.graph) < 80  # edge labels only where they stay readable
    edges = []
    for a, b, data in drawn_edges(view.graph):
        edge = {"from": a, "to": b, "title": data.get("relation", ""), "value": data.get("weight", 1)}
        if labelled and data.get("relation"):
            edge["label"] = data["relation"]
        edges.append(edge)
    used = {n["kind"] for n in nodes}
    legend = [{"kind": name, "colour": colour, "shape": shape} for name, _, colour, shape in KINDS if name in used]
    return {"nodes": nodes, "edges": edges, "legend": legend, "total_edges": view.graph.number_of_edges()}


def drawn_edges(graph: nx.Graph) -> list[tuple]:
    """The edges drawn: all of them up to MAX_DRAWN_EDGES; beyond, every node's strongest edge
    (so no drawn node floats free), then the strongest others up to the bound. The analytics
    count every edge; only the drawing leaves some out."""
    edges = list(graph.edges(data=True))
    if len(edges) <= MAX_DRAWN_EDGES:
        return edges
    ranked = sorted(edges, key=lambda e: (-e[2].get("weight", 1), e[0], e[1]))
    attached, strongest, others = set(), [], []
    for edge in ranked:
        if edge[0] in attached and edge[1] in attached:
            others.append(edge)
        else:
            strongest.append(edge)
            attached.update(edge[:2])
    return strongest + others[:max(0, MAX_DRAWN_EDGES - len(strongest))]
