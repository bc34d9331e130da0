"""The built national book reads as an evaluation report: labelled synthetic, sourced, evidenced,
and saying nothing twice."""

from __future__ import annotations

import html
import re
from collections import Counter

import pytest
from pypdf import PdfReader

from analysis.report.headlines import EVIDENCE
from analysis.report.key_messages import KEY_MESSAGES
from tests.analysis.report.test_key_messages import SEED_QUALITATIVE_THEMES, SEED_SUMMARY_POINTS

pytestmark = pytest.mark.e2e

MAX_WORDS = 40  # a paragraph longer than this must not appear twice in the book


def _main(page_html: str) -> str:
    """The page's main content, without the notice, the page contents and the footer."""
    main = page_html.split('<main id="content"', 1)[-1].split("</main>", 1)[0]
    main = re.sub(r'<div class="data-notice".*?</div>', "", main, flags=re.S)
    return re.sub(r'<div class="page-toc".*?</div>', "", main, flags=re.S)


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def paragraphs(page_html: str) -> list[str]:
    """Visible paragraphs and list items of a page's main content, as plain text."""
    main = _main(page_html)
    blocks = re.findall(r"<(p|li|td)\b[^>]*>(.*?)</\1>", main, flags=re.S)
    return [_text(content) for _, content in blocks]


def test_no_paragraph_of_more_than_forty_words_appears_twice_in_the_national_book(built_book):
    counts: Counter[str] = Counter()
    where: dict[str, set[str]] = {}
    for page in built_book.pages():
        for paragraph in paragraphs(page.read_text(encoding="utf-8")):
            if len(paragraph.split()) > MAX_WORDS:
                counts[paragraph] += 1
                where.setdefault(paragraph, set()).add(page.name)
    repeated = {
        f"{p[:80]}... ({', '.join(sorted(where[p]))})": n for p, n in counts.items() if n > 1
    }
    assert repeated == {}


def test_synthetic_is_said_on_the_title_page_and_above_every_chapter_heading(built_book):
    problems = []
    for page in built_book.pages():
        main = page.read_text(encoding="utf-8").split('<main id="content"', 1)[-1]
        notice = main.find('class="data-notice"')
        heading = re.search(r"<h1\b", main)
        if notice < 0 or "Synthetic" not in main[notice : notice + 400]:
            problems.append(f"{page.name}: no synthetic-data notice")
        elif heading and heading.start() < notice:
            problems.append(f"{page.name}: the notice comes after the chapter heading")
    assert problems == []


def test_every_pdf_page_footer_says_synthetic(built_book):
    pages = [page.extract_text() for page in PdfReader(built_book.pdf).pages]
    assert [n for n, text in enumerate(pages, start=1) if "Synthetic" not in text] == []


def test_the_references_section_lists_the_evaluations_sources_in_html_and_pdf(built_book):
    page = (built_book.book_dir / "sec-references.html").read_text(encoding="utf-8")
    refs = _text(page.split('id="refs"', 1)[-1])
    sources = (
        "Realistic Evaluation",
        "Future in Mind",
        "Safer Communities",
        "Partnership Agreement",
    )
    assert [s for s in sources if s not in refs] == []
    book = built_book.book_html()
    assert "???" not in _text(book)  # every citation resolved
    assert re.search(
        r'href="sec-references\.html#ref-pawson-tilley-1997-realistic-evaluation"', book
    )
    pdf_text = " ".join(p.extract_text() for p in PdfReader(built_book.pdf).pages)
    pdf_text = re.sub(r"\s+", " ", pdf_text)
    assert "References" in pdf_text
    assert [s for s in sources if s not in pdf_text] == []


def _ids(built_book) -> dict[str, str]:
    """Every element id of the national book, with the page that holds it."""
    found = {}
    for page in built_book.pages():
        for ident in re.findall(r'id="([\w-]+)"', page.read_text(encoding="utf-8")):
            found.setdefault(ident, page.name)
    return found


def test_every_seed_summary_point_has_its_evidence_in_a_chapter_of_the_built_book(built_book):
    ids = _ids(built_book)
    messages = {m.key: m for m in KEY_MESSAGES}
    missing = []
    for point, (message, finding) in SEED_SUMMARY_POINTS.items():
        exhibits = [label for label in EVIDENCE[finding] if not label.startswith("sec-")]
        labels = [*messages[message].sections, *exhibits]
        missing += [f"{point}: {label}" for label in labels if label not in ids]
        assert ids.get(exhibits[0], "").startswith("sec-topic-"), point
    for theme, finding in SEED_QUALITATIVE_THEMES.items():
        missing += [f"{theme}: {label}" for label in EVIDENCE[finding] if label not in ids]
    assert missing == []


def test_every_key_message_in_the_summary_links_to_evidence_that_exists(built_book):
    page = (built_book.book_dir / "sec-summary.html").read_text(encoding="utf-8")
    section = page.split('id="key-messages"', 1)[-1].split("<h2", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", section, flags=re.S)
    assert len(items) == len(KEY_MESSAGES)
    ids = _ids(built_book)
    for item in items:
        links = re.findall(r'href="([\w-]+\.html)#([\w-]+)"', item)
        assert any(ident.startswith(("fig-", "tbl-")) for _, ident in links), _text(item)
        assert [f"{p}#{i}" for p, i in links if ids.get(i) != p] == []
