"""Everything one `build --all-sites` publishes, attacked together (the disclosure guarantee).

The attacker holds the national report and every site report of the build, HTML, PDF and
exports, and knows the rules. The tests show that (1) the pages print no number that is not in
their report's export, so the export is all the attacker needs to read; (2) an integer program
over the union of every export and the exact national and group counts cannot recover a
suppressed count, narrow one to fewer than 5 values, or pin a rounded count to fewer than 3;
(3) the STC, which has no report, is as uncertain as a suppressed count; (4) nothing else
below national level (the gate's Data Docs) is published.
"""

from __future__ import annotations

import html
import json
import re

import pytest
from pypdf import PdfReader

from analysis.config import DEFAULT_DATA_DIR
from analysis.data import loading
from tests.disclosure_attack import attack, observations_from_exports

pytestmark = pytest.mark.e2e

NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?![\w])")
STRUCTURE = re.compile(  # numbers that are not data: section and table numbers, the colophon
    r'<span class="(?:header|toc)-section-number">[^<]*</span>|<p class="date">[^<]*</p>'
    r"|<(?:div|footer) class=\"colophon\">.*?</(?:div|footer)>|<style.*?</style>"
    r"|<script.*?</script>|<head>.*?</head>|\b(?:Table|Figure|Section|Appendix) \d+(?:\.\d+)*",
    re.S,
)


def _site_dirs(built_book):
    folder = built_book.book_dir / "sites"
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.name != "assets")


def _export(site_dir) -> dict:
    return json.loads((site_dir / "release.json").read_text(encoding="utf-8"))


def _export_numbers(export: dict) -> set[str]:
    """Every number token printed in the export's tables and rules."""
    text = json.dumps(export["tables"]) + json.dumps(export["disclosure_counts"])
    tokens = set(NUMBER.findall(text))
    tokens |= {str(v) for v in export["rules"].values()}
    return tokens


def _html_numbers(page) -> list[str]:
    raw = STRUCTURE.sub(" ", page.read_text(encoding="utf-8"))
    text = html.unescape(re.sub(r"<[^>]+>", " ", raw))
    return NUMBER.findall(text)


def test_every_site_report_has_an_export_and_the_stc_has_no_report(built_book):
    sites = loading.load_sites(DEFAULT_DATA_DIR)
    stc = set(sites.loc[sites["setting_type"] == "STC", "site_id"])
    published = {p.name for p in _site_dirs(built_book)}
    assert published == set(sites["site_id"]) - stc
    for site_dir in _site_dirs(built_book):
        assert _export(site_dir)["site"] == site_dir.name


def test_site_pages_publish_no_number_outside_their_export(built_book):
    stray = {}
    for site_dir in _site_dirs(built_book):
        allowed = _export_numbers(_export(site_dir))
        pages = sorted(site_dir.rglob("*.html"))
        assert pages
        for page in pages:
            extra = [n for n in _html_numbers(page) if n not in allowed]
            if extra:
                stray[str(page.relative_to(built_book.book_dir))] = extra
        # the PDF also prints page numbers and section numbers (in the contents); the HTML,
        # checked strictly above, shows every table and sentence the PDF does
        reader = PdfReader(site_dir / "report.pdf")
        page_numbers = {str(i) for i in range(1, len(reader.pages) + 1)}
        headings = {
            n
            for page in pages
            for n in re.findall(r'section-number">([^<]*)<', page.read_text(encoding="utf-8"))
        }
        for number, pdf_page in enumerate(reader.pages, start=1):
            text = STRUCTURE.sub(" ", pdf_page.extract_text())
            text = re.sub(r"Rendered by .*", " ", text, flags=re.S)  # colophon: renderer, date
            text = re.sub(r"\d{4}-\d{2}-\d{2}", " ", text)  # the build date
            extra = [
                n
                for n in NUMBER.findall(text)
                if n not in allowed and n not in headings and n not in page_numbers
            ]
            if extra:
                stray[f"{site_dir.name}/report.pdf page {number}"] = extra
    assert stray == {}


def _squashed(text: str) -> str:
    return re.sub(r"\s+", "", html.unescape(text))


def test_search_indexes_hold_only_text_of_their_pages(built_book):
    """The search index repeats the pages' text (table cells run together), nothing more."""
    unmatched = []
    for site_dir in _site_dirs(built_book):
        index = site_dir / "search-index.js"
        if not index.exists():
            continue
        raw = index.read_text(encoding="utf-8")
        entries = json.loads(raw[raw.index("[") : raw.rindex("]") + 1])
        pages = {
            p.name: _squashed(re.sub(r"<[^>]+>", "", p.read_text(encoding="utf-8")))
            for p in site_dir.glob("*.html")
        }
        for page, _, title, text in entries:
            if _squashed(text) not in pages.get(page, "") or _squashed(title) not in pages[page]:
                unmatched.append(f"{site_dir.name}/{page}: {text[:80]}")
    assert unmatched == []


def test_no_published_value_can_be_narrowed_across_every_report(built_book):
    sites = loading.load_sites(DEFAULT_DATA_DIR)
    stc = tuple(sites.loc[sites["setting_type"] == "STC", "site_id"])
    observations = observations_from_exports(built_book.book_dir)
    assert {o.site for o in observations} == {p.name for p in _site_dirs(built_book)}
    breaches, attacked = attack(observations, DEFAULT_DATA_DIR, reported_hidden=stc)
    assert attacked > 500  # every suppressed and rounded count and every STC value
    assert [str(b) for b in breaches] == []


def test_gate_data_docs_are_not_published(built_book):
    assert not (built_book.book_dir / "data-docs").exists()
    for page in built_book.book_dir.rglob("*.html"):
        assert "data-docs/" not in page.read_text(encoding="utf-8"), page
