"""An interrupted build (Ctrl-C or kill) never leaves a half-published report."""

from __future__ import annotations

import os
import signal
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
    return [p.name for p in book.parent.iterdir() if p.name.startswith(f".{book.name}.")]


def test_ctrl_c_during_execution_leaves_the_previous_report(tmp_path):
    book = tmp_path / "_book"
    before = _previous_book(book)
    process = subprocess.Popen(
        [*CLI, "--out", str(book), "--build-dir", str(tmp_path / "_build")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    for line in process.stdout:
        if " executed " in line:
            break
    os.killpg(process.pid, signal.SIGINT)
    output = process.communicate(timeout=120)[0]
    assert process.returncode != 0
    assert "Traceback" not in output
    assert _snapshot(book) == before
    assert _leftovers(book) == []


def test_kill_during_render_leaves_old_or_complete_new_report(built_book, tmp_path):
    book = tmp_path / "_book"
    before = _previous_book(book)
    command = [*CLI, "--out", str(book), "--build-dir", str(built_book.build_dir)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not _leftovers(book) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    process.kill()
    process.wait(timeout=60)
    after = _snapshot(book)
    complete_new = {"index.html", "report.pdf"} <= set(after) and after != before
    assert after == before or complete_new
    finished = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    assert _leftovers(book) == []
    pages = list(book.glob("*.html"))
    assert (book / "sec-summary.html").exists() and sum(p.stat().st_size for p in pages) > 50_000
