"""Writing small state files so that a crash leaves the old content or the new, never a torn one.

A file is written to a temporary name in the same directory, flushed to disk, renamed over
the old one (a rename is atomic), and the directory itself is flushed so the rename survives
a power cut too. Readers therefore see either the previous file or the complete new one; kill
-9 in the middle of a plain `write_text` (truncate, then write) once left `VERSION` empty.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def fsync_dir(directory: str | os.PathLike) -> None:
    """Flush a directory's entries (new, renamed and removed names) to disk."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: str | os.PathLike, data: bytes | str) -> None:
    """Replace `path` by `data` (str is written as UTF-8): all of it or, after a crash, the old file."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(temporary, "wb") as file:
            file.write(data.encode("utf-8") if isinstance(data, str) else data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def rename_durably(source: str | os.PathLike, target: str | os.PathLike) -> None:
    """Rename (replacing `target` if it is a file or symlink) and flush the directory."""
    os.replace(source, target)
    fsync_dir(Path(target).parent)


def remove_durably(path: str | os.PathLike) -> None:
    """Remove a file, if it is there, and flush the directory."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        path.unlink()
        fsync_dir(path.parent)
