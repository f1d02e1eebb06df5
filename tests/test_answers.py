"""Saved queries' answers: evaluated once per store version and parameters, pages cut from them,
prepared in the background after start-up and after every change."""

from __future__ import annotations

import threading
import time

import pytest

from graph import saved_queries
from server import answers, create_app
from server.config import Config
from tests.conftest import UPDATE_TOKEN

AUTH = {"Authorization": f"Bearer {UPDATE_TOKEN}"}
GOAL = "https://w3id.org/techniekpact/id/goal/2016-12"


def _counting(engine, monkeypatch, gate: threading.Event | None = None) -> list[str]:
    """Record (and, with a gate, hold until it opens) every evaluation of the real engine."""
    calls, real = [], engine.query

    def query(text, **kwargs):
        calls.append(text)
        if gate is not None:
            gate.wait(10)
        return real(text, **kwargs)

    monkeypatch.setattr(engine, "query", query)
    return calls


@pytest.fixture()
def quiet_app(store_dir):
    """An app that prepares nothing in the background, so every evaluation is a request's."""
    app = create_app(Config(store=str(store_dir), query_timeout=3.0, prepare_timeout=0))
    yield app
    app.extensions["techniekpact.answers"].close()


def test_every_page_is_cut_from_one_evaluation(quiet_app, monkeypatch):
    calls = _counting(quiet_app.extensions["techniekpact.engine"], monkeypatch)
    client = quiet_app.test_client()
    rows, page = [], 1
    while page:
        data = client.get("/queries/actions-of-goal.json", query_string={"goal": GOAL, "size": 2, "page": page}).get_json()
        rows += data["rows"]
        page = data["next"]
    assert len(rows) >= 4 and len(calls) == 1
    whole = client.get("/queries/actions-of-goal.json", query_string={"goal": GOAL, "size": 1000}).get_json()
    assert rows == whole["rows"] and len(calls) == 1
    # Other parameter values are another answer.
    client.get("/queries/actions-of-goal.json", query_string={"goal": GOAL.replace("12", "11")})
    assert len(calls) == 2


def test_requests_arriving_together_share_one_evaluation(quiet_app, monkeypatch):
    gate = threading.Event()
    calls = _counting(quiet_app.extensions["techniekpact.engine"], monkeypatch, gate)
    statuses = []

    def ask():
        statuses.append(quiet_app.test_client().get("/queries/goals-without-actions.json").status_code)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # all four are in: one evaluates (held at the gate), three wait for it
    gate.set()
    for thread in threads:
        thread.join(10)
    assert statuses == [200] * 4 and len(calls) == 1


def test_a_request_that_waits_past_the_time_limit_gets_503(store_dir, monkeypatch):
    app = create_app(Config(store=str(store_dir), query_timeout=0.5, prepare_timeout=0))
    gate = threading.Event()
    _counting(app.extensions["techniekpact.engine"], monkeypatch, gate)
    first = threading.Thread(target=lambda: app.test_client().get("/queries/goals-without-actions.json"))
    first.start()
    time.sleep(0.1)
    try:
        waiting = app.test_client().get("/queries/goals-without-actions.json")
        assert waiting.status_code == 503 and waiting.headers["Retry-After"]
        assert "being prepared" in waiting.get_json()["message"]
    finally:
        gate.set()
        first.join(10)
    assert app.test_client().get("/queries/goals-without-actions.json").status_code == 200


def test_an_answer_too_large_to_keep_is_a_clear_400(quiet_app, monkeypatch):
    monkeypatch.setattr(answers, "MAX_ROWS", 3)
    response = quiet_app.test_client().get("/queries/actions-with-gaps.json")
    assert response.status_code == 400
    assert "more than 3 rows" in response.get_json()["message"]


def _prepared(client, version: str | None = None, seconds: float = 60) -> dict:
    """/health once the background preparation is done (for a version other than `version`)."""
    deadline = time.monotonic() + seconds
    while True:
        health = client.get("/health").get_json()
        if (not health["preparing"] and health["version"] != version) or time.monotonic() > deadline:
            return health
        time.sleep(0.2)


def test_default_answers_are_prepared_after_start_and_after_an_update(store_dir, tmp_path, monkeypatch):
    import shutil
    shutil.copytree(store_dir, tmp_path / "store")
    app = create_app(Config(store=str(tmp_path / "store"), update_token=UPDATE_TOKEN))
    client, every = app.test_client(), len(saved_queries.names())
    try:
        before = _prepared(client)
        assert before["prepared_answers"] == every
        # Prepared: a visitor's page needs no evaluation.
        calls = _counting(app.extensions["techniekpact.engine"], monkeypatch)
        assert client.get("/queries/actions-with-gaps.json").status_code == 200 and calls == []
        monkeypatch.undo()
        probe = "https://w3id.org/techniekpact/id/goal/test-prepared"
        update = (f"INSERT DATA {{ GRAPH <https://w3id.org/techniekpact/graph/test> {{ <{probe}> a "
                  f"<https://w3id.org/techniekpact/def#Goal> }} }}")
        assert client.post("/sparql", data={"update": update}, headers=AUTH).status_code == 204
        after = _prepared(client, before["version"])
        assert after["prepared_answers"] == every and after["triples"] == before["triples"] + 1
        rows = client.get("/queries/goals-without-actions.json").get_json()["rows"]
        assert probe in {cell["value"] for row in rows for cell in row if cell}
    finally:
        app.extensions["techniekpact.answers"].close()
