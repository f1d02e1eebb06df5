"""Memory and descriptors stay bounded, whatever distinct requests a client sends.

A client can make every request distinct (another query text, another parameter value), and
the service keeps what it answered (server/cache.py, server/answers.py). Before these bounds,
100 distinct 5 MB queries grew the server from 139 MB to 657 MB for good, and every kept
saved-query answer held a file open (300 parameter values, 300 descriptors of 1,024).

The bounds stated here (and in the README): 200 distinct queries of half a megabyte each
(100 MB of text) grow the serving process by less than 40 MB; 300 distinct parameter
values of 4 KB each leave at most 10 more descriptors open than before, and less than 40 MB
more memory. The process measured is the one serving (the test client runs the app in it)."""

from __future__ import annotations

import os

import pytest

from server import answers, create_app
from server.config import Config

MB = 1 << 20
QUERY_BYTES = 512 * 1024  # under the largest query the service accepts (1 MiB)
QUERIES = 200
PARAMETER_BYTES = 4096
PARAMETERS = 300
GROWTH_BOUND = 40 * MB  # each run sends 100 MB (queries) or 1.2 MB (values) that a key could keep
DESCRIPTOR_BOUND = 10


def rss() -> int:
    """The process's resident memory, from /proc/self/status."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture()
def quiet_app(store_dir):
    """An app that prepares nothing in the background, so what is kept is what requests made."""
    app = create_app(
        Config(store=str(store_dir), query_timeout=10.0, prepare_timeout=0, prepare_validation=False)
    )
    yield app
    app.extensions["techniekpact.answers"].close()


def _query(n: int) -> str:
    # A real query, made large and distinct by a comment, as a client could send it.
    head = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <https://w3id.org/techniekpact/def#Goal> }} # {n} "
    return head + "x" * (QUERY_BYTES - len(head))


def test_distinct_large_queries_grow_the_server_by_less_than_the_bound(quiet_app):
    client = quiet_app.test_client()
    cache = quiet_app.extensions["techniekpact.cache"]

    def ask(n):
        response = client.post(
            "/sparql",
            data=_query(n),
            headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        )
        assert response.status_code == 200 and response.get_data(as_text=True).splitlines()[0] == "n"

    for n in range(10):  # warm up: workers started, snapshot open, code paths imported
        ask(n)
    before = rss()
    for n in range(10, 10 + QUERIES):
        ask(n)
    grown = rss() - before
    # Every answer was kept (they are tiny), so the cache was used, and each is still found.
    assert len(cache) == 10 + QUERIES
    calls = []
    engine = quiet_app.extensions["techniekpact.engine"]
    real = engine.query
    engine.query = lambda *a, **k: calls.append(a) or real(*a, **k)
    try:
        ask(10 + QUERIES - 1)
    finally:
        engine.query = real
    assert calls == []
    assert grown < GROWTH_BOUND, f"{QUERIES} distinct queries grew the process by {grown / MB:.0f} MB"


def test_distinct_parameter_values_keep_no_descriptor_open_and_stay_within_memory(quiet_app):
    client = quiet_app.test_client()
    goal = "https://w3id.org/techniekpact/id/goal/"

    def ask(n):
        value = f"{goal}{n}-" + "g" * (PARAMETER_BYTES - len(goal) - 8)
        response = client.get("/queries/actions-of-goal.json", query_string={"goal": value})
        assert response.status_code == 200 and response.get_json()["rows"] == []

    for n in range(10):
        ask(n)
    fds, before = descriptors(), rss()
    for n in range(10, 10 + PARAMETERS):
        ask(n)
    kept = quiet_app.extensions["techniekpact.answers"]
    assert len(kept._answers) == min(10 + PARAMETERS, answers.MAX_ANSWERS)
    assert descriptors() - fds <= DESCRIPTOR_BOUND, f"{descriptors() - fds} more descriptors open"
    assert rss() - before < GROWTH_BOUND
    # The answers are on disk, one file each, and pages are still cut from them.
    assert len(list(kept._root.iterdir())) == len(kept._answers)
    assert client.get(
        "/queries/actions-of-goal.json", query_string={"goal": f"{goal}2016-12", "size": 2}
    ).get_json()["next"]
