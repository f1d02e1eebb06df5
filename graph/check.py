"""`techniekpact check`: does a store open, do its version and snapshot agree, what does it hold.

The counts are graph_counts, the function behind /health's `triples` and `graphs`. While a
service holds the store, the check reads the snapshot of the current version, which is what
the service's queries read; otherwise it opens the store and compares the snapshot with it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.handover import serving_pids
from graph.store import (
    CHANGING_FILE,
    StoreMissing,
    graph_counts,
    is_held,
    make_snapshot,
    open_store,
    recover,
    snapshot_of,
    store_path,
    version_or_none,
)

REPAIR = "the service does this when it starts; or run `techniekpact check --repair`"


@dataclass
class CheckReport:
    store: Path
    version: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def check(path: str | os.PathLike | None = None, repair: bool = False) -> CheckReport:
    """Check the store at `path` (with `repair`, also do what a starting service does: stamp
    a new version if a write may be unstamped, make the version's snapshot). Raises
    StoreMissing when there is no store."""
    directory = store_path(path)
    report = CheckReport(directory)
    try:
        store = open_store(directory)
    except OSError as error:
        if not is_held(error):
            report.problems.append(f"the store does not open: {error}")
            return report
        return _check_held(directory, report)
    report.notes.append(f"the store opens ({directory.resolve()})")
    if repair:
        version, why = recover(directory)
        if why:
            report.notes.append(f"repaired: {why}; stamped version {version}")
        made = snapshot_of(directory, version) is None
        make_snapshot(store, directory, version)
        if made:
            report.notes.append(f"repaired: made the snapshot of version {version}")
    report.version = version_or_none(directory)
    if report.version is None:
        report.problems.append(f"VERSION is missing or torn: a new one must be stamped ({REPAIR})")
    if (directory / CHANGING_FILE).exists():
        report.problems.append(
            "a write was in flight when the store was last closed: it may be in the store "
            f"without a new version, and the snapshot would not show it ({REPAIR})"
        )
    report.counts = graph_counts(store)
    if report.version is None:
        return report
    snapshot = snapshot_of(directory, report.version)
    if snapshot is None:
        report.notes.append(
            f"no snapshot of version {report.version} yet: the service makes it when it starts"
        )
        return report
    snapshot_counts = graph_counts(ox.Store.read_only(str(snapshot)))
    if snapshot_counts != report.counts:
        report.problems.append(
            f"the snapshot of version {report.version} does not hold what the store holds: "
            f"{_difference(snapshot_counts, report.counts)}"
        )
    else:
        report.notes.append(f"the snapshot of version {report.version} holds what the store holds")
    return report


def _check_held(directory: Path, report: CheckReport) -> CheckReport:
    servers = serving_pids(directory)
    holder = f"a service (pid {', '.join(map(str, servers))})" if servers else "another process"
    report.notes.append(f"{holder} holds the store: checked the snapshot its queries read")
    report.version = version_or_none(directory)
    if report.version is None:
        report.problems.append("VERSION is missing or torn while the store is held")
        return report
    snapshot = snapshot_of(directory, report.version)
    if snapshot is None:
        report.problems.append(
            f"there is no snapshot of version {report.version}: a service makes it at its next "
            "request after a build or update; check again in a second"
        )
        return report
    report.counts = graph_counts(ox.Store.read_only(str(snapshot)))
    return report


def _difference(snapshot: dict[str, int], store: dict[str, int]) -> str:
    graphs = sorted(set(snapshot) | set(store))
    return "; ".join(
        f"{g}: {snapshot.get(g, 0)} in the snapshot, {store.get(g, 0)} in the store"
        for g in graphs
        if snapshot.get(g, 0) != store.get(g, 0)
    )


__all__ = ["CheckReport", "StoreMissing", "check"]
