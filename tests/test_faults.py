"""Faults: a killed server keeps every acknowledged update; a failed build leaves the
previous store serving; timeouts keep a slow client from stalling the others."""

import shutil
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from graph.build import BuildError, build
from graph.namespaces import DATA_DIR
from tests import live
from tests.live import free_port

TOKEN = "fault-token"
PROBE_GRAPH = "https://w3id.org/techniekpact/graph/test-durability"


def start_service(store: Path, port: int) -> subprocess.Popen:
    return live.start_service(
        store, port, {"TECHNIEKPACT_UPDATE_TOKEN": TOKEN, "TECHNIEKPACT_QUERY_TIMEOUT": "2"}
    )


def count(url: str) -> int:
    r = requests.post(
        url + "/sparql",
        data={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{PROBE_GRAPH}> {{ ?s ?p ?o }} }}"},
    )
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


@pytest.fixture()
def own_store(store_dir, tmp_path):
    target = tmp_path / "store"
    shutil.copytree(store_dir, target)
    return target


def test_a_killed_server_loses_no_acknowledged_update(own_store):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_service(own_store, port)
    try:
        for i in range(20):
            r = requests.post(
                url + "/sparql",
                headers={"Authorization": f"Bearer {TOKEN}"},
                data={"update": f"INSERT DATA {{ GRAPH <{PROBE_GRAPH}> {{ <urn:x:{i}> <urn:x:p> {i} }} }}"},
            )
            assert r.status_code == 204
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    proc = start_service(own_store, port)
    try:
        assert count(url) == 20
    finally:
        proc.terminate()
        proc.wait()


def test_a_failed_build_leaves_the_previous_store_serving(own_store, tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_service(own_store, port)
    try:
        before = requests.get(url + "/health").json()
        data = tmp_path / "data"
        shutil.copytree(DATA_DIR, data)
        (data / "zz-half.ttl").write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> \n")
        with pytest.raises(BuildError):
            build(own_store, data_dir=data)
        after = requests.get(url + "/health").json()
        # Same version and data (the prepared answers may have grown meanwhile).
        assert {k: after[k] for k in ("version", "triples", "graphs")} == {
            k: before[k] for k in ("version", "triples", "graphs")
        }
        r = requests.get(
            url + "/sparql",
            params={"query": "ASK { ?g a tp:Goal }"},
            headers={"Accept": "application/sparql-results+json"},
        )
        assert r.json()["boolean"] is True
    finally:
        proc.terminate()
        proc.wait()


def test_a_slow_query_does_not_stall_other_clients(own_store):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    proc = start_service(own_store, port)
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f FILTER(?a != ?c) }"
    tiny = "ASK { <https://w3id.org/techniekpact/id/goal/2016-01> ?p ?o }"
    try:
        with ThreadPoolExecutor(max_workers=6) as pool:
            slow_future = pool.submit(requests.post, url + "/sparql", data={"query": slow})
            answers = list(
                pool.map(
                    lambda _: requests.post(url + "/sparql", data={"query": tiny}).status_code, range(200)
                )
            )
            slow_response = slow_future.result()
        assert answers == [200] * 200
        assert slow_response.status_code == 503 and "time limit is 2 s" in slow_response.text
    finally:
        proc.terminate()
        proc.wait()


def test_engines_that_snapshot_one_store_at_once_do_not_undo_each_other(store_dir, tmp_path):
    # Several apps may serve one store in a process (as in these tests); each takes the
    # snapshot of a new version it notices, and two at once once deleted each other's copy.
    import pyoxigraph as ox

    from server.workers import Snapshots

    shutil.copytree(store_dir, tmp_path / "store")
    store = ox.Store(str(tmp_path / "store"))
    engines = [Snapshots(tmp_path / "store") for _ in range(4)]
    for version in ("a1", "a2", "a3", "a4", "a5"):
        with ThreadPoolExecutor(max_workers=4) as pool:
            paths = set(
                pool.map(lambda snapshots, version=version: snapshots.ensure(store, version), engines)
            )
        assert len(paths) == 1
        assert len(ox.Store.read_only(paths.pop())) == len(store)
