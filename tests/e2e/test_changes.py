"""After one data file changes, `diff` and the appendix list exactly the findings that changed.

What changed is recomputed here from the two data folders with the analysis functions, not
taken from a fixed list.
"""

from __future__ import annotations

import csv
import html
import random
import re
import shutil

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.config import DEFAULT_DATA_DIR
from analysis.data.chapter_context import ChapterContext
from analysis.pipeline.build import Builder, BuildOptions
from analysis.pipeline.diff import FIGURES, HEADLINES, compare_records
from analysis.pipeline.results_record import read_record
from analysis.report import headlines, reproduction
from analysis.report.published_figures import reproduce_published_figures
from tests.e2e.conftest import SITE

pytestmark = pytest.mark.e2e

CHANGED_FILE = "cyp_survey.csv"


def _change_some_answers(path, seed: int = 7) -> None:
    """Children's survey answers moved to 'not at all' in a few random rows."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rng = random.Random(seed)
    for row in rng.sample(rows, 15):
        row["listened_to"] = row["felt_safe"] = "not at all"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    root = tmp_path_factory.mktemp("changes")
    before, data = root / "data-before", root / "data"
    shutil.copytree(DEFAULT_DATA_DIR, before)
    shutil.copytree(DEFAULT_DATA_DIR, data)
    options = BuildOptions(
        data_dir=data, book_dir=root / "_book", build_dir=root / "_build", formats=("html",), jobs=2
    )
    Builder(options).run()
    _change_some_answers(data / CHANGED_FILE)
    summary = Builder(options).run()
    return options, before, summary


def _finding_titles(data_dir) -> dict[str, str]:
    findings = headlines.headline_findings(ChapterContext.load(data_dir=data_dir))
    return {f"Topic {f.topic}: {headlines.FINDING_NAMES[f.key]}": f.text for f in findings}


def _expected_findings(options, before) -> set[str]:
    old, new = _finding_titles(before), _finding_titles(options.data_dir)
    return {title for title in new if old.get(title) != new[title]}


def _expected_figures(options, before) -> set[str]:
    def shown(data_dir):
        table = reproduction.display_table(reproduce_published_figures(data_dir))
        first = table.columns[0]  # the figure, as the appendix names it
        return {row[first]: row for row in table.astype(str).to_dict(orient="records")}

    old, new = shown(before), shown(options.data_dir)
    return {figure for figure in new if old[figure] != new[figure]}


def test_only_the_chapters_that_read_the_file_ran_again(rebuilt):
    _, _, summary = rebuilt
    # recommendations reads the headline findings the summary shared in the first build; it
    # depends on the children's survey through them all the same
    assert {r.chapter for r in summary.executed} >= {"topic-2", "summary", "recommendations"}
    assert "topic-5" not in {r.chapter for r in summary.executed}


def test_diff_lists_exactly_the_findings_and_figures_that_changed(rebuilt):
    options, before, _ = rebuilt
    arguments = ["diff", "--markdown", "--out", str(options.book_dir)]
    result = CliRunner().invoke(app, [*arguments, "--build-dir", str(options.build_dir)])
    assert result.exit_code == 0, result.output
    changes = compare_records(
        read_record(options.build_dir / "national" / "results-previous.json"),
        read_record(options.book_dir),
    )
    findings = {c.title for c in changes if c.section == HEADLINES}
    figures = {c.title for c in changes if c.section == FIGURES}
    assert findings == _expected_findings(options, before)
    assert figures == _expected_figures(options, before)
    assert findings, "the change moves at least one headline finding"
    assert figures, "the change moves at least one published figure"
    for title in findings:
        assert f"| {html.escape(title, quote=False)} |" in result.stdout.replace("\\_", "_")


def test_the_appendix_lists_the_same_changes(rebuilt):
    options, before, _ = rebuilt
    appendix = _appendix_html(options.book_dir)
    cells = [
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
        for cell in re.findall(r"<tr[^>]*>\s*<td[^>]*>(.*?)</td>", appendix, re.S)
    ]
    assert set(c for c in cells if c.startswith("Topic ")) == _expected_findings(options, before)
    published = {
        c.removeprefix("Published figure ") for c in cells if c.startswith("Published figure ")
    }
    assert published == _expected_figures(options, before)
    assert "whose data differed" in html.unescape(re.sub(r"<[^>]+>", "", appendix))


def _appendix_html(book_dir) -> str:
    """The HTML of the appendix, from its heading to the next chapter's (or the page's end)."""
    for page in sorted(book_dir.glob("*.html")):
        content = page.read_text(encoding="utf-8")
        if 'id="sec-changes"' in content:
            start = content.index('id="sec-changes"')
            end = content.find("<h1", start)
            return content[start : end if end != -1 else None]
    raise AssertionError("no page holds the appendix")


def _report_text(folder) -> str:
    """The text of every page of a report, tags removed, whitespace collapsed."""
    pages = " ".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.html")))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", pages)).split())


def test_a_site_record_holds_only_what_the_site_report_publishes(built_book):
    """Below national level the record (and so any diff) shows released values only."""
    record = read_record(built_book.book_dir / "sites" / SITE)
    text = _report_text(built_book.book_dir / "sites" / SITE)
    assert record["tables"], "the site report shows tables"
    for label, table in record["tables"].items():
        for row in table["rows"].values():
            for value in row.values():
                assert " ".join(value.split()) in text, (label, value)
    for finding in record["findings"].values():
        assert " ".join(finding["text"].split()) in text, finding["key"]
    assert record["published_figures"] == {}
