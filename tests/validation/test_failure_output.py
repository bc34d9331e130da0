"""The failure report is complete wherever it goes: a CI log (not a terminal) or a terminal."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from analysis import config
from analysis.validation.failures import (
    TABLE_MIN_WIDTH,
    Failure,
    GateReport,
    failure_lines,
    print_failures,
)
from tests.validation.test_gate_bad_inputs import quick_gate, set_coding, set_value

LONG = GateReport(
    passed=False,
    failures=[
        Failure(
            "raw_admin_submission",
            "admin/S05.csv",
            "Date of admission",
            "Date of admission (admission_month) is inside the evaluation window (2018-08 to "
            "2020-12)",
            12,
            ("01/01/2021", "02/01/2021"),
            (4, 9, 31),
        ),
        Failure("cross-table", "admin/S07.csv", "", "every site with an admin file is listed"),
    ],
)


def test_plain_lines_name_everything_of_every_failure():
    lines = failure_lines(LONG)
    assert lines[0] == "Data-quality gate: 2 rule(s) failed:"
    assert lines[1] == (
        "- admin/S05.csv, lines 4, 9, 31, …, column Date of admission: Date of admission "
        "(admission_month) is inside the evaluation window (2018-08 to 2020-12) (12 rows fail); "
        "e.g. 01/01/2021, 02/01/2021"
    )
    assert lines[2] == "- admin/S07.csv: every site with an admin file is listed"


def test_output_that_is_not_a_terminal_gets_plain_complete_lines():
    stream = io.StringIO()
    console = Console(file=stream, width=40)  # narrow, and not a terminal
    assert not console.is_terminal
    print_failures(LONG, console)
    assert stream.getvalue().splitlines() == failure_lines(LONG)


def test_a_narrow_terminal_gets_plain_lines_too():
    stream = io.StringIO()
    console = Console(file=stream, width=80, force_terminal=True)
    print_failures(LONG, console)
    assert stream.getvalue().splitlines() == failure_lines(LONG)


def test_a_wide_terminal_gets_a_table_that_wraps_and_cuts_nothing():
    for width, whole_words in ((TABLE_MIN_WIDTH, False), (300, True)):
        console = Console(file=io.StringIO(), width=width, force_terminal=True, record=True)
        print_failures(LONG, console)
        text = console.export_text()
        assert "┃ dataset" in text
        assert "…" not in text.replace("4, 9, 31, …", "")  # wrapped, never cut
        if whole_words:
            words = set(text.replace("│", " ").split())
            for failure in LONG.failures:
                examples = ", ".join(failure.examples)
                for part in (failure.file, failure.column, failure.rule, examples):
                    assert set(part.split()) <= words, part


def test_cli_failure_report_in_a_captured_log_is_complete(data_copy: Path, tmp_path: Path):
    set_value("admin/S02.csv", "Date of admission", "01/01/2021", row=2)(data_copy)
    set_coding("S07", "formulation", "coding", '{"YES": true, "NO": "maybe"}')(data_copy)
    set_value("economics_inputs.csv", "high", "inf", row=1)(data_copy)
    expected = quick_gate(data_copy, tmp_path / "in-process")
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis.cli",
            "validate",
            "--data",
            str(data_copy),
            "--results",
            str(tmp_path / "results"),
        ],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        env=environment,
        timeout=600,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert len(expected.failures) >= 3
    for failure in expected.failures:
        assert f"- {failure.message()}" in lines, done.stderr
    assert f"error: {len(expected.failures)} rule(s) failed for {data_copy}" in lines
