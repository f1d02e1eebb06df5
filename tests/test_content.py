"""The curated graph holds what the five documents say: facts pinned through SPARQL on the built store."""

import pytest

from tests.conftest import select

ID = "https://w3id.org/techniekpact/id/"


def values(store, sparql, var):
    return {r[var] for r in select(store, sparql)}


def iri(path):
    return f"<{ID}{path}>"


# -- Nationaal Techniekpact 2020 (2013) and its action overview ----------------------


def test_the_2013_overview_has_fifty_seven_actions_and_sub_actions(store):
    numbers = values(
        store,
        f"""SELECT ?n WHERE {{ GRAPH <https://w3id.org/techniekpact/graph/actions-2013> {{
        ?a tp:number ?n ; tp:partOfPlan {iri("pact/2013")} }} }}""",
        "n",
    )
    assert len(numbers) == 57
    assert {"1", "1a", "8e", "17d", "21b", "23"} <= numbers
    assert values(store, "SELECT ?a WHERE { ?a a tp:Ambition }", "a") == {
        ID + f"ambition/2013-{n}" for n in range(1, 5)
    }


@pytest.mark.parametrize(
    "action, owners",
    [
        ("12a", {"ocw", "ez"}),
        ("16", {"sbb"}),
        ("18", {"vereniging-hogescholen"}),
        ("2", {"po-raad"}),
        ("3a", {"vo-raad"}),
        ("9", {"ocw", "po-raad"}),
        ("19", {"ocw", "nuffic"}),
        ("1a", {"ocw"}),
        ("4", set()),
        ("10", set()),
        ("21a", {"szw"}),
        ("20b", set()),
    ],
)
def test_initiators_of_2013_actions(store, action, owners):
    found = values(store, f"SELECT ?o WHERE {{ {iri('action/2013-' + action)} tp:owner ?o }}", "o")
    assert found == {ID + "org/" + o for o in owners}


def test_parties_the_overview_marks(store):
    groups = values(store, f"SELECT ?g WHERE {{ {iri('action/2013-17a')} tp:involvesGroup ?g }}", "g")
    assert {
        ID + "concept/partij/werkgevers",
        ID + "concept/partij/werknemers",
        ID + "concept/partij/regios",
    } <= groups
    ministries = values(
        store, f"SELECT ?m WHERE {{ {iri('action/2013-17a')} tp:involves ?m . ?m a tp:Ministry }}", "m"
    )
    assert ministries == {ID + "org/ocw", ID + "org/szw"}
    assert ID + "org/ez" in values(
        store, f"SELECT ?m WHERE {{ {iri('action/2013-19')} tp:involves ?m }}", "m"
    )


@pytest.mark.parametrize(
    "landsdeel, provinces",
    [
        ("noord", {"groningen", "fryslan", "drenthe"}),
        ("oost", {"gelderland", "overijssel"}),
        ("noordwest", {"noord-holland", "utrecht", "flevoland"}),
        ("zuidwest", {"zuid-holland", "zeeland"}),
        ("zuidoost", {"limburg"}),
    ],
)
def test_provinces_of_each_landsdeel(store, landsdeel, provinces):
    found = values(
        store, f"SELECT ?p WHERE {{ ?p a tp:Province ; tp:within {iri('landsdeel/' + landsdeel)} }}", "p"
    )
    assert found == {ID + "province/" + p for p in provinces}


def test_noordvleugel_is_noordwest(store):
    assert "Noordvleugel" in values(
        store, f"SELECT ?l WHERE {{ {iri('landsdeel/noordwest')} skos:altLabel ?l }}", "l"
    )


@pytest.mark.parametrize(
    "org, person",
    [
        ("vhto", "Cocky Booij"),
        ("vno-ncw", "Bernard Wientjes"),
        ("po-raad", "Rinda den Besten"),
        ("jet-net", "Jules Croonen"),
        ("ez", "Henk Kamp"),
        ("szw", "Lodewijk Asscher"),
        ("mbo-raad", "Jan van Zijl"),
        ("vsnu", "Karl Dittrich"),
        ("techniektalent-nu", "André van der Leest"),
        ("landsdeel/oost", "Theo Rietkerk"),
        ("topsector/water", "Hans Huis in 't Veld"),
        ("pbt", "Hans Corstjens"),
    ],
)
def test_representatives_of_2013_signatories(store, org, person):
    org_iri = ID + (org if "/" in org else "org/" + org)
    names = values(
        store,
        f"""SELECT ?n WHERE {{ ?m a org:Membership ; org:organization <{org_iri}> ;
        tp:year ?y ; org:member/foaf:name ?n FILTER(STR(?y) = "2013") }}""",
        "n",
    )
    assert person in names
    assert org_iri in values(store, f"SELECT ?o WHERE {{ {iri('pact/2013')} tp:signedBy ?o }}", "o")


def test_ocw_signed_twice_in_2013(store):
    names = values(
        store,
        """SELECT ?n WHERE { ?m org:organization tpd:org\\/ocw ; tp:year ?y ;
        org:member/foaf:name ?n FILTER(STR(?y) = "2013") }""",
        "n",
    )
    assert names == {"Jet Bussemaker", "Sander Dekker"}


def test_pact_targets_and_milestone(store):
    targets = {
        (float(r["v"]), r["y"])
        for r in select(
            store,
            f"""SELECT ?v ?y WHERE {{
        {iri("pact/2013")} tp:hasTarget ?t . ?t tp:targetValue ?v . OPTIONAL {{ ?t tp:targetYear ?y }} }}""",
        )
    }
    assert (30000.0, "2020") in targets and (15000.0, "2016") in targets
    amounts = values(store, f"SELECT ?v WHERE {{ {iri('action/2013-8a')} tp:budget/schema:value ?v }}", "v")
    assert any(float(v) == 100_000_000 for v in amounts)


def test_labour_market_table_values(store):
    rows = select(
        store,
        """SELECT ?area ?level ?v WHERE { ?o qb:dataSet tpd:dataset\\/balans-2011-2016-abs ;
        tp:refArea ?area ; tp:educationLevel ?level ; tp:value ?v }""",
    )
    table = {(r["area"].rsplit("/", 1)[-1], r["level"].rsplit("/", 1)[-1]): float(r["v"]) for r in rows}
    assert table[("oost", "mbo")] == -14000  # Tabel 1, Oost, mbo
    assert table[("noordwest", "alle")] == -47600
    for landsdeel in ("noord", "oost", "noordwest", "zuidwest", "zuidoost"):
        parts = sum(table[(landsdeel, level)] for level in ("vmbo", "mbo", "hbo", "wo"))
        assert parts == table[(landsdeel, "alle")], landsdeel


def test_regional_actions_of_2013_per_landsdeel(store):
    rows = select(
        store,
        """SELECT ?ld (COUNT(?a) AS ?n) WHERE { ?a a tp:Action ; tp:partOfPlan tpd:pact\\/2013 ;
        tp:scope ?ld . ?ld a tp:Landsdeel } GROUP BY ?ld""",
    )
    counts = {r["ld"].rsplit("/", 1)[-1]: int(r["n"]) for r in rows}
    assert set(counts) == {"noord", "noordwest", "oost", "zuidoost", "zuidwest"}
    assert all(n >= 5 for n in counts.values())


# -- Techniekpact 2016-2020 -----------------------------------------------------------


def test_twelve_goals_under_three_action_lines(store):
    rows = select(
        store, "SELECT ?g ?line WHERE { ?g a tp:Goal ; tp:actionLine ?line ; tp:partOfPlan tpd:pact\\/2016 }"
    )
    lines = {r["g"].rsplit("-", 1)[-1]: r["line"].rsplit("/", 1)[-1] for r in rows}
    assert len(lines) == 12 and lines["07"] == "leren" and lines["12"] == "werken" and lines["01"] == "kiezen"
    measures = values(
        store, "SELECT ?m WHERE { ?m tp:serves ?g ; tp:partOfPlan tpd:pact\\/2016 . ?g a tp:Goal }", "m"
    )
    assert len(measures) == 48


def test_2016_measure_owner_and_agendas(store):
    assert values(store, f"SELECT ?o WHERE {{ {iri('action/2016-01-6')} tp:owner ?o }}", "o") == {
        ID + "org/vsc"
    }
    agendas = values(store, f"SELECT ?a WHERE {{ {iri('pact/2016')} tp:linkedAgenda ?a }}", "a")
    assert {
        ID + f"agenda/{a}"
        for a in (
            "smart-industry",
            "hca-ict",
            "codepact",
            "onderwijs2032",
            "hc-roadmap-topsectoren",
            "genderfocus-mbo-techniek",
        )
    } <= agendas


def test_continuity_of_2013_actions(store):
    assert values(store, f"SELECT ?g WHERE {{ {iri('action/2013-1')} tp:continuedUnder ?g }}", "g") == {
        ID + "goal/2016-01"
    }
    assert values(store, f"SELECT ?g WHERE {{ {iri('action/2013-16')} tp:continuedUnder ?g }}", "g") == set()
    assert values(store, f"SELECT ?n WHERE {{ {iri('action/2013-16')} skos:scopeNote ?n }}", "n")


@pytest.mark.parametrize(
    "org, person",
    [
        ("vno-ncw", "Hans de Boer"),
        ("ecp", "Tineke Netelenbos"),
        ("fnv", "Ton Heerts"),
        ("vo-raad", "Paul Rosenmüller"),
        ("landsdeel/zuidwest", "Hugo de Jonge"),
        ("codepact", "Neelie Kroes"),
    ],
)
def test_partners_2016(store, org, person):
    org_iri = ID + (org if "/" in org else "org/" + org)
    names = values(
        store,
        f"""SELECT ?n WHERE {{ ?m org:organization <{org_iri}> ; tp:year ?y ;
        org:member/foaf:name ?n FILTER(STR(?y) = "2016") }}""",
        "n",
    )
    assert person in names


def test_technical_choice_table_and_target(store):
    observed = values(
        store,
        """SELECT ?v WHERE { ?o a qb:Observation ; tp:indicator tpd:indicator\\/aandeel-kiest-techniek ;
        tp:educationLevel tpd:concept\\/sector\\/havo-vwo ; tp:refPeriod "2014/15" ; tp:value ?v }""",
        "v",
    )
    assert {float(v) for v in observed} == {51.0}
    target = values(
        store,
        """SELECT ?v WHERE { ?t a tp:Target ; tp:indicator tpd:indicator\\/aandeel-kiest-techniek ;
        tp:educationLevel tpd:concept\\/sector\\/havo-vwo ; tp:targetValue ?v }""",
        "v",
    )
    assert {float(v) for v in target} == {55.0}


def test_landsdeel_agendas_2016(store):
    rows = select(
        store,
        """SELECT ?ld (COUNT(?a) AS ?n) WHERE { ?agenda a tp:RegionalAgenda ; tp:scope ?ld .
        ?a a tp:Action ; tp:partOfPlan ?agenda . FILTER(STRSTARTS(STR(?agenda), "https://w3id.org/techniekpact/id/agenda/2016-")) }
        GROUP BY ?ld""",
    )
    counts = {r["ld"].rsplit("/", 1)[-1]: int(r["n"]) for r in rows}
    assert counts == {"noord": 8, "noordwest": 8, "oost": 18, "zuidoost": 9, "zuidwest": 18}
    oost_pacts = values(
        store, "SELECT ?p WHERE { tpd:agenda\\/2016-oost tp:linkedAgenda ?p . ?p a tp:RegionalPact }", "p"
    )
    assert {ID + "pact/twente", ID + "pact/achterhoek-de-liemers"} <= oost_pacts


# -- Achterhoek–De Liemers (2014) and the inventory ------------------------------------


def test_achterhoek_pact(store):
    actions = values(
        store, "SELECT ?a WHERE { ?a a tp:Action ; tp:partOfPlan tpd:pact\\/achterhoek-de-liemers }", "a"
    )
    assert len(actions) == 48
    subgoals = values(
        store, "SELECT ?g WHERE { ?g a tp:Subgoal ; tp:partOfPlan tpd:pact\\/achterhoek-de-liemers }", "g"
    )
    assert len(subgoals) == 17
    within = values(store, "SELECT ?x WHERE { tpd:region\\/achterhoek-de-liemers tp:within ?x }", "x")
    assert ID + "landsdeel/oost" in within
    assert ID + "org/graafschap-college" in values(
        store,
        "SELECT ?o WHERE { ?a tp:partOfPlan tpd:pact\\/achterhoek-de-liemers ; tp:owner|tp:involves ?o }",
        "o",
    )


def test_inventory_initiatives_and_problems(store):
    rows = select(
        store,
        """SELECT ?phase (COUNT(DISTINCT ?i) AS ?n) WHERE { GRAPH <https://w3id.org/techniekpact/graph/inventory> {
        ?i a ?k ; tp:lifePhase ?phase . VALUES ?k { tp:Initiative tp:Programme } } } GROUP BY ?phase""",
    )
    assert {r["phase"].rsplit("/", 1)[-1] for r in rows} == {"funderend", "beroeps", "werkenden"}
    problems = values(store, "SELECT ?p WHERE { ?p a tp:Problem ; tp:lifePhase ?f }", "p")
    assert len(problems) == 13


def test_every_source_document_is_described(store):
    docs = values(store, "SELECT ?d WHERE { ?d a tp:SourceDocument ; dcterms:title ?t }", "d")
    assert docs == {
        ID + f"doc/{d}" for d in ("pact-2013", "actions-2013", "pact-2016", "achterhoek-2014", "inventory")
    }
