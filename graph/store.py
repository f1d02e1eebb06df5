"""The embedded Oxigraph store: where it lives, opening it, its version, snapshots and recovery.

For the store `var/store` (the default; `--store` or TECHNIEKPACT_STORE name another):

    var/store             a symlink to the current build, var/store.builds/<id>
    var/store.builds/     complete builds (<id>) and one being built (<id>.partial)
    var/store.snapshots/  read-only copies, one per version, that the query workers read
    var/store.servers/    one file per process serving the store (graph/handover.py)
    var/store.lock        held while the store changes: a server's write, a build's swap

Inside a store, beside Oxigraph's own files: `VERSION`, the ETag of everything served from it,
and `CHANGING` while a server applies a write. A build writes a complete new store beside the
old one and swaps it in by replacing the symlink, one rename, so a failed build leaves the
previous store serving. Every small file is written atomically (graph/atomic.py).

Why a symlink to a directory per build rather than one directory renamed in place: a process
keeps a store open by its path, and RocksDB refuses to open a path that the same process
still holds ("lock hold by current process"), however the directory under it changed. A
server that takes over a rebuilt store opens the build's own path, which no handle held.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import uuid
from pathlib import Path

import pyoxigraph as ox

from graph.atomic import fsync_dir, remove_durably, rename_durably, write_atomically
from graph.crash import crash_point
from graph.merge import SERVICE_GRAPHS

DEFAULT_STORE = "var/store"
VERSION_FILE = "VERSION"
CHANGING_FILE = "CHANGING"
_VERSION = re.compile(r"[0-9a-f]{32}")
_PARTIAL = ".partial"


def store_path(path: str | os.PathLike | None = None) -> Path:
    """The store directory: the argument, else TECHNIEKPACT_STORE, else var/store."""
    return Path(path or os.environ.get("TECHNIEKPACT_STORE") or DEFAULT_STORE)


class StoreMissing(RuntimeError):
    """The store directory does not hold a built store."""


class StoreBusy(RuntimeError):
    """The store is open in a process that cannot take over a new one (a build is refused)."""


def is_held(error: OSError) -> bool:
    """Oxigraph's error for a store another handle (this process's or another's) holds."""
    return "lock" in str(error).lower()


def open_store(path: str | os.PathLike | None = None, read_only: bool = False) -> ox.Store:
    """Open the store (its current build, by that build's own path)."""
    directory = store_path(path)
    repair_swap(directory)
    # A store whose VERSION a crash lost is still a store (Oxigraph's CURRENT names its files):
    # `recover` stamps a new version when a service opens it.
    if not (directory / VERSION_FILE).exists() and not (directory / "CURRENT").exists():
        raise StoreMissing(f"no store at {directory}: run `techniekpact build --store {directory}` first")
    real = str(directory.resolve())
    return ox.Store.read_only(real) if read_only else ox.Store(real)


def open_for_reading(path: str | os.PathLike | None = None) -> ox.Store:
    """The store for a command that only reads it (the CLI's query, validate, network).

    RocksDB leaves opening a store read-only while another process writes it undefined (a
    compaction can delete files under the reader), and a running server holds the store's
    lock. So: open the store itself when nobody holds it; else read the snapshot the
    server's query workers read, which is the current version (`snapshot_of`); only
    without one, a read-only open."""
    directory = store_path(path)
    try:
        return open_store(directory)
    except OSError as error:
        if not is_held(error):
            raise
    version = version_or_none(directory)
    snapshot = snapshot_of(directory, version) if version else None
    if snapshot is not None:
        return ox.Store.read_only(str(snapshot))
    return open_store(directory, read_only=True)


# -- the version ---------------------------------------------------------------------


def version_or_none(path: str | os.PathLike | None = None) -> str | None:
    """The store's version, or None when VERSION is missing or not a version (torn)."""
    try:
        text = (store_path(path) / VERSION_FILE).read_text().strip()
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return None
    return text if _VERSION.fullmatch(text) else None


def read_version(path: str | os.PathLike | None = None) -> str:
    """The store's version; StoreMissing when there is no readable one (a service stamps a new
    one when it starts, see `recover`)."""
    version = version_or_none(path)
    if version is None:
        directory = store_path(path)
        if not directory.exists():
            raise StoreMissing(f"no store at {directory}: run `techniekpact build --store {directory}` first")
        raise StoreMissing(
            f"the store at {directory} has no readable {VERSION_FILE}: start the service "
            f"or run `techniekpact check --repair --store {directory}` to stamp a new one"
        )
    return version


def write_version(directory: Path) -> str:
    """Stamp a store with a fresh version: the ETag of everything served from it."""
    version = uuid.uuid4().hex
    write_atomically(Path(directory) / VERSION_FILE, version + "\n")
    return version


def mark_changing(directory: Path) -> None:
    """Say, before a write, that the store may hold data its VERSION does not stand for yet."""
    write_atomically(Path(directory) / CHANGING_FILE, f"{os.getpid()}\n")


def clear_changing(directory: Path) -> None:
    """The write is in the store, stamped with a new version and snapshotted."""
    remove_durably(Path(directory) / CHANGING_FILE)


def recover(directory: Path) -> tuple[str, str | None]:
    """Make VERSION stand for the store as committed; call it with the store open for writing
    (so no other process writes it). Returns the version and, when a new one had to be
    stamped, why: a write was in flight when the last process stopped (the write may be
    committed without its new version, and a snapshot of the old version would hide it), or
    VERSION was missing or torn."""
    directory = Path(directory)
    why = None
    if (directory / CHANGING_FILE).exists():
        why = "a write was in flight when the store was last closed"
    version = version_or_none(directory)
    if version is None:
        why = why or f"{VERSION_FILE} was missing or torn"
    if why:
        version = write_version(directory)
    clear_changing(directory)
    return version, why


def graph_counts(store: ox.Store) -> dict[str, int]:
    """Triples per named graph, sorted by graph IRI (also what /health reports); the merge the
    service keeps as the default graph (graph/merge.py) is not a graph of its own here."""
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return dict(
        sorted((row["g"].value, int(row["n"].value)) for row in rows if row["g"].value not in SERVICE_GRAPHS)
    )


# -- snapshots ---------------------------------------------------------------------------


def snapshots_root(directory: Path) -> Path:
    """Where the read-only snapshots of a store live, one per version:
    `<store>.snapshots/<version>` (taken by the server for its query workers, server/workers.py)."""
    directory = Path(directory)
    return directory.with_name(directory.name + ".snapshots")


def snapshot_of(directory: Path, version: str) -> Path | None:
    """The snapshot of `version` if there is a complete one made from it: its own VERSION,
    written into it last, names that version."""
    snapshot = snapshots_root(directory) / version
    try:
        stamp = (snapshot / VERSION_FILE).read_text().strip()
    except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
        return None
    return snapshot if stamp == version else None


def make_snapshot(store: ox.Store, directory: Path, version: str) -> Path:
    """Take the snapshot of `version` from `store` (which must hold exactly that version),
    unless it exists. It is built under a temporary name and renamed into place when complete,
    so a crash leaves no half snapshot under a version's name."""
    existing = snapshot_of(directory, version)
    if existing is not None:
        return existing
    root = snapshots_root(directory)
    root.mkdir(parents=True, exist_ok=True)
    target, partial = root / version, root / (version + _PARTIAL)
    shutil.rmtree(target, ignore_errors=True)  # not made from this version (see snapshot_of)
    shutil.rmtree(partial, ignore_errors=True)
    store.backup(str(partial))
    write_atomically(partial / VERSION_FILE, version + "\n")
    crash_point("snapshot-copied")
    rename_durably(partial, target)
    return target


# -- builds and the swap -------------------------------------------------------------------


def builds_root(target: Path) -> Path:
    target = Path(target)
    return target.with_name(target.name + ".builds")


def new_build_dir(target: Path) -> Path:
    """A fresh directory name for a build of `target`; ids sort by age."""
    root = builds_root(target)
    root.mkdir(parents=True, exist_ok=True)
    return root / f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}{_PARTIAL}"


def complete_build(partial: Path) -> Path:
    """Mark a build complete (everything loaded, VERSION stamped): drop `.partial` from its name."""
    done = partial.with_name(partial.name.removesuffix(_PARTIAL))
    rename_durably(partial, done)
    return done


def complete_builds(target: Path) -> list[Path]:
    """The complete builds beside `target`, oldest first."""
    root = builds_root(target)
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.endswith(_PARTIAL))


def swap_in(build_dir: Path, target: Path) -> None:
    """Make `target` the store in `build_dir`, in one rename: a new symlink replaces the old.
    A store that is a plain directory (built before builds were kept beside it, or copied)
    is first moved among the builds, as the oldest; if a crash comes between the two
    renames, `repair_swap` links the newest complete build."""
    target = Path(target)
    link = target.with_name(f".{target.name}.link-{uuid.uuid4().hex[:8]}")
    os.symlink(os.path.relpath(build_dir, target.parent), link)
    try:
        if target.is_dir() and not target.is_symlink():
            builds_root(target).mkdir(exist_ok=True)
            rename_durably(target, builds_root(target) / f"{0:020d}-{uuid.uuid4().hex[:8]}")
        crash_point("build-moved")
        rename_durably(link, target)
    finally:
        link.unlink(missing_ok=True)


def repair_swap(target: Path) -> None:
    """A crash between the two renames of `swap_in` leaves no `target`: link the newest
    complete build (the one that was being swapped in)."""
    target = Path(target)
    if target.exists():
        return
    builds = complete_builds(target)
    if builds:
        link = target.with_name(f".{target.name}.link-{uuid.uuid4().hex[:8]}")
        os.symlink(os.path.relpath(builds[-1], target.parent), link)
        rename_durably(link, target)


def remove_builds(target: Path, keep: tuple[Path, ...] = ()) -> None:
    """Remove the builds beside `target` other than its current one and `keep` (complete and
    partial: call it only when no other build runs and no server holds an old one)."""
    root = builds_root(target)
    if not root.is_dir():
        return
    current = Path(target).resolve()
    kept = {current, *(p.resolve() for p in keep)}
    for path in root.iterdir():
        if path.resolve() not in kept:
            shutil.rmtree(path, ignore_errors=True)
    fsync_dir(root)


def refuse_if_held(target: Path) -> None:
    """Raise StoreBusy when a process holds the current store (its lock): a build must not
    swap a store out from under a process that would go on writing it."""
    target = Path(target)
    if not (target / VERSION_FILE).exists():
        return
    try:
        ox.Store(str(target.resolve()))  # released at once: the handle is not kept
    except OSError as error:
        if is_held(error):
            raise StoreBusy(
                f"the store at {target} is open in another process that cannot take over a new "
                "store (an Oxigraph server, a `techniekpact query`, an older service); stop it "
                "and build again"
            ) from None
        raise
