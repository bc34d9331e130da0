"""The HTML report as a reader's browser shows it: headless Chromium driven by Playwright."""

from __future__ import annotations

import functools
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.display.presentation import markdown_table
from analysis.pipeline.book import Book, Chapter, read_book
from analysis.pipeline.build import SITE_BOOK
from analysis.pipeline.render import Renderer, pandoc_version, render_book
from tests.e2e.report_content import executed_notebooks, figure_outputs

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

NATIONAL_PAGES = ("index.html", *(f"sec-{c.id}.html" for c in read_book().chapters))
SITE_PAGES = tuple(
    f"sites/S03/{name}"
    for name in ("index.html", *(f"sec-{c.id}.html" for c in read_book(SITE_BOOK).chapters))
)
BOOK_PAGES = (*NATIONAL_PAGES, *SITE_PAGES)  # title page, then one page per chapter
ALL_PAGES = (*BOOK_PAGES, "sites/index.html")
WIDTHS = (1280, 390)
WCAG_22_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
CODE_MARKERS = ("ChapterContext", "show_", "import ", "use_report_style", "ctx.")
HOSTILE = {
    "script": "<script>window.injected = 1</script>",
    "image": "<img src=x onerror=window.injected=2>",
    "formula": '=HYPERLINK("http://example.invalid","click")',
    "link": "[click](javascript:window.injected=3)",
}


@pytest.fixture(scope="module")
def browser(chromium):
    """A Chromium-family browser, headless (found as tests/e2e/browsers.py says)."""
    return chromium


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


def _open(browser, url: str, width: int = 1280):
    """Load a page, recording console errors, uncaught exceptions and failed requests."""
    page = browser.new_page(viewport={"width": width, "height": 900})
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
    hrefs = page.eval_on_selector_all(  # files of the book: links out (the references') aside
        "a[href]",
        "links => links.map(a => a.href)"
        ".filter(h => !h.includes('#') && new URL(h).origin === location.origin)",
    )
    broken = [href for href in hrefs if page.request.get(href).status != 200]
    assert broken == []


def test_every_image_loads(book_page):
    images = book_page.eval_on_selector_all(
        "img", "images => images.map(i => [i.complete, i.naturalWidth])"
    )
    assert [i for i in images if not (i[0] and i[1] > 0)] == []


def test_the_book_shows_figures_and_tables(browser, site_url):
    counts = {"figure img": 0, "table": 0}
    for name in NATIONAL_PAGES:
        page, _ = _open(browser, f"{site_url}/{name}")
        for selector in counts:
            counts[selector] += page.eval_on_selector_all(selector, "found => found.length")
        page.close()
    assert counts["figure img"] >= 5 and counts["table"] >= 10, counts


def test_every_figure_image_has_alt_text(book_page):
    alts = book_page.eval_on_selector_all("figure img", "images => images.map(i => i.alt)")
    assert [alt for alt in alts if not alt.strip()] == []
    captions = book_page.eval_on_selector_all(
        "figure", "figures => figures.map(f => f.querySelector('figcaption')?.innerText ?? '')"
    )
    assert all(caption.startswith("Figure ") for caption in captions), captions


def _computed_alts(built_book, scope: str) -> list[str]:
    figures = figure_outputs(executed_notebooks(built_book.build_dir, scope))
    return [" ".join(carried["fig-alt"].split()) for _, _, carried in figures]


def test_each_figure_image_carries_the_alt_text_written_from_its_data(
    browser, site_url, built_book
):
    shown = []
    for name in NATIONAL_PAGES:
        page, _ = _open(browser, f"{site_url}/{name}")
        shown += page.eval_on_selector_all("figure img", "images => images.map(i => i.alt)")
        page.close()
    shown = [" ".join(alt.replace("'", '"').split()) for alt in shown]
    computed = [alt.replace("'", '"') for alt in _computed_alts(built_book, "national")]
    assert computed and sorted(shown) == sorted(computed)


def test_figures_fill_the_phone_column_the_legibility_check_assumes(browser, site_url):
    """tests/analysis/test_chapter_figures measures figure text at this displayed width."""
    from tests.analysis.test_chapter_figures import PHONE_COLUMN_PX, PHONE_VIEWPORT_PX

    widths = []
    for name in NATIONAL_PAGES:
        page, _ = _open(browser, f"{site_url}/{name}", width=PHONE_VIEWPORT_PX)
        widths += page.eval_on_selector_all("figure img", "images => images.map(i => i.width)")
        page.close()
    assert widths and min(widths) >= PHONE_COLUMN_PX


def test_every_table_has_a_header_row_and_a_caption(book_page):
    tables = book_page.eval_on_selector_all(
        "table",
        """tables => tables.map(t => ({
            id: t.id,
            headers: [...t.querySelectorAll('thead th')].map(th => th.innerText.trim()),
            caption: t.caption ? t.caption.innerText : ''}))""",
    )
    missing = [t["id"] for t in tables if not t["headers"] or not any(t["headers"])]
    assert missing == []
    assert [t["id"] for t in tables if not t["caption"].startswith("Table ")] == []


def test_contents_and_cross_reference_links_resolve(book_page):
    contents = book_page.eval_on_selector_all("#sidebar a[href*='sec-']", "links => links.length")
    book = read_book(SITE_BOOK) if "/sites/" in book_page.url else read_book()
    assert contents == len(book.chapters)
    targets = book_page.eval_on_selector_all(
        "main a[href*='#']",
        "links => links.map(a => [a.href.split('#')[0], decodeURIComponent(a.hash.slice(1))])",
    )
    pages: dict[str, str] = {}
    missing = []
    for url, ident in targets:
        if url not in pages:
            pages[url] = book_page.request.get(url).text()
        if f'id="{ident}"' not in pages[url]:
            missing.append(f"{url}#{ident}")
    assert missing == []


def test_no_code_cell_is_visible(book_page):
    code = book_page.eval_on_selector_all("pre code", "blocks => blocks.map(b => b.innerText)")
    assert [c for c in code if any(marker in c for marker in CODE_MARKERS)] == []
    text = book_page.inner_text("body")
    assert "ChapterContext" not in text
    assert "show_figure(" not in text


BOOK_SCRIPTS = [
    '<script src="search-index.js"></script>',
    '<script src="assets/search.js"></script>',
]


def test_the_only_scripts_are_the_books_own_local_search(built_book):
    for name in ALL_PAGES:
        html = (built_book.book_dir / name).read_text(encoding="utf-8").lower()
        scripts = re.findall(r"<script[^>]*>.*?</script>", html, re.S)
        expected = [] if name == "sites/index.html" else BOOK_SCRIPTS
        assert scripts == expected, name


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
        page, problems = _open(browser, f"{url}/sec-excerpts.html")
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
        len(BOOK_SCRIPTS),
        0,
        0,
    )
    for text in HOSTILE.values():
        assert text in state["cells"], text
    assert f"Unescaped prose: {HOSTILE['script']}" in state["body"]
    page_html = (hostile_report / "sec-excerpts.html").read_text(encoding="utf-8")
    assert re.findall(r"<script[^>]*>.*?</script>", page_html, re.S) == BOOK_SCRIPTS


# -- reading the book as a reviewer: walking, searching, following links, at both widths -----


def _chapter_titles(page) -> list[str]:
    return page.eval_on_selector_all(
        "#sidebar a[href*='sec-']", "links => links.map(a => a.innerText.trim())"
    )


def _check_layout(page, width: int) -> list[str]:
    """At a phone's width: no sideways scroll of the body, figures at the column's width, the
    contents as wide as the page and showing every link without a scroll box of its own."""
    if width > 400:
        return []
    state = page.evaluate(
        """() => ({
            scroll: document.documentElement.scrollWidth, viewport: window.innerWidth,
            column: document.querySelector('main').clientWidth,
            figures: [...document.querySelectorAll('figure img')].map(i => i.clientWidth),
            contents: document.querySelector('#sidebar').getBoundingClientRect().width,
            hidden: document.querySelector('#sidebar').scrollHeight
                - document.querySelector('#sidebar').clientHeight})"""
    )
    problems = []
    if state["scroll"] > state["viewport"]:
        problems.append(f"{page.url}: body scrolls sideways ({state['scroll']} px)")
    if state["contents"] < state["viewport"] - 1:
        problems.append(f"{page.url}: contents {state['contents']} px wide on a phone")
    if state["hidden"] > 1:
        problems.append(f"{page.url}: contents hide {state['hidden']} px behind their own scroll")
    # the column's content box: main's width less its padding (1rem either side at this width)
    column = state["column"] - 32
    narrow = [w for w in state["figures"] if w < 0.9 * column]
    if narrow:
        problems.append(f"{page.url}: figures {narrow} px in a {column} px column")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_walk_every_chapter_through_the_sidebar_and_the_pager(browser, site_url, width):
    expected = [f"sec-{c.id}.html" for c in read_book().chapters]
    page, problems = _open(browser, f"{site_url}/index.html", width)
    layout: list[str] = []
    titles = _chapter_titles(page)
    assert len(titles) == len(expected)
    for name, title in zip(expected, titles, strict=True):
        page.locator("#sidebar").get_by_role("link", name=title, exact=True).click()
        page.wait_for_load_state()
        assert page.url.split("#")[0].endswith(f"/{name}"), (title, page.url)
        assert page.get_attribute("#sidebar a[aria-current='page']", "href").startswith(name)
        assert title.split(maxsplit=1)[-1] in page.inner_text("main h1")
        layout += _check_layout(page, width)
    page.goto(f"{site_url}/index.html")
    walked = []
    while page.locator("a[rel='next']").count():
        page.click("a[rel='next']")
        page.wait_for_load_state()
        walked.append(page.url.rsplit("/", 1)[-1])
    assert walked == expected
    back = []
    while page.locator("a[rel='prev']").count():
        page.click("a[rel='prev']")
        page.wait_for_load_state()
        back.append(page.url.rsplit("/", 1)[-1])
    assert back == [*expected[-2::-1], "index.html"]
    page.close()
    assert layout == []
    assert problems == []


def _phrase_only_in(built_book, chapter_id: str) -> str:
    """Four words that the search index holds for this appendix's page and no other page."""
    text = (built_book.book_dir / "search-index.js").read_text(encoding="utf-8")
    rows = json.loads(text.removeprefix("window.BOOK_SEARCH = ").rstrip().rstrip(";"))
    page = f"sec-{chapter_id}.html"
    mine = " ".join(row[3] for row in rows if row[0] == page).lower()
    others = " ".join(row[2] + " " + row[3] for row in rows if row[0] != page).lower()
    words = re.findall(r"[a-z]{4,}", mine)
    for i in range(len(words) - 3):
        phrase = " ".join(words[i : i + 4])
        if phrase in mine and phrase not in others:
            return phrase
    raise AssertionError(f"no phrase of {page} is unique to it")


@pytest.mark.parametrize("width", WIDTHS)
def test_search_finds_a_phrase_of_one_appendix_and_follows_the_hit(
    browser, site_url, built_book, width
):
    appendix = [c for c in read_book().chapters if c.appendix][-1]
    phrase = _phrase_only_in(built_book, appendix.id)
    page, problems = _open(browser, f"{site_url}/sec-summary.html", width)
    page.fill("#search-input", phrase)
    hits = page.locator("#search-results a")
    hits.first.wait_for()
    panel = page.locator("#search-results").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= width, panel  # all on screen
    pages = {href.split("#")[0] for href in hits.evaluate_all("a => a.map(l => l.href)")}
    assert pages == {f"{site_url}/sec-{appendix.id}.html"}
    hits.first.click()
    page.wait_for_load_state()
    assert page.url.split("#")[0] == f"{site_url}/sec-{appendix.id}.html"
    assert phrase in " ".join(re.findall(r"[a-z]{4,}", page.inner_text("main").lower()))
    page.close()
    assert problems == []


def test_a_cross_reference_to_another_page_leads_to_its_figure(browser, site_url):
    page, _ = _open(browser, f"{site_url}/sec-summary.html")
    link = page.locator("main a[href*='.html#fig-']").first
    href = link.get_attribute("href")
    assert not href.startswith("sec-summary.html"), "the summary cites another chapter's figure"
    link.click()
    page.wait_for_load_state()
    target = href.split("#")[1]
    assert page.url.endswith(href)
    assert page.locator(f"[id='{target}'] img").count() == 1
    page.close()


def test_the_pdf_link_resolves_to_the_pdf(browser, site_url):
    for chapter in ("sec-methods.html", "sites/S03/sec-site-report.html"):
        page, _ = _open(browser, f"{site_url}/{chapter}")
        href = page.locator("#sidebar a[href='report.pdf']").evaluate("a => a.href")
        response = page.request.get(href)
        assert response.status == 200 and response.body().startswith(b"%PDF"), href
        page.close()


def test_site_index_and_a_site_report_link_to_each_other(browser, site_url):
    page, problems = _open(browser, f"{site_url}/sec-summary.html")
    page.locator("#sidebar").get_by_role("link", name="Site reports").click()
    page.wait_for_load_state()
    assert page.url == f"{site_url}/sites/index.html"
    assert page.locator("link[href='assets/report.css']").count() == 1
    page.get_by_role("link", name="Site S03", exact=True).click()
    page.wait_for_load_state()
    assert page.url == f"{site_url}/sites/S03/index.html"
    assert "S03" in page.inner_text(".subtitle")
    page.get_by_role("link", name="National report").first.click()
    page.wait_for_load_state()
    assert page.url == f"{site_url}/index.html"
    page.close()
    assert problems == []


def test_keyboard_reaches_skip_link_search_and_sidebar(browser, site_url):
    page, _ = _open(browser, f"{site_url}/sec-methods.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.href"))
    assert "search-input" in reached
    assert "toc-sec-index" in reached, reached  # the sidebar's first chapter link
    page.focus("a.skip-link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#content$"), timeout=5000)  # the jump lands after the key
    assert page.url.endswith("#content")
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_passes_axe_at_wcag_2_2_aa(browser, site_url, width):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    violations = []
    page = browser.new_page(viewport={"width": width, "height": 900})
    for name in ALL_PAGES:
        page.goto(f"{site_url}/{name}")
        for found in axe.run(page, options=WCAG_22_AA).response["violations"]:
            targets = [node["target"] for node in found["nodes"][:3]]
            violations.append(f"{name}: {found['id']} ({len(found['nodes'])}) {targets}")
        violations += _check_layout(page, width)
    page.close()
    assert violations == []
