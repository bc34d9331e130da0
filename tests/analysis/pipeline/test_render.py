"""The renderer: which engine renders each format, the Quarto route, and the fallback's book.

Quarto cannot be installed here, so a fake `quarto` on PATH stands in for it: it reports a
version and writes what real Quarto writes for a book project (`_book/index.html`, chapter
pages, `_book/report.pdf` with `book: output-file: report`), or fails as Quarto 1.4-1.8 does
for a typst book.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import stat
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
from pypdf import PdfReader

from analysis.errors import BuildError
from analysis.pipeline.book import Book, Chapter
from analysis.pipeline.render import (
    Renderer,
    detect_renderer,
    pandoc_version,
    render_book,
    version_tuple,
)
from analysis.pipeline.render_fallback import mark_current_page
from analysis.pipeline.site_index import write_site_index

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
TABLE = "| Group | Children | Share |\n|:--|:--|:--|\n| SCH | 1,234 | 62% |\n| YOI | * | 38% |"
NOTICE = "The data in this tiny book are synthetic."
BIB = textwrap.dedent(
    """\
    @book{scott2013,
      author = {Scott, Alma and Reed, Owen},
      title = {Formulation in Secure Care},
      publisher = {Example Press},
      year = {2013}
    }
    """
)
FAKE_QUARTO = textwrap.dedent(
    """\
    #!{python}
    # A stand-in for Quarto: prints its version, or renders a book project as Quarto would.
    import os, pathlib, sys, yaml
    version = os.environ["FAKE_QUARTO_VERSION"]
    args = sys.argv[1:]
    if args == ["--version"]:
        print(version)
        sys.exit(0)
    with open(os.environ["FAKE_QUARTO_LOG"], "a") as log:
        log.write(" ".join(args) + "\\n")
    if os.environ.get("FAKE_QUARTO_FAIL"):
        sys.stderr.write("ERROR: YAMLError: bad indentation (_quarto.yml, 3:5)\\n")
        sys.exit(1)
    to = args[args.index("--to") + 1] if "--to" in args else None
    major_minor = tuple(int(p) for p in version.split(".")[:2])
    if to in (None, "typst") and major_minor < (1, 9):
        sys.stderr.write("ERROR: typst format is not supported by book projects\\n")
        sys.exit(1)
    config = yaml.safe_load(pathlib.Path("_quarto.yml").read_text())
    out = pathlib.Path(config["project"].get("output-dir", "_book"))
    out.mkdir(exist_ok=True)
    if to in (None, "html"):
        (out / "index.html").write_text("<html>rendered by fake quarto " + version + "</html>")
        for entry in config["book"]["chapters"][1:]:
            page = out / pathlib.Path(entry).with_suffix(".html")
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text("<html>chapter</html>")
        (out / "search.json").write_text("[]")
    if to in (None, "typst"):
        name = config["book"].get("output-file", "book") + ".pdf"
        (out / name).write_bytes(b"%PDF-1.7 fake quarto " + version.encode())
    """
)


def _notebook(path: Path, cells: list) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells), path)


def _output_cell(source: str, data: dict) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.outputs = [new_output("display_data", data=data)]
    return cell


@pytest.fixture
def project(tmp_path: Path) -> tuple[Book, Path]:
    """An executed two-chapter book project with a figure, a table, a citation and a notice."""
    root = tmp_path / "project"
    figure = _output_cell(
        '#| label: fig-trend\n#| fig-cap: "Trend"\n#| fig-alt: "A line"\nshow_figure(f)',
        {"image/png": base64.b64encode(PNG).decode()},
    )
    table = _output_cell(
        '#| label: tbl-groups\n#| tbl-cap: "Groups"\nshow_table(t)', {"text/markdown": TABLE}
    )
    _notebook(
        root / "chapters" / "one.ipynb",
        [
            new_markdown_cell("# First chapter {#sec-one}\n\nSee @fig-trend and @tbl-groups."),
            new_markdown_cell("## Background\n\nAs argued before [@scott2013]."),
            new_markdown_cell("## Details\n\nThe [Data Docs](data-docs/index.html) hold more."),
            table,
        ],
    )
    _notebook(
        root / "chapters" / "two.ipynb",
        [
            new_markdown_cell("# Second chapter {#sec-two}\n\nBack to @sec-one."),
            new_markdown_cell(
                "## Only here\n\nA quokka-shaped phrase appears once.\n\n"
                "- first point;\n- second point\n"
            ),
            figure,
        ],
    )
    config = {
        "project": {"type": "book", "output-dir": "_book"},
        "book": {
            "title": "Tiny",
            "output-file": "report",
            "chapters": ["index.qmd", "chapters/one.ipynb"],
            "appendices": ["chapters/two.ipynb"],
        },
        "data-notice": NOTICE,
        "bibliography": "references.bib",
        "format": {"html": {"toc": True}, "typst": {"papersize": "a4"}},
    }
    (root / "_quarto.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (root / "index.qmd").write_text("# Preface {.unnumbered}\n\nHello.\n", encoding="utf-8")
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    chapters = (
        Chapter("index", Path("index.qmd")),
        Chapter("one", Path("chapters/one.ipynb")),
        Chapter("two", Path("chapters/two.ipynb"), appendix=True),
    )
    return Book("Tiny", "A test book", "Tester", chapters, config), root


def _fallback() -> Renderer:
    return Renderer("pandoc-typst-fallback", pandoc_version())


def _render(book, root, renderer, formats=("html", "pdf"), site=None) -> Path:
    out = root.parent / "out"
    out.mkdir(exist_ok=True)
    metadata = {"date": "2026-01-01", **({"site": site} if site else {})}
    render_book(renderer, book, root, out, formats, metadata)
    return out


@pytest.fixture
def fake_quarto(tmp_path: Path, monkeypatch) -> Path:
    """Put a fake `quarto` first on PATH; its calls are logged to the returned file."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "quarto"
    script.write_text(FAKE_QUARTO.replace("{python}", sys.executable), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    log = tmp_path / "quarto.log"
    monkeypatch.setenv("PATH", f"{folder}:{__import__('os').environ['PATH']}")
    monkeypatch.setenv("FAKE_QUARTO_LOG", str(log))
    return log


# -- which renderer -----------------------------------------------------------------------


def test_versions_compare_as_numbers():
    assert version_tuple("1.10.2") > version_tuple("1.9.18") > version_tuple("1.7.27")
    assert version_tuple("nonsense") == ()


def test_without_quarto_the_fallback_renders_both_formats(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    renderer = detect_renderer()
    assert renderer.name == "pandoc-typst-fallback"
    assert not renderer.uses_quarto("html") and not renderer.uses_quarto("pdf")
    assert "Quarto was not on PATH" in renderer.description


def test_quarto_1_7_renders_html_and_the_fallback_the_pdf(fake_quarto, monkeypatch, project):
    monkeypatch.setenv("FAKE_QUARTO_VERSION", "1.7.27")
    renderer = detect_renderer()
    assert (renderer.name, renderer.version) == ("quarto", "1.7.27")
    assert renderer.uses_quarto("html") and not renderer.uses_quarto("pdf")
    assert "Quarto 1.7.27 (HTML)" in renderer.description
    assert "typst (PDF, fallback renderer" in renderer.description
    book, root = project
    out = _render(book, root, renderer)
    assert "rendered by fake quarto 1.7.27" in (out / "index.html").read_text()
    assert (out / "chapters" / "one.html").exists()
    assert "--to html" in fake_quarto.read_text(), "Quarto 1.7 is never asked for typst"
    pdf = PdfReader(out / "report.pdf")
    assert "First chapter" in " ".join(page.extract_text() for page in pdf.pages)


def test_quarto_1_9_renders_both_formats_in_one_run(fake_quarto, monkeypatch, project):
    monkeypatch.setenv("FAKE_QUARTO_VERSION", "1.9.18")
    renderer = detect_renderer()
    assert renderer.uses_quarto("html") and renderer.uses_quarto("pdf")
    assert renderer.description == "Quarto 1.9.18 (HTML and PDF)"
    book, root = project
    out = _render(book, root, renderer)
    assert (out / "report.pdf").read_bytes() == b"%PDF-1.7 fake quarto 1.9.18"
    assert "rendered by fake quarto 1.9.18" in (out / "index.html").read_text()
    calls = fake_quarto.read_text().splitlines()
    assert len(calls) == 1 and "--to" not in calls[0] and "--no-execute" in calls[0]
    copied = root / "analysis" / "rendering" / "data-notice.lua"
    assert copied.exists(), "the filter _quarto.yml names is beside the executed notebooks"


def test_quarto_older_than_1_4_is_not_used(fake_quarto, monkeypatch):
    monkeypatch.setenv("FAKE_QUARTO_VERSION", "1.3.450")
    renderer = detect_renderer()
    assert renderer.name == "pandoc-typst-fallback"
    assert "Quarto 1.3.450 on PATH is older than 1.4" in renderer.description


def test_a_failing_quarto_is_one_clear_error_with_quartos_message(
    fake_quarto, monkeypatch, project
):
    monkeypatch.setenv("FAKE_QUARTO_VERSION", "1.9.18")
    monkeypatch.setenv("FAKE_QUARTO_FAIL", "1")
    book, root = project
    with pytest.raises(BuildError) as error:
        _render(book, root, detect_renderer())
    message = str(error.value)
    assert "render (quarto render --to all formats) failed with exit code 1" in message
    assert "ERROR: YAMLError: bad indentation (_quarto.yml, 3:5)" in message
    assert "the published report is unchanged" in message


def test_quarto_that_writes_no_pdf_is_an_error_not_a_missing_file(
    fake_quarto, monkeypatch, project, tmp_path
):
    monkeypatch.setenv("FAKE_QUARTO_VERSION", "1.9.18")
    book, root = project
    config = yaml.safe_load((root / "_quarto.yml").read_text())
    config["book"]["output-file"] = "Tiny"  # Quarto would then write Tiny.pdf
    (root / "_quarto.yml").write_text(yaml.safe_dump(config))
    with pytest.raises(BuildError, match=r"did not write report\.pdf"):
        _render(book, root, detect_renderer())


# -- the fallback's HTML book -------------------------------------------------------------


@pytest.fixture
def html_book(project) -> Path:
    book, root = project
    return _render(book, root, _fallback())


def _pages(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(out.glob("*.html"))}


def test_one_page_per_chapter_and_appendix_with_sidebar_and_pager(html_book):
    pages = _pages(html_book)
    chapters = ["sec-index.html", "sec-one.html", "sec-two.html", "sec-references.html"]
    assert set(pages) == {"index.html", *chapters}
    for name, page in pages.items():
        sidebar = page.split('<nav id="sidebar"', 1)[1].split("</nav>", 1)[0]
        current = re.findall(r'<a aria-current="page" href="([^"#]+)', sidebar)
        assert current == [name], name
        for chapter in chapters:
            assert f'href="{chapter}#' in sidebar
    one = pages["sec-one.html"]
    assert 'rel="prev" href' not in one  # attributes in the template's order
    assert re.search(r'href="sec-index.html"[^>]*rel="prev"', one)
    assert re.search(r'href="sec-two.html"[^>]*rel="next"', one)
    assert 'class="skip-link" href="#content"' in one


def test_cross_references_resolve_across_pages(html_book):
    one = _pages(html_book)["sec-one.html"]
    two = _pages(html_book)["sec-two.html"]
    assert re.search(r'<a href="sec-two.html#fig-trend"[^>]*>Figure A.1</a>', one)
    assert re.search(r'<a href="sec-one.html#sec-one"[^>]*>Chapter 1</a>', two)
    assert 'id="fig-trend"' in two and 'id="tbl-groups"' in one


def test_every_page_carries_the_notice_and_links_to_the_pdf(html_book):
    for name, page in _pages(html_book).items():
        assert f'<div class="data-notice" role="note"><p>{NOTICE}</p></div>' in page, name
        assert 'href="report.pdf"' in page and 'href="sites/index.html"' in page
        assert "Rendered by pandoc" in page


def test_search_index_lists_every_section_with_its_page(html_book):
    text = (html_book / "search-index.js").read_text(encoding="utf-8")
    rows = json.loads(text.removeprefix("window.BOOK_SEARCH = ").rstrip().rstrip(";"))
    hits = [(page, anchor) for page, anchor, _, body in rows if "quokka-shaped" in body]
    assert hits == [("sec-two.html", "only-here")]
    bodies = {anchor: body for _, anchor, _, body in rows}
    assert "first point; second point Figure A.1: Trend" in bodies["only-here"]  # apart
    assert "Group Children Share SCH 1,234 62% YOI * 38%" in bodies["details"]  # table cells
    assert ("sec-one.html", "background") in [(r[0], r[1]) for r in rows]
    assert '<script src="search-index.js"></script>' in _pages(html_book)["sec-one.html"]
    assert (html_book / "assets" / "search.js").exists()


def test_numeric_columns_are_right_aligned(html_book, project):
    one = _pages(html_book)["sec-one.html"]
    headers = re.findall(r'<th style="text-align: (\w+);">(\w+)</th>', one)
    assert headers == [("left", "Group"), ("right", "Children"), ("right", "Share")]


def test_citations_resolve_to_a_references_page(html_book):
    pages = _pages(html_book)
    assert "Scott and Reed" in pages["sec-one.html"]
    assert "Formulation in Secure Care" in pages["sec-references.html"]


def test_the_same_notebooks_give_byte_identical_pages(project):
    book, root = project
    digests = []
    for attempt in ("a", "b"):
        out = root.parent / attempt
        out.mkdir()
        render_book(_fallback(), book, root, out, ("html",), {"date": "2026-01-01"})
        digests.append(
            {
                str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in out.rglob("*")
                if p.is_file()
            }
        )
    assert digests[0] == digests[1]


def test_a_site_report_links_back_to_the_national_report_and_the_index(project):
    book, root = project
    out = _render(book, root, _fallback(), formats=("html",), site="S03")
    page = _pages(out)["sec-one.html"]
    assert 'href="../../index.html"' in page and 'href="../index.html"' in page
    assert 'href="report.pdf"' not in page, "no PDF link when no PDF is rendered"


def test_site_index_lists_every_site_in_the_book_template(tmp_path, project):
    book, _ = project
    for site in ("S02", "S01"):
        (tmp_path / "sites" / site).mkdir(parents=True)
    page = write_site_index(tmp_path, book).read_text(encoding="utf-8")
    assert re.findall(r'href="(S\d+)/index.html"', page) == ["S01", "S02"]
    assert 'href="S01/report.pdf"' in page and 'href="../index.html"' in page
    assert NOTICE in page and 'href="assets/report.css"' in page
    assert (tmp_path / "sites" / "assets" / "report.css").exists()


def test_current_page_marking_touches_only_the_sidebar():
    page = '<a href="x.html#a">body</a><nav id="sidebar"><a href="x.html#a">X</a></nav>'
    marked = mark_current_page(page, "x.html")
    assert marked.count("aria-current") == 1
    assert marked.endswith('<a aria-current="page" href="x.html#a">X</a></nav>')


# -- the fallback's PDF -------------------------------------------------------------------


@pytest.fixture
def pdf_book(project) -> PdfReader:
    book, root = project
    return PdfReader(_render(book, root, _fallback(), formats=("pdf",)) / "report.pdf")


def test_pdf_title_page_and_every_footer_carry_the_notice(pdf_book):
    texts = [" ".join(page.extract_text().split()) for page in pdf_book.pages]
    assert all(NOTICE in text for text in texts)


def test_pdf_has_no_link_to_a_file_of_the_site(pdf_book):
    targets = [
        annotation.get_object().get("/A", {}).get("/URI")
        for page in pdf_book.pages
        for annotation in page.get("/Annots", []) or []
    ]
    assert [t for t in targets if t and not re.match(r"^[a-z]+:", t)] == []
    assert "The Data Docs hold more" in " ".join(p.extract_text() for p in pdf_book.pages)


def test_pdf_resolves_citations_into_a_references_chapter(pdf_book):
    text = " ".join(" ".join(page.extract_text().split()) for page in pdf_book.pages)
    assert "(Scott and Reed 2013)" in text
    assert "References" in text and "Formulation in Secure Care" in text
