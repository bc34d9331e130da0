"""The book's structure, read from `_quarto.yml`: its single source of title and chapter order."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from analysis.config import PROJECT_ROOT, QUARTO_CONFIG
from analysis.errors import ParameterError


@dataclass(frozen=True)
class Chapter:
    """One entry of the book: a notebook to execute, or a plain Quarto markdown page."""

    id: str
    source: Path  # relative to the project root
    appendix: bool = False

    @property
    def build_path(self) -> Path:
        """Where the chapter sits inside an executed project (mirrors `_quarto.yml`)."""
        if not self.source.is_absolute():
            return self.source
        return Path("chapters") / self.source.name

    @property
    def is_notebook(self) -> bool:
        """True when the chapter is executed by papermill."""
        return self.source.suffix == ".ipynb"


@dataclass(frozen=True)
class Book:
    """Title, authors and ordered chapters of the report."""

    title: str
    subtitle: str
    author: tuple[str, ...]  # one line each on the title page
    chapters: tuple[Chapter, ...]
    config: dict

    @property
    def notebooks(self) -> tuple[Chapter, ...]:
        """Chapters that papermill executes, in book order."""
        return tuple(c for c in self.chapters if c.is_notebook)

    def chapter(self, chapter_id: str) -> Chapter:
        """The chapter with this id, or a ParameterError that lists the valid ids."""
        for chapter in self.chapters:
            if chapter.id == chapter_id and chapter.is_notebook:
                return chapter
        valid = ", ".join(c.id for c in self.notebooks)
        raise ParameterError(f"unknown chapter {chapter_id!r}; valid chapters: {valid}")


# What another book (a site's) takes from `_quarto.yml` when it does not set it, so that the
# synthetic-data notice and the author line each have one source.
SHARED_KEYS = ("data-notice",)
SHARED_BOOK_KEYS = ("author",)


def book_config(path: Path = QUARTO_CONFIG) -> dict:
    """The parsed book file; a book other than `_quarto.yml` takes the shared keys it lacks
    from `_quarto.yml`."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    if Path(path).resolve() != QUARTO_CONFIG.resolve():
        national = yaml.safe_load(QUARTO_CONFIG.read_text(encoding="utf-8"))
        for key in SHARED_KEYS:
            if key in national:
                config.setdefault(key, national[key])
        for key in SHARED_BOOK_KEYS:
            if key in national.get("book", {}):
                config["book"].setdefault(key, national["book"][key])
    return config


def read_book(path: Path = QUARTO_CONFIG) -> Book:
    """Parse `_quarto.yml` (or another book file, see `book_config`) into a Book."""
    config = book_config(path)
    book = config["book"]
    chapters = [_chapter(entry, appendix=False) for entry in book.get("chapters", [])]
    chapters += [_chapter(entry, appendix=True) for entry in book.get("appendices", [])]
    return Book(
        title=book["title"],
        subtitle=book.get("subtitle", ""),
        author=_authors(book.get("author", "")),
        chapters=tuple(chapters),
        config=config,
    )


def _chapter(entry: str | dict, appendix: bool) -> Chapter:
    source = Path(entry if isinstance(entry, str) else entry["href"])
    return Chapter(id=source.stem, source=source, appendix=appendix)


def _authors(author: str | list) -> tuple[str, ...]:
    if isinstance(author, list):
        return tuple(a if isinstance(a, str) else a.get("name", "") for a in author)
    return (author,) if author else ()


def project_path(relative: Path) -> Path:
    """Absolute path of a file named relative to the project root."""
    return PROJECT_ROOT / relative
