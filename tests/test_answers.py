"""Saved queries' answers: evaluated once per store version and parameters, pages cut from them,
prepared in the background after start-up and after every change."""

from __future__ import annotations

import shutil
import threading

import pytest

from graph import saved_queries
from server import answers, close_app, create_app
from server.config import Config
from tests.conftest import UPDATE_TOKEN

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
GOAL = "https://w3id.org/techniekpact/id/goal/2016-12"


def _counting(
    engine, monkeypatch, gate: threading.Event | None = None, started: threading.Event | None = None
) -> list[str]:
    """Record (and, with a gate, hold until it opens) every evaluation of a saved query (the
    engine's other queries, label lookups, pass); `started` is set when the first one begins."""
    calls, real = [], engine.query

    def query(text, **kwargs):
        if "substitutions" not in kwargs:  # not a saved query's evaluation
            return real(text, **kwargs)
        calls.append(text)
        if started is not None:
            started.set()
        if gate is not None:
            gate.wait(60)
        return real(text, **kwargs)

    monkeypatch.setattr(engine, "query", query)
    return calls


@pytest.fixture()
def quiet_app(store_dir):
    """An app that prepares nothing in the background, so every evaluation is a request's."""
    app = create_app(Config(store=str(store_dir), query_timeout=3.0, prepare_timeout=0))
    yield app
    close_app(app)


def _asked(app, times: int) -> threading.Event:
    """An event set once the app's answers were asked for `times` times (each asker is then
    evaluating or waiting for the one evaluation)."""
    kept, real, count, done = app.extensions["techniekpact.answers"]._kept, None, [0], threading.Event()
    real = kept._claim

    def claim(*args):
        claimed = real(*args)
        count[0] += 1
        if count[0] >= times:
            done.set()
        return claimed

    kept._claim = claim
    return done


def test_every_page_is_cut_from_one_evaluation(quiet_app, monkeypatch):
    calls = _counting(quiet_app.extensions["techniekpact.engine"], monkeypatch)
    client = quiet_app.test_client()
    rows, page = [], 1
    while page:
        data = client.get(
            "/queries/actions-of-goal.json", query_string={"goal": GOAL, "size": 2, "page": page}
        ).get_json()
        rows += data["rows"]
        page = data["next"]
    assert len(rows) >= 4 and len(calls) == 1
    whole = client.get("/queries/actions-of-goal.json", query_string={"goal": GOAL, "size": 1000}).get_json()
    assert rows == whole["rows"] and len(calls) == 1
    # Other parameter values are another answer.
    client.get("/queries/actions-of-goal.json", query_string={"goal": GOAL.replace("12", "11")})
    assert len(calls) == 2


def test_the_labels_of_a_page_are_looked_up_once_per_answer(quiet_app, monkeypatch):
    from server import rendering

    looked_up, real = [], rendering.labels
    monkeypatch.setattr(
        rendering,
        "labels",
        lambda store, iris, lang="nl": looked_up.append(len(iris)) or real(store, iris, lang),
    )
    client = quiet_app.test_client()
    first = client.get("/queries/actions-with-gaps.json", query_string={"size": 20}).get_json()
    assert len(looked_up) == 1 and first["rows"][0][0]["text"] != first["rows"][0][0]["value"]
    # The same rows as HTML and CSV, and a smaller page: no new lookup.
    html = client.get("/queries/actions-with-gaps", query_string={"size": 20}).get_data(as_text=True)
    client.get("/queries/actions-with-gaps.csv", query_string={"size": 20})
    client.get("/queries/actions-with-gaps.json", query_string={"size": 10})
    assert len(looked_up) == 1 and first["rows"][0][0]["text"] in html
    client.get("/queries/actions-with-gaps.json", query_string={"size": 20, "page": 2})
    assert len(looked_up) == 2


def test_requests_arriving_together_share_one_evaluation(store_dir, monkeypatch):
    # Waiters wait up to the query time limit: a generous one, for the evaluation may be slow on a
    # busy machine; the test is about how many evaluations there are, not how fast.
    quiet_app = create_app(
        Config(store=str(store_dir), query_timeout=120.0, prepare_timeout=0, prepare_validation=False)
    )
    gate = threading.Event()
    calls = _counting(quiet_app.extensions["techniekpact.engine"], monkeypatch, gate)
    statuses = []

    def ask():
        statuses.append(quiet_app.test_client().get("/queries/goals-without-actions.json").status_code)

    all_in = _asked(quiet_app, 4)
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    assert all_in.wait(60)  # all four are in: one evaluates (held at the gate), three wait for it
    gate.set()
    for thread in threads:
        thread.join(10)
    close_app(quiet_app)
    assert statuses == [200] * 4 and len(calls) == 1


def test_a_request_that_waits_past_the_time_limit_gets_503(store_dir, monkeypatch):
    app = create_app(
        Config(store=str(store_dir), query_timeout=1.0, prepare_timeout=0, prepare_validation=False)
    )
    gate, started = threading.Event(), threading.Event()
    _counting(app.extensions["techniekpact.engine"], monkeypatch, gate, started)
    first = []
    evaluating = threading.Thread(
        target=lambda: first.append(app.test_client().get("/queries/goals-without-actions.json"))
    )
    evaluating.start()
    assert started.wait(60)  # the first request is evaluating, held at the gate
    try:
        waiting = app.test_client().get("/queries/goals-without-actions.json")  # held past its 1 s
        assert waiting.status_code == 503 and waiting.headers["Retry-After"]
        assert "being prepared" in waiting.get_json()["message"]
    finally:
        gate.set()
        evaluating.join(60)
        close_app(app)
    assert first[0].status_code == 200


def test_answers_beyond_the_disk_bound_make_room_least_recently_used_first(
    store_dir, quiet_app, monkeypatch, request
):
    goals = [f"https://w3id.org/techniekpact/id/goal/2016-{n:02d}" for n in (10, 11, 12)]
    ask = lambda app, goal: app.test_client().get(
        "/queries/actions-of-goal.json", query_string={"goal": goal}
    )
    for goal in goals:
        ask(quiet_app, goal)
    total = sum(answer.size for answer in quiet_app.extensions["techniekpact.answers"]._answers.values())
    monkeypatch.setattr(answers, "MAX_BYTES", total - 1)  # room for any two of the three, not all
    app = create_app(Config(store=str(store_dir), prepare_timeout=0))
    request.addfinalizer(lambda: close_app(app))
    kept = app.extensions["techniekpact.answers"]
    for goal in (goals[0], goals[1]):
        assert ask(app, goal).status_code == 200
    # The first is used again (another page size: not the page cache, the answer), so the second goes.
    assert (
        app.test_client()
        .get("/queries/actions-of-goal.json", query_string={"goal": goals[0], "size": 1})
        .status_code
        == 200
    )
    assert ask(app, goals[2]).status_code == 200
    query = saved_queries.load("actions-of-goal")
    assert [key[2] for key in kept._answers] == [
        answers.values_digest(saved_queries.bind(query, {"goal": goal})) for goal in (goals[0], goals[2])
    ]
    assert len(list(kept._root.iterdir())) == 2


def test_an_answer_too_large_to_keep_is_a_clear_400(quiet_app, monkeypatch):
    monkeypatch.setattr(answers, "MAX_ROWS", 3)
    response = quiet_app.test_client().get("/queries/actions-with-gaps.json")
    assert response.status_code == 400
    assert "more than 3 rows" in response.get_json()["message"]


def _prepared(app) -> dict:
    """/health once the background preparation of the current version is done."""
    assert app.extensions["techniekpact.answers"].idle(300), "the default answers were not prepared"
    assert app.extensions["techniekpact.summaries"].idle(300), "the triples were not counted"
    return app.test_client().get("/health").get_json()


def test_default_answers_are_prepared_after_start_and_after_an_update(store_dir, tmp_path, monkeypatch):
    shutil.copytree(store_dir, tmp_path / "store")  # its own store: the test writes
    app = create_app(Config(store=str(tmp_path / "store"), update_token=UPDATE_TOKEN))
    client, every = app.test_client(), len(saved_queries.names())
    try:
        before = _prepared(app)
        assert before["prepared_answers"] == every
        # Prepared: a visitor's page needs no evaluation.
        calls = _counting(app.extensions["techniekpact.engine"], monkeypatch)
        assert client.get("/queries/actions-with-gaps.json").status_code == 200 and calls == []
        kept = app.extensions["techniekpact.answers"]._answers
        assert all(answer.labels for key, answer in kept.items() if key[1] == "actions-with-gaps")
        monkeypatch.undo()
        probe = "https://w3id.org/techniekpact/id/goal/test-prepared"
        update = (
            f"INSERT DATA {{ GRAPH <https://w3id.org/techniekpact/graph/test> {{ <{probe}> a "
            f"<https://w3id.org/techniekpact/def#Goal> }} }}"
        )
        assert client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
        after = _prepared(app)
        assert after["version"] != before["version"]
        assert after["prepared_answers"] == every and after["triples"] == before["triples"] + 1
        rows = client.get("/queries/goals-without-actions.json").get_json()["rows"]
        assert probe in {cell["value"] for row in rows for cell in row if cell}
    finally:
        close_app(app)


def test_a_page_of_an_answer_dropped_while_it_was_read_asks_to_try_again(quiet_app):
    """Kept answers hold no open file (server/answers.py): a request that got an answer just
    before a newer version or room for others dropped it is told to ask again, not given a 500."""
    query = saved_queries.load("actions-of-goal")
    kept = quiet_app.extensions["techniekpact.answers"]
    answer = kept.get(query, saved_queries.bind(query, {"goal": GOAL}))
    first_rows = answer.slice(0, 2)
    assert first_rows.count(b"\n") == 3  # the header and two rows
    answer.path.unlink()
    with pytest.raises(answers.StillPreparing, match="ask again"):
        answer.slice(0, 2)
    # A file gone without the service knowing is evaluated anew, not answered 503 for ever.
    again = kept.get(query, saved_queries.bind(query, {"goal": GOAL}))
    assert again is not answer and again.slice(0, 2) == first_rows


def test_a_prepared_first_page_is_the_page_made_on_request(store_dir, monkeypatch):
    """A default answer's first page is made when the answer is prepared, in both languages;
    a visitor gets the same page as one made on request, with no label looked up."""
    from server import rendering

    app = create_app(Config(store=str(store_dir), query_timeout=3.0, prepare_validation=False))
    client = app.test_client()
    try:
        _prepared(app)
        kept = app.extensions["techniekpact.answers"]._answers
        answer = next(a for key, a in kept.items() if key[1] == "actions-with-gaps")
        assert set(answer.first_cells) == {"nl", "en"} and answer.rows > 7
        looked_up, real = [], rendering.labels
        monkeypatch.setattr(
            rendering,
            "labels",
            lambda store, iris, lang="nl": looked_up.append(iris) or real(store, iris, lang),
        )
        prepared = {
            lang: client.get(f"/queries/actions-with-gaps.json?size=7&lang={lang}").get_json()
            for lang in ("nl", "en")
        }
        assert looked_up == []
        answer.first_cells.clear()  # now made on request (the arguments in another order: not a kept page)
        for lang in ("nl", "en"):
            made = client.get(f"/queries/actions-with-gaps.json?lang={lang}&size=7").get_json()
            assert {k: v for k, v in made.items() if k != "links"} == {
                k: v for k, v in prepared[lang].items() if k != "links"
            }
            assert len(made["rows"]) == 7 and made["next"] == 2
        assert prepared["nl"]["rows"] != prepared["en"]["rows"]  # labels in the page's language
    finally:
        close_app(app)
