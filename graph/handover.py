"""How a build and a running server share a store without a write through a stale handle.

A server registers itself (`ServerMark`): a file per process in `<store>.servers/`, on which it
holds a shared lock for its whole life, so that a build can tell a live server from a file a
killed one left (the kernel drops the lock with the process, also on kill -9). A build then
swaps its new store in (graph/store.py) and leaves the old one to the server, which looks at
VERSION at most once a second, opens the new store, serves it, and removes the old one.

Both take `<store>.lock` around a change: the build around its swap, a server around each write,
and the server first checks under it that it has the current store open (else it opens that
one and writes there). So a write lands in the store a build swapped in, or before the swap
(then the build replaces it, as a build replaces everything from the sources), never in a
store that was swapped out.

A process that holds the store without registering (the Oxigraph server, a `techniekpact
query` reading it, a service of an older version) cannot take over; a build is refused then
(graph.store.refuse_if_held).
"""

from __future__ import annotations

import fcntl
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph.atomic import rename_durably
from graph.store import StoreBusy, builds_root, refuse_if_held


def servers_root(target: Path) -> Path:
    target = Path(target)
    return target.with_name(target.name + ".servers")


class ServerMark:
    """This process serves the store at `target` and takes over a store a build swaps in."""

    def __init__(self, target: Path):
        root = servers_root(target)
        root.mkdir(parents=True, exist_ok=True)
        path = root / str(os.getpid())
        while True:
            self._fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
            fcntl.flock(self._fd, fcntl.LOCK_SH)
            # A build that found the file unlocked (between our open and lock) removes it: then
            # register again, on the file that is there.
            if path.exists() and os.stat(path).st_ino == os.fstat(self._fd).st_ino:
                break
            os.close(self._fd)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def serving_pids(target: Path) -> list[int]:
    """The processes that serve `target` now; the files of processes gone are removed."""
    root = servers_root(target)
    if not root.is_dir():
        return []
    alive = []
    for path in root.iterdir():
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            alive.append(int(path.name) if path.name.isdigit() else -1)
        else:
            path.unlink(missing_ok=True)  # its process is gone (we hold the lock it would need)
        finally:
            os.close(fd)
    return sorted(alive)


@contextmanager
def _flock(path: Path, blocking: bool, busy: str) -> Iterator[None]:
    fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            raise StoreBusy(busy) from None
        yield
    finally:
        os.close(fd)


def change_lock(target: Path):
    """Held while the store at `target` changes: a server's write, a build's swap (short)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    return _flock(target.with_name(target.name + ".lock"), True, "")


def build_lock(target: Path):
    """Held for a whole build of `target`: one build at a time (a second one is refused)."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    return _flock(
        target.with_name(target.name + ".build-lock"),
        False,
        f"another build of {target} is running; wait for it to finish",
    )


def adopt(target: Path) -> None:
    """Move a store that is a plain directory (built before builds were kept beside it, or
    copied) among the builds, as the newest, and link it; a service does this before it opens
    the store. RocksDB addresses its files by the path it was opened with, so a handle opened
    by a path that a build later turns into a symlink would delete, on closing, files of the
    new store that happen to have the same names; a build's own path never changes meaning.
    If a crash comes between the two renames, graph.store.repair_swap links it."""
    target = Path(target)
    if not target.is_dir() or target.is_symlink():
        return
    with change_lock(target):
        if not target.is_dir() or target.is_symlink():
            return
        refuse_if_held(target)  # it cannot be moved from under another process
        root = builds_root(target)
        root.mkdir(exist_ok=True)
        moved = root / f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        rename_durably(target, moved)
        link = target.with_name(f".{target.name}.link-{uuid.uuid4().hex[:8]}")
        os.symlink(os.path.relpath(moved, target.parent), link)
        rename_durably(link, target)
