"""Where the rows of a validated table came from: file, line and column name in that file.

A failure names the file and the first few lines of its failing rows. Most tables are
one file, whose rows are its lines. The harmonised ``admin`` table is built from one
raw file per site, in each site's own column names, so its rows are traced back by
case id to ``admin/<site>.csv`` and its columns to the site's source columns.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.validation.files import TextTable


@dataclass(frozen=True)
class RowSource:
    """Source of each row of a frame, by row position: its file and line."""

    default_file: str
    lines: Sequence[int] | None = None  # line of each row in default_file; None: unknown
    origin: Callable[[int], tuple[str | None, int | None]] | None = None  # for multi-file tables
    column_names: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def locate(self, positions: Sequence[int]) -> list[tuple[str, int | None]]:
        """(file, line) of each row position."""
        out = []
        for position in positions:
            if self.origin is not None:
                file, line = self.origin(position)
                out.append((file or self.default_file, line))
            elif self.lines is not None and 0 <= position < len(self.lines):
                out.append((self.default_file, self.lines[position]))
            else:
                out.append((self.default_file, None))
        return out

    def column_label(self, file: str, column: str) -> str:
        """The column as the file names it, e.g. ``LEFT (discharge_month)``."""
        source = self.column_names.get(file, {}).get(column)
        return column if source is None or source == column else f"{source} ({column})"


def file_rows(text: TextTable) -> RowSource:
    """Rows of a table read from one file."""
    return RowSource(text.file, text.lines or None)


def admin_rows(
    frame: pd.DataFrame,
    submissions: Mapping[str, TextTable],
    codebook: pd.DataFrame | None,
    folder: str = "admin",
) -> RowSource:
    """Rows of the harmonised admin table, traced by case id to their site file and line."""
    default = f"{folder}/*.csv"
    if codebook is None or not {"site_id", "field", "source_column"} <= set(codebook):
        return RowSource(default)
    names: dict[str, dict[str, str]] = {}
    for row in codebook.itertuples(index=False):
        file = f"{folder}/{row.site_id}.csv"
        names.setdefault(file, {})[str(row.field)] = str(row.source_column)
    origins = _case_origins(tuple(sorted(submissions.items())), codebook)
    case_ids = frame.get("case_id")

    def origin(position: int) -> tuple[str | None, int | None]:
        if case_ids is None or not 0 <= position < len(case_ids):
            return None, None
        case_id = case_ids.iloc[position]
        return (None, None) if pd.isna(case_id) else origins().get(str(case_id), (None, None))

    return RowSource(default, None, origin, names)


def _case_origins(submissions, codebook: pd.DataFrame):
    """A cached function giving {case id: (file, line)} over every submission (first wins)."""

    @functools.cache
    def table() -> dict[str, tuple[str, int | None]]:
        found: dict[str, tuple[str, int | None]] = {}
        identifiers = codebook[codebook["field"] == "case_id"]
        source_of = dict(zip(identifiers["site_id"], identifiers["source_column"], strict=True))
        for site, text in submissions:
            column = source_of.get(site)
            if text.frame is None or column not in text.frame:
                continue
            for position, value in enumerate(text.frame[column].str.strip()):
                if pd.notna(value) and value not in found:
                    line = text.lines[position] if position < len(text.lines) else None
                    found[value] = (text.file, line)
        return found

    return table


def rows_by_file(
    source: RowSource, positions: Sequence[int]
) -> dict[str, list[tuple[int, int | None]]]:
    """Row positions grouped by the file they came from: file -> [(position, line)]."""
    grouped: dict[str, list[tuple[int, int | None]]] = {}
    for position, (file, line) in zip(positions, source.locate(positions), strict=True):
        grouped.setdefault(file, []).append((position, line))
    return grouped


def first_lines(rows: Sequence[tuple[int, int | None]]) -> tuple[int, ...]:
    """The sorted known lines of grouped rows."""
    return tuple(sorted(line for _, line in rows if line is not None))
