"""Which results record `diff` reads for a report name."""

from __future__ import annotations

import pytest

from analysis.errors import ParameterError
from analysis.pipeline.record_names import record_path
from analysis.pipeline.results_record import PREVIOUS_RECORD_NAME, RECORD_NAME


@pytest.fixture
def book(tmp_path):
    """A book with the national report, two site reports, the site index's assets and a
    scenario report."""
    root = tmp_path / "_book"
    for folder in (
        root,
        root / "sites" / "S07",
        root / "sites" / "S11",
        root / "scenarios" / "wtp-20000",
    ):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / RECORD_NAME).write_text("{}", encoding="utf-8")
    (root / "sites" / "assets").mkdir()
    return root


@pytest.mark.parametrize(
    ("name", "folder"),
    [
        ("national", ""),
        ("S07", "sites/S07"),
        ("s11", "sites/S11"),
        ("wtp-20000", "scenarios/wtp-20000"),
    ],
)
def test_a_report_name_is_its_record_in_the_book(book, tmp_path, name, folder):
    assert record_path(name, "national", book, tmp_path / "_build") == book / folder / RECORD_NAME


def test_previous_is_the_record_the_last_build_compared_with(book, tmp_path):
    build = tmp_path / "_build"
    assert record_path("previous", "S07", book, build) == build / "sites/S07" / PREVIOUS_RECORD_NAME
    assert record_path("previous/wtp-20000", "national", book, build) == (
        build / "scenarios/wtp-20000/national" / PREVIOUS_RECORD_NAME
    )


def test_an_unknown_name_lists_only_the_reports(book, tmp_path):
    with pytest.raises(ParameterError) as raised:
        record_path("S99", "national", book, tmp_path / "_build")
    assert str(raised.value).endswith("reports: national, S07, S11, wtp-20000")
