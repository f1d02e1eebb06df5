"""`make bench`: the service against its peers, side by side in one run, at several scales.

Peers (see ../shared/PERFORMANCE.md): the raw pyoxigraph engine in-process (the floor), this
service's HTTP endpoint, a bare Flask+waitress+pyoxigraph endpoint, the Oxigraph server,
and rdflib-endpoint (in memory up to 100×, on rdflib's BerkeleyDB store beyond). Latencies
come from a bounded Python client on loopback (median, p95); throughput from wrk (2 threads,
8 connections). Figures go to benchmarks/RESULTS.md.

    python -m benchmarks.run [--scales 1,10,100] [--seconds 5] [--repeat 15] [--reuse]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import requests

from benchmarks import rdflib_endpoint_peer
from benchmarks.generate import OUT, generated, load_in_child
from benchmarks.views import network_timings
from graph import saved_queries
from graph.namespaces import sparql_prefixes
from graph.query import bind_as_values

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TINY = "SELECT ?p ?o WHERE { <https://w3id.org/techniekpact/id/org/ocw> ?p ?o }"
GROUP_BY = "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"
RDFLIB_ALL_UP_TO = 100  # from this scale on, rdflib-endpoint in memory gets only the tiny lookup
RDFLIB_MAX_SCALE = 100  # beyond, an in-memory rdflib graph does not fit: rdflib-endpoint runs on BerkeleyDB
RDFLIB_GIVE_UP_S = (
    15.0  # a request rdflib-endpoint does not answer in this time is given up, the peer restarted
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 120, proc: subprocess.Popen | None = None) -> None:
    """Until `url` answers; RuntimeError after `seconds`, or at once when `proc` has ended (a
    peer that cannot start, e.g. rdflib-endpoint not installed, is not waited for half an hour)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=2)
            return
        except requests.RequestException:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError(f"{url}: the process ended with exit code {proc.returncode}") from None
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not come up")


def with_values(text: str, query: saved_queries.SavedQuery) -> str:
    """A saved query with its default parameters bound for the HTTP peers: a VALUES block at the
    start of the WHERE group, as the service sends them to a remote store (a trailing VALUES
    block is joined last, after every FILTER and without narrowing anything)."""
    return bind_as_values(text, {ox.Variable(k): v for k, v in saved_queries.bind(query, {}).items()})


def workload() -> dict[str, str]:
    queries = {"tiny lookup": TINY, "group by all": GROUP_BY}
    for q in saved_queries.load_all():
        queries[q.name] = with_values(q.text, q)
    return {name: sparql_prefixes() + text for name, text in queries.items()}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def time_raw(store: ox.Store, text: str, repeat: int, budget: float = 20.0) -> list[float]:
    times, started_all = [], time.perf_counter()
    for _ in range(repeat):
        if times and time.perf_counter() - started_all > budget:
            break
        started = time.perf_counter()
        result = store.query(text, use_default_graph_as_union=True)
        if isinstance(result, ox.QuerySolutions):
            result.serialize(format=ox.QueryResultsFormat.JSON)
        times.append(time.perf_counter() - started)
    return times


def _timed(send, repeat: int, budget: float) -> list[float] | None:
    """Latencies of `send(i)` for i = 0, 1, … (up to `repeat`, or until `budget` seconds
    passed); None as soon as one request times out or is not answered 200."""
    times, started_all = [], time.perf_counter()
    for i in range(repeat):
        started = time.perf_counter()
        try:
            if send(i).status_code != 200:
                return None
        except requests.Timeout:
            return None
        times.append(time.perf_counter() - started)
        if time.perf_counter() - started_all > budget:
            break
    return times


def time_http(
    url: str, text: str, repeat: int, budget: float = 60.0, unique: bool = True, timeout: float = 120.0
) -> list[float] | None:
    """Latencies of POSTed queries. With `unique` (the default) each request's text differs by
    a trailing comment, so no peer can answer from a cache: this measures evaluation."""
    session = requests.Session()
    return _timed(
        lambda i: session.post(
            url,
            data={"query": text + (f"\n# {i} {time.perf_counter()}" if unique else "")},
            headers={"Accept": "application/sparql-results+json"},
            timeout=timeout,
        ),
        repeat,
        budget,
    )


def time_repeated(url: str, text: str, repeat: int) -> list[float] | None:
    """Latencies of the same query sent again after it was answered once (untimed), so that
    each timed request can come from a cache; None if that first answer did not come."""
    if not time_http(url, text, 1, unique=False, timeout=180.0):
        return None
    return time_http(url, text, repeat, budget=20.0, unique=False, timeout=60.0)


def wait_prepared(sparql_url: str, budget: float = 3600) -> tuple[float, int]:
    """Seconds from the service's first answer until it has prepared its saved queries'
    default answers and its unfiltered network views in the background (server/answers.py,
    server/network_views.py), and how many answers it prepared."""
    url = sparql_url.rsplit("/sparql", 1)[0] + "/health"
    started = time.perf_counter()
    while True:
        health = requests.get(url, timeout=600).json()
        if not health["preparing"] or time.perf_counter() - started > budget:
            return time.perf_counter() - started, health["prepared_answers"]
        time.sleep(1)


def time_saved_page(sparql_url: str, name: str, repeat: int, budget: float = 20.0) -> list[float] | None:
    """Latencies of a saved query's first page through /queries/{name}.json, default
    parameters, page sizes 1000, 999, …: each a new key of the page cache, so each page is
    cut from the prepared answer and rendered again."""
    url = sparql_url.rsplit("/sparql", 1)[0] + f"/queries/{name}.json"
    session = requests.Session()
    return _timed(lambda i: session.get(url, params={"size": 1000 - i}, timeout=120), repeat, budget)


def wrk(url: str, text: str, seconds: int, unique: bool = False) -> float | None:
    """Requests/s; with `unique`, every request's query differs (no cache can answer). None,
    with the reason on stderr, if wrk is missing, fails or saw responses other than 2xx."""
    if not shutil.which("wrk"):
        return None
    target = url + "?" + urlencode({"query": text})
    script = ["-s", str(ROOT / "benchmarks" / "unique.lua")] if unique else []
    # wrk's own per-request timeout is 2 s, which at 100× a GROUP BY over everything exceeds.
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c8",
            f"-d{seconds}s",
            "--timeout",
            "120s",
            *script,
            "-H",
            "Accept: application/sparql-results+json",
            target,
        ],
        capture_output=True,
        text=True,
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
    if errors or not match:
        print(f"  wrk on {url} gave no figure: {(done.stdout + done.stderr).strip()[-300:]}", file=sys.stderr)
        return None
    return float(match.group(1))


# The service as benchmarked: large answers allowed, and time for the slow queries at scale.
# No validation report in the background: it would take a core (for 39 minutes at 1000×) while the
# queries are measured. Validation is measured on its own (bench_validate, scale_profile).
SERVICE_ENV = {
    "TECHNIEKPACT_RESULT_LIMIT": "1000000",
    "TECHNIEKPACT_QUERY_TIMEOUT": "120",
    "TECHNIEKPACT_PREPARE_TIMEOUT": "600",
    "TECHNIEKPACT_PREPARE_VALIDATION": "0",
}


def service_argv(store_dir, port: int) -> list[str]:
    """The service as `techniekpact serve` starts it, from this checkout's code (run it with cwd=ROOT:
    the installed `techniekpact` script may import another checkout)."""
    return [sys.executable, "-m", "server.cli", "serve", "--store", str(store_dir), "--port", str(port)]


def start_service(
    store_dir, port: int, env: dict[str, str] | None = None, timeout: float = 1800
) -> subprocess.Popen:
    """The service on `store_dir` in a process of its own, `env` added to the environment,
    returned once it answers: tests/live.py's `start_service`, the one the tests use."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.live import start_service as start

    return start(store_dir, port, env, timeout=timeout)


class Peers:
    """Start the HTTP peers on one scale's data and stop them afterwards. `started` holds how
    long each took to come up (for rdflib-endpoint in memory: parsing the data). With
    `rdflib_on_disk`, rdflib-endpoint serves a BerkeleyDB store loaded beforehand (`rdflib_loaded`
    holds that load's figures); `reuse` keeps an earlier run's finished loads of the peers.
    With `rdflib_only`, no other peer is started (benchmarks.rdflib_at_scale); with `rdflib` false,
    rdflib-endpoint is not (benchmarks.tiny)."""

    def __init__(
        self,
        store_dir: Path,
        nquads: Path,
        rdflib_on_disk: bool,
        reuse: bool = False,
        rdflib_only: bool = False,
        rdflib: bool = True,
    ):
        self.procs, self.urls, self.started, self._argv = {}, {}, {}, {}
        self.rdflib_loaded = None
        if not rdflib_only:
            self._start_oxigraph_peers(store_dir, nquads, reuse)
        if rdflib:
            self._start_rdflib(store_dir, nquads, rdflib_on_disk, reuse)

    def _start_oxigraph_peers(self, store_dir: Path, nquads: Path, reuse: bool) -> None:
        port = free_port()
        self._start(
            "service", service_argv(store_dir, port), f"http://127.0.0.1:{port}/sparql", env=SERVICE_ENV
        )
        # Before the other peers start, so that the preparation has the machine to itself.
        self.prepared = wait_prepared(self.urls["service"])
        port = free_port()
        self._start(
            "bare endpoint",
            [sys.executable, "-m", "benchmarks.bare_endpoint", str(store_dir), str(port)],
            f"http://127.0.0.1:{port}/sparql",
        )
        oxigraph = shutil.which("oxigraph") or str(BIN / "oxigraph")
        if Path(oxigraph).exists():
            location = store_dir.parent / (store_dir.name + "-oxigraph-server")
            loaded = location / "loaded-by-benchmarks"  # written last: without it, the load did not finish
            if not (reuse and loaded.exists()):
                shutil.rmtree(location, ignore_errors=True)
                subprocess.run(
                    [oxigraph, "load", "--location", str(location), "--file", str(nquads)],
                    check=True,
                    capture_output=True,
                )
                loaded.write_text(str(nquads))
            port = free_port()
            self._start(
                "oxigraph server",
                [
                    oxigraph,
                    "serve-read-only",
                    "--location",
                    str(location),
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--union-default-graph",
                ],
                f"http://127.0.0.1:{port}/query",
            )

    def _start_rdflib(self, store_dir: Path, nquads: Path, rdflib_on_disk: bool, reuse: bool) -> None:
        port = free_port()
        if rdflib_on_disk:
            directory = store_dir.parent / (store_dir.name + "-rdflib-berkeleydb")
            earlier = reuse and rdflib_endpoint_peer.loaded_figures(directory)
            self.rdflib_loaded = earlier and {**earlier, "reused": True}
            if not self.rdflib_loaded:  # in a child, so that its peak memory is the load's own
                done = subprocess.run(
                    [
                        sys.executable,
                        "-m",
                        "benchmarks.rdflib_endpoint_peer",
                        "--load",
                        str(nquads),
                        str(directory),
                    ],
                    cwd=ROOT,
                    check=True,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                self.rdflib_loaded = json.loads(done.stdout.strip().splitlines()[-1])
            argv = ["--berkeleydb", str(directory), str(port)]
        else:
            argv = [str(nquads), str(port)]
        self._start(
            "rdflib-endpoint",
            [sys.executable, "-m", "benchmarks.rdflib_endpoint_peer", *argv],
            f"http://127.0.0.1:{port}/",
        )

    def _start(self, name, argv, url, env=None):
        self._argv[name] = (argv, url, env)
        started = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.procs[name] = proc
        try:
            wait_for(url, seconds=1800, proc=proc)
            self.urls[name] = url
            self.started[name] = time.perf_counter() - started
        except RuntimeError as error:
            print(f"  ({name} did not start, left out: {error})")

    def peak_mb(self, name: str) -> float | None:
        """A peer's peak resident memory so far (Linux: VmHWM), in MB."""
        try:
            status = Path(f"/proc/{self.procs[name].pid}/status").read_text()
        except (KeyError, OSError):
            return None
        match = re.search(r"VmHWM:\s+(\d+) kB", status)
        return int(match.group(1)) / 1024 if match else None

    def restart(self, name: str) -> None:
        """Kill a peer and start it again: rdflib-endpoint goes on evaluating a query its
        client gave up on, which would slow every later request down. (Only reads are sent
        to it, so a BerkeleyDB store killed mid-query opens again as it was.)"""
        proc = self.procs.pop(name)
        proc.kill()  # not terminate: uvicorn would wait for the query it is stuck on
        proc.wait()
        self.urls.pop(name, None)
        self._start(name, *self._argv[name])

    @staticmethod
    def _stop(proc) -> None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # uvicorn may linger on open connections
            proc.kill()
            proc.wait()

    def stop(self):
        for proc in self.procs.values():
            self._stop(proc)


def time_rdflib(peers: Peers, text: str, repeat: int = 3) -> list[float] | None:
    """Latencies on rdflib-endpoint, each request given RDFLIB_GIVE_UP_S; None if it did not
    answer, and then the peer is restarted (it would go on evaluating the query given up)."""
    times = time_http(peers.urls["rdflib-endpoint"], text, repeat, budget=20.0, timeout=RDFLIB_GIVE_UP_S)
    if not times:
        peers.restart("rdflib-endpoint")
    return times


def berkeleydb_load(peers: Peers) -> str:
    """How rdflib-endpoint's BerkeleyDB store was loaded and opened, for RESULTS.md."""
    loaded = peers.rdflib_loaded
    return (
        f"Loading the data into it took {loaded['seconds']:,.0f} s, peak memory {loaded['peak_mb']:,.0f} MB, "
        f"{loaded['disk_mb'] / 1024:,.1f} GB on disk"
        + (" (an earlier run's load, reused with --reuse)" if loaded.get("reused") else "")
        + f"; the peer opened it in {peers.started.get('rdflib-endpoint', 0):.1f} s."
    )


def scaled_store(scale: int, reuse: bool = False) -> tuple[Path, Path, dict]:
    """Generate the data and load it as a build would (benchmarks.generate.load_store); time and
    memory. Returns the store, an N-Quads dump of it for the other peers, and the figures.
    With `reuse`, the store and dump an earlier run left are used if both exist (the load takes
    most of an hour at 1000×), with that load's figures if it wrote them."""
    store_dir = OUT / f"store-{scale}"
    dump = OUT / f"store-{scale}.nq"  # everything the store holds, derived graphs too: what the peers load
    figures = OUT / f"store-{scale}.load.json"
    if reuse and store_dir.exists() and dump.exists():
        build = json.loads(figures.read_text()) if figures.exists() else {}
        if "triples" not in build:
            with dump.open("rb") as lines:
                build["triples"] = sum(1 for _ in lines)  # N-Quads: one quad a line
        return store_dir, dump, {**build, "reused": True}
    loaded = load_in_child(generated(scale), store_dir, dump=dump)  # stamps a new VERSION
    build = {
        "load_s": loaded["seconds"],
        "triples": loaded["quads"],
        "peak_mb": loaded["peak_mb"],
        "date": datetime.date.today().isoformat(),
    }
    figures.write_text(json.dumps(build))
    return store_dir, dump, build


def run(scales: list[int], seconds: int, repeat: int, reuse: bool = False) -> str:
    lines = [
        "# Benchmarks",
        "",
        "`python -m benchmarks.run`: latency is the median / p95 in ms over repeated "
        "POSTs from one client; throughput comes from wrk -t2 -c8. Each scale's section says when and where it ran.",
        "",
    ]
    machine = (
        f"Run {datetime.date.today().isoformat()} on {platform.node()}: {os.cpu_count()} cores, "
        f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
        f"pyoxigraph {ox.__version__ if hasattr(ox, '__version__') else '0.5'}."
    )
    queries = workload()
    saved = set(saved_queries.names())
    for scale in scales:
        print(f"scale {scale}×")
        store_dir, nquads, build = scaled_store(scale, reuse)
        if "load_s" in build:
            loaded = (
                f"Load into Oxigraph, with the OWL 2 RL step and name keys: {build['load_s']:.2f} s, "
                f"peak memory {build['peak_mb']:.0f} MB"
            )
            if build.get("reused"):
                loaded += f" (the load of {build['date']}, reused by this run with --reuse)"
        else:
            loaded = "Not loaded again: this run reused the store an earlier run had loaded (--reuse), which kept no figures"
        lines += [
            f"## {scale}× the curated graph ({build['triples']:,} triples)",
            "",
            machine,
            "",
            loaded + ".",
            "",
        ]
        store = ox.Store.read_only(str(store_dir))
        lines += [network_timings(store), ""]
        on_disk = scale > RDFLIB_MAX_SCALE
        # In memory from RDFLIB_ALL_UP_TO on, a restart after a query given up takes minutes.
        rdflib_tiny_only = not on_disk and scale >= RDFLIB_ALL_UP_TO
        peers = Peers(store_dir, nquads, rdflib_on_disk=on_disk, reuse=reuse)
        try:
            preparing_s, prepared = peers.prepared  # not `seconds`: that is wrk's duration
            lines += [
                f"After start, the service prepared the default answers of {prepared} of the "
                f"{len(saved)} saved queries (and the labels of their first pages) and the unfiltered "
                f"network views in {preparing_s:.1f} s, in the background (one query worker, one view "
                "thread); the timings below start after that.",
                "",
            ]
            names = ["raw pyoxigraph"] + list(peers.urls)
            if on_disk and peers.rdflib_loaded:
                lines += [
                    f"rdflib-endpoint runs on rdflib's BerkeleyDB store at {scale}× (an in-memory graph would "
                    f"need ten times its {RDFLIB_MAX_SCALE}× peak memory, more than this machine has). "
                    + berkeleydb_load(peers),
                    "",
                ]
            elif "rdflib-endpoint" in peers.started:
                lines += [
                    f"rdflib-endpoint parsed the data into memory in {peers.started['rdflib-endpoint']:.1f} s, "
                    f"peak memory {peers.peak_mb('rdflib-endpoint') or 0:,.0f} MB "
                    f"(the service's store was loaded above)."
                ]
            if "rdflib-endpoint" in peers.started:
                lines += [
                    f"A request rdflib-endpoint does not answer within {RDFLIB_GIVE_UP_S:.0f} s is given up and the peer restarted"
                    f"{'; beyond ' + str(RDFLIB_ALL_UP_TO - 1) + '× in memory it gets only the tiny lookup, as a restart takes minutes' if rdflib_tiny_only else ''}.",
                    "",
                ]
            lines += [
                "Median / p95 latency in ms, each request a new query text (no cache can answer); "
                "'service, repeated' is the same query sent again (answered from the service's cache); "
                "'saved page 1' is the saved query's first page (1,000 rows) as a user opens it, "
                "`GET /queries/{name}.json`, cut from the prepared answer, with a page size that differs by "
                "a row each time so no page cache answers.",
                "",
                "| query | " + " | ".join(names) + " | service, repeated | saved page 1 | service ÷ raw |",
                "|---" * (len(names) + 4) + "|",
            ]
            for qname, text in queries.items():
                row, medians = [], {}
                raw = time_raw(store, text, repeat)
                medians["raw pyoxigraph"] = statistics.median(raw)
                row.append(f"{1000 * statistics.median(raw):.1f} / {1000 * percentile(raw, 95):.1f}")
                for peer in names[1:]:
                    slow_peer = peer == "rdflib-endpoint"
                    if slow_peer and rdflib_tiny_only and qname != "tiny lookup":
                        row.append("not run")
                        continue
                    url = peers.urls.get(peer)
                    times = url and (
                        time_rdflib(peers, text)
                        if slow_peer
                        else time_http(url, text, repeat, budget=20.0, timeout=60.0)
                    )
                    if not times:
                        row.append(f"> {RDFLIB_GIVE_UP_S:.0f} s" if slow_peer else "> 60 s")
                        continue
                    medians[peer] = statistics.median(times)
                    row.append(f"{1000 * statistics.median(times):.1f} / {1000 * percentile(times, 95):.1f}")
                ratio = (
                    f"{medians['service'] / medians['raw pyoxigraph']:.1f}"
                    if "service" in medians and medians["raw pyoxigraph"]
                    else "n/a"
                )
                cached = (
                    time_repeated(peers.urls["service"], text, repeat) if "service" in peers.urls else None
                )
                row.append(f"{1000 * statistics.median(cached):.1f}" if cached else "n/a")
                page = (
                    time_saved_page(peers.urls["service"], qname, repeat)
                    if "service" in peers.urls and qname in saved
                    else None
                )
                row.append(
                    f"{1000 * statistics.median(page):.1f} / {1000 * percentile(page, 95):.1f}"
                    if page
                    else ""
                )
                lines.append(f"| {qname} | " + " | ".join(row) + f" | {ratio} |")
                print(f"  {qname}: " + ", ".join(f"{k} {1000 * v:.1f} ms" for k, v in medians.items()))
            lines += [
                "",
                "Throughput (requests/s, wrk):",
                "",
                "| query | " + " | ".join(names[1:]) + " |",
                "|---" * len(names) + "|",
            ]
            for qname in ("tiny lookup", "group by all"):
                for unique in (False, True):
                    figures = [
                        wrk(peers.urls[peer], queries[qname], seconds, unique)
                        # wrk leaves its unanswered requests behind: rdflib-endpoint would go on
                        # evaluating them while the next peers are measured.
                        if peer in peers.urls
                        and (qname == "tiny lookup" or peer != "rdflib-endpoint" or scale < RDFLIB_ALL_UP_TO)
                        else None
                        for peer in names[1:]
                    ]
                    label = f"{qname}, {'every query different' if unique else 'the same query repeated'}"
                    lines.append(
                        f"| {label} | "
                        + " | ".join("n/a" if f is None else f"{f:,.0f}" for f in figures)
                        + " |"
                    )
            lines.append("")
        finally:
            peers.stop()
        write_results("\n".join(lines) + "\n")  # after each scale, so a long run keeps what it measured
    return "\n".join(lines) + "\n"


def write_results(report: str) -> None:
    """Write this run's sections, keeping the other sections of RESULTS.md: other scales
    (a run of `--scales 100` keeps the 1× and 10× figures) and what other benchmarks wrote
    (e.g. '## Validation'). Scale sections end up in order of scale."""
    results = ROOT / "benchmarks" / "RESULTS.md"
    sections = lambda text: re.findall(r"(?ms)^## .*?(?=^## |\Z)", text)
    scale_of = lambda section: int(re.match(r"## (\d+)×", section).group(1))
    new = sections(report)
    ran = {scale_of(s) for s in new}
    old = sections(results.read_text()) if results.exists() else []
    scales = sorted(
        [s for s in old if re.match(r"## \d+×", s) and scale_of(s) not in ran] + new, key=scale_of
    )
    others = [s for s in old if not re.match(r"## \d+×", s)]
    head = report[: report.index("## ")] if "## " in report else report
    results.write_text(
        head + "".join(section.rstrip("\n") + "\n\n" for section in scales + others).rstrip("\n") + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="use the store and dump an earlier run left for a scale instead of loading again",
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    run([int(s) for s in args.scales.split(",")], args.seconds, args.repeat, args.reuse)
    print(f"wrote {ROOT / 'benchmarks' / 'RESULTS.md'}")


if __name__ == "__main__":
    main()
