"""Progress bars on long work: shown on a terminal, silent anywhere else (logs, pipes, tests)."""

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

from graph.progress import Progress

ROOT = Path(__file__).parent.parent


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def build_process(store: Path, stderr) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "graph.cli", "build", "--store", str(store)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=stderr,
    )


def test_a_build_with_stderr_not_a_terminal_prints_no_progress(tmp_path):
    proc = build_process(tmp_path / "store", subprocess.PIPE)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert err == b""  # not a bar, not a carriage return
    assert b"built " in out  # the report itself still comes


def test_a_build_on_a_terminal_shows_each_step(tmp_path):
    main, child = pty.openpty()
    proc = build_process(tmp_path / "store", child)
    os.close(child)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    proc.communicate(timeout=600)
    os.close(main)
    assert proc.returncode == 0
    text = seen.decode()
    for step in (
        "loading techniekpact.ttl",
        "loading reference.ttl",
        "reasoning (OWL 2 RL)",
        "name keys",
        "shapes and saved queries",
        "writing and counting",
        "done",
    ):
        assert step in text, step
    last = [part for part in text.split("\r") if "build [" in part][-1]
    assert last.startswith("\x1b[Kbuild [########################] ")  # full at the end


def test_progress_draws_count_and_note_on_a_terminal_only():
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        with Progress(4, "work", stream=stream) as progress:
            progress.advance(note="first")
            progress.step("second")
            progress.step("third")
    assert log.getvalue() == ""
    lines = [line.removeprefix("\x1b[K") for line in terminal.getvalue().split("\r") if line]
    assert lines[1].startswith("work [######..................] 1/4 0:00  first")
    assert lines[-2].startswith("work [############............] 2/4") and lines[-2].endswith("third")
    assert lines[-1].startswith("work [########################] 4/4") and lines[-1].endswith("done\n")


def test_the_generator_is_quiet_off_a_terminal(tmp_path, capfd):
    from benchmarks.generate import generate

    written = generate(2, tmp_path / "two.nq")
    assert written > 20000
    assert capfd.readouterr().err == ""
