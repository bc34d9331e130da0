"""Two cold builds of the same inputs, commit and parameters publish the same bytes."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from analysis.config import DEFAULT_DATA_DIR
from analysis.pipeline.book import read_book
from analysis.pipeline.build import Builder, BuildOptions

pytestmark = pytest.mark.e2e

EPOCH = 1_600_000_000  # 2020-09-13T12:26:40Z
DAY = datetime.fromtimestamp(EPOCH, UTC).strftime("%Y-%m-%d")


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def two_cold_builds(tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    """The national report and one site's report, built twice from nothing (the second build
    keeps its kernels for the test that rebuilds in them)."""
    from analysis.pipeline.kept_kernels import KERNELS, stop_all

    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(EPOCH)
    previous_mask = os.umask(0o022)
    books = []
    try:
        for name in ("first", "second"):
            root = tmp_path_factory.mktemp(name)
            options = BuildOptions(
                data_dir=DEFAULT_DATA_DIR,
                book_dir=root / "_book",
                build_dir=root / "_build",
                sites=(None, "S13"),
                jobs=2,
                keep_kernels=300 if name == "second" else 0,
            )
            Builder(options).run()
            books.append(options.book_dir)
    finally:
        os.umask(previous_mask)
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    yield books[0], books[1]
    stop_all(books[1].parent / "_build" / KERNELS)


def test_two_cold_builds_publish_identical_files(two_cold_builds):
    first, second = two_cold_builds
    left, right = _files(first), _files(second)
    assert sorted(left) == sorted(right)
    differing = [name for name in left if left[name] != right[name]]
    assert differing == []
    assert {"index.html", "report.pdf", "provenance.json", "sites/S13/report.pdf"} <= set(left)


def test_the_report_date_is_source_date_epoch(two_cold_builds):
    book, _ = two_cold_builds
    assert DAY in (book / "index.html").read_text(encoding="utf-8")
    for pdf in (book / "report.pdf", book / "sites" / "S13" / "report.pdf"):
        created = PdfReader(pdf).metadata.get("/CreationDate", "")
        assert created.startswith(f"D:{DAY.replace('-', '')}"), created
    record = json.loads((book / "provenance.json").read_text(encoding="utf-8"))
    assert record["build_time"] == datetime.fromtimestamp(EPOCH, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_provenance_lists_chapters_in_book_order_and_nothing_that_varies(two_cold_builds):
    book, _ = two_cold_builds
    record = json.loads((book / "provenance.json").read_text(encoding="utf-8"))
    assert record["chapters"] == [chapter.id for chapter in read_book().notebooks]
    assert not {"runs", "seconds", "status"} & set(record)


def test_published_folders_and_files_have_the_usual_modes(two_cold_builds):
    book, _ = two_cold_builds
    modes = {
        p.relative_to(book).as_posix(): stat.S_IMODE(p.stat().st_mode)
        for p in [book, *book.rglob("*")]
    }
    wrong = {
        name: oct(mode)
        for name, mode in modes.items()
        if mode != (0o755 if (book / name).is_dir() else 0o644)
    }
    assert wrong == {}


def test_a_rebuild_in_kernels_kept_from_the_previous_build_executes_as_a_cold_build(
    two_cold_builds, tmp_path
):
    """Every chapter re-executed (--force) in the kernels kept by a build that ran every
    chapter gives the outputs of a cold build: nothing of that build leaks."""
    from analysis.pipeline.kept_kernels import KERNELS

    first, second = two_cold_builds
    build_dir = second.parent / "_build"
    registry = build_dir / KERNELS

    def kernel_pids() -> set[tuple[str, int]]:
        records = [json.loads(p.read_text()) for p in registry.glob("kernel-*.json")]
        return {(record["role"], record["pid"]) for record in records}

    kept = kernel_pids()
    assert sorted(role for role, _ in kept) == ["chapters", "chapters", "gate"]
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(EPOCH)
    options = BuildOptions(
        data_dir=DEFAULT_DATA_DIR,
        book_dir=tmp_path / "_book",  # the second build's book stays as it was
        build_dir=build_dir,
        sites=(None, "S13"),
        jobs=2,
        keep_kernels=300,
        force=True,
    )
    try:
        summary = Builder(options).run()
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    assert len(summary.executed) == len(summary.runs) == 15  # 13 national + 2 site chapters
    assert kernel_pids() == kept
    left, right = _outputs(first.parent / "_build"), _outputs(build_dir)
    assert sorted(left) == sorted(right) and len(left) == 15
    assert [name for name in left if left[name] != right[name]] == []


def _outputs(build_dir: Path) -> dict[str, list]:
    """Every executed chapter's cell outputs (the published report is made of them; the
    rebuild's own appendix of changes since the build before it differs by design)."""
    import nbformat

    notebooks = {}
    for path in sorted(build_dir.glob("**/project/**/*.ipynb")):
        cells = nbformat.read(path, as_version=4).cells
        outputs = [cell.get("outputs", []) for cell in cells]
        notebooks[path.relative_to(build_dir).as_posix()] = outputs
    return notebooks
