"""Durability (issue 23): builds, updates and crashes never corrupt, lose or hide data.

Real service processes (`python -m server.cli serve`) on copies of the session's store, killed
with SIGKILL at random moments and at named points (TECHNIEKPACT_TEST_CRASH_AT, graph/crash.py,
a test-only hook). The random moments come from TECHNIEKPACT_TEST_SEED when it is set, else
from the clock; a failure names the seed.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from graph.atomic import write_atomically
from graph.check import check
from graph.crash import ENV as CRASH_AT
from graph.store import builds_root, snapshot_of, snapshots_root, version_or_none
from tests.live import free_port, wait_until
from tests.servers import _answers_ask

ROOT = Path(__file__).parent.parent
TOKEN = "durability-token"
PROBE = "https://w3id.org/techniekpact/id/test/probe"
PROBE_GRAPH = "https://w3id.org/techniekpact/graph/test-probe"
SEED = int(os.environ.get("TECHNIEKPACT_TEST_SEED") or time.time_ns() % 1_000_000)
MENTIONS = "https://w3id.org/techniekpact/def#mentions"  # a relation the network views draw
NUMBER = re.compile(r"probe-(\d+)")


def cli(*args: str, crash_at: str | None = None) -> subprocess.CompletedProcess:
    """The command line as an operator runs it, from this checkout."""
    env = {k: v for k, v in os.environ.items() if k != CRASH_AT}
    if crash_at:
        env[CRASH_AT] = crash_at
    return subprocess.run(
        [sys.executable, "-m", "graph.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


class Service:
    """`techniekpact serve` in a process of its own, made cheap to start: one query worker,
    nothing prepared in the background."""

    def __init__(self, store: Path, crash_at: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != CRASH_AT}
        env.update(
            TECHNIEKPACT_UPDATE_TOKEN=TOKEN,
            TECHNIEKPACT_QUERY_WORKERS="1",
            TECHNIEKPACT_QUERY_TIMEOUT="20",
            TECHNIEKPACT_PREPARE_TIMEOUT="0",
            TECHNIEKPACT_PREPARE_VALIDATION="0",
        )
        if crash_at:
            env[CRASH_AT] = crash_at
        self.log = store.parent / f"service-{self.port}.log"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "server.cli", "serve", "--store", str(store), "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("wb"),
        )
        self.up = self._wait_up()

    def _wait_up(self, seconds: float = 120) -> bool:
        """True once it answers; False if it died first (a crash point at start-up)."""
        try:
            wait_until(
                lambda: (
                    self.proc.poll() is not None
                    or requests.get(self.url + "/health", timeout=5).status_code == 200
                ),
                seconds,
                "the service starting",
            )
        except AssertionError:
            self.kill()
            raise AssertionError(f"the service did not start: {self.log.read_text()[-2000:]}") from None
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def health(self) -> dict:
        return requests.get(self.url + "/health", timeout=30).json()

    def update(self, n: int) -> int:
        """Add probe n; the status code (raises when the service is gone)."""
        return requests.post(
            self.url + "/sparql",
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
            data={
                "update": f"INSERT DATA {{ GRAPH <{PROBE_GRAPH}> {{ <{PROBE}> <{MENTIONS}> <{PROBE}-{n}> }} }}"
            },
        ).status_code

    def _numbers(self, path: str, accept: str, **params) -> set[int]:
        r = requests.get(self.url + path, params=params, headers={"Accept": accept}, timeout=30)
        if r.status_code == 404:  # nothing about the probe yet
            return set()
        assert r.status_code == 200, f"{path}: {r.status_code} {r.text[:300]}"
        return {int(n) for n in NUMBER.findall(r.text)}

    def readers(self) -> dict[str, set[int]]:
        """The probes every kind of reader sees: the query workers' snapshot (/sparql, saved
        queries, entity RDF) and the live store (/store, entity page, network view)."""
        query = f"SELECT ?o WHERE {{ GRAPH <{PROBE_GRAPH}> {{ <{PROBE}> tp:mentions ?o }} }}"
        return {
            "sparql": self._numbers("/sparql", "text/csv", query=query),
            "saved query": self._numbers("/queries/fact-provenance.json", "application/json", subject=PROBE),
            "entity rdf": self._numbers("/id/test/probe.nt", "application/n-triples"),
            "graph store": self._numbers("/store", "application/n-triples", graph=PROBE_GRAPH),
            "entity page": self._numbers("/id/test/probe", "text/html"),
            "network view": self._numbers("/network/ego.json", "application/json", iri=PROBE),
        }

    def validation_version(self) -> str:
        """The store version the validation report was made from (made on request here)."""

        def made() -> str | None:
            r = requests.get(self.url + "/validate.json", timeout=30)
            assert r.status_code in (200, 503), r.text[:300]
            return r.json()["store_version"] if r.status_code == 200 else None

        return wait_until(made, 300, "the validation report")


def serving(service: Service, version: str) -> None:
    """Wait until the service serves `version` (it looks at the store's at most once a second)."""
    wait_until(
        lambda: service.health()["version"] == version, 60, f"the service taking over version {version}"
    )


def agreeing(service: Service) -> set[int]:
    """The probes the service holds, after checking that every reader sees the same."""
    seen = service.readers()
    first = seen["sparql"]
    assert all(numbers == first for numbers in seen.values()), f"readers disagree (seed {SEED}): {seen}"
    return first


@pytest.fixture()
def own_store(store_dir, tmp_path):
    target = tmp_path / "store"
    shutil.copytree(store_dir, target)
    return target


# -- 1. build beside a running service --------------------------------------------------


def test_a_build_hands_the_new_store_over_to_the_running_service(own_store, built):
    service = Service(own_store)
    try:
        assert service.update(1) == 204
        assert agreeing(service) == {1}
        old = service.health()["version"]
        result = cli("build", "--store", str(own_store))
        assert result.returncode == 0, result.stderr
        assert f"handed over to the running service (pid {service.proc.pid})" in result.stdout
        # The first write after the swap goes into the new store, however soon it comes.
        assert service.update(2) == 204
        health = service.health()
        assert health["version"] == version_or_none(own_store) != old
        assert (
            health["triples"] == built.total + 1
        )  # the rebuilt store (probe 1 was not in the sources) and probe 2
        assert agreeing(service) == {2}
        # The service removed the store it had open; only the current build is left.
        assert list(builds_root(own_store).iterdir()) == [own_store.resolve()]
    finally:
        service.stop()
    report = check(own_store)  # the store opens, its snapshot holds what it holds
    assert report.ok, report.problems
    assert report.counts[PROBE_GRAPH] == 1


def test_a_build_is_refused_while_a_process_that_cannot_take_over_holds_the_store(own_store, built):
    binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    oxigraph = subprocess.Popen(
        [
            binary,
            "serve",
            "--location",
            str(own_store),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    count = (
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "  # the documents' graphs, not the merge
        "FILTER(?g != <https://w3id.org/techniekpact/graph/merge>) }"
    )
    try:
        wait_until(
            lambda: _answers_ask(f"http://127.0.0.1:{port}/query"), 60, "the Oxigraph server answering"
        )
        result = cli("build", "--store", str(own_store))
        assert result.returncode == 2
        assert "open in another process that cannot take over a new store" in result.stderr
        assert "the previous store" in result.stderr and "was left as it was" in result.stderr
        answer = requests.post(
            f"http://127.0.0.1:{port}/query",
            data={"query": count},
            headers={"Accept": "text/csv"},
            timeout=30,
        )
        assert answer.text.split()[1] == str(built.total)  # the Oxigraph server still serves it, whole
        assert not own_store.is_symlink() and not any(builds_root(own_store).glob("*"))
    finally:
        oxigraph.terminate()
        oxigraph.wait(timeout=30)
    report = check(own_store)
    assert report.ok and report.total == built.total, report.problems


# -- 2. state files ------------------------------------------------------------------------


def test_an_atomic_write_that_fails_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    state = tmp_path / "VERSION"
    write_atomically(state, "old\n")

    def crash(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_atomically(state, "new\n")
    assert state.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["VERSION"]


@pytest.mark.parametrize("damage", ["torn VERSION", "missing VERSION", "unstamped snapshot"])
def test_a_damaged_state_file_is_rebuilt_from_the_store_at_start(own_store, damage):
    from server import create_app
    from server.config import Config

    version = version_or_none(own_store)
    if damage == "torn VERSION":
        (own_store / "VERSION").write_text("")  # what truncate-then-write left after kill -9
    elif damage == "missing VERSION":
        (own_store / "VERSION").unlink()
    else:  # a directory under the version's name that is no complete snapshot of it
        (snapshots_root(own_store) / version).mkdir(parents=True)
    app = create_app(
        Config(store=str(own_store), query_workers=1, prepare_timeout=0, prepare_validation=False)
    )
    client = app.test_client()
    for query in ("ASK { ?s ?p ?o }", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"):
        assert client.post("/sparql", data={"query": query}).status_code == 200
    now = client.get("/health").get_json()["version"]
    assert version_or_none(own_store) == now
    assert (now == version) == (damage == "unstamped snapshot")
    assert snapshot_of(own_store, now) is not None


# -- 3 and 4. kill -9 during updates, snapshots and builds ------------------------------------


def _stream(
    service: Service,
    first: int,
    acknowledged: set[int],
    sent: list[int],
    streaming: threading.Event | None = None,
    after: int = 0,
) -> None:
    """Send numbered updates until the service dies; note each sent and each acknowledged, and
    set `streaming` once `after` were acknowledged."""
    n = first
    while True:
        if streaming is not None and n - first >= after:
            streaming.set()
        sent.append(n)
        try:
            status = service.update(n)
        except requests.RequestException:
            return
        assert status == 204, status
        acknowledged.add(n)
        n += 1


def test_kill_9_during_updates_and_snapshots_loses_no_acknowledged_update_and_readers_agree(own_store):
    """Rounds of a stream of numbered updates, each ended by kill -9: at a random moment, or at a
    named point (after the commit, after the new VERSION, in the snapshot). Each next service
    must see every acknowledged update, with all readers agreeing, without a hand repair."""
    rng = random.Random(SEED)
    rounds = [None, "update-committed", "update-stamped", "snapshot-copied", None, "snapshot-copied"]
    acknowledged: set[int] = set()
    sent: list[int] = []
    committed: set[int] = set()  # in flight at a named point past the commit: must be kept too
    for point in rounds:
        service = Service(own_store, crash_at=point)
        if not service.up:  # killed while making the snapshot at start-up: the next round starts it again
            assert point == "snapshot-copied"
            continue
        held = agreeing(service)
        assert acknowledged | committed <= held, (
            f"lost updates (seed {SEED}): {(acknowledged | committed) - held}"
        )
        assert held <= set(sent), held - set(sent)
        # A random moment: a random number of updates in, then while the next is in flight,
        # wherever it has got to (counted in updates, never seconds, so that a slow machine
        # streams as many).
        streaming = threading.Event()
        killer = threading.Thread(
            target=lambda streaming=streaming, service=service: streaming.wait(120) and service.proc.kill()
        )
        if point is None:
            killer.start()
        _stream(service, max(sent, default=0) + 1, acknowledged, sent, streaming, after=rng.randint(2, 8))
        if point is None:
            killer.join()
        service.kill()
        if point is not None:
            committed.add(sent[-1])
    final = Service(own_store)
    try:
        held = agreeing(final)
        assert acknowledged | committed <= held and held <= set(sent)
        assert len(acknowledged) >= 3  # the random rounds did send a stream
        assert final.validation_version() == final.health()["version"]
    finally:
        final.stop()
    report = check(own_store)
    assert report.ok, report.problems
    assert report.counts[PROBE_GRAPH] == len(held)


def _files_of_new_stores(store: Path) -> int:
    """Files in the stores being built beside `store` (not the one it is)."""
    return sum(
        1
        for new in builds_root(store).glob("*")
        if new != store.resolve()
        for f in new.rglob("*")
        if f.is_file()
    )


def test_kill_9_during_a_build_leaves_a_whole_store_that_opens(own_store, built):
    """A build killed at any point leaves the previous store or the new one, complete; the next
    build cleans up after it. The copy starts as a plain directory, so the first build also
    moves it among the builds (`build-moved`, the point between the two renames)."""
    rng = random.Random(SEED)
    for point in ("build-moved", "build-swapped"):
        result = cli("build", "--store", str(own_store), crash_at=point)
        assert result.returncode == -signal.SIGKILL, result.stderr
        report = check(own_store)
        assert report.ok and report.total == built.total, (point, report.problems)
    build = subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "build", "--store", str(own_store)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Killed once its new store has a random number of files (no sooner: then nothing was
    # begun), or when it has ended by itself.
    files = rng.randint(1, 8)
    wait_until(
        lambda: build.poll() is not None or _files_of_new_stores(own_store) >= files,
        300,
        f"the build writing {files} files",
    )
    build.kill()
    build.wait()
    assert check(own_store).ok, f"seed {SEED}"
    assert cli("build", "--store", str(own_store)).returncode == 0
    assert list(builds_root(own_store).iterdir()) == [own_store.resolve()]  # the leftovers are gone
    report = check(own_store)
    assert report.ok and report.total == built.total, report.problems


# -- 5. check, backup and restore -------------------------------------------------------


def test_check_counts_what_health_reports_and_fails_on_an_unstamped_write(own_store):
    service = Service(own_store)
    try:
        assert service.update(1) == 204
        health = service.health()
        result = cli("check", "--store", str(own_store))  # while the service holds the store
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"{health['triples']} triples in {health['graphs']} graphs" in result.stdout
        assert f"a service (pid {service.proc.pid}) holds the store" in result.stdout
    finally:
        service.kill()
    (own_store / "CHANGING").write_text("1\n")  # as a kill between a write and its new version leaves it
    result = cli("check", "--store", str(own_store))
    assert result.returncode == 1 and "a write was in flight" in result.stderr
    repaired = cli("check", "--repair", "--store", str(own_store))
    assert repaired.returncode == 0, repaired.stderr
    assert "stamped version" in repaired.stdout and "made the snapshot" in repaired.stdout
    assert cli("check", "--store", str(own_store)).returncode == 0
    assert cli("check", "--store", str(own_store.parent / "nothing")).returncode == 2


def test_a_backup_restores_into_a_running_service(own_store, tmp_path):
    service = Service(own_store)
    try:
        assert service.update(1) == 204
        saved = tmp_path / "backup"
        result = cli("backup", "--store", str(own_store), str(saved))  # taken while the service runs
        assert result.returncode == 0, result.stderr
        assert service.update(2) == 204
        assert agreeing(service) == {1, 2}
        result = cli("restore", "--store", str(own_store), str(saved))
        assert result.returncode == 0, result.stderr
        assert "handed over to the running service" in result.stdout
        serving(service, version_or_none(own_store))
        assert agreeing(service) == {1}
    finally:
        service.stop()
    assert check(own_store).ok
    assert check(saved).ok  # the backup is a store of its own, untouched by the restore
