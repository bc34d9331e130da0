"""Per-site reports: each in its own folders, none overwriting another's figures or files."""

from __future__ import annotations

import base64
import hashlib
import json
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


def test_two_sites_publish_their_own_numbers_and_no_figures_of_exact_data(built_book):
    first = json.loads((built_book.site_html(SITE).parent / "release.json").read_text())
    second = json.loads((built_book.site_html(OTHER_SITE).parent / "release.json").read_text())
    assert (first["site"], second["site"]) == (SITE, OTHER_SITE)
    assert first["tables"] != second["tables"]
    for site in (SITE, OTHER_SITE):
        assert _html_images(built_book, site) == []
        assert _notebook_images(built_book.build_dir, f"sites/{site}") == []


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
