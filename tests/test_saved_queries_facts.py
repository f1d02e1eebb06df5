"""Every saved query, run on the built store, checked against facts from the documents."""

import pytest

from graph import saved_queries

ID = "https://w3id.org/techniekpact/id/"


def rows(client, name, **params):
    r = client.get(f"/queries/{name}.json", query_string=params)
    assert r.status_code == 200, r.get_data(as_text=True)
    data = r.get_json()
    return [
        {c: (cell["value"] if cell else None) for c, cell in zip(data["columns"], row)}
        for row in data["rows"]
    ]


def test_every_query_is_covered_here():
    tested = {name[len("test_") :].replace("_", "-") for name in globals() if name.startswith("test_")}
    assert set(saved_queries.names()) <= tested, set(saved_queries.names()) - tested


def test_goals_2016(client):
    result = rows(client, "goals-2016")
    assert [r["number"] for r in result] == [str(n) for n in range(1, 13)]
    lines = {r["number"]: r["line"].rsplit("/", 1)[-1] for r in result}
    assert {lines[str(n)] for n in range(1, 7)} == {"kiezen"}
    assert {lines[str(n)] for n in range(7, 11)} == {"leren"}
    assert {lines["11"], lines["12"]} == {"werken"}
    assert all(int(r["measures"]) > 0 for r in result), "every goal of 2016 lists measures"


def test_actions_of_goal(client):
    result = rows(client, "actions-of-goal", goal=ID + "goal/2016-01")
    assert result and all(r["goal"] == ID + "goal/2016-01" for r in result)
    assert all(r["action"].startswith(ID + "action/") for r in result)
    ambition = rows(client, "actions-of-goal", goal=ID + "ambition/2013-3")
    numbers = {r["number"] for r in ambition}
    assert {"12a", "17a", "18"} <= numbers  # the overview's ambition 3 actions


def test_organisation_involvement(client):
    result = rows(client, "organisation-involvement", org=ID + "org/ocw")
    roles = {r["role"] for r in result}
    assert {"eigenaar", "betrokken partij", "ondertekenaar", "vertegenwoordigd door"} <= roles
    documents = {r["document"] for r in result}
    assert {"actions-2013", "pact-2013", "pact-2016"} <= documents
    owned = {r["thing"] for r in result if r["role"] == "eigenaar"}
    assert ID + "action/2013-12a" in owned


def test_actions_per_line_and_landsdeel(client):
    result = rows(client, "actions-per-line-and-landsdeel")
    areas = {r["area"] for r in result}
    assert {ID + f"landsdeel/{s}" for s in ("noord", "noordwest", "oost", "zuidoost", "zuidwest")} <= areas
    assert ID + "area/nederland" in areas
    assert sum(int(r["actions"]) for r in result) > 100


def test_agendas_served(client):
    result = rows(client, "agendas-served")
    agendas = {r["agenda"] for r in result}
    assert {ID + "agenda/smart-industry", ID + "agenda/hca-ict"} <= agendas


def test_targets_distance(client):
    result = rows(client, "targets-distance")
    assert len(result) > 20
    measured = [r for r in result if r["observed"] is not None]
    assert measured, "at least one target has an observation of its indicator"
    for r in measured:
        assert float(r["distance"]) == pytest.approx(float(r["targetValue"]) - float(r["observed"]))
    assert any(float(r["targetValue"]) == 30000 for r in result)  # 30.000 extra technici per jaar


def test_targets_distance_compares_with_national_observations(client, store):
    from tests.conftest import select

    national = {
        (r["i"], float(r["v"]), r["p"])
        for r in select(
            store,
            """
        SELECT ?i ?v ?p WHERE { ?o a qb:Observation ; tp:refArea <https://w3id.org/techniekpact/id/area/nederland> ;
                                   tp:indicator ?i ; tp:value ?v ; tp:refPeriod ?p }""",
        )
    }
    measured = [r for r in rows(client, "targets-distance") if r["observed"] is not None]
    assert measured and all(
        (r["indicator"], float(r["observed"]), r["observedPeriod"]) in national for r in measured
    )


def test_representatives_2013_2016(client):
    result = {r["org"].rsplit("/", 1)[-1]: r for r in rows(client, "representatives-2013-2016")}
    assert result["vhto"]["status"] == "dezelfde" and result["vhto"]["rep2013"] == "Cocky Booij"
    assert result["vno-ncw"]["status"] == "andere vertegenwoordiger"
    assert (result["vno-ncw"]["rep2013"], result["vno-ncw"]["rep2016"]) == (
        "Bernard Wientjes",
        "Hans de Boer",
    )
    assert result["ecp"]["status"] == "nieuw in 2016"
    assert result["abu"]["status"] == "alleen 2013"


def test_fact_provenance(client):
    result = rows(client, "fact-provenance", subject=ID + "action/2013-12a")
    documents = {r["document"] for r in result}
    assert "actions-2013" in documents
    owner = [r for r in result if r["property"].endswith("#owner")]
    assert owner and {r["document"] for r in owner} == {"actions-2013"}


def test_continuity_2013_2016(client):
    result = rows(client, "continuity-2013-2016")
    assert sorted({r["number"] for r in result}, key=int) == [str(n) for n in range(1, 24)]
    assert all(r["justification"] for r in result), "every 2013 action has a justification, mapped or not"
    goals = {}
    for r in result:
        goals.setdefault(r["number"], set()).add(r["goalNumber"])
    assert goals["1"] == {"1"}  # W&T op alle basisscholen → doel 1
    assert goals["6"] == {"5", "9"}  # doorlopende leerlijn vmbo-mbo → doelen 5 en 9
    assert goals["16"] == {None}  # studiebijsluiters: no 2016 goal fits


def test_partners_joined_left(client):
    result = {r["org"].rsplit("/", 1)[-1]: r["status"] for r in rows(client, "partners-joined-left")}
    assert result["vhto"] == "gebleven"
    assert result["ecp"] == "nieuw in 2016"
    assert result["abu"] == "vertrokken"


def test_initiatives_per_lifephase(client):
    result = rows(client, "initiatives-per-lifephase")
    phases = {r["phase"].rsplit("/", 1)[-1] for r in result}
    assert phases == {"funderend", "beroeps", "werkenden"}


def test_labour_market_balance(client):
    result = rows(client, "labour-market-balance")
    landsdelen = {r["area"] for r in result if "/landsdeel/" in r["area"]}
    assert len(landsdelen) == 5
    assert {r["level"].rsplit("/", 1)[-1] for r in result} >= {"vmbo", "mbo", "hbo", "wo"}


def test_owners_ranking(client):
    result = rows(client, "owners-ranking")
    assert result[0]["org"] == ID + "org/ocw", "OCW initiates most actions"
    counts = [int(r["owns"]) for r in result]
    assert counts == sorted(counts, reverse=True)


def test_regional_pacts(client):
    listed = rows(client, "regional-pacts")
    assert len({tuple(r.values()) for r in listed}) == len(listed), (
        "a plan two documents declare is listed once"
    )
    result = {r["plan"]: r for r in listed}
    assert result[ID + "pact/twente"]["landsdeel"] == ID + "landsdeel/oost"
    assert result[ID + "pact/achterhoek-de-liemers"]["landsdeel"] == ID + "landsdeel/oost"


def test_actions_in_year(client):
    in_2016 = rows(client, "actions-in-year", year="2016")
    assert in_2016
    for r in in_2016:
        assert r["start"] is None or int(r["start"][:4]) <= 2016
        assert r["end"] is None or int(r["end"][:4]) >= 2016
    assert client.get("/queries/actions-in-year", query_string={"year": "twintig"}).status_code == 400


def test_achterhoek_plan(client):
    result = rows(client, "achterhoek-plan")
    assert len(result) >= 10
    assert all(r["action"].startswith(ID + "action/achterhoek-") for r in result)


def test_technical_choice_trend(client):
    result = rows(client, "technical-choice-trend")
    assert result
    for r in result:
        assert float(r["change"]) == pytest.approx(float(r["late"]) - float(r["early"]))


def test_budgets(client):
    result = rows(client, "budgets")
    assert any(float(r["amount"]) == 100_000_000 for r in result)  # €100 mln, 2013-2016 (actie 8)


def test_coverage_goal_landsdeel(client):
    result = rows(client, "coverage-goal-landsdeel")
    assert len(result) == 12 * 5
    assert any(int(r["count"]) == 0 for r in result), "the documents leave blank spots"
    assert any(int(r["count"]) > 0 for r in result)
    page = client.get("/queries/coverage-goal-landsdeel", headers={"Accept": "text/html"}).get_data(
        as_text=True
    )
    assert "<svg" in page and "<rect" in page


def test_actions_with_gaps(client):
    result = {r["action"]: r for r in rows(client, "actions-with-gaps")}
    assert ID + "action/2013-4" in result and result[ID + "action/2013-4"]["missingOwner"] == "ontbreekt"
    assert all(
        "ontbreekt" in (r["missingOwner"], r["missingTimeline"], r["missingScope"]) for r in result.values()
    )


def test_signatories_owning_nothing(client):
    result = {r["org"] for r in rows(client, "signatories-owning-nothing")}
    assert ID + "org/bovag" in result
    assert ID + "org/ocw" not in result


def test_goals_without_actions(client):
    result = {r["goal"] for r in rows(client, "goals-without-actions")}
    assert not any(g.startswith(ID + "goal/2016-") and g[-2:].isdigit() for g in result), (
        "every goal of 2016 has measures"
    )


def test_doublure_candidates(client):
    result = rows(client, "doublure-candidates")
    pairs = {(r["a"], r["b"]): r for r in result}
    assert all(0 < float(r["score"]) <= 1 and r["evidence"] for r in result)
    # Known duplicates: the 2013 internship action reappears word for word as a 2016 measure of
    # goal 8, and the overview gives sub-actions 6b and 6c one shared entry.
    same = pairs[(ID + "action/2013-17a", ID + "action/2016-08-4")]
    assert float(same["score"]) == 1.0 and "zelfde naam" in same["evidence"]
    assert (ID + "action/2013-6b", ID + "action/2013-6c") in pairs
    assert (ID + "action/2013-17a", ID + "action/2013-17b") not in pairs
    # Clearly different things are not paired: two different goals' measures, or Jet-Net and Technasium.
    assert (ID + "initiative/jet-net", ID + "initiative/technasium") not in pairs


def test_coverage_line_landsdeel(client):
    result = rows(client, "coverage-line-landsdeel")
    assert len(result) == 3 * 5
    assert sum(int(r["count"]) for r in result) > 50
    page = client.get("/queries/coverage-line-landsdeel", headers={"Accept": "text/html"}).get_data(
        as_text=True
    )
    assert "<svg" in page


def test_group_initiators(client):
    result = {r["action"].rsplit("/", 1)[-1]: r for r in rows(client, "group-initiators")}
    assert result["2013-7a"]["kind"] == "groep" and result["2013-7a"]["groups"] == "werkgevers"
    assert result["2013-21b"]["groups"] == "sociale partners"
    assert result["2013-23"]["groups"] == "regio's"
    assert result["2013-18"]["kind"] == "organisatie en groep"
    assert result["2013-18"]["organisations"] == "Vereniging Hogescholen"
    assert {a for a, r in result.items() if r["kind"] == "lege cel"} == {
        "2013-10",
        "2013-10a",
        "2013-10b",
        "2013-10c",
        "2013-10d",
    }
    assert "2013-12a" not in result  # an organisation alone (OCW and EZ) is no group initiator


def test_outside_knowledge(client, store):
    from tests.conftest import select

    result = rows(client, "outside-knowledge")
    facts = {(r["subject"].rsplit("/", 1)[-1], r["value"]) for r in result}
    assert ("abu", "Algemene Bond Uitzendondernemingen") in facts
    assert ("vereniging-hogescholen", "HBO-raad") in facts
    assert all(r["source"] == ID + "doc/outside-knowledge" for r in result)
    # none of them is stated in a document graph too
    doubled = select(
        store,
        """SELECT ?s ?v WHERE {
        GRAPH <https://w3id.org/techniekpact/graph/outside-knowledge> { ?s skos:altLabel|skos:definition ?v }
        GRAPH ?g { ?s ?p ?v } FILTER(?g NOT IN (<https://w3id.org/techniekpact/graph/outside-knowledge>,
                                                 <https://w3id.org/techniekpact/graph/inferred>)) }""",
    )
    assert doubled == []


def test_themes_per_landsdeel(client):
    result = rows(client, "themes-per-landsdeel")
    cells = {
        (r["theme"].rsplit("/", 1)[-1], r["landsdeel"].rsplit("/", 1)[-1]): int(r["items"]) for r in result
    }
    assert len(cells) == 11 * 5, "every theme against every landsdeel, zeros included"
    assert cells[("meisjes-en-vrouwen", "oost")] >= 2  # Oost priority 1 and its girls' grant programme
    assert cells[("zij-instroom-en-omscholing", "noord")] >= 1  # 250 zij-instromers a year (2013, Noord)
    assert any(n == 0 for n in cells.values()), "a landsdeel that says nothing about a theme shows as 0"
    assert [int(r["items"]) for r in result] == sorted(int(r["items"]) for r in result)
