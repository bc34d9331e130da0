"""Every figure and table of the built report is labelled, captioned and referred to in the text."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from analysis.config import CHAPTERS_DIR
from tests.e2e.report_content import (
    REFERENCE,
    book_prose,
    executed_notebooks,
    figure_outputs,
    shown_outputs,
)

pytestmark = pytest.mark.e2e

SCOPES = ("national", "S03")


def _by_chapter(problems: list[tuple[str, str]]) -> str:
    """The problems as one line per chapter (empty when there are none)."""
    grouped: dict[str, list[str]] = {}
    for chapter, problem in problems:
        grouped.setdefault(chapter, []).append(problem)
    return "\n".join(f"{chapter}: {'; '.join(found)}" for chapter, found in grouped.items())


@pytest.mark.parametrize("scope", SCOPES)
def test_every_figure_has_a_label_a_caption_and_alt_text(built_book, scope):
    figures = [s for s in shown_outputs(executed_notebooks(built_book.build_dir, scope))]
    problems = [
        (s.chapter, f"figure {s.label or '(no label)'}: {missing}")
        for s in figures
        if s.kind == "figure"
        for missing in ("label", "fig-cap", "fig-alt")
        if not str(s.options.get(missing, "")).strip()
        or (missing == "label" and not s.label.startswith("fig-"))
    ]
    assert _by_chapter(problems) == ""


@pytest.mark.parametrize("scope", SCOPES)
def test_every_table_has_a_label_and_a_caption(built_book, scope):
    tables = [s for s in shown_outputs(executed_notebooks(built_book.build_dir, scope))]
    problems = [
        (s.chapter, f"table {s.label or '(no label)'}: no {missing}")
        for s in tables
        if s.kind == "table"
        for missing in ("label", "tbl-cap")
        if not str(s.options.get(missing, "")).strip()
        or (missing == "label" and not s.label.startswith("tbl-"))
    ]
    assert _by_chapter(problems) == ""


def test_labels_are_unique_across_the_book(built_book):
    shown = shown_outputs(executed_notebooks(built_book.build_dir))
    counts = Counter(s.label for s in shown if s.label)
    assert [label for label, n in counts.items() if n > 1] == []


def test_every_figure_and_table_is_referred_to_in_the_text(built_book):
    notebooks = executed_notebooks(built_book.build_dir)
    referenced = set(REFERENCE.findall("\n".join(book_prose(notebooks).values())))
    problems = [
        (s.chapter, f"{s.label} is never referred to with @{s.label}")
        for s in shown_outputs(notebooks)
        if s.label and s.label not in referenced
    ]
    assert _by_chapter(problems) == ""


@pytest.mark.parametrize("scope", SCOPES)
def test_every_cross_reference_resolves(built_book, scope):
    site = None if scope == "national" else scope
    text = built_book.book_html(site)
    assert re.findall(r"\?(?:fig|tbl|sec)-[\w-]+", text) == []
    # every link to a figure, table or section lands on an element of the page it names
    pages = {page.name: page.read_text(encoding="utf-8") for page in built_book.pages(site)}
    missing = [
        f"{page}#{ident}"
        for page, ident in re.findall(r'href="([\w-]+\.html)#((?:fig|tbl|sec)-[\w-]+)"', text)
        if f'id="{ident}"' not in pages.get(page, "")
    ]
    assert missing == []


def test_every_figure_alt_text_is_the_one_written_from_its_plotted_data(built_book):
    """The executed cell's `fig-alt` (what Quarto and the fallback read) is the alt text the
    figure function wrote from the values it drew, never a typed one. (Site reports show
    tables only; the topic chapters run for a site are checked in test_chapter_figures.)"""
    figures = figure_outputs(executed_notebooks(built_book.build_dir))
    assert len(figures) >= 10
    problems = [
        (chapter, f"{options.get('label')}: fig-alt is not the computed alt text")
        for chapter, options, carried in figures
        if not carried.get("fig-alt") or options.get("fig-alt") != carried["fig-alt"]
    ]
    assert _by_chapter(problems) == ""
    typed = [p.name for p in CHAPTERS_DIR.glob("*.ipynb") if "#| fig-alt" in p.read_text()]
    assert typed == [], "chapter sources carry no typed alt text"
