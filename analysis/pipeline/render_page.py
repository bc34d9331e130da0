"""One executed chapter as a standalone HTML page, with the book's renderer, template and styles.

Used by `stairs-report run`: the same pandoc template, filters and stylesheet as the fallback's
HTML book, numbered as in the book (Chapter 8, Table 8.2), with its figures and styles
embedded so the page can be opened, mailed or archived as one file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from analysis.config import PROJECT_ROOT
from analysis.pipeline.book import Book
from analysis.pipeline.notebook_markdown import chapter_label, chapter_markdown
from analysis.pipeline.provenance import build_time
from analysis.pipeline.render_fallback import (
    READER,
    RENDERING_DIR,
    _filter_arguments,
    _run_pandoc,
)


def render_chapter_page(book: Book, chapter_id: str, notebook: Path, page: Path, note: str) -> Path:
    """Render `notebook` (an execution of chapter `chapter_id`) to the standalone page `page`."""
    from analysis.pipeline.render import pandoc_version

    sources = {c.id: PROJECT_ROOT / c.source for c in book.chapters}
    sources[chapter_id] = notebook
    assembled = chapter_markdown(book, chapter_id, sources)
    label = chapter_label(book, chapter_id)
    offset = int(label) - 1 if label.isdigit() else 0
    page.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="page-", dir=page.parent) as tmp:
        work = Path(tmp)
        for name, content in assembled.images.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_bytes(content)
        (work / "chapter.md").write_text(assembled.text, encoding="utf-8")
        day = build_time()[:10]
        values = {
            "title": book.title,
            "subtitle": note,
            "lang": book.config.get("lang", "en-GB"),
            "toc-title": "On this page",
            "data-notice": book.config.get("data-notice", ""),
            "colophon": f"Rendered by pandoc {pandoc_version()} from the executed notebook, {day}.",
        }
        meta = work / "metadata.yaml"
        meta.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
        target = work / "page.html"
        _run_pandoc(
            [
                "chapter.md",
                READER,
                "--to=html5",
                "--standalone",
                "--embed-resources",
                "--wrap=none",
                f"--template={RENDERING_DIR / 'book.html'}",
                "--toc",
                "--toc-depth=2",
                "--variable=home:#title-block-header",
                f"--variable=assets:{RENDERING_DIR}/",
                "--number-sections",
                f"--number-offset={offset}",
                "--mathml",
                f"--metadata-file={meta}",
                *_filter_arguments(),
                f"--output={target.name}",
            ],
            work,
            "pandoc to HTML",
        )
        target.replace(page)
    return page
