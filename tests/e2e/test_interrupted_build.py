"""An interrupted build (Ctrl-C or kill) never leaves a half-published report."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.config import DEFAULT_DATA_DIR

pytestmark = pytest.mark.e2e

CLI = [sys.executable, "-m", "analysis.cli", "build", "--data", str(DEFAULT_DATA_DIR)]


def _previous_book(book: Path) -> dict[str, bytes]:
    book.mkdir(parents=True)
    (book / "index.html").write_bytes(b"<p>previous report</p>")
    (book / "report.pdf").write_bytes(b"%PDF previous")
    return _snapshot(book)


def _snapshot(book: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(book)): p.read_bytes() for p in sorted(book.rglob("*")) if p.is_file()
    }


def _leftovers(book: Path) -> list[str]:
    """Anything beside the book and build folders: staging or scratch folders of a build."""
    return sorted(p.name for p in book.parent.iterdir() if p.name not in ("_book", "_build"))


def _rendering(book: Path) -> bool:
    """True while a renderer works in a staging folder (its scratch folder exists)."""
    return any(
        entry.name.startswith("render-")
        for staging in book.parent.glob(f".{book.name}.staging-*")
        for entry in staging.iterdir()
    )


def _ctrl_c_as_in_a_terminal() -> None:
    """In the build's process: SIGINT's default action, even if the test runner ignores it
    (as background jobs do), so that the build meets Ctrl-C as it would in a terminal."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _chapter_staged(build_dir: Path) -> bool:
    """True once a worker has executed a chapter (into staging) while others still run."""
    return any(build_dir.glob("*/staging/**/*.ipynb"))


@pytest.mark.parametrize("moment", ["while the workers start", "during execution"])
def test_ctrl_c_leaves_the_previous_report(tmp_path, moment):
    book, build_dir = tmp_path / "_book", tmp_path / "_build"
    before = _previous_book(book)
    process = subprocess.Popen(
        [*CLI, "--out", str(book), "--build-dir", str(build_dir)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    if moment == "while the workers start":
        assert process.stdout.readline().startswith("renderer:")  # the build has begun
    else:
        deadline = time.monotonic() + 300
        while not _chapter_staged(build_dir) and time.monotonic() < deadline:
            assert process.poll() is None, "the build ended before a chapter was staged"
            time.sleep(0.01)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    output = process.communicate(timeout=120)[0]
    assert process.returncode == 130, output
    assert "interrupted: the published report is unchanged" in output
    if moment == "during execution":  # workers still starting may print their own traceback
        assert "Traceback" not in output
    assert _snapshot(book) == before
    assert _leftovers(book) == []


def test_kill_during_render_leaves_old_or_complete_new_report(built_book, tmp_path):
    book = tmp_path / "_book"
    before = _previous_book(book)
    command = [*CLI, "--out", str(book), "--build-dir", str(built_book.build_dir)]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 600
    while not _rendering(book) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before rendering could be interrupted"
    os.killpg(process.pid, signal.SIGKILL)  # the build and its pandoc/typst children
    process.wait(timeout=60)
    assert _snapshot(book) == before  # killed before publishing: the old book, whole
    assert _leftovers(book) != []  # the killed build's staging folder is still there
    finished = subprocess.run(command, capture_output=True, text=True, timeout=900)
    assert finished.returncode == 0, finished.stderr
    assert _leftovers(book) == []  # the next build removed it
    pages = list(book.glob("*.html"))
    assert (book / "sec-summary.html").exists() and sum(p.stat().st_size for p in pages) > 50_000
    assert stat.S_IMODE(book.stat().st_mode) == 0o755 & ~_umask()
    assert stat.S_IMODE((book / "sec-summary.html").stat().st_mode) == 0o644 & ~_umask()


def _umask() -> int:
    from analysis.pipeline.publish import current_umask

    return current_umask()
