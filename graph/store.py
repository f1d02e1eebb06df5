"""The embedded Oxigraph store: opening it, its named graphs and its version.

The store lives in a directory (default `var/store`). A build writes a complete new
store next to it and swaps it in only when everything loaded, so a failed build leaves
the previous store serving.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pyoxigraph as ox

DEFAULT_STORE = "var/store"
VERSION_FILE = "VERSION"


def store_path(path: str | os.PathLike | None = None) -> Path:
    """The store directory: the argument, else TECHNIEKPACT_STORE, else var/store."""
    return Path(path or os.environ.get("TECHNIEKPACT_STORE") or DEFAULT_STORE)


class StoreMissing(RuntimeError):
    """The store directory does not hold a built store."""


def open_store(path: str | os.PathLike | None = None, read_only: bool = False) -> ox.Store:
    directory = store_path(path)
    if not (directory / VERSION_FILE).exists():
        raise StoreMissing(f"no store at {directory}: run `techniekpact build --store {directory}` first")
    if read_only:
        return ox.Store.read_only(str(directory))
    return ox.Store(str(directory))


def snapshots_root(directory: Path) -> Path:
    """Where the read-only snapshots of a store live, one per version:
    `<store>.snapshots/<version>` (taken by the server for its query workers, server/workers.py)."""
    return directory.with_name(directory.name + ".snapshots")


def open_for_reading(path: str | os.PathLike | None = None) -> ox.Store:
    """The store for a command that only reads it (the CLI's query, validate, network).

    RocksDB leaves opening a store read-only while another process writes it undefined (a
    compaction can delete files under the reader), and a running server holds the store's
    lock. So: open the store itself when nobody holds it; else read the snapshot the
    server's query workers read, which is the current version (`snapshots_root`); only
    without one, a read-only open."""
    directory = store_path(path)
    try:
        return open_store(directory)
    except OSError as error:
        if "lock" not in str(error).lower():
            raise
    snapshot = snapshots_root(directory) / read_version(directory)
    if snapshot.is_dir():
        return ox.Store.read_only(str(snapshot))
    return open_store(directory, read_only=True)


def read_version(path: str | os.PathLike | None = None) -> str:
    return (store_path(path) / VERSION_FILE).read_text().strip()


def write_version(directory: Path) -> str:
    """Stamp a store with a fresh version: the ETag of everything served from it."""
    version = uuid.uuid4().hex
    (directory / VERSION_FILE).write_text(version + "\n")
    return version


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Triples per named graph, sorted by graph IRI."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return dict(sorted((row["g"].value, int(row["n"].value)) for row in rows))


def swap_in(new_dir: Path, target: Path) -> None:
    """Replace `target` by `new_dir` with two renames, so readers never see half a store."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    new_dir.rename(target)
    if old.exists():
        shutil.rmtree(old)
