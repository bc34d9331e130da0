"""The whole report, built end to end into a temporary folder."""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from analysis.config import PROJECT_ROOT
from analysis.errors import BuildError
from analysis.pipeline.book import Book, Chapter, read_book
from analysis.pipeline.build import Builder, BuildOptions

pytestmark = pytest.mark.e2e


def _plain(text: str) -> str:
    """Whitespace folded and typographic quotes made straight, as in the notebook sources."""
    text = html.unescape(text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text.replace("\u201c", '"').replace("\u201d", '"'))


def _html_text(html_source: str) -> str:
    return _plain(re.sub(r"<[^>]+>", " ", html_source))


def _pdf_text(path: Path) -> str:
    return _plain(" ".join(p.extract_text() for p in PdfReader(path).pages))


def _chapter_titles(build_dir: Path) -> list[str]:
    titles = []
    for chapter in read_book().chapters:
        source = build_dir / "national" / "project" / chapter.source
        if chapter.is_notebook:
            first = nbformat.read(source, as_version=4).cells[0].source
        else:
            first = source.read_text(encoding="utf-8")
        heading = re.search(r"^# (.+?)(\s*\{.*\})?$", first, re.M)
        titles.append(heading.group(1).strip())
    return titles


def test_html_and_pdf_are_published(built_book):
    assert all(page.exists() for page in built_book.pages())
    assert sum(page.stat().st_size for page in built_book.pages()) > 50_000
    assert built_book.pdf.read_bytes().startswith(b"%PDF")


def test_every_chapter_title_appears_in_html_and_pdf(built_book):
    html = _html_text(built_book.book_html())
    pdf = _pdf_text(built_book.pdf)
    for title in _chapter_titles(built_book.build_dir):
        assert title in html, title
        assert title.split(":")[0] in pdf, title


def test_report_shows_figures_and_the_computed_case_count(built_book):
    html = built_book.book_html()
    assert html.count("<img") >= 5
    assert "1,270" in _html_text(built_book.book_html())
    assert "1,270" in _pdf_text(built_book.pdf)


def test_report_says_which_renderer_ran(built_book):
    expected = built_book.summary.renderer.name
    text = _html_text(built_book.book_html())
    if expected == "quarto":
        assert "Quarto" in text
    else:
        assert "fallback renderer: Quarto was not on PATH" in text


def test_code_inputs_are_hidden(built_book):
    html = built_book.book_html()
    assert "ChapterContext" not in html
    assert "show_markdown" not in html


def test_provenance_is_recorded_in_the_build(built_book):
    record = json.loads((built_book.build_dir / "national" / "provenance.json").read_text())
    assert set(record) >= {"git", "data_files", "parameters", "packages", "renderer", "build_time"}
    assert all(len(digest) == 64 for digest in record["data_files"].values())


def test_site_report_is_published_in_its_own_folder(built_book):
    assert built_book.site_html().exists()
    assert built_book.site_pdf().read_bytes().startswith(b"%PDF")
    assert (built_book.book_dir / "sites" / "index.html").exists()


def test_no_change_rebuild_executes_nothing(built_book):
    options = BuildOptions(
        data_dir=_data_dir(),
        book_dir=built_book.book_dir,
        build_dir=built_book.build_dir,
        sites=(None, "S03", "S13"),
        jobs=2,
    )
    before = _tree_digest(built_book.book_dir)
    summary = Builder(options).run()
    assert summary.executed == []
    assert summary.gate_cached
    assert summary.rendered == []
    assert _tree_digest(built_book.book_dir) == before


def _data_dir() -> Path:
    from analysis.config import DEFAULT_DATA_DIR

    return DEFAULT_DATA_DIR


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != "provenance.json"
    }


def test_a_failing_chapter_leaves_the_previous_report_intact(built_book, tmp_path):
    failing = tmp_path / "failing.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# Failing {#sec-failing}"),
        nbformat.v4.new_code_cell('raise RuntimeError("deliberate failure in a cell")'),
    ]
    nbformat.write(notebook, failing)
    before = _tree_digest(built_book.book_dir)
    options = BuildOptions(
        data_dir=_data_dir(),
        book_dir=built_book.book_dir,
        build_dir=built_book.build_dir,
        jobs=2,
    )
    builder = Builder(options)
    real = builder.book
    builder.book = Book(
        real.title,
        real.subtitle,
        real.author,
        (*real.chapters, Chapter("failing", failing, appendix=True)),
        real.config,
    )
    with pytest.raises(BuildError, match=r"chapter failing: cell \d+ raised RuntimeError"):
        builder.run()
    assert _tree_digest(built_book.book_dir) == before
    leftovers = [p.name for p in built_book.book_dir.parent.iterdir() if "staging" in p.name]
    assert leftovers == []


def test_a_truncated_cache_entry_is_re_executed_not_rendered(built_book):
    executed = built_book.build_dir / "national" / "project" / "chapters" / "methods.ipynb"
    executed.write_bytes(executed.read_bytes()[:200])
    options = BuildOptions(
        data_dir=_data_dir(),
        book_dir=built_book.book_dir,
        build_dir=built_book.build_dir,
        jobs=2,
    )
    summary = Builder(options).run()
    assert [(r.scope, r.chapter) for r in summary.executed] == [("national", "methods")]
    assert nbformat.read(executed, as_version=4).cells
    assert "1,270" in _html_text(built_book.book_html())


def _published_text(path: Path) -> str:
    if path.suffix == ".pdf":
        return _pdf_text(path)
    return path.read_bytes().decode("utf-8", errors="replace")


def test_no_published_file_shows_an_absolute_path_of_the_build_machine(built_book):
    machine_paths = {
        str(PROJECT_ROOT),
        str(Path.home()) + "/",
        str(built_book.build_dir),
        str(built_book.book_dir),
    }
    files = [p for p in sorted(built_book.book_dir.rglob("*")) if p.is_file()]
    assert any(p.suffix == ".pdf" for p in files) and any(p.suffix == ".json" for p in files)
    leaks = []
    for path in files:
        text = _published_text(path)
        name = path.relative_to(built_book.book_dir)
        leaks += [f"{name}: {where}" for where in machine_paths if where in text]
    assert leaks == []
