"""The query worker pool (server/workers.py): the time limit is the query's own time."""

import os

import pytest

from graph.namespaces import PREFIXES
from graph.store import read_version
from server.workers import ASK, Snapshots, WorkerPool, WorkerTimeout


def request(snapshot: str, query: str) -> dict:
    return {"query": query, "default_graphs": [], "named_graphs": [], "limit": 10, "snapshot": snapshot}


def test_a_new_worker_starting_does_not_use_up_the_query_time_limit(store, store_dir, tmp_path, monkeypatch):
    snapshot = Snapshots(store_dir).ensure(store, read_version(store_dir))
    # Every worker's interpreter takes a second to start (a sitecustomize that sleeps), twice
    # the limit below: only if the start is left out of the limit can the queries answer.
    (tmp_path / "sitecustomize.py").write_text("import time\ntime.sleep(1.0)\n")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    )
    pool = WorkerPool(1, PREFIXES)
    try:
        answer = pool.run(request(snapshot, "ASK { ?s ?p ?o }"), timeout=0.5)
        assert (answer.kind, answer.payload) == (ASK, True)
        # A query that does run past the limit is still stopped, and the replacement, started
        # in its place (slowly again), answers the next one within the same limit.
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        with pytest.raises(WorkerTimeout):
            pool.run(request(snapshot, slow), timeout=0.5)
        assert pool.run(request(snapshot, "ASK { ?s ?p ?o }"), timeout=0.5).payload is True
    finally:
        pool.close()
