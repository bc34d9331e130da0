"""Two cold builds of the same inputs, commit and parameters publish the same bytes."""

from __future__ import annotations

import json
import os
import stat
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
def two_cold_builds(tmp_path_factory) -> tuple[Path, Path]:
    """The national report and one site's report, built twice from nothing."""
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
            )
            Builder(options).run()
            books.append(options.book_dir)
    finally:
        os.umask(previous_mask)
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return books[0], books[1]


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
