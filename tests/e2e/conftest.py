"""One build of the national and every site report per test session, shared by the e2e tests."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.config import DEFAULT_DATA_DIR
from analysis.pipeline.build import Builder, BuildOptions, BuildSummary, site_ids

SITE = "S03"  # a YOI that is not a case-study site
OTHER_SITE = "S13"  # an SCH case-study site


@dataclass
class BuiltBook:
    book_dir: Path
    build_dir: Path
    summary: BuildSummary

    @property
    def html(self) -> Path:
        return self.book_dir / "index.html"

    @property
    def pdf(self) -> Path:
        return self.book_dir / "report.pdf"

    def pages(self, site: str | None = None) -> list[Path]:
        """Every HTML page of one report (title page first, then chapters in book order)."""
        from analysis.pipeline.book import read_book
        from analysis.pipeline.build import SITE_BOOK

        folder = self.book_dir if site is None else self.book_dir / "sites" / site
        book = read_book() if site is None else read_book(SITE_BOOK)
        names = ["index.html", *(f"sec-{c.id}.html" for c in book.chapters)]
        return [folder / name for name in names]

    def book_html(self, site: str | None = None) -> str:
        """The HTML of every page of one report, in reading order."""
        return "\n".join(page.read_text(encoding="utf-8") for page in self.pages(site))

    def site_html(self, site: str = SITE) -> Path:
        return self.book_dir / "sites" / site / "index.html"

    def site_pdf(self, site: str = SITE) -> Path:
        return self.book_dir / "sites" / site / "report.pdf"


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> BuiltBook:
    """The national report and every site report (as `build --all-sites`), from the bundled data."""
    root = tmp_path_factory.mktemp("build")
    options = BuildOptions(
        data_dir=DEFAULT_DATA_DIR,
        book_dir=root / "_book",
        build_dir=root / "_build",
        sites=(None, *site_ids(DEFAULT_DATA_DIR)),
        jobs=2,
    )
    summary = Builder(options).run()
    return BuiltBook(options.book_dir, options.build_dir, summary)


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium-family browser (see browsers.py); skipped only off CI if none."""
    from tests.e2e.browsers import BrowserNotFound, find_browser

    try:
        executable, _ = find_browser()
    except BrowserNotFound as exc:
        if os.environ.get("CI"):
            pytest.fail(f"{exc} (CI must run the browser tests)")
        pytest.skip(str(exc))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
