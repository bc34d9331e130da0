"""A researcher's re-run: `run topic-5 -p wtp 20000` gives a page a browser shows in full."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from analysis.cli import app
from analysis.config import DEFAULT_DATA_DIR
from analysis.data.chapter_context import ChapterContext
from analysis.topics import economics

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def rerun(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs")
    result = CliRunner().invoke(app, ["run", "topic-5", "-p", "wtp", "20000", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result, out


@pytest.fixture(scope="module")
def page(rerun, chromium):
    result, _ = rerun
    html = result.stdout.splitlines()[0]
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))
    page.goto(f"file://{html}", wait_until="load")
    yield page, problems
    page.close()


def _threshold_rows(wtp: float) -> list[list[str]]:
    inputs = ChapterContext.load(data_dir=DEFAULT_DATA_DIR).economics_inputs
    result = economics.threshold_analysis(economics.prepare_inputs(inputs), wtp, 20_000.0)
    return economics.threshold_table(result).astype(str).values.tolist()


def test_run_prints_the_page_then_the_notebook(rerun):
    result, out = rerun
    assert result.stdout.splitlines() == [
        str(out / "topic-5__wtp_20000.html"),
        str(out / "topic-5__wtp_20000.ipynb"),
    ]
    assert "topic-5 executed" in result.stderr
    assert not re.search(r"warning|error|traceback", result.output, re.IGNORECASE), result.output


def test_the_page_loads_on_its_own_without_errors_or_requests(page):
    browser_page, problems = page
    assert problems == []
    heading = browser_page.inner_text("main h1#sec-topic-5")
    assert (
        heading.startswith("8")
        and "Topic 5: Can the Framework offer good value for money?" in heading
    )
    assert browser_page.evaluate("document.querySelectorAll('link[rel=stylesheet]').length") == 0


def test_the_threshold_table_shows_the_values_at_20000(page):
    browser_page, _ = page
    rows = browser_page.eval_on_selector_all(
        "#tbl-qaly-thresholds tbody tr",
        "rows => rows.map(r => [...r.querySelectorAll('td')].map(c => c.innerText.trim()))",
    )
    expected = _threshold_rows(20_000.0)
    assert rows == expected
    assert {row[0] for row in rows} == {"£20,000"}
    assert rows != _threshold_rows(30_000.0)
    caption = browser_page.inner_text("#tbl-qaly-thresholds caption")
    assert caption.startswith("Table 8.2: QALY gain per staff member needed")


def test_cross_references_resolve_to_numbered_targets_on_the_page(page):
    browser_page, _ = page
    links = browser_page.eval_on_selector_all(
        "main p a[href^='#']", "links => links.map(a => [a.getAttribute('href'), a.innerText])"
    )
    assert len(links) >= 4
    missing = browser_page.evaluate(
        "ids => ids.filter(id => !document.getElementById(id.slice(1)))", [h for h, _ in links]
    )
    assert missing == []
    assert all(text.startswith(("Table 8.", "Figure 8.")) for _, text in links), links
    body = browser_page.inner_text("body")
    for unresolved in ("?tbl-", "?fig-", "?sec-", "@tbl-", "@fig-", "@sec-"):
        assert unresolved not in body


def test_the_page_says_how_it_was_run_and_has_the_books_figures(page):
    browser_page, _ = page
    assert "Re-run with wtp = 20000 (default 30000)." in browser_page.inner_text("body")
    images = browser_page.eval_on_selector_all(
        "figure img", "images => images.map(i => [i.naturalWidth, i.alt])"
    )
    assert len(images) == 3
    assert all(width > 0 and alt for width, alt in images)
