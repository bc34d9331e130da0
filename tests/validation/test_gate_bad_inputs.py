"""The bad-input corpus: each broken copy of the data is rejected with a message naming the rule.

Every case copies the small bundled data folder and breaks one thing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from analysis.validation.failures import Failure, GateReport
from analysis.validation.gate import run_gate
from analysis.validation.pii import nhs_number_is_valid

VALID_NHS_NUMBERS = ("9434765919", "4010232137", "9434765870")


def quick_gate(data_dir: Path, tmp_path: Path) -> GateReport:
    """The gate without Data Docs, in one process, results under tmp_path."""
    return run_gate(data_dir, tmp_path / "results", data_docs=False, parallel=False)


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def edit(name: str, change: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[Path], None]:
    """A breakage that rewrites one CSV file of the data folder through ``change``."""

    def breaker(data_dir: Path) -> None:
        write(change(read(data_dir / name)), data_dir / name)

    return breaker


def set_value(name: str, column: str, value: str, row: int = 0) -> Callable[[Path], None]:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[row, column] = value
        return frame

    return edit(name, change)


def add_column(name: str, column: str, values: list[str]) -> Callable[[Path], None]:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame[column] = [values[i % len(values)] for i in range(len(frame))]
        return frame

    return edit(name, change)


def drop_column(name: str, column: str) -> Callable[[Path], None]:
    return edit(name, lambda frame: frame.drop(columns=[column]))


def duplicate_first_id(name: str, column: str) -> Callable[[Path], None]:
    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[1, column] = frame.loc[0, column]
        return frame

    return edit(name, change)


def empty(name: str) -> Callable[[Path], None]:
    def breaker(data_dir: Path) -> None:
        (data_dir / name).write_bytes(b"")

    return breaker


def cut_mid_row(name: str) -> Callable[[Path], None]:
    """Truncate a file in the middle of its last row (as an interrupted copy would)."""

    def breaker(data_dir: Path) -> None:
        text = (data_dir / name).read_text(encoding="utf-8")
        last_row_start = text.rstrip("\n").rfind("\n") + 1
        cut = last_row_start + text[last_row_start:].find(",") + 1
        (data_dir / name).write_text(text[:cut], encoding="utf-8")

    return breaker


def cut_inside_quote(name: str) -> Callable[[Path], None]:
    """Truncate a file inside a quoted field, leaving the quote unterminated."""

    def breaker(data_dir: Path) -> None:
        text = (data_dir / name).read_text(encoding="utf-8")
        (data_dir / name).write_text(text[: text.rfind('"') - 3], encoding="utf-8")

    return breaker


def latin1_byte(name: str) -> Callable[[Path], None]:
    def breaker(data_dir: Path) -> None:
        raw = (data_dir / name).read_bytes()
        (data_dir / name).write_bytes(raw.replace(b"\n", " caf\xe9\n".encode("latin-1"), 2))

    return breaker


def remove(name: str) -> Callable[[Path], None]:
    def breaker(data_dir: Path) -> None:
        (data_dir / name).unlink()

    return breaker


# (breakage, dataset, file, column, words of the rule)
CASES = {
    "missing column": (
        drop_column("staff_survey.csv", "role"),
        "staff_survey", "staff_survey.csv", "role", "column required by the schema is present",
    ),
    "wrong type": (
        set_value("staff_survey.csv", "wellbeing_score", "high"),
        "staff_survey", "staff_survey.csv", "wellbeing_score",
        "wellbeing_score holds whole numbers",
    ),
    "unknown site": (
        set_value("cyp_survey.csv", "site_id", "S99"),
        "cyp_survey", "cyp_survey.csv", "site_id", "site_id is in the site register (sites.csv)",
    ),
    "duplicate ids": (
        duplicate_first_id("cyp_survey.csv", "survey_id"),
        "cyp_survey", "cyp_survey.csv", "survey_id", "survey_id is unique",
    ),
    "out-of-range value": (
        set_value("staff_survey.csv", "wellbeing_score", "40"),
        "staff_survey", "staff_survey.csv", "wellbeing_score",
        "wellbeing_score is between 7 and 35",
    ),
    "a year of 4": (
        set_value("interviews.csv", "year", "4"),
        "interviews", "interviews.csv", "year", "year is 1, 2 or 3",
    ),
    "date outside the window (harmonised)": (
        set_value("admin/S07.csv", "LEFT", "February 2021"),
        "admin", "admin/*.csv", "discharge_month",
        "discharge_month is inside the evaluation window (2018-08 to 2020-12)",
    ),
    "date outside the window (admission)": (
        set_value("admin/S07.csv", "ADMITTED", "March 2021"),
        "admin", "admin/*.csv", "", "outside the evaluation window 2018-08 to 2020-12",
    ),
    "empty file": (
        empty("cyp_survey.csv"), "cyp_survey", "cyp_survey.csv", "", "file is not empty",
    ),
    "truncated CSV (ragged last row)": (
        cut_mid_row("staff_survey.csv"),
        "staff_survey", "staff_survey.csv", "", "every row has as many fields as the header",
    ),
    "truncated CSV (unterminated quote)": (
        cut_inside_quote("interview_excerpts.csv"),
        "interview_excerpts", "interview_excerpts.csv", "", "file is well-formed CSV",
    ),
    "non-UTF-8 bytes": (
        latin1_byte("sites.csv"), "sites", "sites.csv", "", "file is UTF-8 text",
    ),
    "unexpected extra column": (
        add_column("staff_survey.csv", "comments", ["ok"]),
        "staff_survey", "staff_survey.csv", "comments", "no unexpected extra column",
    ),
    "extra column in a raw submission": (
        add_column("admin/S02.csv", "Notes", ["ok"]),
        "raw_admin_submission", "admin/S02.csv", "Notes", "no unexpected extra column",
    ),
    "emails in a raw submission": (
        add_column("admin/S07.csv", "ref", ["jo.bloggs@example.org", "a.n.other@nhs.net"]),
        "raw_admin_submission", "admin/S07.csv", "ref", "no email addresses",
    ),
    "a file missing": (
        remove("interviews.csv"), "interviews", "interviews.csv", "", "file is present",
    ),
    "an admin submission missing": (
        remove("admin/S02.csv"), "cross-table", "admin/S02.csv", "", "file is present",
    ),
    "a raw code outside the site's coding": (
        set_value("admin/S02.csv", "Legal status", "Banana"),
        "raw_admin_submission", "admin/S02.csv", "Legal status",
        "Legal status (placement_type) uses the site's codes in admin_codebook.csv",
    ),
    "a raw date not in the site's format": (
        set_value("admin/S02.csv", "Date of admission", "2019-03-04"),
        "raw_admin_submission", "admin/S02.csv", "Date of admission",
        "is a date in the site's format %d/%m/%Y",
    ),
}  # fmt: skip


def matching(report: GateReport, dataset: str, file: str, column: str, rule: str) -> list[Failure]:
    return [
        failure
        for failure in report.failures
        if failure.dataset == dataset
        and failure.file == file
        and failure.column == column
        and rule in failure.rule
    ]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_broken_input_is_rejected_naming_the_rule(case: str, data_copy: Path, tmp_path: Path):
    breaker, dataset, file, column, rule = CASES[case]
    breaker(data_copy)
    report = quick_gate(data_copy, tmp_path)
    assert not report.passed
    found = matching(report, dataset, file, column, rule)
    assert found, "\n".join(failure.message() for failure in report.failures)
    assert rule in found[0].message() and file in found[0].message()
    # the gate went on: the other files were still validated
    assert len([summary for summary in report.suites if summary.evaluated]) >= 8


def test_nhs_numbers_under_an_innocent_name_are_refused_and_masked(data_copy: Path, tmp_path: Path):
    assert all(nhs_number_is_valid(number) for number in VALID_NHS_NUMBERS)
    add_column("staff_survey.csv", "notes2", list(VALID_NHS_NUMBERS))(data_copy)
    report = quick_gate(data_copy, tmp_path)
    (failure,) = matching(report, "staff_survey", "staff_survey.csv", "notes2", "no NHS numbers")
    assert failure.failing_rows == len(read(data_copy / "staff_survey.csv"))
    assert failure.examples == ("9434******", "4010******", "9434******")[: len(failure.examples)]
    written = (tmp_path / "results" / "validation_results.json").read_text(encoding="utf-8")
    assert not any(number in written for number in VALID_NHS_NUMBERS)


def test_markup_and_formulas_in_text_are_accepted(data_copy: Path, tmp_path: Path):
    texts = ['<script>alert("x")</script>', '=HYPERLINK("http://example.org","click")']
    edit("interview_excerpts.csv", lambda f: f.assign(text=[texts[i % 2] for i in range(len(f))]))(
        data_copy
    )
    report = quick_gate(data_copy, tmp_path)
    assert report.passed, "\n".join(failure.message() for failure in report.failures)


def test_markup_and_formulas_are_shown_inert_when_they_fail(data_copy: Path, tmp_path: Path):
    values = ["<script>alert(1)</script>", '=HYPERLINK("http://example.org")']
    edit("staff_survey.csv", lambda f: f.assign(role=[values[i % 2] for i in range(len(f))]))(
        data_copy
    )
    report = run_gate(data_copy, tmp_path / "results")
    (failure,) = matching(report, "staff_survey", "staff_survey.csv", "role", "role is one of")
    assert set(failure.examples) == {
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        '\'=HYPERLINK("http://example.org")',
    }
    for page in (tmp_path / "results" / "data_docs").rglob("*.html"):
        assert "<script>alert" not in page.read_text(encoding="utf-8")


def test_missing_data_folder_is_a_failure_not_a_traceback(tmp_path: Path):
    report = quick_gate(tmp_path / "no-such-folder", tmp_path)
    assert not report.passed
    assert [failure.rule for failure in report.failures] == ["data folder is present"]


def test_parallel_and_serial_gates_report_the_same_failures_in_the_same_order(data_copy, tmp_path):
    small_data = data_copy
    submission = small_data / "admin" / "S07.csv"
    frame = read(submission)
    frame.iloc[0, 1] = "not a code"
    write(frame, submission)
    staff = small_data / "staff_survey.csv"
    frame = read(staff)
    frame.loc[0, "year"] = "4"
    write(frame, staff)
    serial = run_gate(small_data, tmp_path / "serial", data_docs=False, parallel=False)
    parallel = run_gate(small_data, tmp_path / "parallel", data_docs=False, parallel=True)
    assert not serial.passed
    assert [f.message() for f in parallel.failures] == [f.message() for f in serial.failures]
    assert parallel.suites == serial.suites


def test_an_excerpt_of_an_unknown_interview_is_refused(data_copy, tmp_path):
    excerpts = data_copy / "interview_excerpts.csv"
    frame = read(excerpts)
    frame.loc[0, "interview_id"] = "I999999"
    write(frame, excerpts)
    report = quick_gate(data_copy, tmp_path)
    assert not report.passed
    [failure] = [f for f in report.failures if f.column == "interview_id"]
    assert failure.rule == "interview_id is in interviews.csv"
    assert failure.failing_rows == 1
    assert failure.examples == ("I999999",)
