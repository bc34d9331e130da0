"""The fallback renderer: pandoc (PyPI pypandoc-binary) and typst (PyPI typst), no Quarto.

HTML: pandoc's chunkedhtml writer splits the assembled book into one page per chapter and
appendix, with the template `analysis/rendering/book.html` (sidebar, search, previous/next)
and the filter `html-book.lua` (in-page contents, scrollable tables, the search index).
PDF: pandoc to typst with `book.typ`, compiled by typst with its bundled fonts only.
It never computes anything; it shows the executed notebooks.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from analysis.config import PACKAGE_DIR, PROJECT_ROOT
from analysis.errors import BuildError
from analysis.pipeline.book import Book
from analysis.pipeline.notebook_markdown import book_markdown

if TYPE_CHECKING:
    from analysis.pipeline.render import Renderer

RENDERING_DIR = PACKAGE_DIR / "rendering"
PDF_NAME = "report.pdf"
ASSETS = ("report.css", "search.js")
FILTERS = ("alt-text.lua", "layout.lua", "data-notice.lua")
# Raw HTML or typst in the Markdown is shown as text, so nothing from the data becomes markup,
# and quotes stay as written (data and titles are shown verbatim).
READER = "--from=markdown-raw_html-raw_attribute-smart"
REFERENCES = "\n\n# References {#sec-references .unnumbered}\n\n::: {#refs}\n:::\n"


def render(
    book: Book,
    project_dir: Path,
    out_dir: Path,
    formats: tuple[str, ...],
    metadata: dict[str, str],
    renderer: Renderer,
    links: dict[str, bool],
) -> list[Path]:
    """Render `formats` of the executed project into `out_dir`; return the files written."""
    sources = {c.id: project_dir / c.build_path for c in book.chapters}
    assembled = book_markdown(book, sources)
    text = assembled.text
    citations = citation_arguments(book.config, project_dir)
    if citations and "{#refs}" not in text:
        text += REFERENCES
    with tempfile.TemporaryDirectory(prefix="render-", dir=out_dir.parent) as tmp:
        work = Path(tmp)
        for name, content in assembled.images.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_bytes(content)
        source = work / "book.md"
        source.write_text(text, encoding="utf-8")
        meta = metadata_file(work, book, metadata, renderer, links)
        # HTML and PDF are rendered at the same time (pandoc and typst run outside Python).
        jobs = []
        with ThreadPoolExecutor(max_workers=2) as pool:
            if "html" in formats:
                jobs.append(pool.submit(_pandoc_html, source, meta, citations, work, out_dir))
            if "pdf" in formats:
                colophon = _colophon(renderer, metadata)
                printed = work / "book-pdf.md"
                printed.write_text(
                    f"{text}\n\n::: {{.colophon}}\n{colophon}\n:::\n", encoding="utf-8"
                )
                jobs.append(
                    pool.submit(_pandoc_pdf, printed, meta, citations, work, out_dir, book.config)
                )
            results = [job.result() for job in jobs]
    written = []
    for result in results:
        written += result if isinstance(result, list) else [result]
    return written


def citation_arguments(config: dict, project_dir: Path) -> list[str]:
    """`--citeproc` with the bibliography (and citation style) `_quarto.yml` names, if any."""
    bibliography = config.get("bibliography")
    if not bibliography:
        return []
    files = bibliography if isinstance(bibliography, list) else [bibliography]
    arguments = ["--citeproc"]
    arguments += [f"--bibliography={_project_file(project_dir, f)}" for f in files]
    if config.get("csl"):
        arguments.append(f"--csl={_project_file(project_dir, config['csl'])}")
    return arguments


def _project_file(project_dir: Path, name: str) -> Path:
    """A file named in `_quarto.yml`: in the executed project, else in the source project."""
    for folder in (project_dir, PROJECT_ROOT):
        if (folder / name).is_file():
            return folder / name
    raise BuildError(f"render: {name}, named in _quarto.yml, was not found in {PROJECT_ROOT}")


def _colophon(renderer: Renderer, metadata: dict[str, str]) -> str:
    day = metadata.get("date", datetime.now(UTC).strftime("%Y-%m-%d"))
    return f"Rendered by {renderer.description}, {day}."


def site_links(site: str | None) -> list[dict[str, str]]:
    """Links between the national report and the site reports, from a report's folder."""
    if site:
        return [
            {"href": "../../index.html", "text": "National report"},
            {"href": "../index.html", "text": "All site reports"},
        ]
    return [{"href": "sites/index.html", "text": "Site reports"}]


def metadata_file(
    work: Path, book: Book, metadata: dict[str, str], renderer: Renderer, links: dict[str, bool]
) -> Path:
    """Pandoc metadata: the book's title block, notice, links and colophon."""
    values = {
        "title": book.title,
        "subtitle": book.subtitle,
        "author": list(book.author),
        "lang": book.config.get("lang", "en-GB"),
        "toc-title": "Contents",
        "data-notice": book.config.get("data-notice", ""),
        "link-citations": bool(book.config.get("link-citations", False)),
        "related": site_links(metadata.get("site")),
        "colophon": _colophon(renderer, metadata),
    }
    if links.get("pdf"):
        values["pdf"] = PDF_NAME
    values.update({k: v for k, v in metadata.items() if k != "site"})
    path = work / "metadata.yaml"
    path.write_text(yaml.safe_dump(values, allow_unicode=True, sort_keys=True), encoding="utf-8")
    return path


def pandoc_path() -> str:
    """The pandoc binary shipped by pypandoc-binary."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def _run_pandoc(arguments: list[str], cwd: Path, stage: str) -> None:
    done = subprocess.run(
        [pandoc_path(), *arguments], cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BuildError(f"render ({stage}) failed: {done.stderr.strip()[-2000:]}")


def _filter_arguments(*extra: str) -> list[str]:
    return [f"--lua-filter={RENDERING_DIR / name}" for name in (*FILTERS, *extra)]


def _pandoc_html(
    source: Path, meta: Path, citations: list[str], work: Path, out_dir: Path
) -> list[Path]:
    pages = work / "html"
    _run_pandoc(
        [
            source.name,
            READER,
            "--to=chunkedhtml",
            "--wrap=none",
            "--split-level=1",
            "--chunk-template=%i.html",
            f"--template={RENDERING_DIR / 'book.html'}",
            "--toc",
            "--toc-depth=1",
            "--variable=toc",
            "--variable=search",
            "--variable=home:index.html",
            "--variable=assets:assets/",
            "--number-sections",
            "--mathml",
            f"--metadata-file={meta}",
            *citations,
            *_filter_arguments("html-book.lua"),
            f"--output={pages}",
        ],
        work,
        "pandoc to HTML",
    )
    (pages / "sitemap.json").unlink(missing_ok=True)
    shutil.copy2(work / "search-index.js", pages / "search-index.js")
    for name in ASSETS:
        (pages / "assets").mkdir(exist_ok=True)
        shutil.copy2(RENDERING_DIR / name, pages / "assets" / name)
    written = []
    for path in sorted(p for p in pages.rglob("*") if p.is_file()):
        target = out_dir / path.relative_to(pages)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".html":
            target.write_text(mark_current_page(path.read_text(encoding="utf-8"), path.name))
        else:
            shutil.copy2(path, target)
        written.append(target)
    return written


def mark_current_page(page: str, name: str) -> str:
    """Mark the sidebar's link to this page with aria-current (styled as the current page)."""
    head, sep, rest = page.partition('<nav id="sidebar"')
    sidebar, end, tail = rest.partition("</nav>")
    current = re.compile(rf'<a (href="{re.escape(name)}(?:#[^"]*)?")')
    return head + sep + current.sub(r'<a aria-current="page" \1', sidebar) + end + tail


def typst_options(config: dict) -> dict:
    """Page settings for pandoc's typst template, from `format: typst:` in `_quarto.yml`."""
    typst = (config.get("format") or {}).get("typst") or {}
    names = {"papersize", "margin", "section-numbering", "page-numbering", "fontsize"}
    options = {key: value for key, value in typst.items() if key in names}
    options["toc-depth"] = typst.get("toc-depth", 2)
    return options


def _pandoc_pdf(
    source: Path, meta: Path, citations: list[str], work: Path, out_dir: Path, config: dict
) -> Path:
    import typst

    typ = work / "book.typ"
    page = work / "typst-options.yaml"
    page.write_text(yaml.safe_dump(typst_options(config)), encoding="utf-8")
    _run_pandoc(
        [
            source.name,
            READER,
            "--to=typst",
            "--standalone",
            "--toc",
            "--number-sections",
            f"--metadata-file={meta}",
            f"--metadata-file={page}",
            f"--include-in-header={RENDERING_DIR / 'book.typ'}",
            *citations,
            *_filter_arguments(),
            f"--output={typ}",
        ],
        work,
        "pandoc to typst",
    )
    target = out_dir / PDF_NAME
    try:
        # Fonts bundled with typst only, and the report's date as the PDF's: same input, same bytes.
        typst.compile(
            str(typ),
            output=str(target),
            root=str(work),
            ignore_system_fonts=True,
            timestamp=_report_timestamp(meta),
        )
    except Exception as exc:  # typst raises its own error type with the message we need
        raise BuildError(f"render (typst to PDF) failed: {exc}") from exc
    return target


def _report_timestamp(meta: Path) -> int | None:
    """Midnight UTC of the report's date (from the metadata file), as a Unix timestamp."""
    value = yaml.safe_load(meta.read_text(encoding="utf-8")).get("date")
    try:
        day = datetime.strptime(str(value), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None
    return int(day.timestamp())
