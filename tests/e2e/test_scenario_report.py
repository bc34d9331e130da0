"""A scenario report: the whole book at a willingness to pay of £20,000, beside the national one."""

from __future__ import annotations

import hashlib
import html
import re

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.config import DEFAULT_DATA_DIR, PROJECT_ROOT
from analysis.data.chapter_context import ChapterContext
from analysis.pipeline.book import read_book
from analysis.pipeline.diff import HEADLINES, TABLES, compare_records
from analysis.pipeline.parameters import declared_parameters
from analysis.pipeline.results_record import read_record
from analysis.topics import economics

pytestmark = pytest.mark.e2e

SLUG = "wtp-20000"
# Chapters that show their own report's provenance run again in every report.
PER_REPORT = ("provenance_path",)


@pytest.fixture(scope="module")
def scenario(built_book):
    national = hashlib.sha256(built_book.html.read_bytes()).hexdigest()
    arguments = ["build", "--to", "html", "-p", "wtp", "20000"]
    arguments += ["--out", str(built_book.book_dir), "--build-dir", str(built_book.build_dir)]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    return result, national


def _touched_chapters() -> set[str]:
    return {
        chapter.id
        for chapter in read_book().notebooks
        if {"wtp", *PER_REPORT} & set(declared_parameters(PROJECT_ROOT / chapter.source))
    }


def test_only_the_chapters_the_parameter_touches_are_executed(scenario):
    result, _ = scenario
    touched = _touched_chapters()
    assert {"topic-5", "summary", "recommendations"} <= touched
    executed = set(re.findall(rf"{SLUG}/national\s+(\S+)\s+executed", result.stderr))
    cached = set(re.findall(rf"{SLUG}/national\s+(\S+)\s+cached", result.stderr))
    assert executed == touched
    assert cached == {c.id for c in read_book().notebooks} - touched
    summary = f"chapters executed: {len(touched)}, cached: {len(cached)}"
    assert summary in " ".join(result.stderr.split())


def test_the_scenario_is_published_beside_the_unchanged_national_report(built_book, scenario):
    result, national = scenario
    folder = built_book.book_dir / "scenarios" / SLUG
    assert (folder / "index.html").exists() and (folder / "results.json").exists()
    assert hashlib.sha256(built_book.html.read_bytes()).hexdigest() == national
    assert f"report published in {folder}" in result.stdout
    assert not re.search(r"warning|error|traceback", result.output, re.IGNORECASE), result.output


def test_the_scenario_report_says_which_parameters_differ_on_every_page(built_book, scenario):
    pages = sorted((built_book.book_dir / "scenarios" / SLUG).glob("*.html"))
    assert len(pages) == len(read_book().chapters) + 1  # the title page and one per chapter
    for page in pages:
        text = " ".join(html.unescape(page.read_text(encoding="utf-8")).split())
        assert "Scenario report: wtp = 20000 (default 30000)" in text, page.name


def test_its_changed_numbers_differ_from_the_national_reports(built_book, scenario):
    national = read_record(built_book.book_dir)
    chosen = read_record(built_book.book_dir / "scenarios" / SLUG)
    assert chosen["report"]["scenario"] == {"wtp": 20000.0}
    changes = compare_records(national, chosen)
    assert {c.label for c in changes if c.section == TABLES} >= {"tbl-qaly-thresholds"}
    assert "Topic 5: the QALY threshold" in {c.title for c in changes if c.section == HEADLINES}
    inputs = economics.prepare_inputs(
        ChapterContext.load(data_dir=DEFAULT_DATA_DIR).economics_inputs
    )
    for record, wtp in ((national, 30_000.0), (chosen, 20_000.0)):
        table = economics.threshold_table(economics.threshold_analysis(inputs, wtp, 20_000.0))
        rows = [
            list(row.values()) for row in record["tables"]["tbl-qaly-thresholds"]["rows"].values()
        ]
        assert rows == table.astype(str).values.tolist()
    untouched = {c.id for c in read_book().notebooks} - _touched_chapters()
    assert not [
        c
        for c in changes
        if c.section == TABLES and national["tables"][c.label]["chapter"] in untouched
    ]


def test_diff_compares_the_national_report_with_the_scenario(built_book, scenario):
    arguments = ["diff", SLUG, "--markdown", "--out", str(built_book.book_dir)]
    arguments += ["--build-dir", str(built_book.build_dir)]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    national = read_record(built_book.book_dir)
    chosen = read_record(built_book.book_dir / "scenarios" / SLUG)
    rows = [
        line for line in result.stdout.splitlines() if line.startswith("| ") and "---" not in line
    ]
    assert len(rows) - 1 == len(compare_records(national, chosen))  # less the header row
    assert "with scenario wtp-20000 (national) with wtp = 20000" in result.stdout


def test_every_link_of_the_scenario_report_resolves(built_book, scenario):
    folder = built_book.book_dir / "scenarios" / SLUG
    broken = []
    for page in sorted(folder.glob("*.html")):
        for href in re.findall(r'href="(?![a-z]+:)([^"#]+)', page.read_text(encoding="utf-8")):
            if not (folder / href).resolve().exists():
                broken.append(f"{page.name}: {href}")
    assert broken == []
    assert 'href="../../index.html"' in (folder / "index.html").read_text(encoding="utf-8")
