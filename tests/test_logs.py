"""Logging: a line per request, background errors with their traceback, the level by environment."""

import logging

import pytest

from server.logs import level_from_env, query_hash
from server.versions import VersionWatch

ASK = "ASK { ?s a <https://w3id.org/techniekpact/def#Goal> }"


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "server.logs"]


def test_a_request_logs_one_line_with_method_path_status_time_and_query_hash(client, caplog):
    caplog.set_level(logging.INFO, logger="server.logs")
    response = client.get(
        "/sparql", query_string={"query": ASK}, headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200 and response.get_json()["boolean"] is True
    [line] = request_lines(caplog)
    assert (line.method, line.path, line.status) == ("GET", "/sparql", 200)
    assert line.ms >= 0
    assert line.query_hash == query_hash(ASK) and len(line.query_hash) == 12
    assert (
        line.getMessage().startswith("GET /sparql 200 ") and f"query={query_hash(ASK)}" in line.getMessage()
    )
    assert ASK not in line.getMessage()  # the hash, not what the user asked


def test_a_posted_query_and_a_plain_page_are_logged_too(client, caplog):
    caplog.set_level(logging.INFO, logger="server.logs")
    client.post(
        "/sparql",
        data=ASK,
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    client.get("/no-such-page")
    posted, missing = request_lines(caplog)
    assert (posted.method, posted.status, posted.query_hash) == ("POST", 200, query_hash(ASK))
    assert (missing.path, missing.status, missing.query_hash) == ("/no-such-page", 404, None)
    assert "query=" not in missing.getMessage()


def test_requests_are_quiet_at_the_default_warning_level(client, caplog):
    caplog.set_level(logging.WARNING)
    client.get("/health")
    assert request_lines(caplog) == []


def test_a_failing_background_preparation_logs_its_traceback(caplog):
    """What is prepared per version starts from the version watcher's thread: a subscriber that
    fails is logged with its traceback, and the others are still told."""
    caplog.set_level(logging.ERROR, logger="server.versions")
    told = []

    def prepare(version):
        raise ValueError(f"the store of {version} is away")

    watch = VersionWatch()
    watch.subscribe(prepare)
    watch.subscribe(told.append)
    watch.seen("v7")
    failures = [r for r in caplog.records if r.name == "server.versions" and r.exc_info]
    assert failures, "no traceback logged"
    assert failures[0].exc_info[0] is ValueError and "v7" in failures[0].getMessage()
    assert "the store of v7 is away" in caplog.text and "Traceback" in caplog.text
    assert told == ["v7"]


@pytest.mark.parametrize(
    "value, level", [("", logging.INFO), ("debug", logging.DEBUG), ("WARNING", logging.WARNING)]
)
def test_the_level_comes_from_techniekpact_log_level(monkeypatch, value, level):
    monkeypatch.setenv("TECHNIEKPACT_LOG_LEVEL", value)
    assert level_from_env() == level


def test_an_unknown_level_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("TECHNIEKPACT_LOG_LEVEL", "loud")
    with pytest.raises(SystemExit, match="TECHNIEKPACT_LOG_LEVEL"):
        level_from_env()
