"""Graph content III (issue 28): facts that lived only in notes, identity and labels, links
across documents. Each test pins what a document says, on the built store."""

import re

import pytest

from tests.conftest import select

ID = "https://w3id.org/techniekpact/id/"
OUTSIDE = "https://w3id.org/techniekpact/graph/outside-knowledge"


def values(store, sparql, var):
    return {r[var] for r in select(store, sparql)}


def iri(path):
    return f"<{ID}{path}>"


# -- 1. Facts that lived only in notes ----------------------------------------------------


@pytest.mark.parametrize(
    "action, group",
    [
        ("7a", "werkgevers"),
        ("7b", "sociale-partners"),
        ("7c", "werkgevers"),
        ("7d", "werkgevers"),
        ("17a", "werkgevers"),
        ("17c", "sociale-partners"),
        ("21b", "sociale-partners"),
        ("4", "regios"),
        ("23", "regios"),
        ("20b", "topsectoren"),
    ],
)
def test_a_group_named_as_initiator_is_the_owner_group_not_an_organisation(store, action, group):
    a = iri("action/2013-" + action)
    assert values(store, f"SELECT ?g WHERE {{ {a} tp:ownerGroup ?g }}", "g") == {
        ID + "concept/partij/" + group
    }
    assert not select(store, f"SELECT ?o WHERE {{ {a} tp:owner ?o }}")
    assert ID + "concept/scheme/partijgroepen" in values(
        store, f"SELECT ?s WHERE {{ {iri('concept/partij/' + group)} skos:inScheme ?s }}", "s"
    )


def test_an_organisation_and_a_group_together_keep_both(store):
    a = iri("action/2013-18")
    assert values(store, f"SELECT ?o WHERE {{ {a} tp:owner ?o }}", "o") == {ID + "org/vereniging-hogescholen"}
    assert values(store, f"SELECT ?g WHERE {{ {a} tp:ownerGroup ?g }}", "g") == {
        ID + "concept/partij/technische-werkgevers"
    }


def test_an_empty_initiator_cell_is_told_apart_from_a_group(store):
    empty = values(store, "SELECT ?a WHERE { ?a tp:initiatorStated false }", "a")
    assert empty == {ID + "action/2013-10" + s for s in ["", "a", "b", "c", "d"]}
    both = select(store, "SELECT ?a WHERE { ?a tp:initiatorStated false ; tp:ownerGroup|tp:owner ?x }")
    assert both == []


def test_every_target_indicator_meets_the_observations_of_the_same_quantity(store):
    """No quantity is split over an indicator with only targets and one with only observations."""
    rows = select(
        store,
        """
        SELECT ?i ?l WHERE { ?i a tp:Indicator ; skos:prefLabel|skos:altLabel ?l FILTER(lang(?l) = "nl") }""",
    )
    labels = {}
    for r in rows:
        labels.setdefault(r["i"], set()).add(re.sub(r"\W+", " ", r["l"].lower()).strip())
    targeted = values(store, "SELECT DISTINCT ?i WHERE { ?t a tp:Target ; tp:indicator ?i }", "i")
    observed = values(store, "SELECT DISTINCT ?i WHERE { ?o a qb:Observation ; tp:indicator ?i }", "i")
    for t in targeted - observed:
        for o in observed - targeted:
            assert not labels.get(t, set()) & labels.get(o, set()), f"{t} and {o} name the same quantity"


@pytest.mark.parametrize(
    "target, observed",
    [
        ("action-2013-18-1", 36.0),
        ("action-2013-18-pact-1", 36.0),  # circa 25 bachelors; 36 in April 2016
    ],
)
def test_a_2013_target_meets_the_2016_measurement(client, target, observed):
    rows = client.get("/queries/targets-distance.json").get_json()
    cols = rows["columns"]
    found = [dict(zip(cols, (c["value"] if c else None for c in row))) for row in rows["rows"]]
    mine = [r for r in found if r["target"] == ID + "target/" + target]
    assert mine and float(mine[0]["observed"]) == observed


def test_one_indicator_for_the_retiring_technicians_of_2013_and_2014(store):
    rows = values(
        store,
        f"SELECT ?g WHERE {{ GRAPH ?g {{ ?o tp:indicator {iri('indicator/pensionering-technici-per-jaar')} ; tp:value 70000.0 }} }}",
        "g",
    )
    assert {g.rsplit("/", 1)[-1] for g in rows} == {"pact-2013", "achterhoek-2014"}


def test_the_bestuurlijk_trekker_is_an_org_role(store):
    rows = select(
        store,
        f"""SELECT ?m WHERE {{ ?m org:role {iri("role/bestuurlijk-trekker")} ;
        org:member {iri("person/hugo-de-jonge")} ; org:organization {iri("landsdeel/zuidwest")} }}""",
    )
    assert len(rows) == 1


def test_a_centre_of_expertise_is_set_up_by_its_university_of_applied_sciences(store):
    assert ID + "org/han" in values(
        store, f"SELECT ?o WHERE {{ {iri('org/seece')} tp:establishedBy ?o }}", "o"
    )


def test_co_financing_shares_name_who_pays(store):
    rows = select(
        store,
        f"""SELECT ?f ?v WHERE {{ {iri("action/2013-12a")} tp:financingShare ?s .
        ?s tp:financier ?f OPTIONAL {{ ?s schema:value ?v }} }}""",
    )
    assert (ID + "concept/partij/rijk", 100000000.0) in {
        (r["f"], float(r["v"]) if r["v"] else None) for r in rows
    }
    assert ID + "concept/partij/regios" in {r["f"] for r in rows}
    rif = select(
        store,
        f"""SELECT ?v ?u WHERE {{ {iri("initiative/regionaal-investeringsfonds-mbo")} tp:financingShare ?s .
        ?s tp:shareValue ?v ; tp:unit ?u }}""",
    )
    assert [(round(float(r["v"]), 1), r["u"]) for r in rif] == [(66.7, "procent")]


def test_months_and_days_are_kept_at_the_precision_the_document_gives(store):
    dates = values(
        store, f"""SELECT ?d WHERE {{ {iri("action/2013-3b")} tp:milestone/time:inXSDDate ?d }}""", "d"
    )
    assert {"2013-08-01", "2015-08-01"} <= {str(d) for d in dates}
    months = values(
        store, f"""SELECT ?m WHERE {{ {iri("action/2013-1a")} tp:milestone/time:inXSDgYearMonth ?m }}""", "m"
    )
    assert "2013-07" in {str(m) for m in months}


def test_the_public_private_financing_table_has_programme_as_a_dimension_and_explicit_totals(store):
    dims = values(
        store,
        f"""SELECT ?d WHERE {{ {iri("dataset/pps-financiering-2016")} qb:structure/qb:component/qb:dimension ?d }}""",
        "d",
    )
    assert "https://w3id.org/techniekpact/def#programme" in dims
    rows = select(
        store,
        f"""SELECT ?i ?p ?v WHERE {{ ?o qb:dataSet {iri("dataset/pps-financiering-2016")} ;
        tp:indicator ?i ; tp:programme ?p ; tp:value ?v }}""",
    )
    assert len(rows) == 12
    cells = {(r["i"].rsplit("/", 1)[-1], r["p"].rsplit("/", 1)[-1]): float(r["v"]) for r in rows}
    assert cells[("financiering-rijksoverheid-pps", "civ")] == 44.0
    assert cells[("cofinanciering-bedrijven-pps", "coe")] == 102.0
    for indicator in [
        "financiering-rijksoverheid-pps",
        "cofinanciering-bedrijven-pps",
        "cofinanciering-overig-pps",
    ]:
        parts = select(
            store,
            f"""SELECT ?v WHERE {{ ?t tp:indicator {iri("indicator/" + indicator)} ;
            tp:programme {iri("concept/pps-programma/totaal")} ; tp:isTotalOf/tp:value ?v }}""",
        )
        assert len(parts) == 3
        assert sum(float(p["v"]) for p in parts) == cells[(indicator, "totaal")]


def test_number_as_printed_and_the_action_line_beside_it(store):
    rows = select(
        store, """SELECT ?a ?line WHERE { ?a tp:number "5.1" . OPTIONAL { ?a tp:actionLine ?line } }"""
    )
    found = {r["a"].rsplit("/", 1)[-1]: r["line"] for r in rows}
    assert {"achterhoek-kiezen-5-1", "achterhoek-leren-5-1"} <= set(found)
    assert found["achterhoek-kiezen-5-1"].endswith("kiezen") and found["achterhoek-leren-5-1"].endswith(
        "leren"
    )
    assert not [a for a in found if a.startswith("2016-")], (
        "a bullet the 2016 text does not number has no tp:number"
    )
    assert "5.1" in values(store, f"SELECT ?p WHERE {{ {iri('action/2016-05-1')} tp:position ?p }}", "p")
    assert not select(
        store,
        "SELECT ?n WHERE { ?a tp:number ?n FILTER(REGEX(?n, '^(Noord|Oost|Zuid|Kiezen|Leren|Werken|Topsectoren)')) }",
    )


# -- 2. Identity and labels ----------------------------------------------------------------


@pytest.mark.parametrize(
    "gone, kept", [("org/ao-metalektro", "org/a-o-metalektro"), ("org/ovp", "org/vapro")]
)
def test_one_organisation_has_one_iri(store, gone, kept):
    assert not select(store, f"SELECT ?p WHERE {{ {{ {iri(gone)} ?p ?o }} UNION {{ ?s ?p {iri(gone)} }} }}")
    graphs = values(
        store, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s tp:involves|tp:mentions {iri(kept)} }} }}", "g"
    )
    assert {g.rsplit("/", 1)[-1] for g in graphs} >= {"actions-2013", "achterhoek-2014"}


@pytest.mark.parametrize(
    "document, iri_used, iri_not",
    [
        ("achterhoek-2014", "org/installatiewerk-achterhoek", "org/installatiewerk"),
        ("achterhoek-2014", "agenda/hca-provincie-gelderland", "agenda/hca-gelderse-topsectoren"),
    ],
)
def test_merges_no_document_justifies_are_split(store, document, iri_used, iri_not):
    graph = f"<https://w3id.org/techniekpact/graph/{document}>"
    assert select(store, f"SELECT ?p WHERE {{ GRAPH {graph} {{ ?s ?p {iri(iri_used)} }} }}")
    assert not select(
        store,
        f"SELECT ?p WHERE {{ GRAPH {graph} {{ {{ ?s ?p {iri(iri_not)} }} UNION {{ {iri(iri_not)} ?p ?o }} }} }}",
    )


def test_no_label_names_two_plans_agendas_or_initiatives(store):
    rows = select(
        store,
        """
        SELECT ?l (GROUP_CONCAT(STR(?a); SEPARATOR=" ") AS ?as) WHERE {
          { SELECT DISTINCT ?a ?l WHERE {
              ?a a ?t FILTER(?t IN (tp:Pact, tp:Agenda, tp:Initiative, tp:Programme))
              ?a skos:prefLabel|skos:altLabel ?l } } }
        GROUP BY ?l HAVING (COUNT(DISTINCT ?a) > 1)""",
    )
    assert rows == [], rows


@pytest.mark.parametrize(
    "thing, label",
    [
        ("initiative/vakmanschapsroute", "Vakmanschaps- en Technologieroute"),
        ("org/poa-achterhoek", "POA's Achterhoek en De Liemers"),
        ("pact/2016", "Nationaal Techniepact 2020"),
        ("org/act", "Achterhoek Centrum voor Technologie"),
    ],
)
def test_a_label_of_one_thing_is_not_on_another(store, thing, label):
    rows = select(
        store,
        f"""SELECT ?g WHERE {{ GRAPH ?g {{ {iri(thing)} skos:prefLabel|skos:altLabel ?l }}
        FILTER(STR(?l) = "{label}" && ?g != <{OUTSIDE}>) }}""",
    )
    assert rows == []


def test_the_two_routes_are_parts_of_the_joint_name(store):
    parts = values(
        store,
        f"SELECT ?p WHERE {{ {iri('initiative/vakmanschaps-en-technologieroute')} dcterms:hasPart ?p }}",
        "p",
    )
    assert parts == {ID + "initiative/vakmanschapsroute", ID + "initiative/technologieroute"}


@pytest.mark.parametrize(
    "thing, text",
    [
        ("org/abu", "Algemene Bond Uitzendondernemingen"),
        ("org/job", "Jongeren Organisatie Beroepsonderwijs"),
        ("org/laks", "Landelijk Aktie Komitee Scholieren"),
        ("org/nrto", "Nederlandse Raad voor Training en Opleiding"),
        ("org/tln", "Transport en Logistiek Nederland"),
        ("org/ser", "Sociaal-Economische Raad"),
        ("org/vereniging-hogescholen", "HBO-raad"),
        ("org/team-ict", "topteam ICT"),
        ("org/ind", "Immigratie"),
        ("org/vng", "gemeenten"),
        ("org/studielink", "Aanmeldsysteem"),
        ("org/lsvb", "studentenvakbond"),
        ("org/duo", "uitvoeringsorganisatie"),
        ("org/onderwijscooperatie", "beroepsgroep"),
        ("org/poa-achterhoek", "onderwijs-arbeidsmarkt"),
        ("org/venj", "Ministerie van Veiligheid en Justitie"),
    ],
)
def test_knowledge_from_outside_the_documents_has_its_own_provenance(store, thing, text):
    where = values(
        store,
        f"""SELECT ?g WHERE {{ GRAPH ?g {{ {iri(thing)} ?p ?v FILTER(isLiteral(?v) && CONTAINS(LCASE(STR(?v)), LCASE("{text}"))) }}
        FILTER(?g != <https://w3id.org/techniekpact/graph/inferred>) }}""",
        "g",
    )
    assert where == {OUTSIDE}
    assert select(
        store,
        f"""SELECT ?s WHERE {{ GRAPH <{OUTSIDE}> {{ {iri(thing)} dcterms:source ?s . ?s a tp:OutsideKnowledge }} }}""",
    )


@pytest.mark.parametrize(
    "thing, stated, not_stated",
    [
        ("org/commissie-van-pernis", "corresponderen", "bepaalt"),
        ("org/technieklokalen", "met steun van bedrijven", "met vrijwilligers ingerichte"),
    ],
)
def test_wording_no_firmer_than_the_text(store, thing, stated, not_stated):
    text = " ".join(values(store, f"SELECT ?d WHERE {{ {iri(thing)} dcterms:description ?d }}", "d"))
    assert stated in text and not_stated not in text


def test_one_operationalisation_cell_is_not_split_between_sub_actions(store):
    for sub in ["3-2a", "3-2b"]:
        assert not select(
            store, f"SELECT ?o WHERE {{ {iri('action/achterhoek-werken-' + sub)} tp:owner ?o }}"
        )
    owners = values(store, f"SELECT ?o WHERE {{ {iri('action/achterhoek-werken-3-2')} tp:owner ?o }}", "o")
    assert {
        ID + "org/bedrijfstakschool-anton-tijdink",
        ID + "org/graafschap-college",
        ID + "org/han",
    } <= owners


def test_no_constructed_name_for_the_steering_group_of_noord(store):
    labels = values(
        store,
        f"SELECT ?l WHERE {{ {iri('org/stuurgroep-techniekpact-noord')} skos:prefLabel|skos:altLabel ?l }}",
        "l",
    )
    assert not {l for l in labels if "Noord" in l and "landsdeel" not in l}


def test_zuid_holland_cites_the_passage_that_places_it(store):
    sources = values(store, f"SELECT ?s WHERE {{ {iri('province/zuid-holland')} dcterms:source ?s }}", "s")
    assert sources == {ID + "doc/pact-2013/s3-2-5"}


@pytest.mark.parametrize("action", ["21", "22"])
def test_2013_retention_actions_continue_under_goal_11_and_12(store, action):
    goals = values(store, f"SELECT ?g WHERE {{ {iri('action/2013-' + action)} tp:continuedUnder ?g }}", "g")
    assert goals == {ID + "goal/2016-11", ID + "goal/2016-12"}


# -- 3. Links across documents ------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("goal-2016-04-3", "action-2013-3a-pact-1"),
        ("goal-2016-09-1", "action-2013-17-pact-1"),
        ("goal-2016-01-1", "action-2013-1-pact-1"),
        ("action-2016-10-2-2", "action-2013-20b-pact-1"),
        ("action-2013-8d-2", "action-2013-8d-pact-1"),
        ("achterhoek-2014-1", "pact-2013-4"),
    ],
)
def test_targets_with_the_same_intent_are_linked_with_a_justification(store, a, b):
    # stated one way; the build's reasoning (owl:SymmetricProperty) gives the other
    for x, y in [(a, b), (b, a)]:
        assert select(
            store,
            f"SELECT ?x WHERE {{ {iri('target/' + x)} tp:sameIntentAs ?x FILTER(?x = {iri('target/' + y)}) }}",
        )
    notes = values(
        store,
        f"""SELECT ?n WHERE {{ {{ {iri("target/" + a)} skos:editorialNote ?n }} UNION {{ {iri("target/" + b)} skos:editorialNote ?n }} }}""",
        "n",
    )
    assert notes, "the link says why"


@pytest.mark.parametrize(
    "target, level",
    [
        ("action-2013-3a-pact-1", "havo-vwo"),
        ("action-2013-5a-pact-1", "vmbo-gt"),
        ("action-2013-5a-pact-2", "vmbo-bk"),
        ("action-2013-17-pact-1", "mbo"),
    ],
)
def test_2013_choice_targets_share_the_indicator_that_2016_measures(client, target, level):
    data = client.get("/queries/targets-distance.json").get_json()
    found = [dict(zip(data["columns"], (c["value"] if c else None for c in row))) for row in data["rows"]]
    row = [r for r in found if r["target"] == ID + "target/" + target][0]
    assert (
        row["indicator"] == ID + "indicator/aandeel-kiest-techniek"
        and row["level"] == ID + "concept/sector/" + level
    )
    assert row["observed"] is not None, "the 2016 table measures this level"


@pytest.mark.parametrize(
    "a, b",
    [
        ("initiative/hybride-techdocenten", "initiative/hybride-docent"),
        ("org/servicepunt-techniek-midden", "initiative/servicepunten-techniek"),
        ("initiative/civ-automotive-helmond", "initiative/centra-voor-innovatief-vakmanschap"),
    ],
)
def test_the_same_idea_under_another_name_is_related(store, a, b):
    assert select(store, f"SELECT ?x WHERE {{ {iri(a)} skos:related ?x FILTER(?x = {iri(b)}) }}")


@pytest.mark.parametrize(
    "item, theme",
    [
        ("action/2016-04-4", "meisjes-en-vrouwen"),
        ("initiative/girlsday", "meisjes-en-vrouwen"),
        ("action/2013-19", "internationaal-talent"),
        ("action/2013-noordwest-8", "internationaal-talent"),
        ("action/2016-07-1", "zij-instroom-en-omscholing"),
        ("action/2013-noord-6", "zij-instroom-en-omscholing"),
        ("action/2013-9", "docenten-techniek"),
        ("action/2016-01-3", "ict"),
        ("action/2013-12a", "regionale-investeringsfondsen"),
        ("action/2016-oost-kiezen-1", "regionale-investeringsfondsen"),
        ("action/2013-12b", "publiek-private-samenwerkingen"),
        ("goal/2016-oost-prio-1", "meisjes-en-vrouwen"),
    ],
)
def test_themes_are_tagged_where_the_text_names_them(store, item, theme):
    assert ID + "concept/thema/" + theme in values(
        store, f"SELECT ?t WHERE {{ {iri(item)} tp:theme ?t }}", "t"
    )


@pytest.mark.parametrize(
    "item, theme",
    [
        ("action/2013-22", "behoud-en-duurzame-inzetbaarheid"),  # 'met behoud van uitkering'
        ("action/2013-12a", "stages-en-leerwerkplekken"),  # 'stagebox-middelen' pay for the fund
        ("initiative/make-it-in-the-netherlands", "loopbaanorientatie"),
    ],
)
def test_a_word_match_that_is_not_about_the_theme_is_not_tagged(store, item, theme):
    assert ID + "concept/thema/" + theme not in values(
        store, f"SELECT ?t WHERE {{ {iri(item)} tp:theme ?t }}", "t"
    )


def test_every_recurring_theme_is_a_concept_of_one_scheme_with_labels(store):
    rows = select(
        store,
        """SELECT ?t (COUNT(DISTINCT ?l) AS ?n) WHERE {
        ?t skos:inScheme <https://w3id.org/techniekpact/id/concept/scheme/terugkerende-themas> ; skos:prefLabel ?l } GROUP BY ?t""",
    )
    assert len(rows) == 11 and all(int(r["n"]) == 2 for r in rows)


def test_every_area_a_document_places_is_placed(store):
    unplaced = values(
        store,
        """SELECT ?a WHERE { ?a a ?t FILTER(?t IN (tp:Subregion, tp:TripleHelixRegion, tp:Province))
        FILTER NOT EXISTS { ?a tp:within ?l . ?l a tp:Landsdeel } }""",
        "a",
    )
    # no document places these (Noord-Brabant is split over Zuidoost and Zuidwest; the Delta Region crosses the border)
    assert unplaced == {
        ID + p
        for p in [
            "region/utrecht-west",
            "region/amersfoort",
            "region/gooi-en-vechtstreek",
            "region/delta-region",
            "province/noord-brabant",
        ]
    }
    for a in unplaced:
        assert select(
            store, f"SELECT ?n WHERE {{ <{a}> skos:editorialNote|skos:scopeNote|dcterms:description ?n }}"
        )


@pytest.mark.parametrize("org", ["3tu", "topsectoren", "nrto", "stoof", "techniektalent-nu", "sbb"])
def test_a_contribution_listed_in_an_annex_cites_that_part_of_the_annex(store, org):
    rows = select(
        store,
        f"""SELECT ?c ?src WHERE {{ ?c prov:wasAttributedTo {iri("org/" + org)} ;
        tp:contributesTo {iri("pact/2013")} ; dcterms:source ?src }}""",
    )
    assert {r["src"] for r in rows} == {ID + "doc/pact-2013/bijlage-2-bijdragen"}
    assert not select(store, f"SELECT ?x WHERE {{ {iri('pact/2013')} tp:mentions {iri('org/' + org)} }}")


def test_no_fact_cites_a_whole_document_instead_of_its_section(store):
    rows = select(store, """SELECT ?s WHERE { GRAPH ?g { ?s dcterms:source ?d } ?d a tp:SourceDocument }""")
    assert rows == [], rows[:5]


# -- 6. Second pass: more of the same kinds --------------------------------------------------


@pytest.mark.parametrize(
    "target, year",
    [("action-2013-8d-1", "2012"), ("action-2013-5a-pact-1", "2012"), ("sectorakkoord-vo-1", "2013")],
)
def test_the_year_of_a_baseline_is_data_not_a_note(store, target, year):
    assert {
        str(y)
        for y in values(store, f"SELECT ?y WHERE {{ {iri('target/' + target)} tp:baselineYear ?y }}", "y")
    } == {year}


@pytest.mark.parametrize(
    "thing, label",
    [
        ("org/liaisonoverleg-techniekpact-oost", "Liaisonoverleg Techniepact landsdeel Oost"),
        ("org/opdrachtgroep-achterhoek-de-liemers", "Opdrachtgroep Techniekpact Achterhoek-De Liemers"),
        ("org/techniek-nederland", "Techniek Nederland"),
    ],
)
def test_no_constructed_or_expanded_name_in_a_document_graph(store, thing, label):
    rows = select(
        store,
        f"""SELECT ?g WHERE {{ GRAPH ?g {{ {iri(thing)} skos:prefLabel|skos:altLabel ?l }}
        FILTER(STR(?l) = "{label}" && ?g != <{OUTSIDE}>) }}""",
    )
    assert rows == []
