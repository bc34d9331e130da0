"""Per-site reports: each in its own folders, none overwriting another's figures or files."""

from __future__ import annotations

import base64
import hashlib
import re

import nbformat
import pytest

from tests.e2e.conftest import OTHER_SITE, SITE

pytestmark = pytest.mark.e2e

IMAGE = re.compile(r'<img[^>]+src="(figures/[^"]+)"')


def _html_images(built_book, site: str | None = None) -> list[str]:
    """Digests of the figure files every page of one report shows."""
    folder = built_book.pages(site)[0].parent
    return [
        hashlib.sha256((folder / src).read_bytes()).hexdigest()
        for src in IMAGE.findall(built_book.book_html(site))
    ]


def _notebook_images(build_dir, scope_path) -> list[str]:
    digests = []
    for notebook in sorted((build_dir / scope_path / "project" / "chapters").glob("*.ipynb")):
        for cell in nbformat.read(notebook, as_version=4).cells:
            for output in cell.get("outputs", []):
                png = output.get("data", {}).get("image/png")
                if png:
                    digests.append(hashlib.sha256(base64.b64decode(png)).hexdigest())
    return digests


def test_each_site_has_its_own_executed_notebooks_and_book(built_book):
    for site in (SITE, OTHER_SITE):
        assert (built_book.build_dir / "sites" / site / "project" / "chapters").is_dir()
        assert built_book.site_html(site).exists()
        assert built_book.site_pdf(site).exists()


def test_figures_of_two_sites_differ_and_match_their_own_notebooks(built_book):
    first = _html_images(built_book, SITE)
    second = _html_images(built_book, OTHER_SITE)
    assert first and second
    assert first != second
    assert set(first) <= set(_notebook_images(built_book.build_dir, f"sites/{SITE}"))
    assert set(second) <= set(_notebook_images(built_book.build_dir, f"sites/{OTHER_SITE}"))


def test_national_figures_are_not_overwritten_by_site_builds(built_book):
    national = _html_images(built_book)
    assert set(national) <= set(_notebook_images(built_book.build_dir, "national"))
    assert national != _html_images(built_book, SITE)


def test_site_reports_say_whose_they_are_and_that_disclosure_control_applies(built_book):
    for site in (SITE, OTHER_SITE):
        text = built_book.book_html(site)
        assert f"Feedback report for site {site}" in text
        assert "disclosure control" in text


def test_sites_index_links_every_site_report(built_book):
    index = (built_book.book_dir / "sites" / "index.html").read_text(encoding="utf-8")
    for site in (SITE, OTHER_SITE):
        assert f'href="{site}/index.html"' in index
    assert 'href="../index.html"' in index
