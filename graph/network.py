"""Network views of the pact: who works with whom, and how goals, actions, initiatives and
agendas interlock. networkx does the analysis; `drawing_data` turns the graph into what the
page draws (Cytoscape.js).

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

# Kinds of node: Dutch and English name, colour and shape (Cytoscape.js's shape names).
# Order matters: the first kind a resource's types match wins. Every colour has a contrast of
# at least 3:1 against the white canvas (WCAG 1.4.11, graphics), checked by a test; labels
# are drawn beside the shapes in dark ink, never on them.
KINDS = [
    ("landsdeel", "tp:Landsdeel", "#c2410c", "hexagon", "landsdeel", "region (landsdeel)"),
    ("ministerie", "tp:Ministry", "#7c3aed", "diamond", "ministerie", "ministry"),
    ("topsector", "tp:Topsector", "#9d174d", "diamond", "topsector", "top sector"),
    ("organisatie", "org:Organization", "#2563eb", "ellipse", "organisatie", "organisation"),
    ("doel", "tp:Objective", "#b91c1c", "star", "doel", "goal"),
    ("actie", "tp:Action", "#0b6e4f", "rectangle", "actie", "action"),
    ("initiatief", "tp:Initiative", "#a16207", "triangle", "initiatief", "initiative"),
    ("agenda", "tp:Agenda", "#0e7490", "round-rectangle", "agenda", "agenda"),
    ("pact", "tp:Pact", "#1d2733", "round-rectangle", "pact", "pact"),
    ("gebied", "tp:Area", "#4d7c0f", "hexagon", "gebied", "area"),
    ("persoon", "tp:Person", "#5b6b7c", "ellipse", "persoon", "person"),
]
OTHER = ("overig", None, "#64748b", "ellipse", "overig", "other")
KIND_OF = {PREFIXES[k[1].split(":")[0]] + k[1].split(":")[1]: k[0] for k in KINDS}
STYLE = {k[0]: (k[2], k[3]) for k in KINDS + [OTHER]}
KIND_NAMES = {k[0]: {"nl": k[4], "en": k[5]} for k in KINDS + [OTHER]}
# Colours of the communities, the largest first (each 3:1 or more against white, as above);
# communities beyond these share the last, grey.
COMMUNITY_COLOURS = [
    "#0072b2",
    "#d55e00",
    "#008060",
    "#c0397f",
    "#7c3aed",
    "#a16207",
    "#be123c",
    "#0e7490",
    "#4d7c0f",
    "#1e3a8a",
    "#64748b",
]
MAX_DRAWN_NODES = 600  # beyond this a view is summarised: the best-connected nodes are drawn
# vis-network took 17 s, the browser tab frozen, to lay out the 33,000 edges between the 600
# partners drawn at 100× the curated graph; beyond this many edges, the strongest are drawn.
# (3,000 for vis-network; 2,000 since Cytoscape.js: five a node already reads as a hairball,
# and setting up the drawing took 1.4 s of the partner page's 3.2 s at 100×.)
MAX_DRAWN_EDGES = 2000

# Relations followed by the views, with the label an edge shows.
RELATIONS = {
    "tp:owner": "eigenaar",
    "tp:involves": "betrokken",
    "tp:runBy": "uitgevoerd door",
    "tp:serves": "dient",
    "tp:mentions": "noemt",
    "tp:contributesTo": "draagt bij aan",
    "tp:linkedAgenda": "verbonden met",
    "tp:continuedUnder": "voortgezet onder",
    "tp:partOfPlan": "onderdeel van",
    "tp:steeredBy": "aangestuurd door",
    "tp:signedBy": "ondertekend door",
    "tp:subActionOf": "deelactie van",
    "tp:subgoalOf": "subdoel van",
    "tp:scope": "reikwijdte",
    "tp:within": "ligt in",
    "tp:responsibleMinistry": "verantwoordelijk",
    "tp:buildsOn": "bouwt voort op",
    "org:subOrganizationOf": "onderdeel van",
    "tp:addresses": "pakt aan",
}


def _expand(curie: str) -> str:
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local


RELATION_IRIS = {_expand(c): label for c, label in RELATIONS.items()}
RELATIONS_EN = {
    "eigenaar": "owner",
    "betrokken": "involved",
    "uitgevoerd door": "run by",
    "dient": "serves",
    "noemt": "mentions",
    "draagt bij aan": "contributes to",
    "verbonden met": "linked with",
    "voortgezet onder": "continued under",
    "onderdeel van": "part of",
    "aangestuurd door": "steered by",
    "ondertekend door": "signed by",
    "deelactie van": "sub-action of",
    "subdoel van": "sub-goal of",
    "reikwijdte": "scope",
    "ligt in": "lies in",
    "verantwoordelijk": "responsible",
    "bouwt voort op": "builds on",
    "pakt aan": "addresses",
}


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
    title_en: str = ""
    description_en: str = ""
    _communities: list | None = None

    def communities(self) -> list[set]:
        """The drawn graph's communities (greedy modularity), the largest first; computed once
        for the analytics and the colours alike."""
        if self._communities is None:
            self._communities = (
                sorted(
                    community.greedy_modularity_communities(self.graph, weight="weight"),
                    key=lambda c: (-len(c), min(c)),
                )
                if self.graph.number_of_edges()
                else []
            )
        return self._communities


def _rows(store: ox.Store, sparql: str):
    result = execute(store, sparql)
    names = [v.value for v in result.variables]
    for row in result:
        yield {n: row[n] for n in names}


_DESCRIBE = {  # one small query a property: joined in one query they multiply into each other
    "label": "SELECT ?n ?v WHERE {{ VALUES ?n {{ {values} }} ?n skos:prefLabel ?v BIND(LANG(?v) AS ?lang) "
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
        values = " ".join(f"<{i}>" for i in iris[start : start + 400])
        for key, sparql in _DESCRIBE.items():
            for row in _rows(store, sparql.format(values=values)):
                found[key].setdefault(row["n"].value, []).append(row["v"].value)
    for iri in iris:
        node = graph.nodes[iri]
        types = set(found["types"].get(iri, ()))
        kind = next((k[0] for k in KINDS if _expand(k[1]) in types), "overig")
        labels = found["label"].get(iri)
        landsdelen = (
            [iri] if iri.startswith(ID + "landsdeel/") else sorted(set(found["landsdelen"].get(iri, ())))
        )
        node.update(
            label=labels[0] if labels else _short(iri),
            kind=kind,
            lines=sorted(set(found["lines"].get(iri, ()))),
            landsdelen=landsdelen,
            graphs=sorted(
                g.rsplit("/", 1)[-1]
                for g in set(found["graphs"].get(iri, ()))
                if not g.endswith(("/inferred", "/derived"))
            ),
        )


def _label(store: ox.Store, iri: str) -> str | None:
    """One resource's Dutch label (for a view's title)."""
    rows = _rows(store, _DESCRIBE["label"].format(values=f"<{iri}>"))
    return next((row["v"].value for row in rows), None)


def _short(iri: str) -> str:
    return iri[len(ID) :] if iri.startswith(ID) else iri.rsplit("/", 1)[-1]


def _filters_sparql(var: str, line: str | None, landsdeel: str | None, document: str | None) -> str:
    """Graph patterns that keep only what ?var is for the chosen action line, landsdeel and
    document. The values are IRIs written by Oxigraph (str of a NamedNode), never raw input."""
    parts = []
    if line:
        parts.append(f"VALUES ?line {{ {ox.NamedNode(line)} }} ?{var} tp:actionLine ?line .")
    if landsdeel:
        parts.append(
            f"VALUES ?landsdeel {{ {ox.NamedNode(landsdeel)} }} ?{var} tp:scope ?sc . ?sc (tp:within)? ?landsdeel ."
        )
    if document:
        parts.append(f"VALUES ?graph {{ {ox.NamedNode(document)} }} GRAPH ?graph {{ ?{var} ?anyp ?anyo }}")
    return "\n".join(parts)


def partners(store: ox.Store, line=None, landsdeel=None, document=None) -> View:
    """Organisations linked when they own, take part in or run the same action or initiative."""
    # Which organisations each action or initiative names, paired up here rather than by a
    # self-join in SPARQL: at 100× the curated graph the join took 24 s, this takes 4.
    members: dict[str, set[str]] = {}
    for row in _rows(
        store,
        f"""
        SELECT DISTINCT ?x ?a WHERE {{
          ?x (tp:owner|tp:involves|tp:runBy|tp:mentions) ?a . ?a a org:Organization .
          {_filters_sparql("x", line, landsdeel, document)}
        }}""",
    ):
        members.setdefault(row["x"].value, set()).add(row["a"].value)
    shared: dict[tuple[str, str], int] = {}
    for organisations in members.values():
        ordered = sorted(organisations)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                shared[(a, b)] = shared.get((a, b), 0) + 1
    graph = nx.Graph()
    for (a, b), count in sorted(shared.items()):
        graph.add_edge(
            a,
            b,
            weight=count,
            relation=f"{count} gedeelde acties/initiatieven",
            relation_en=f"{count} shared actions/initiatives",
        )
    return View(
        "partners",
        "Partnernetwerk",
        graph,
        "Organisaties verbonden door acties of initiatieven waarin ze samen eigenaar, partij of uitvoerder zijn.",
        title_en="Partner network",
        description_en="Organisations linked by the actions or initiatives they own, take part in or run together.",
    )


def _relation_edges(store: ox.Store, graph: nx.Graph, sparql: str) -> None:
    for row in _rows(store, sparql):
        s, p, o = row["s"].value, row["p"].value, row["o"].value
        graph.add_edge(s, o, relation=RELATION_IRIS.get(p, p), predicate=p)


def programmes(store: ox.Store, line=None, landsdeel=None, document=None) -> View:
    """Goals ↔ actions ↔ initiatives ↔ agendas: how the pact's programme interlocks."""
    graph = nx.Graph()
    _relation_edges(
        store,
        graph,
        f"""
        SELECT ?s ?p ?o WHERE {{
          VALUES ?p {{ tp:serves tp:mentions tp:contributesTo tp:linkedAgenda tp:continuedUnder tp:subgoalOf }}
          ?s ?p ?o .
          ?s a ?sk . ?o a ?ok .
          VALUES ?sk {{ tp:Action tp:Initiative tp:Objective tp:Agenda tp:Pact }}
          VALUES ?ok {{ tp:Initiative tp:Objective tp:Agenda tp:Pact }}
          {_filters_sparql("s", line, landsdeel, document)}
        }}""",
    )
    return View(
        "programmes",
        "Programma-samenhang",
        graph,
        "Doelen, acties, initiatieven en agenda's (Smart Industry, HCA ICT, Codepact, Onderwijs2032 …) en hoe ze elkaar raken.",
        title_en="Programme interlock",
        description_en="Goals, actions, initiatives and agendas (Smart Industry, HCA ICT, Codepact, Onderwijs2032 …) and how they touch.",
    )


def landsdeel(store: ox.Store, slug: str, line=None, document=None) -> View:
    """Everything that works in one landsdeel: its actions, their owners, parties and initiatives."""
    iri = f"{ID}landsdeel/{slug}"
    if not any(True for _ in store.quads_for_pattern(ox.NamedNode(iri), None, None, None)):
        raise UnknownView(f"there is no landsdeel {slug!r}")
    graph = nx.Graph()
    _relation_edges(
        store,
        graph,
        f"""
        SELECT ?s ?p ?o WHERE {{
          VALUES ?ld {{ {ox.NamedNode(iri)} }}
          ?s tp:scope ?scope . ?scope (tp:within)? ?ld .
          VALUES ?p {{ tp:owner tp:involves tp:mentions tp:serves tp:partOfPlan tp:contributesTo tp:runBy }}
          ?s ?p ?o . FILTER(isIRI(?o))
          {_filters_sparql("s", line, None, document)}
        }}""",
    )
    label = _label(store, iri) or f"landsdeel {slug}"
    return View(
        f"landsdeel-{slug}",
        f"Landsdeel {slug.capitalize()}",
        graph,
        f"Acties, partijen en initiatieven met reikwijdte in {label} of een regio daarbinnen.",
        title_en=f"Landsdeel {slug.capitalize()}",
        description_en=f"Actions, parties and initiatives whose scope is {label} or a region in it.",
    )


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
        _relation_edges_collect = list(
            _rows(
                store,
                f"""
            SELECT ?s ?p ?o WHERE {{ VALUES ?n {{ {values} }}
              {{ ?n ?p ?o . BIND(?n AS ?s) }} UNION {{ ?s ?p ?n . BIND(?n AS ?o) }}
              FILTER(?p IN ({predicates}) && isIRI(?s) && isIRI(?o)) }}""",
            )
        )
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
    name = _label(store, iri) or _short(iri)
    return View(
        "ego",
        f"Ego-netwerk: {name}",
        graph,
        f"Alles wat binnen {depth} stap(pen) met deze bron verbonden is.",
        title_en=f"Ego network: {name}",
        description_en=f"Everything within {depth} step{'s' if depth > 1 else ''} of this resource.",
    )


def landsdelen(store: ox.Store) -> list[str]:
    return sorted(
        row["ld"].value.rsplit("/", 1)[-1] for row in _rows(store, "SELECT ?ld WHERE { ?ld a tp:Landsdeel }")
    )


def build_view(
    store: ox.Store,
    name: str,
    *,
    iri: str | None = None,
    depth: int = 1,
    line: str | None = None,
    landsdeel_iri: str | None = None,
    document: str | None = None,
) -> View:
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
        raise UnknownView(
            f"there is no view {name!r}; views: partners, programmes, ego, "
            + ", ".join(f"landsdeel-{s}" for s in landsdelen(store))
        )
    view.filters = {"line": line, "landsdeel": landsdeel_iri, "document": document}
    view.total_nodes = view.graph.number_of_nodes()
    if view.total_nodes > MAX_DRAWN_NODES:
        view.graph = view.graph.subgraph(_drawn_nodes(view.graph)).copy()
        view.summarised = True
    # Only the nodes drawn are described: at 1000× the partner view has some 180,000 nodes
    # and 600 are drawn, and describing all of them was most of the view's time.
    _describe_nodes(store, view.graph)
    return view


def _drawn_nodes(graph: nx.Graph) -> set:
    """The nodes a large view draws: its best-connected third, then the best-connected of
    their neighbours up to MAX_DRAWN_NODES. (The 600 best-connected alone were, in the
    programme view at 100×, goals and agendas without one edge among them: their links go to
    actions, each of few links.)"""
    ranked = [n for n, _ in sorted(graph.degree, key=lambda nd: (-nd[1], nd[0]))]
    keep = set(ranked[: MAX_DRAWN_NODES // 3])
    neighbours = sorted({m for n in keep for m in graph[n]} - keep, key=lambda m: (-graph.degree(m), m))
    keep.update(neighbours[: MAX_DRAWN_NODES - len(keep)])
    keep.update([n for n in ranked if n not in keep][: MAX_DRAWN_NODES - len(keep)])
    return keep


def analytics(view: View, top: int = 10) -> dict:
    """Centrality top lists, communities, components, and the agendas that share most actions."""
    graph = view.graph
    label = lambda n: graph.nodes[n].get("label", n)
    if graph.number_of_nodes() == 0:
        return {
            "nodes": 0,
            "edges": 0,
            "degree": [],
            "betweenness": [],
            "communities": [],
            "components": 0,
            "shared_agendas": [],
        }
    degree = nx.degree_centrality(graph)
    k = min(graph.number_of_nodes(), 200) if graph.number_of_nodes() > 400 else None
    betweenness = nx.betweenness_centrality(graph, k=k, seed=42)
    communities = view.communities()
    agendas = [n for n, d in graph.nodes(data=True) if d.get("kind") == "agenda"]
    shared = []
    for i, a in enumerate(agendas):
        for b in agendas[i + 1 :]:
            common = [n for n in set(graph[a]) & set(graph[b]) if graph.nodes[n].get("kind") == "actie"]
            if common:
                shared.append(
                    {"a": a, "a_label": label(a), "b": b, "b_label": label(b), "actions": len(common)}
                )

    def ranked(scores):
        return [
            {"iri": n, "label": label(n), "kind": graph.nodes[n].get("kind"), "score": round(s, 4)}
            for n, s in sorted(scores.items(), key=lambda x: (-x[1], x[0]))[:top]
        ]

    return {
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "degree": ranked(degree),
        "betweenness": ranked(betweenness),
        "bridging_organisations": [
            r
            for r in ranked(
                {
                    n: s
                    for n, s in betweenness.items()
                    if graph.nodes[n].get("kind") in ("organisatie", "ministerie", "landsdeel", "topsector")
                }
            )
        ],
        "communities": [
            {"size": len(c), "members": sorted(label(n) for n in c)[:12]} for c in communities[:8]
        ],
        "components": nx.number_connected_components(graph),
        "shared_agendas": sorted(shared, key=lambda x: -x["actions"])[:top],
    }


def drawing_data(view: View) -> dict:
    """Nodes and edges as the page's drawing (Cytoscape.js) takes them, plus the legends.

    Each node carries its kind, its community (an index into `communities`) and its
    importance (0 for the most central; the page labels nodes in this order, as many as fit
    without overlapping at the current zoom). Edges carry their relation in both languages:
    the page shows it on hover or selection only."""
    graph = view.graph
    degrees = dict(graph.degree)
    centrality = nx.degree_centrality(graph) if len(graph) > 1 else {n: 0 for n in graph}
    ranked = sorted(graph.nodes, key=lambda n: (not graph.nodes[n].get("focus"), -centrality[n], n))
    importance = {n: i for i, n in enumerate(ranked)}
    communities = view.communities()
    community_of = {n: i for i, members in enumerate(communities) for n in members}
    nodes = []
    for node, data in graph.nodes(data=True):
        kind = data.get("kind", "overig")
        label = data.get("label", node)
        nodes.append(
            {
                "id": node,
                "label": label,
                "kind": kind,
                "community": community_of.get(node, -1),
                "importance": importance[node],
                "degree": degrees.get(node, 0),
                "lines": data.get("lines", []),
                "landsdelen": data.get("landsdelen", []),
                "graphs": data.get("graphs", []),
                "href": entity_path(node),
                "focus": bool(data.get("focus")),
            }
        )
    drawn = drawn_edges(graph)
    # The backbone a large view is laid out on: each node's two strongest drawn edges.
    by_node: dict = {}
    for i, (a, b, data) in enumerate(drawn):
        for n in (a, b):
            by_node.setdefault(n, []).append((-data.get("weight", 1), i))
    backbone = {i for ranked_edges in by_node.values() for _, i in sorted(ranked_edges)[:2]}
    edges = [
        {
            "source": a,
            "target": b,
            "relation": data.get("relation", ""),
            "relation_en": data.get("relation_en")
            or RELATIONS_EN.get(data.get("relation", ""), data.get("relation", "")),
            "weight": data.get("weight", 1),
            "backbone": i in backbone,
        }
        for i, (a, b, data) in enumerate(drawn)
    ]
    used = {n["kind"] for n in nodes}
    kinds = [
        {"kind": k[0], "nl": k[4], "en": k[5], "colour": k[2], "shape": k[3]}
        for k in KINDS + [OTHER]
        if k[0] in used
    ]
    label = lambda n: graph.nodes[n].get("label", n)
    legend_communities = []
    for i, members in enumerate(communities[: len(COMMUNITY_COLOURS) - 1]):
        central = min(members, key=lambda n: importance[n])
        legend_communities.append(
            {"index": i, "colour": COMMUNITY_COLOURS[i], "size": len(members), "around": label(central)}
        )
    if len(communities) >= len(COMMUNITY_COLOURS):
        rest = communities[len(COMMUNITY_COLOURS) - 1 :]
        legend_communities.append(
            {
                "index": len(COMMUNITY_COLOURS) - 1,
                "colour": COMMUNITY_COLOURS[-1],
                "size": sum(len(c) for c in rest),
                "around": None,
                "others": len(rest),
            }
        )
    return {
        "nodes": nodes,
        "edges": edges,
        "total_edges": graph.number_of_edges(),
        "legend": kinds,
        "communities": legend_communities,
        "community_colours": COMMUNITY_COLOURS,
        # Partners are all organisations: their communities say more than their kinds. In
        # the other views the kinds (goal, action, agenda …) are what a reader looks for.
        "colour_by": "community" if view.name == "partners" and legend_communities else "kind",
    }


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
    return strongest + others[: max(0, MAX_DRAWN_EDGES - len(strongest))]
