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


def add_row(name: str, **values: str) -> Callable[[Path], None]:
    """A breakage that appends one row (a copy of the first, with ``values`` changed)."""

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        row = frame.iloc[[0]].copy()
        for column, value in values.items():
            row[column] = value
        return pd.concat([frame, row], ignore_index=True)

    return edit(name, change)


def set_coding(site: str, field: str, column: str, value: str) -> Callable[[Path], None]:
    """A breakage of one cell of admin_codebook.csv: the row of (site, field)."""

    def change(frame: pd.DataFrame) -> pd.DataFrame:
        frame.loc[(frame["site_id"] == site) & (frame["field"] == field), column] = value
        return frame

    return edit("admin_codebook.csv", change)


def copy_case_id(source: str, target: str, source_column: str, target_column: str):
    """A case id of one site's file written into another site's file (a cross-file clash)."""

    def breaker(data_dir: Path) -> None:
        case_id = read(data_dir / source).loc[3, source_column]
        set_value(target, target_column, case_id, row=5)(data_dir)

    return breaker


def add_file(name: str, text: str) -> Callable[[Path], None]:
    def breaker(data_dir: Path) -> None:
        (data_dir / name).write_text(text, encoding="utf-8")

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
        "admin", "admin/S07.csv", "LEFT (discharge_month)",
        "discharge_month is inside the evaluation window (2018-08 to 2020-12)",
    ),
    "date outside the window (admission)": (
        set_value("admin/S07.csv", "ADMITTED", "March 2021"),
        "raw_admin_submission", "admin/S07.csv", "ADMITTED",
        "ADMITTED (admission_month) is inside the evaluation window (2018-08 to 2020-12)",
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
    # identifiers name folders and files: each has a strict pattern
    "crafted site id with path characters": (
        add_row("sites.csv", site_id="../../ESCAPE"),
        "sites", "sites.csv", "site_id", "site_id matches the pattern S[0-9]{2} in full",
    ),
    "site id with a slash in a survey": (
        set_value("staff_survey.csv", "site_id", "S01/.."),
        "staff_survey", "staff_survey.csv", "site_id", "site_id matches the pattern S[0-9]{2}",
    ),
    "case id with path characters": (
        set_value("admin/S02.csv", "Case Ref", "C000293/../../x"),
        "admin", "admin/S02.csv", "Case Ref (case_id)", "case_id matches the pattern C[0-9]{6,9}",
    ),
    "survey id with a newline": (
        set_value("cyp_survey.csv", "survey_id", "CS0\n0001"),
        "cyp_survey", "cyp_survey.csv", "survey_id", "survey_id matches the pattern CS[0-9]{5,9}",
    ),
    "interview id in another shape": (
        set_value("interviews.csv", "interview_id", "interview-1"),
        "interviews", "interviews.csv", "interview_id",
        "interview_id matches the pattern INT[0-9]{4,9}",
    ),
    "excerpt id with markup": (
        set_value("interview_excerpts.csv", "excerpt_id", "<b>EX1</b>"),
        "interview_excerpts", "interview_excerpts.csv", "excerpt_id",
        "excerpt_id matches the pattern EX[0-9]{4,9}",
    ),
    "theme with path characters": (
        set_value("interview_excerpts.csv", "theme", "theme_../../hope"),
        "interview_excerpts", "interview_excerpts.csv", "theme",
        "theme matches the pattern theme_[a-z][a-z_]{0,40}",
    ),
    "admin file not named for a site id": (
        add_file("admin/s02 copy.csv", "Case Ref\nC000001\n"),
        "cross-table", "admin/s02 copy.csv", "", "admin files are named <site_id>.csv",
    ),
    # numbers: finite, in their documented range; costs above zero
    "infinite benefit": (
        set_value("economics_inputs.csv", "high", "inf", row=1),
        "economics_inputs", "economics_inputs.csv", "high", "high holds finite numbers",
    ),
    "benefit written as 1e400 (infinite as a float)": (
        set_value("economics_inputs.csv", "high", "1e400", row=2),
        "economics_inputs", "economics_inputs.csv", "high", "high holds finite numbers",
    ),
    "not-a-number estimate": (
        set_value("economics_inputs.csv", "mid", "NaN", row=3),
        "economics_inputs", "economics_inputs.csv", "mid", "mid holds finite numbers",
    ),
    "benefit beyond the documented range": (
        set_value("economics_inputs.csv", "high", "1e300", row=1),
        "economics_inputs", "economics_inputs.csv", "high", "high is between 0 and 1000000",
    ),
    "zero cost": (
        set_value("economics_inputs.csv", "low", "0", row=0),
        "economics_inputs", "economics_inputs.csv", "low",
        "low: a cost is above zero (rows where kind == 'cost')",
    ),
    "int64 overflow in a table": (
        set_value("staff_survey.csv", "wellbeing_score", "99999999999999999999", row=3),
        "staff_survey", "staff_survey.csv", "wellbeing_score",
        "wellbeing_score holds whole numbers of at most 19 digits",
    ),
    "int64 overflow in a raw submission": (
        set_value("admin/S02.csv", "Self harm", "99999999999999999999", row=2),
        "raw_admin_submission", "admin/S02.csv", "Self harm",
        "Self harm (self_harm_incidents) holds whole numbers of at most 19 digits",
    ),
    "incident count beyond the documented range": (
        set_value("admin/S07.csv", "RESTRAINTS", "250000", row=4),
        "admin", "admin/S07.csv", "RESTRAINTS (restraint_incidents)",
        "restraint_incidents is between 0 and 10000",
    ),
    # the codebook's own cells are blamed for what they get wrong
    "malformed codebook cell (JSON)": (
        set_coding("S02", "formulation", "coding", '{"Yes": true, "No": false'),
        "admin_codebook", "admin_codebook.csv", "coding", "coding is a JSON object",
    ),
    "codebook code mapped outside the contract": (
        set_coding("S02", "placement_type", "coding", '{"Remand": "prison", "Sentenced": null}'),
        "admin_codebook", "admin_codebook.csv", "coding",
        "a category field's codes map to null or one of: justice, welfare",
    ),
    "codebook date format without a year": (
        set_coding("S02", "discharge_month", "coding", "%d/%m"),
        "admin_codebook", "admin_codebook.csv", "coding",
        "a month field's coding is a date format with a year",
    ),
    "codebook kind that does not fit the field": (
        set_coding("S07", "days_in_placement", "kind", "month"),
        "admin_codebook", "admin_codebook.csv", "kind",
        "kind is the kind schema.yaml gives the field",
    ),
    "codebook field that the contract does not know": (
        set_coding("S07", "days_in_placement", "field", "days"),
        "admin_codebook", "admin_codebook.csv", "field",
        "field names a submitted column of the admin table in schema.yaml",
    ),
    # rules across files name the files involved
    "cross-file: one case id in two sites' files": (
        copy_case_id("admin/S02.csv", "admin/S07.csv", "Case Ref", "CASE NO"),
        "cross-table", "admin/S07.csv", "CASE NO",
        "case ids are unique across sites (also in admin/S02.csv)",
    ),
    "cross-file: a setting type that disagrees with the register": (
        set_value("cyp_survey.csv", "setting_type", "YOI", row=0),
        "cyp_survey", "cyp_survey.csv", "setting_type",
        "setting_type is the site's setting type in the site register (sites.csv)",
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
    message = found[0].message()
    assert rule in message and message.startswith(file)
    assert column == "" or f"column {column}" in message
    if found[0].failing_rows is not None and dataset != "pii":  # rows: their first lines
        assert found[0].lines and f"line{'s' if len(found[0].lines) > 1 else ''} " in message
    # a rule on rows of the admin files names the file, not a pattern of files
    assert not any("*" in failure.file for failure in report.failures if failure.failing_rows)
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
    frame.loc[0, "interview_id"] = "INT999999"
    write(frame, excerpts)
    report = quick_gate(data_copy, tmp_path)
    assert not report.passed
    [failure] = [f for f in report.failures if f.column == "interview_id"]
    assert failure.rule == "interview_id is in interviews.csv"
    assert failure.failing_rows == 1
    assert failure.examples == ("INT999999",)
    assert failure.lines == (2,)


def test_a_malformed_codebook_cell_is_blamed_on_the_codebook_not_the_submission(
    data_copy: Path, tmp_path: Path
):
    set_coding("S02", "formulation", "coding", '{"Yes": true, "No": false')(data_copy)
    report = quick_gate(data_copy, tmp_path)
    (failure,) = [f for f in report.failures if f.file == "admin_codebook.csv"]
    codebook = read(data_copy / "admin_codebook.csv")
    row = codebook.index[(codebook["site_id"] == "S02") & (codebook["field"] == "formulation")]
    assert failure.lines == (int(row[0]) + 2,)  # the header is line 1
    assert failure.column == "coding"
    assert [f.message() for f in report.failures if f.file.startswith("admin/")] == []


def test_a_case_id_in_two_files_names_both_files_and_lines(data_copy: Path, tmp_path: Path):
    copy_case_id("admin/S02.csv", "admin/S07.csv", "Case Ref", "CASE NO")(data_copy)
    report = quick_gate(data_copy, tmp_path)
    clashes = {f.file: f for f in report.failures if "unique across sites" in f.rule}
    assert set(clashes) == {"admin/S02.csv", "admin/S07.csv"}
    assert clashes["admin/S02.csv"].lines == (5,)  # row 3 of the data is line 5
    assert clashes["admin/S07.csv"].lines == (7,)
    assert "also in admin/S07.csv" in clashes["admin/S02.csv"].rule
    assert not any("loads into the harmonised table" in f.rule for f in report.failures)
