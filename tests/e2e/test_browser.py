"""The HTML report as a reader's browser shows it: headless Chromium driven by Playwright."""

from __future__ import annotations

import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.display.presentation import markdown_table
from analysis.pipeline.book import Book, Chapter, read_book
from analysis.pipeline.render import Renderer, pandoc_version, render_book

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

CHROMIUM = Path("/usr/bin/chromium")
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
BOOK_PAGES = ("index.html", "sites/S03/index.html")
ALL_PAGES = (*BOOK_PAGES, "sites/index.html")
CODE_MARKERS = ("ChapterContext", "show_", "import ", "use_report_style", "ctx.")
HOSTILE = {
    "script": "<script>window.injected = 1</script>",
    "image": "<img src=x onerror=window.injected=2>",
    "formula": '=HYPERLINK("http://example.invalid","click")',
    "link": "[click](javascript:window.injected=3)",
}


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless; skipped only off CI when it is not installed."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found; install it with: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must run the browser test)")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep the test output clean
        pass


def _serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def site_url(built_book):
    """The built book served over http on 127.0.0.1, as a reader's browser would fetch it."""
    server, url = _serve(built_book.book_dir)
    yield url
    server.shutdown()
    server.server_close()


def _open(browser, url: str):
    """Load a page, recording console errors, uncaught exceptions and failed requests."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status}: {r.url}"))
    page.goto(url, wait_until="networkidle")  # late requests (the favicon) count too
    return page, problems


@pytest.fixture(scope="module", params=ALL_PAGES)
def any_page(request, browser, site_url):
    page, problems = _open(browser, f"{site_url}/{request.param}")
    yield page, problems
    page.close()


@pytest.fixture(scope="module", params=BOOK_PAGES)
def book_page(request, browser, site_url):
    page, _ = _open(browser, f"{site_url}/{request.param}")
    yield page
    page.close()


def test_page_loads_without_console_errors_or_failed_requests(any_page):
    page, problems = any_page
    assert page.title()
    assert problems == []


def test_every_link_to_another_file_resolves(any_page):
    page, _ = any_page
    hrefs = page.eval_on_selector_all(
        "a[href]", "links => links.map(a => a.href).filter(h => !h.includes('#'))"
    )
    broken = [href for href in hrefs if page.request.get(href).status != 200]
    assert broken == []


def test_every_image_loads(book_page):
    images = book_page.eval_on_selector_all(
        "img", "images => images.map(i => [i.complete, i.naturalWidth])"
    )
    assert len(images) >= 5
    assert [i for i in images if not (i[0] and i[1] > 0)] == []


def test_every_figure_image_has_alt_text(book_page):
    alts = book_page.eval_on_selector_all("figure img", "images => images.map(i => i.alt)")
    assert alts, "the report shows figures"
    assert [alt for alt in alts if not alt.strip()] == []
    captions = book_page.eval_on_selector_all(
        "figure", "figures => figures.map(f => f.querySelector('figcaption')?.innerText ?? '')"
    )
    assert all(caption.startswith("Figure ") for caption in captions), captions


def test_every_table_has_a_header_row_and_a_caption(book_page):
    tables = book_page.eval_on_selector_all(
        "table",
        """tables => tables.map(t => ({
            id: t.id,
            headers: [...t.querySelectorAll('thead th')].map(th => th.innerText.trim()),
            caption: t.caption ? t.caption.innerText : ''}))""",
    )
    assert tables, "the report shows tables"
    missing = [t["id"] for t in tables if not t["headers"] or not any(t["headers"])]
    assert missing == []
    assert [t["id"] for t in tables if not t["caption"].startswith("Table ")] == []


def test_contents_and_cross_reference_links_resolve(book_page):
    contents = book_page.eval_on_selector_all("#TOC a", "links => links.length")
    assert contents >= len(read_book().chapters)
    targets = book_page.eval_on_selector_all(
        "a[href^='#']", "links => links.map(a => a.getAttribute('href').slice(1))"
    )
    missing = book_page.evaluate(
        "ids => ids.filter(id => !document.getElementById(decodeURIComponent(id)))", targets
    )
    assert missing == []


def test_no_code_cell_is_visible(book_page):
    code = book_page.eval_on_selector_all("pre code", "blocks => blocks.map(b => b.innerText)")
    assert [c for c in code if any(marker in c for marker in CODE_MARKERS)] == []
    text = book_page.inner_text("body")
    assert "ChapterContext" not in text
    assert "show_figure(" not in text


def test_the_report_carries_no_script_at_all(built_book):
    for html in (built_book.html, built_book.site_html(), built_book.book_dir / "sites/index.html"):
        assert "<script" not in html.read_text(encoding="utf-8").lower(), html


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    """A one-chapter report whose data and prose carry markup, rendered by the fallback."""
    root = tmp_path_factory.mktemp("hostile")
    frame = pd.DataFrame({"kind": list(HOSTILE), "excerpt": list(HOSTILE.values())})
    table = new_code_cell('#| label: tbl-hostile\n#| tbl-cap: "Excerpts"\nshow_table(frame)')
    table.outputs = [new_output("display_data", data={"text/markdown": markdown_table(frame)})]
    prose = new_code_cell("show_markdown(describe(excerpt))")
    prose.outputs = [
        new_output("display_data", data={"text/markdown": f"Unescaped prose: {HOSTILE['script']}"})
    ]
    notebook = new_notebook(cells=[new_markdown_cell("# Excerpts {#sec-excerpts}"), prose, table])
    (root / "chapters").mkdir()
    nbformat.write(notebook, root / "chapters" / "excerpts.ipynb")
    book = Book("Hostile", "", "", (Chapter("excerpts", Path("chapters/excerpts.ipynb")),), {})
    renderer = Renderer("pandoc-typst-fallback", pandoc_version())
    out = root / "book"
    out.mkdir()
    render_book(renderer, book, root, out, ("html",), {"date": "2026-01-01"})
    return out


def test_markup_from_the_data_is_shown_as_inert_text(browser, hostile_report):
    server, url = _serve(hostile_report)
    try:
        page, problems = _open(browser, f"{url}/index.html")
        state = page.evaluate(
            """() => ({
                injected: window.injected ?? null,
                scripts: document.scripts.length,
                images: document.images.length,
                scriptLinks: [...document.links].filter(a => a.protocol === 'javascript:').length,
                cells: [...document.querySelectorAll('#tbl-hostile td')].map(c => c.innerText),
                body: document.body.innerText})"""
        )
        page.close()
    finally:
        server.shutdown()
        server.server_close()
    assert problems == []
    assert (state["injected"], state["scripts"], state["images"], state["scriptLinks"]) == (
        None,
        0,
        0,
        0,
    )
    for text in HOSTILE.values():
        assert text in state["cells"], text
    assert f"Unescaped prose: {HOSTILE['script']}" in state["body"]
    assert "<script" not in (hostile_report / "index.html").read_text(encoding="utf-8")
