"""A failing Quarto on PATH: one clear message, and the published book stays byte-identical."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.config import DEFAULT_DATA_DIR

pytestmark = pytest.mark.e2e

FAILING_QUARTO = f"""#!{sys.executable}
import sys
if sys.argv[1:] == ["--version"]:
    print("1.7.27")
    sys.exit(0)
sys.stderr.write("ERROR: Unable to render chapters/summary.ipynb: bad cell metadata\\n")
sys.exit(1)
"""


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_a_failing_quarto_gives_one_clear_message_and_leaves_the_book(
    built_book, tmp_path, monkeypatch
):
    folder = tmp_path / "bin"
    folder.mkdir()
    quarto = folder / "quarto"
    quarto.write_text(FAILING_QUARTO, encoding="utf-8")
    quarto.chmod(quarto.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}:{os.environ['PATH']}")
    before = _tree_digest(built_book.book_dir)
    result = CliRunner().invoke(
        app,
        [
            "build",
            "--data",
            str(DEFAULT_DATA_DIR),
            "--out",
            str(built_book.book_dir),
            "--build-dir",
            str(built_book.build_dir),
        ],
    )
    output = result.output
    assert result.exit_code == 1, output
    assert "Traceback" not in output
    assert isinstance(result.exception, SystemExit), "a user error, not a crash"
    assert "renderer: Quarto 1.7.27 (HTML)" in " ".join(output.split())
    assert "render (quarto render --to html) failed with exit code 1" in output
    assert "Unable to render chapters/summary.ipynb: bad cell metadata" in output
    assert _tree_digest(built_book.book_dir) == before
