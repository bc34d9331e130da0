"""One executed chapter as a standalone HTML page, with the book's renderer, styles and numbering.

Used by `stairs-report run`: the page embeds its figures and styles, so it can be opened,
mailed or archived as one file.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from analysis.config import PROJECT_ROOT
from analysis.pipeline.book import Book
from analysis.pipeline.notebook_markdown import chapter_markdown
from analysis.pipeline.render import (
    FILTERS,
    NO_FAVICON,
    READER,
    RENDERING_DIR,
    _run_pandoc,
)


def render_chapter_page(book: Book, chapter_id: str, notebook: Path, page: Path, note: str) -> Path:
    """Render `notebook` (an execution of chapter `chapter_id`) to the standalone page `page`."""
    sources = {c.id: PROJECT_ROOT / c.source for c in book.chapters}
    sources[chapter_id] = notebook
    assembled = chapter_markdown(book, chapter_id, sources)
    page.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="page-", dir=page.parent) as tmp:
        work = Path(tmp)
        for name, content in assembled.images.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_bytes(content)
        (work / "chapter.md").write_text(assembled.text, encoding="utf-8")
        meta = work / "metadata.yaml"
        values = {
            "pagetitle": f"{_title(assembled.text)} – {book.title}",
            "lang": book.config.get("lang", "en-GB"),
            "subtitle": note,
            "title": book.title,
        }
        meta.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
        target = work / "page.html"
        _run_pandoc(
            [
                "chapter.md",
                READER,
                "--to=html5",
                "--standalone",
                "--embed-resources",
                "--mathml",
                f"--metadata-file={meta}",
                f"--css={RENDERING_DIR / 'report.css'}",
                NO_FAVICON,
                *[f"--lua-filter={RENDERING_DIR / name}" for name in FILTERS],
                f"--output={target.name}",
            ],
            work,
            "pandoc to HTML",
        )
        target.replace(page)
    return page


def _title(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].split("{")[0].strip()
    return ""
