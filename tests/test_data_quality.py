"""The curated graph hangs together: one IRI per thing, one label per language, no
dangling references, every statement traceable to a source section."""

from tests.conftest import select

DATA_GRAPHS = """FILTER(STRSTARTS(STR(?g), "https://w3id.org/techniekpact/graph/")
  && ?g NOT IN (<https://w3id.org/techniekpact/graph/ontology>, <https://w3id.org/techniekpact/graph/shapes>,
                <https://w3id.org/techniekpact/graph/inferred>, <https://w3id.org/techniekpact/graph/queries>,
                <https://w3id.org/techniekpact/graph/meta>))"""


def test_one_preferred_label_per_language(store):
    rows = select(
        store,
        f"""
        SELECT ?s ?lang (COUNT(DISTINCT ?l) AS ?n) (GROUP_CONCAT(DISTINCT ?l; SEPARATOR=" | ") AS ?labels)
        WHERE {{ GRAPH ?g {{ ?s skos:prefLabel ?l }} {DATA_GRAPHS} }}
        GROUP BY ?s (LANG(?l) AS ?lang) HAVING (COUNT(DISTINCT ?l) > 1)""",
    )
    assert rows == [], "\n".join(f"{r['s']}: {r['labels']}" for r in rows)


def test_every_referenced_resource_is_declared(store):
    rows = select(
        store,
        f"""
        SELECT DISTINCT ?o ?p WHERE {{
          GRAPH ?g {{ ?s ?p ?o }} {DATA_GRAPHS}
          VALUES ?p {{ tp:owner tp:involves tp:runBy tp:serves tp:scope tp:within tp:partOfPlan tp:mentions
                      tp:contributesTo tp:continuedUnder tp:subActionOf tp:signedBy org:organization org:member
                      tp:steeredBy tp:actionLine tp:indicator tp:refArea tp:educationLevel tp:lifePhase qb:dataSet
                      dcterms:source dcterms:isPartOf tp:linkedAgenda tp:buildsOn tp:subgoalOf tp:addresses }}
          FILTER(STRSTARTS(STR(?o), "https://w3id.org/techniekpact/id/"))
          # declared = typed in a source graph; the inferred graph does not count
          FILTER NOT EXISTS {{ GRAPH ?d {{ ?o a ?type }} FILTER(?d != <https://w3id.org/techniekpact/graph/inferred>) }}
        }} ORDER BY ?o""",
    )
    assert rows == [], "\n".join(f"{r['o']} (via {r['p']})" for r in rows)


def test_every_typed_resource_has_a_label_and_a_source(store):
    rows = select(
        store,
        f"""
        SELECT DISTINCT ?s ?t WHERE {{
          GRAPH ?g {{ ?s a ?t }} {DATA_GRAPHS}
          FILTER(STRSTARTS(STR(?s), "https://w3id.org/techniekpact/id/"))
          FILTER(?t IN (tp:Action, tp:Initiative, tp:Goal, tp:Ambition, tp:Target, org:Membership, tp:Pact, tp:Agenda,
                        qb:Observation))
          FILTER NOT EXISTS {{ ?s dcterms:source ?src }}
        }}""",
    )
    assert rows == [], "\n".join(f"{r['s']} ({r['t']}) has no dcterms:source" for r in rows)
    unlabelled = select(
        store,
        f"""
        SELECT DISTINCT ?s WHERE {{
          GRAPH ?g {{ ?s a ?t }} {DATA_GRAPHS}
          FILTER(?t IN (tp:Initiative, tp:Goal, tp:Ambition, tp:Pact, tp:Agenda, tp:Landsdeel, tp:Person))
          FILTER NOT EXISTS {{ ?s skos:prefLabel|rdfs:label|foaf:name ?l }}
        }}""",
    )
    assert unlabelled == []
