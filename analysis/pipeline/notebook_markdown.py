"""Turn executed chapter notebooks into one pandoc-Markdown book, as Quarto would show them.

Code inputs are dropped (Quarto's `echo: false`), figures and tables take their
`#|` cell options (label, caption, alt text), and Quarto cross-references
(`@fig-...`, `@tbl-...`, `@sec-...`) become numbered links.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from analysis.errors import BuildError
from analysis.pipeline.book import Book, Chapter

CELL_OPTION = re.compile(r"^#\|\s?(.*)$")
CROSS_REF = re.compile(r"(?<![\w\\])@((?:fig|tbl|sec)-[A-Za-z0-9_-]+)")
HEADING = re.compile(r"^(#)\s+(.*?)\s*(\{[^}]*\})?\s*$")
SUBHEADING = re.compile(r"^(#{2,6})\s+(.*?)\s*(\{[^}]*\})?\s*$")


@dataclass
class MarkdownBook:
    """The book as one Markdown text, the image files it refers to, and its numbering."""

    text: str
    images: dict[str, bytes] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)


def cell_options(source: str) -> dict:
    """Quarto `#|` options at the top of a code cell."""
    lines = []
    for line in source.splitlines():
        match = CELL_OPTION.match(line)
        if not match:
            break
        lines.append(match.group(1))
    if not lines:
        return {}
    return yaml.safe_load("\n".join(lines)) or {}


def book_markdown(book: Book, sources: dict[str, Path]) -> MarkdownBook:
    """Assemble every chapter in book order; `sources` maps chapter id to its rendered input."""
    result = MarkdownBook(text="")
    parts: list[str] = []
    chapter_number = 0
    appendix_number = 0
    for chapter in book.chapters:
        if chapter.id == "index":
            label = ""
        elif chapter.appendix:
            appendix_number += 1
            label = chr(ord("A") + appendix_number - 1)
        elif _unnumbered(chapter, sources[chapter.id]):
            label = ""  # an unnumbered chapter such as the references
        else:
            chapter_number += 1
            label = str(chapter_number)
        parts.append(_chapter_markdown(chapter, sources[chapter.id], label, result))
    text = "\n\n".join(parts)
    result.text = CROSS_REF.sub(lambda m: _reference(m.group(1), result.numbers), text)
    return result


def chapter_markdown(book: Book, chapter_id: str, sources: dict[str, Path]) -> MarkdownBook:
    """One chapter on its own, numbered as in the book.

    `sources` maps every chapter id to a notebook (executed or not); the other chapters are
    read only for their numbers, so a reference to them reads "Chapter 9" (as text: their
    pages are not part of this one).
    """
    result = MarkdownBook(text="")
    others = MarkdownBook(text="")
    text = ""
    for chapter, label in zip(book.chapters, _labels(book), strict=True):
        if chapter.id == chapter_id:
            text = _chapter_markdown(chapter, sources[chapter.id], label, result)
        else:
            _chapter_markdown(chapter, sources[chapter.id], label, others)

    def resolve(match: re.Match) -> str:
        ident = match.group(1)
        if ident in result.numbers:
            return _reference(ident, result.numbers)
        return others.numbers.get(ident, f"?{ident}")

    result.text = CROSS_REF.sub(resolve, text)
    return result


def chapter_label(book: Book, chapter_id: str) -> str:
    """A chapter's number as the book shows it ("8", or "A" for the first appendix)."""
    labels = dict(zip((c.id for c in book.chapters), _labels(book), strict=True))
    return labels[chapter_id]


def _labels(book: Book) -> list[str]:
    """Each chapter's number as the book shows it: "" (preface), "1", "2", ... or "A", "B"."""
    labels, chapter_number, appendix_number = [], 0, 0
    for chapter in book.chapters:
        if chapter.id == "index":
            labels.append("")
        elif chapter.appendix:
            appendix_number += 1
            labels.append(chr(ord("A") + appendix_number - 1))
        else:
            chapter_number += 1
            labels.append(str(chapter_number))
    return labels


def _chapter_markdown(chapter: Chapter, path: Path, label: str, book: MarkdownBook) -> str:
    if chapter.is_notebook:
        import nbformat  # imported when rendering, not by every build that renders nothing

        notebook = nbformat.read(path, as_version=4)
        blocks = []
        for number, cell in enumerate(notebook.cells, start=1):
            try:
                blocks.append(_cell_markdown(cell, chapter, label, book))
            except yaml.YAMLError as exc:
                raise BuildError(
                    f"render: chapter {chapter.id}, cell {number}: cannot read its #| options "
                    f"({exc.__class__.__name__}: {str(exc).splitlines()[0]})"
                ) from exc
    else:
        blocks = [_strip_front_matter(path.read_text(encoding="utf-8"))]
    text = "\n\n".join(b for b in blocks if b)
    return _number_chapter_heading(text, chapter, label, book)


def _unnumbered(chapter: Chapter, path: Path) -> bool:
    """True for a Markdown chapter whose heading is marked `.unnumbered` (e.g. references)."""
    if chapter.is_notebook:
        return False
    for line in path.read_text(encoding="utf-8").splitlines():
        match = HEADING.match(line)
        if match:
            return ".unnumbered" in (match.group(3) or "")
    return False


def _strip_front_matter(text: str) -> str:
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end != -1:
            return text[end + 4 :]
    return text


def _number_chapter_heading(text: str, chapter: Chapter, label: str, book: MarkdownBook) -> str:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        match = HEADING.match(line)
        if not match:
            continue
        title, attrs = match.group(2), match.group(3) or ""
        ident = re.search(r"#([\w-]+)", attrs)
        ident = ident.group(1) if ident else f"sec-{chapter.id}"
        if chapter.appendix:
            book.numbers[ident] = f"Appendix {label}"
            lines[i] = f"# Appendix {label}: {title} {{#{ident} .unnumbered}}"
        elif not label:
            book.numbers[ident] = title
            lines[i] = f"# {title} {{#{ident} .unnumbered}}"
        else:
            book.numbers[ident] = f"Chapter {label}"
            lines[i] = f"# {title} {{#{ident}}}"
        _number_sections(lines[i + 1 :], label if label and not chapter.appendix else "", book)
        break
    if chapter.appendix or not label:
        # Preface and appendix sections are unnumbered; appendix sections stay out of the contents.
        classes = ".unnumbered .unlisted" if chapter.appendix else ".unnumbered"
        lines = [_unnumber_subheading(line, classes) for line in lines]
    return "\n".join(lines)


def _number_sections(lines: list[str], chapter_label: str, book: MarkdownBook) -> None:
    """Register `{#sec-...}` ids of a chapter's sections: 'Section 4.5' as pandoc numbers them
    (unnumbered headings do not count), or the section's title where it has no number."""
    counters = [0] * 7
    fenced = False
    for line in lines:
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        match = SUBHEADING.match(line)
        if fenced or not match:
            continue
        level, title, attrs = len(match.group(1)), match.group(2), match.group(3) or ""
        numbered = bool(chapter_label) and ".unnumbered" not in attrs
        if numbered:
            counters[level] += 1
            counters[level + 1 :] = [0] * (len(counters) - level - 1)
        ident = re.search(r"#(sec-[\w-]+)", attrs)
        if ident:
            path = ".".join(str(n) for n in counters[2 : level + 1])
            book.numbers[ident.group(1)] = f"Section {chapter_label}.{path}" if numbered else title


def _unnumber_subheading(line: str, classes: str) -> str:
    if re.match(r"^#{2,6}\s", line) and ".unnumbered" not in line:
        if line.rstrip().endswith("}"):
            return f"{line.rstrip()[:-1]} {classes}}}"
        return f"{line} {{{classes}}}"
    return line


def _cell_markdown(cell, chapter: Chapter, label: str, book: MarkdownBook) -> str:
    if cell.cell_type == "markdown":
        return cell.source
    if cell.cell_type != "code":
        return ""
    options = cell_options(cell.source)
    if options.get("include") is False or options.get("output") is False:
        return ""
    return "\n\n".join(
        b for b in (_output_markdown(o, options, chapter, label, book) for o in cell.outputs) if b
    )


def _output_markdown(output, options: dict, chapter: Chapter, label: str, book: MarkdownBook):
    if output.output_type not in ("display_data", "execute_result"):
        return ""  # streams and warnings are not part of the report
    data = output.get("data", {})
    if "image/png" in data:
        return _figure(data["image/png"], options, chapter, label, book)
    if "text/markdown" in data:
        return _table_or_text(data["text/markdown"], options, chapter, label, book)
    return ""


def _next_number(book: MarkdownBook, prefix: str, chapter_label: str) -> str:
    key = f"{prefix}:{chapter_label}"
    count = book.counters[key] = book.counters.get(key, 0) + 1
    return f"{chapter_label}.{count}" if chapter_label else str(count)


def _figure(png_b64: str, options: dict, chapter: Chapter, label: str, book: MarkdownBook) -> str:
    number = _next_number(book, "fig", label)
    name = f"figures/{chapter.id}-{number.replace('.', '-')}.png"
    book.images[name] = base64.b64decode(png_b64)
    ident = options.get("label", f"fig-{chapter.id}-{number}")
    book.numbers[ident] = f"Figure {number}"
    caption = str(options.get("fig-cap", "")).strip()
    alt = str(options.get("fig-alt", caption)).replace('"', "'")
    return f'![Figure {number}: {caption}]({name}){{#{ident} fig-alt="{alt}"}}'


def _table_or_text(text: str, options: dict, chapter: Chapter, label: str, book: MarkdownBook):
    ident = options.get("label", "")
    if not str(ident).startswith("tbl-") or not text.lstrip().startswith("|"):
        return text  # prose, or prose shown by a table cell: no caption
    number = _next_number(book, "tbl", label)
    book.numbers[ident] = f"Table {number}"
    caption = str(options.get("tbl-cap", "")).strip()
    return f"{text.rstrip()}\n\n: Table {number}: {caption} {{#{ident}}}"


def _reference(ident: str, numbers: dict[str, str]) -> str:
    shown = numbers.get(ident)
    if shown is None:
        return f"?{ident}"
    return f"[{shown}](#{ident})"
