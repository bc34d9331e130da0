"""Render executed notebooks into the book: with Quarto where it can, else pandoc + typst.

Quarto >= 1.9 renders both formats; Quarto 1.4-1.8 renders the HTML book while the
fallback renders the PDF (typst book projects need Quarto 1.9); without Quarto (or with one
older than 1.4) the fallback renders both, with the engines Quarto itself uses (pandoc,
typst), from the same executed notebooks, in the order `_quarto.yml` gives.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import BuildError
from analysis.pipeline import render_fallback, render_quarto
from analysis.pipeline.book import Book
from analysis.pipeline.render_fallback import PDF_NAME, pandoc_path, typst_options

__all__ = ["FORMATS", "PDF_NAME", "Renderer", "pandoc_path", "render_book", "typst_options"]

FORMATS = ("html", "pdf")
QUARTO_MINIMUM = (1, 4)
QUARTO_TYPST_BOOKS = (1, 9)  # first Quarto that renders a book project to typst


def version_tuple(version: str) -> tuple[int, ...]:
    """`1.7.27` as (1, 7, 27); an unreadable version as ()."""
    match = re.match(r"\s*v?(\d+(?:\.\d+)*)", version)
    return tuple(int(part) for part in match.group(1).split(".")) if match else ()


@dataclass(frozen=True)
class Renderer:
    """Which renderer produces each format, and its version, for the build log and colophon."""

    name: str  # "quarto" or "pandoc-typst-fallback"
    version: str  # Quarto's version, or pandoc's for the fallback
    fallback_version: str = ""  # pandoc's version, for the formats Quarto cannot render
    note: str = ""  # why the fallback runs although a Quarto is on PATH

    def uses_quarto(self, format_: str) -> bool:
        """True when Quarto renders this format."""
        if self.name != "quarto":
            return False
        return format_ == "html" or version_tuple(self.version) >= QUARTO_TYPST_BOOKS

    @property
    def description(self) -> str:
        """One line for the build log and the colophon: which renderer produced each format."""
        if self.name != "quarto":
            reason = self.note or "Quarto was not on PATH"
            return (
                f"pandoc {self.version} and typst (fallback renderer: {reason}; "
                "the same executed notebooks, in the order _quarto.yml gives)"
            )
        if self.uses_quarto("pdf"):
            return f"Quarto {self.version} (HTML and PDF)"
        return (
            f"Quarto {self.version} (HTML); pandoc {self.fallback_version} and typst (PDF, "
            f"fallback renderer: typst books need Quarto "
            f"{'.'.join(map(str, QUARTO_TYPST_BOOKS))})"
        )


def detect_renderer() -> Renderer:
    """Quarto (>= 1.4) if it is on PATH, otherwise the pandoc + typst fallback."""
    quarto = shutil.which("quarto")
    if not quarto:
        return Renderer("pandoc-typst-fallback", pandoc_version())
    version = quarto_version(quarto)
    if version_tuple(version) < QUARTO_MINIMUM:
        minimum = ".".join(map(str, QUARTO_MINIMUM))
        note = f"Quarto {version or '(version unknown)'} on PATH is older than {minimum}"
        return Renderer("pandoc-typst-fallback", pandoc_version(), note=note)
    return Renderer("quarto", version, fallback_version=pandoc_version())


def quarto_version(binary: str) -> str:
    """What `quarto --version` prints, or "" when it fails."""
    try:
        done = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, check=False, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


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
    by_quarto = tuple(f for f in formats if renderer.uses_quarto(f))
    by_fallback = tuple(f for f in formats if f not in by_quarto)
    written = []
    if by_quarto:
        written += render_quarto.render(project_dir, out_dir, by_quarto, metadata)
    if by_fallback:
        links = {"pdf": "pdf" in formats}
        written += render_fallback.render(
            book, project_dir, out_dir, by_fallback, metadata, renderer, links
        )
    return written
