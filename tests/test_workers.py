"""The query worker pool (server/workers.py): the time limit is the query's own time."""

import pytest

from graph.store import read_version
from graph.namespaces import PREFIXES
from server.workers import WorkerPool, WorkerTimeout, Snapshots, ASK


def request(snapshot: str, query: str) -> dict:
    return {"query": query, "default_graphs": [], "named_graphs": [], "limit": 10, "snapshot": snapshot}


def test_a_new_worker_starting_does_not_use_up_the_query_time_limit(store, store_dir):
    snapshot = Snapshots(store_dir).ensure(store, read_version(store_dir))
    pool = WorkerPool(1, PREFIXES)
    try:
        # Asked at once: the worker's interpreter is still starting (importing pyoxigraph takes
        # longer than this limit), and only the query's own evaluation counts against it.
        answer = pool.run(request(snapshot, "ASK { ?s ?p ?o }"), timeout=0.05)
        assert (answer.kind, answer.payload) == (ASK, True)
        # A query that does run past the limit is still stopped, and the replacement, started
        # in its place, answers the next one within the same short limit.
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        with pytest.raises(WorkerTimeout):
            pool.run(request(snapshot, slow), timeout=0.05)
        assert pool.run(request(snapshot, "ASK { ?s ?p ?o }"), timeout=0.05).payload is True
    finally:
        pool.close()
