"""Chapters executed while the gate validates are kept only if it passes.

The build starts the chapters that do not read the gate's results before the gate has
finished. Here the gate fails only after one of them has finished executing: the build must
raise the gate's usual error, throw the executed chapters away and leave the published book
byte-identical.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from analysis.errors import ValidationFailed
from analysis.pipeline import gate_cache
from analysis.pipeline.build import Builder, BuildOptions

pytestmark = pytest.mark.e2e


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _staged(build_dir: Path) -> list[Path]:
    return [p for p in build_dir.glob("*/staging/chapters/*.ipynb") if not p.name.startswith(".")]


def _break_one_answer(data_dir: Path) -> None:
    """A children's survey answer outside the allowed set: the gate refuses it."""
    path = data_dir / "cyp_survey.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",quite a lot,", ",now and then,", 1)
    path.write_text("".join(lines), encoding="utf-8")


def test_a_gate_failure_during_speculative_execution_leaves_the_book_byte_identical(
    built_book, tmp_path, writable_data_dir, monkeypatch
):
    book = Path(shutil.copytree(built_book.book_dir, tmp_path / "_book"))
    build = Path(shutil.copytree(built_book.build_dir, tmp_path / "_build"))
    before = _snapshot(book)
    _break_one_answer(writable_data_dir)

    real_gate = gate_cache.run_gate_cached
    seen_staged: list[str] = []

    def gate_after_a_speculative_chapter(*args, **kwargs):
        deadline = time.monotonic() + 600
        while not _staged(build) and time.monotonic() < deadline:
            time.sleep(0.2)
        seen_staged.extend(p.name for p in _staged(build))
        return real_gate(*args, **kwargs)

    monkeypatch.setattr(gate_cache, "run_gate_cached", gate_after_a_speculative_chapter)
    options = BuildOptions(data_dir=writable_data_dir, book_dir=book, build_dir=build, jobs=2)
    builder = Builder(options)
    with pytest.raises(ValidationFailed) as raised:
        builder.run()

    message = str(raised.value)
    assert message.startswith(f"data-quality gate failed for {writable_data_dir}: ")
    assert "the published report is unchanged" in message
    assert any(f.file == "cyp_survey.csv" for f in raised.value.report.failures)
    assert seen_staged, "no chapter had finished executing when the gate failed"
    discarded = [run.chapter for run in builder.summary.runs if run.status == "discarded"]
    assert discarded and not builder.summary.executed
    assert "data-quality" not in discarded  # it reads the gate's results: never started
    assert _snapshot(book) == before
    assert _staged(build) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
