"""Build the store: ontology, shapes, curated data and query catalogue, then reasoning and name keys.

The build writes a fresh store beside the current one (graph/store.py) and swaps it in only
when every file loaded; a malformed file fails the build with file, line and the parser's
message and leaves the previous store as it was. A service that serves the store takes the new
one over (graph/handover.py); a store another kind of process holds is not swapped (StoreBusy).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph import merge, name_keys, reason, saved_queries
from graph.crash import crash_point
from graph.doublures import decisions as doublure_decisions
from graph.doublures.decisions import decisions_path
from graph.handover import build_lock, change_lock, serving_pids
from graph.namespaces import (
    DATA_DIR,
    INFERRED_GRAPH,
    ONTOLOGY_FILE,
    ONTOLOGY_GRAPH,
    QUERIES_DIR,
    SHAPES_DIR,
    SHAPES_GRAPH,
    graph_for_file,
)
from graph.progress import Progress
from graph.store import (
    builds_root,
    complete_build,
    graph_counts,
    new_build_dir,
    refuse_if_held,
    remove_builds,
    repair_swap,
    store_path,
    swap_in,
    write_version,
)


class BuildError(Exception):
    """A source file could not be loaded; says which file, where, and why."""

    def __init__(self, path: Path, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass
class BuildReport:
    store: Path
    counts: dict[str, int]
    seconds: float
    version: str
    handed_over_to: list[int] = field(default_factory=list)  # pids of the services that take it over

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def inferred(self) -> int:
        return self.counts.get(INFERRED_GRAPH, 0)


def sources(data_dir: Path = DATA_DIR, shapes_dir: Path = SHAPES_DIR) -> Iterator[tuple[Path, str]]:
    """Every Turtle file the store is built from, with the named graph it goes into."""
    yield ONTOLOGY_FILE, ONTOLOGY_GRAPH
    for path in sorted(shapes_dir.glob("*.ttl")):
        yield path, SHAPES_GRAPH
    for path in sorted(data_dir.glob("*.ttl")):
        yield path, graph_for_file(path)


def load_file(store: ox.Store, path: Path, graph: str) -> None:
    try:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
    except SyntaxError as error:
        message = str(error.msg if hasattr(error, "msg") else error)
        raise BuildError(path, error.lineno, message.split(" (", 1)[0]) from None


DERIVE_STEPS = 2


def derive(store: ox.Store, progress: Progress | None = None) -> None:
    """What the build computes from the ontology and the data (the store holds nothing else
    yet): the OWL 2 RL entailments (graph `inferred`), then the name keys the doublure query
    joins on (graph `derived`). Each is a step of `progress`, if given."""
    if progress:
        progress.step("reasoning (OWL 2 RL)")
    reason.materialise(store)
    if progress:
        progress.step("name keys")
    name_keys.derive(store)


def build(
    target: str | Path | None = None,
    data_dir: Path = DATA_DIR,
    shapes_dir: Path = SHAPES_DIR,
    queries_dir: Path = QUERIES_DIR,
) -> BuildReport:
    """Build a complete store and swap it in as `target`. Raises BuildError for a source that
    does not load and StoreBusy when the store is held by a process that cannot take over
    (checked before the work and again at the swap); either leaves the previous store."""
    started = time.perf_counter()
    target = store_path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(target):
        repair_swap(target)
        for leftover in builds_root(target).glob("*.partial"):  # of builds killed half-way
            shutil.rmtree(leftover, ignore_errors=True)
        if not serving_pids(target):
            refuse_if_held(target)  # before minutes of work, not only at the swap
        work = new_build_dir(target)
        try:
            counts = _load(work, data_dir, shapes_dir, queries_dir, decisions_path(target))
            version = write_version(work)
            done = complete_build(work)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        crash_point("build-loaded")
        servers = install(done, target)
    return BuildReport(target, counts, time.perf_counter() - started, version, servers)


def install(done: Path, target: Path) -> list[int]:
    """Swap the complete store `done` in as `target` (call it holding the build lock). Returns
    the pids of the services that take it over; raises StoreBusy (and removes `done`) when a
    process that cannot take over holds the store."""
    previous = target.resolve() if target.exists() else None
    try:
        with change_lock(target):
            servers = serving_pids(target)
            if not servers:
                refuse_if_held(target)
            swap_in(done, target)
    except BaseException:
        shutil.rmtree(done, ignore_errors=True)
        raise
    crash_point("build-swapped")
    # A serving process still reads the previous store until it has opened this one; it
    # removes the previous store then. Older builds nobody reads any more go now.
    remove_builds(target, keep=(previous,) if servers and previous else ())
    return servers


def _load(
    work: Path, data_dir: Path, shapes_dir: Path, queries_dir: Path, decisions: Path | None = None
) -> dict[str, int]:
    """Load and derive everything into a new store at `work`; the triples per graph. The
    coordinators' doublure decisions, kept beside the store (graph/doublures/decisions.py), are
    put back into every new store, so that they survive rebuilds."""
    store = ox.Store(str(work))
    loaded = list(sources(data_dir, shapes_dir))
    data = [(path, graph) for path, graph in loaded if graph != SHAPES_GRAPH]
    # One unit a data file, the derived graphs, shapes and catalogue, the merge, counting: quiet off a terminal.
    with Progress(len(data) + DERIVE_STEPS + 3, "build") as progress:
        for path, graph in data:
            progress.step(f"loading {path.name}")
            load_file(store, path, graph)
        derive(store, progress)  # over ontology and data alone: shapes and catalogue come after
        progress.step("shapes and saved queries")
        for path, graph in loaded:
            if graph == SHAPES_GRAPH:
                load_file(store, path, graph)
        store.extend(saved_queries.catalogue_quads(saved_queries.load_all(queries_dir)))
        if decisions is not None:
            try:
                doublure_decisions.load_into(store, decisions)
            except SyntaxError as error:  # a hand-edited file: say where, and keep the previous store
                raise BuildError(decisions, error.lineno, str(error).split(" (", 1)[0]) from None
        progress.step("the merged default graph")
        merge.rebuild(store)  # last: the default graph queries see, made of all the others
        progress.step("writing and counting")
        store.flush()
        counts = graph_counts(store)
    del store  # release the directory before it is renamed
    return counts


def publish(store_dir: str | Path, remote) -> dict[str, int]:
    """Copy every named graph of a built store to a remote SPARQL server (replacing them there)
    and stamp the remote with a new version. Returns triples per graph sent."""
    from graph.store import open_store

    local = open_store(store_dir, read_only=True)
    graphs: dict[str, list] = {}
    for quad in local.quads_for_pattern(None, None, None, None):
        if isinstance(quad.graph_name, ox.NamedNode):
            graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    remote.replace_graphs(graphs)
    remote.write_version()
    return {g: len(t) for g, t in sorted(graphs.items())}
