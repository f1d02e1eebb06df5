"""Progress of long work (a build, the benchmarks' generator and loads) on standard error, for
a person watching a terminal: one line, redrawn in place, with the step, the count and the
time so far. When standard error is not a terminal (a log file, a pipe, a test) nothing at all
is written, so logs and captured output stay clean.

    with Progress(len(files) + 3, "build") as progress:
        for path in files:
            load(path)
            progress.advance(note=path.name)
        progress.step("reasoning")   # names the step now, counts it done when the next begins
        ...

A step that takes minutes (OWL 2 RL reasoning at 1000×) still shows its time going up: the
line is redrawn every second while the work runs.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

WIDTH = 24  # characters of the bar


def on_terminal(stream: TextIO | None = None) -> bool:
    stream = stream if stream is not None else sys.stderr
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real stream
        return False


class Progress:
    """A progress line for `total` units of work; silent unless standard error is a terminal."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None):
        self.total, self.label = max(total, 1), label
        self.done, self.note = 0, ""
        self._stream = stream if stream is not None else sys.stderr
        self.shown = on_terminal(self._stream)
        self._started = time.monotonic()
        self._pending_step = False
        self._closed = threading.Event()
        self._lock = threading.Lock()
        if self.shown:
            threading.Thread(target=self._tick, name="progress", daemon=True).start()

    def __enter__(self) -> Progress:
        self._draw()
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.close(failed=kind is not None)

    def advance(self, units: int = 1, note: str | None = None) -> None:
        """`units` more done; `note` says what is being worked on now."""
        with self._lock:
            self.done = min(self.total, self.done + units)
            if note is not None:
                self.note = note
        self._draw()

    def step(self, note: str) -> None:
        """Begin a step of one unit: the previous step (if any) counts as done."""
        with self._lock:
            if self._pending_step:
                self.done = min(self.total, self.done + 1)
            self._pending_step, self.note = True, note
        self._draw()

    def close(self, failed: bool = False) -> None:
        if self._closed.is_set():
            return
        if not failed:
            with self._lock:
                self.done, self.note = self.total, "done"
        self._draw()
        self._closed.set()
        if self.shown:
            self._stream.write("\n")
            self._stream.flush()

    def line(self) -> str:
        filled = WIDTH * self.done // self.total
        elapsed = time.monotonic() - self._started
        return (
            f"{self.label} [{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total} "
            f"{_duration(elapsed)}{'  ' + self.note if self.note else ''}"
        )

    def _draw(self) -> None:
        if not self.shown or self._closed.is_set():
            return
        with self._lock:
            text = self.line()
        self._stream.write("\r\033[K" + text)  # back to the line's start, clear it, write
        self._stream.flush()

    def _tick(self) -> None:
        while not self._closed.wait(1.0):
            self._draw()


def _duration(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"
