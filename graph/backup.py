"""Backing a store up and restoring it, with Oxigraph's own backup.

A backup is a complete Oxigraph store in a directory of its own (on the same file system, its
immutable files are hard links: cheap in time and space, and independent of the store, which
never changes a file it wrote). While a service holds the store, the backup is taken from the
snapshot of the current version, which is what the service serves; else from the store.

A restore copies a backup in as a new build and swaps it in like `build` does: a running
service takes it over, the backup itself stays untouched, and it gets a new version (so no
client keeps an answer cached under the version it had before).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox

from graph.atomic import fsync_dir, write_atomically
from graph.build import install
from graph.handover import build_lock
from graph.store import (
    VERSION_FILE,
    StoreMissing,
    complete_build,
    is_held,
    new_build_dir,
    open_store,
    repair_swap,
    snapshot_of,
    store_path,
    version_or_none,
    write_version,
)


class BackupError(RuntimeError):
    pass


def backup(path: str | os.PathLike | None, destination: str | os.PathLike) -> str:
    """Back the store at `path` up into `destination` (which must not exist). Returns the
    version backed up."""
    directory, destination = store_path(path), Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} exists: name a new directory")
    version = version_or_none(directory)
    try:
        source = open_store(directory)
    except OSError as error:
        if not is_held(error):
            raise
        snapshot = snapshot_of(directory, version) if version else None
        if snapshot is None:
            raise BackupError(
                "a service holds the store and has no snapshot of its current version yet; "
                "try again in a second"
            ) from None
        source = ox.Store.read_only(str(snapshot))
    destination.parent.mkdir(parents=True, exist_ok=True)
    source.backup(str(destination))
    write_atomically(destination / VERSION_FILE, f"{version or ''}\n")
    fsync_dir(destination.parent)
    return version or ""


def restore(source: str | os.PathLike, path: str | os.PathLike | None = None) -> tuple[str, list[int]]:
    """Make the backup at `source` the store at `path`. Returns the new version and the pids
    of the services that take it over. Raises StoreMissing when `source` is no store,
    StoreBusy as `build` does."""
    source, target = Path(source), store_path(path)
    if not (source / "CURRENT").exists():
        raise StoreMissing(f"{source} is not a store backup (no Oxigraph files in it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    with build_lock(target):
        repair_swap(target)
        work = new_build_dir(target)
        try:
            ox.Store.read_only(str(source)).backup(str(work))
            version = write_version(work)
            open_store(work)  # it opens (and a write-ahead log, if any, is applied) before it serves
            done = complete_build(work)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        servers = install(done, target)
    return version, servers
