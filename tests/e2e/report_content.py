"""What the executed chapter notebooks of a built report show: figures, tables, references.

Shared by the end-to-end tests of the PDF, the HTML and the cross-references.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from analysis.pipeline.book import read_book
from analysis.pipeline.build import SITE_BOOK
from analysis.pipeline.notebook_markdown import cell_options

REFERENCE = re.compile(r"(?<![\w\\])@((?:fig|tbl|sec)-[A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Shown:
    """One figure or table output of an executed chapter, with its cell options."""

    chapter: str
    kind: str  # "figure" or "table"
    options: dict
    markdown: str = ""  # the pipe table, for tables

    @property
    def label(self) -> str:
        return str(self.options.get("label", ""))


def executed_notebooks(build_dir: Path, scope: str = "national") -> dict[str, NotebookNode]:
    """The executed notebooks of one report scope, by chapter id, in book order."""
    project = build_dir / scope if scope == "national" else build_dir / "sites" / scope
    return {
        chapter.id: nbformat.read(project / "project" / chapter.build_path, as_version=4)
        for chapter in (read_book() if scope == "national" else read_book(SITE_BOOK)).notebooks
    }


def shown_outputs(notebooks: dict[str, NotebookNode]) -> list[Shown]:
    """Every figure (PNG output) and every table (pipe-table Markdown output)."""
    shown = []
    for chapter, notebook in notebooks.items():
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            options = cell_options(cell.source)
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if "image/png" in data:
                    shown.append(Shown(chapter, "figure", options))
                elif data.get("text/markdown", "").lstrip().startswith("|"):
                    shown.append(Shown(chapter, "table", options, data["text/markdown"]))
    return shown


def book_prose(notebooks: dict[str, NotebookNode]) -> dict[str, str]:
    """All Markdown a reader sees in each chapter: Markdown cells and Markdown outputs."""
    prose = {}
    for chapter, notebook in notebooks.items():
        parts = []
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                parts.append(cell.source)
            for output in cell.get("outputs", []):
                parts.append(output.get("data", {}).get("text/markdown", ""))
        prose[chapter] = "\n".join(parts)
    return prose


def table_cells(markdown: str) -> list[list[str]]:
    """Rows of a pipe table (header first) as unescaped cell texts."""
    rows = []
    for line in markdown.strip().splitlines():
        if re.fullmatch(r"\|?[\s:|-]+\|?", line):
            continue  # the alignment row
        cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
        rows.append([_unescape(cell.strip()) for cell in cells])
    return rows


def _unescape(text: str) -> str:
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


FIGURE_METADATA = "stairs-report"  # analysis.display.figure_text.METADATA_KEY


def figure_outputs(notebooks: dict[str, NotebookNode]) -> list[tuple[str, dict, dict]]:
    """(chapter, cell options, what the figure output carries: its alt text and data rows)."""
    found = []
    for chapter, notebook in notebooks.items():
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            for output in cell.get("outputs", []):
                if "image/png" in output.get("data", {}):
                    carried = output.get("metadata", {}).get(FIGURE_METADATA, {})
                    found.append((chapter, cell_options(cell.source), carried))
    return found
