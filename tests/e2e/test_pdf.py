"""The PDF report as a reviewer reads it: title page, contents, chapter order, findings, tables."""

from __future__ import annotations

import hashlib
import re

import pytest
from pypdf import PdfReader

from analysis.pipeline.book import read_book
from analysis.pipeline.render import Renderer, pandoc_version, render_book
from analysis.report.published_figures import read_published_figures
from tests.e2e.report_content import executed_notebooks, shown_outputs, table_cells

pytestmark = pytest.mark.e2e

INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060]")  # joiners some PDF text extraction adds
HEADLINE_PAGES = 6  # title page, contents, preface: the summary must start within these


def _plain(text: str) -> str:
    """Extracted text without invisible joiners, contents leaders or line breaks."""
    text = INVISIBLE.sub("", text)
    text = re.sub(r"(?:\s*\.){3,}", " ", text)
    text = re.sub(r"(?<=\w)-\s+(?=\w)", "-", text)  # a compound word wrapped at its hyphen
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def pdf(built_book) -> PdfReader:
    return PdfReader(built_book.pdf)


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    return [_plain(page.extract_text()) for page in pdf.pages]


@pytest.fixture(scope="module")
def layout_pages(pdf) -> list[str]:
    """Page text laid out by position: text that overlaps on the page runs together here."""
    texts = [page.extract_text(extraction_mode="layout") for page in pdf.pages]
    return [INVISIBLE.sub("", text).replace("\u2212", "-") for text in texts]  # typst's minus


@pytest.fixture(scope="module")
def chapter_starts(pdf) -> list[tuple[str, int, float]]:
    """(title as printed, page index, distance from the page top) of every chapter bookmark."""
    starts = []
    for entry in pdf.outline:
        if isinstance(entry, list):
            continue  # the sections of the chapter before
        page = pdf.get_destination_page_number(entry)
        height = float(pdf.pages[page].mediabox.height)
        starts.append((_plain(entry.title), page, height - float(entry["/Top"])))
    return starts


def _expected_titles(built_book) -> list[str]:
    """Chapter titles in `_quarto.yml` order, read from the executed sources."""
    titles = []
    for chapter in read_book().chapters:
        source = built_book.build_dir / "national" / "project" / chapter.build_path
        if chapter.is_notebook:
            text = executed_notebooks(built_book.build_dir)[chapter.id].cells[0].source
        else:
            text = source.read_text(encoding="utf-8")
        heading = re.search(r"^# (.+?)\s*(\{.*\})?\s*$", text, re.M)
        titles.append(heading.group(1).strip())
    return titles


def test_first_page_is_an_unnumbered_title_page(pages):
    book = read_book()
    assert pages[0].startswith(_plain(book.title))
    assert _plain(book.subtitle) in pages[0]
    assert not re.search(r"\b1$", pages[0]), "the title page carries no page number"


def test_every_other_page_shows_its_page_number(pages):
    unnumbered = [n for n, text in enumerate(pages[1:], start=2) if not text.endswith(f" {n}")]
    assert unnumbered == []


def test_chapters_appear_in_quarto_yml_order_each_at_the_top_of_a_new_page(
    built_book, chapter_starts
):
    printed = [re.sub(r"^(\d+ |Appendix [A-Z]: )", "", title) for title, _, _ in chapter_starts]
    assert printed == [_plain(t) for t in _expected_titles(built_book)]
    start_pages = [page for _, page, _ in chapter_starts]
    assert start_pages == sorted(set(start_pages)), "two chapters share a page"
    margin_top = max(distance for _, _, distance in chapter_starts)
    assert margin_top < 3.5 * 28.35, "a chapter heading sits below the top margin (2.2 cm)"


def test_contents_page_lists_every_chapter_with_its_page_number(pages, chapter_starts):
    first_chapter_page = chapter_starts[0][1]
    contents = " ".join(pages[1:first_chapter_page])
    assert contents.startswith("Contents")
    for title, page, _ in chapter_starts:
        assert f"{title} {page + 1}" in contents, title


def test_headline_findings_come_first_after_the_preface(built_book, chapter_starts, pages):
    summary = read_book().chapters[1]
    assert summary.id == "summary", "_quarto.yml puts the summary right after the preface"
    assert chapter_starts[1][1] < HEADLINE_PAGES
    coverage = read_published_figures().set_index("id").loc["t1_admin_formulation"]
    first_pages = " ".join(pages[:HEADLINE_PAGES])
    assert f"{int(coverage.percent_printed)}%" in first_pages
    assert f"{int(coverage.numerator)} of {int(coverage.denominator)}" in first_pages


def test_every_figure_is_in_the_pdf_with_its_numbered_caption(built_book, pdf, pages):
    figures = [s for s in shown_outputs(executed_notebooks(built_book.build_dir))]
    figures = [s for s in figures if s.kind == "figure"]
    text = " ".join(pages)
    for figure in figures:
        caption = _plain(str(figure.options.get("fig-cap", "")))
        assert re.search(rf"Figure \d+\.\d+: {re.escape(caption)}", text), caption
    assert sum(len(page.images) for page in pdf.pages) == len(figures)


def _caption_page(pages: list[str], caption: str) -> int:
    found = [n for n, text in enumerate(pages) if _plain(caption) in text]
    assert found, f"table caption not in the PDF: {caption}"
    return found[0]


def _appears_apart(word: str, text: str) -> bool:
    """The word stands apart from its neighbours (it may wrap after a hyphen or slash)."""
    pattern = re.sub(r"([-/])", r"\1\\s*", re.escape(word).replace("\\-", "-"))
    return re.search(rf"(?<!\S){pattern}(?!\S)", text) is not None


def test_no_table_text_is_cut_off_or_runs_into_its_neighbour(built_book, pages, layout_pages):
    shown = shown_outputs(executed_notebooks(built_book.build_dir))
    tables = [s for s in shown if s.kind == "table"]
    assert len(tables) >= 10
    problems = []
    for table in tables:
        first = _caption_page(pages, str(table.options.get("tbl-cap", "")))
        rows = table_cells(table.markdown)
        span = 3 + len(rows) // 20  # a long table runs on over the next pages
        text = "\n".join(layout_pages[first : first + span])
        for row in rows:
            for cell in row:
                missing = [word for word in cell.split() if not _appears_apart(word, text)]
                if missing:
                    problems.append(f"{table.label}: {cell!r} (not apart: {missing})")
    assert problems == []


def test_the_same_executed_notebooks_render_to_byte_identical_pdfs(built_book, tmp_path):
    project = built_book.build_dir / "national" / "project"
    renderer = Renderer("pandoc-typst-fallback", pandoc_version())
    digests = []
    for attempt in ("first", "second"):
        out = tmp_path / attempt
        out.mkdir()
        render_book(renderer, read_book(), project, out, ("pdf",), {"date": "2026-01-01"})
        digests.append(hashlib.sha256((out / "report.pdf").read_bytes()).hexdigest())
    assert digests[0] == digests[1]


def test_title_page_and_every_footer_say_the_data_are_synthetic(pages):
    notice = _plain(read_book().config["data-notice"].replace("*", ""))  # Markdown emphasis
    assert notice in pages[0]
    assert [n for n, text in enumerate(pages, start=1) if notice not in text] == []


def test_the_pdf_links_to_no_file_of_the_site(pdf):
    targets = [
        annotation.get_object().get("/A", {}).get("/URI")
        for page in pdf.pages
        for annotation in page.get("/Annots", []) or []
    ]
    assert [t for t in targets if t and not re.match(r"^[a-z]+:", t)] == []


SHORT_TABLE_ROWS = 24  # the layout filter keeps tables with at most this many rows together


def test_short_tables_keep_together_and_long_ones_repeat_their_header(built_book, pages):
    shown = shown_outputs(executed_notebooks(built_book.build_dir))
    problems = []
    for table in [s for s in shown if s.kind == "table"]:
        rows = table_cells(table.markdown)
        first = _caption_page(pages, str(table.options.get("tbl-cap", "")))
        last_row = _plain(" ".join(rows[-1]))
        if last_row in pages[first]:
            continue
        if len(rows) - 1 <= SHORT_TABLE_ROWS:
            problems.append(f"{table.label}: {len(rows) - 1} rows split across pages")
            continue
        header = _plain(" ".join(rows[0]))
        if header not in pages[first + 1]:
            problems.append(f"{table.label}: header not repeated on page {first + 2}")
    assert problems == []
