"""Render executed notebooks into the book: with Quarto when it is on PATH, else pandoc + typst.

The fallback uses the engines Quarto itself uses (pandoc, typst) on the same
executed notebooks, in the order `_quarto.yml` gives. It never computes anything.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analysis.config import PACKAGE_DIR
from analysis.errors import BuildError
from analysis.pipeline.book import Book
from analysis.pipeline.notebook_markdown import book_markdown

RENDERING_DIR = PACKAGE_DIR / "rendering"
FORMATS = ("html", "pdf")
PDF_NAME = "report.pdf"


@dataclass(frozen=True)
class Renderer:
    """Which renderer runs, and its version, for the build log and the colophon."""

    name: str  # "quarto" or "pandoc-typst-fallback"
    version: str

    @property
    def description(self) -> str:
        """One line for the colophon."""
        if self.name == "quarto":
            return f"Quarto {self.version}"
        return (
            f"pandoc {self.version} and typst (fallback renderer: Quarto was not on PATH; "
            "the same executed notebooks, in the order _quarto.yml gives)"
        )


def detect_renderer() -> Renderer:
    """Quarto if its binary is on PATH, otherwise the pandoc + typst fallback."""
    quarto = shutil.which("quarto")
    if quarto:
        version = subprocess.run(
            [quarto, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        return Renderer("quarto", version or "unknown")
    return Renderer("pandoc-typst-fallback", pandoc_version())


def pandoc_path() -> str:
    """The pandoc binary shipped by pypandoc-binary."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def pandoc_version() -> str:
    """Version of the bundled pandoc."""
    import pypandoc

    return pypandoc.get_pandoc_version()


def render_book(
    renderer: Renderer,
    book: Book,
    project_dir: Path,
    out_dir: Path,
    formats: tuple[str, ...],
    metadata: dict[str, str],
) -> list[Path]:
    """Render the executed project in `project_dir` into `out_dir`; return the files written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise BuildError(f"render: unknown format(s) {', '.join(unknown)}; use html and/or pdf")
    if renderer.name == "quarto":
        return _render_with_quarto(project_dir, out_dir, formats, metadata)
    return _render_with_pandoc(book, project_dir, out_dir, formats, metadata, renderer)


def _render_with_quarto(project_dir, out_dir, formats, metadata) -> list[Path]:
    command = ["quarto", "render", str(project_dir), "--output-dir", str(out_dir)]
    if set(formats) != set(FORMATS):
        command += ["--to", "typst" if formats == ("pdf",) else "html"]
    for key, value in metadata.items():
        command += ["--metadata", f"{key}:{value}"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"render (quarto) failed: {done.stderr.strip()[-2000:]}")
    for pdf in out_dir.glob("*.pdf"):
        if pdf.name != PDF_NAME:
            pdf.rename(out_dir / PDF_NAME)
    return sorted(p for p in out_dir.rglob("*") if p.is_file())


def _render_with_pandoc(book, project_dir, out_dir, formats, metadata, renderer) -> list[Path]:
    sources = {c.id: project_dir / c.build_path for c in book.chapters}
    assembled = book_markdown(book, sources)
    build_time = metadata.get("date", datetime.now(UTC).strftime("%Y-%m-%d"))
    colophon = f"\n\n::: {{.colophon}}\nRendered by {renderer.description}, {build_time}.\n:::\n"
    with tempfile.TemporaryDirectory(prefix="render-", dir=out_dir.parent) as tmp:
        work = Path(tmp)
        for name, content in assembled.images.items():
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            (work / name).write_bytes(content)
        source = work / "book.md"
        source.write_text(assembled.text + colophon, encoding="utf-8")
        meta = _metadata_file(work, book, metadata)
        written = []
        if "html" in formats:
            written.append(_pandoc_html(source, meta, work, out_dir))
        if "pdf" in formats:
            written.append(_pandoc_pdf(source, meta, work, out_dir))
    return written


def _metadata_file(work: Path, book: Book, metadata: dict[str, str]) -> Path:
    import yaml

    values = {
        "title": book.title,
        "subtitle": book.subtitle,
        "author": book.author,
        "lang": book.config.get("lang", "en-GB"),
        "toc-title": "Contents",
    }
    values.update(metadata)
    path = work / "metadata.yaml"
    path.write_text(yaml.safe_dump(values, allow_unicode=True), encoding="utf-8")
    return path


def _run_pandoc(arguments: list[str], cwd: Path, stage: str) -> None:
    done = subprocess.run(
        [pandoc_path(), *arguments], cwd=cwd, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BuildError(f"render ({stage}) failed: {done.stderr.strip()[-2000:]}")


FILTERS = ("alt-text.lua", "layout.lua")
# Raw HTML or typst in the Markdown is shown as text, so nothing from the data becomes markup,
# and quotes stay as written (data and titles are shown verbatim).
READER = "--from=markdown-raw_html-raw_attribute-smart"
NO_FAVICON = '--variable=header-includes:<link rel="icon" href="data:,">'  # no request to 404


def _filter_arguments() -> list[str]:
    return [f"--lua-filter={RENDERING_DIR / name}" for name in FILTERS]


def _pandoc_html(source: Path, meta: Path, work: Path, out_dir: Path) -> Path:
    target = out_dir / "index.html"
    _run_pandoc(
        [
            source.name,
            READER,
            "--to=html5",
            "--standalone",
            "--embed-resources",
            "--toc",
            "--toc-depth=2",
            "--number-sections",
            "--mathml",
            f"--metadata-file={meta}",
            f"--css={RENDERING_DIR / 'report.css'}",
            NO_FAVICON,
            *_filter_arguments(),
            f"--output={target}",
        ],
        work,
        "pandoc to HTML",
    )
    return target


def typst_options(config: dict) -> dict:
    """Page settings for pandoc's typst template, from `format: typst:` in `_quarto.yml`."""
    typst = (config.get("format") or {}).get("typst") or {}
    names = {"papersize", "margin", "section-numbering", "page-numbering", "fontsize"}
    options = {key: value for key, value in typst.items() if key in names}
    options["toc-depth"] = typst.get("toc-depth", 2)
    return options


def _pandoc_pdf(source: Path, meta: Path, work: Path, out_dir: Path) -> Path:
    import typst
    import yaml

    from analysis.pipeline.book import read_book

    typ = work / "book.typ"
    page = work / "typst-options.yaml"
    page.write_text(yaml.safe_dump(typst_options(read_book().config)), encoding="utf-8")
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
    import yaml

    value = yaml.safe_load(meta.read_text(encoding="utf-8")).get("date")
    try:
        day = datetime.strptime(str(value), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        return None
    return int(day.timestamp())
