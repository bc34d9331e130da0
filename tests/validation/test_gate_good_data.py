"""The gate over the bundled data: it passes, writes results and offline Data Docs."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from analysis import config
from analysis.validation import failures_table, summary_frame
from analysis.validation.failures import Failure, GateReport, SuiteSummary
from analysis.validation.suites import build_suites


def test_bundled_data_pass_every_suite(bundled_gate):
    report, _ = bundled_gate
    assert report.passed, "\n".join(failure.message() for failure in report.failures)
    assert report.failures == []


def test_every_suite_and_site_submission_is_evaluated(bundled_gate, bundled_data_dir: Path):
    report, _ = bundled_gate
    suites = {summary.suite for summary in report.suites}
    tables = set(build_suites()) - {"raw_admin_submission"}
    sites = {path.stem for path in (bundled_data_dir / "admin").glob("*.csv")}
    assert tables <= suites
    assert {f"raw_admin_submission.{site}" for site in sites} <= suites
    assert {"files", "pii_guard", "cross_table"} <= suites
    assert all(summary.evaluated > 0 and summary.failed == 0 for summary in report.suites)


def test_results_json_holds_the_report_and_each_validation(bundled_gate):
    report, results = bundled_gate
    written = json.loads((results / "validation_results.json").read_text(encoding="utf-8"))
    assert written["passed"] is True
    assert len(written["suites"]) == len(report.suites)
    gx_suites = [s for s in report.suites if s.suite not in ("files", "pii_guard", "cross_table")]
    assert len(written["validations"]) == len(gx_suites)
    assert all(entry["result"]["success"] for entry in written["validations"])


def test_data_docs_are_static_and_fetch_nothing(bundled_gate):
    _, results = bundled_gate
    docs = results / "data_docs"
    pages = sorted(docs.rglob("*.html"))
    assert (docs / "index.html") in pages
    assert len(list((docs / "validations").glob("*.html"))) >= 10
    remote = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//""")
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert not remote.search(text), page
        assert "<script" not in text.lower(), page
        assert "Content-Security-Policy" in text, page


def test_summary_frame_has_one_row_per_suite(bundled_gate):
    report, _ = bundled_gate
    frame = summary_frame(report)
    assert list(frame.columns) == ["suite", "dataset", "evaluated", "passed", "failed"]
    assert len(frame) == len(report.suites)
    assert (frame["evaluated"] == frame["passed"] + frame["failed"]).all()


def test_failures_table_shows_every_failure_without_reading_markup():
    report = GateReport(
        passed=False,
        failures=[
            Failure(
                "staff_survey", "staff_survey.csv", "role", "role is one of: a", 3, ("[red]x",)
            ),
            Failure("sites", "sites.csv", "", "file is UTF-8 text", None, ()),
        ],
        suites=[SuiteSummary("sites", "sites", 1, 0, 1)],
    )
    table = failures_table(report)
    assert [column.header for column in table.columns] == [
        "dataset", "file", "lines", "column", "rule", "failing rows", "examples"
    ]  # fmt: skip
    assert table.row_count == 2
    console = Console(width=200, record=True)
    console.print(table)
    assert "[red]x" in console.export_text()


def test_importing_the_gate_does_not_import_great_expectations():
    code = (
        "import sys, analysis.validation, analysis.validation.gate; "
        "print('great_expectations' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=config.PROJECT_ROOT,
    )
    assert result.stdout.strip() == "False"
