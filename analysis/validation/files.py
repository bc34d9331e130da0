"""Read a CSV file as text, turning every way it can be broken into a Failure.

A file that is missing, unreadable, empty, not UTF-8, or not well-formed CSV (an
unterminated quote, ragged rows as left by truncation, repeated column names) yields
no frame and one Failure naming the rule; the gate then goes on with the other files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.validation.display import inert_text
from analysis.validation.failures import MAX_EXAMPLES, Failure

RULE_PRESENT = "file is present"
RULE_READABLE = "file is readable"
RULE_NOT_EMPTY = "file is not empty"
RULE_UTF8 = "file is UTF-8 text"
RULE_WELL_FORMED = "file is well-formed CSV (every quote closed)"
RULE_COMPLETE_ROWS = "every row has as many fields as the header"
RULE_UNIQUE_HEADER = "column names are unique"


@dataclass
class TextTable:
    """A CSV file read as text: the values (empty fields as missing) or the failures."""

    dataset: str
    file: str
    frame: pd.DataFrame | None = None
    failures: list[Failure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file was read and is well formed."""
        return self.frame is not None and not self.failures


def _failure(table: TextTable, rule: str, rows: int | None = None, examples=()) -> TextTable:
    table.failures.append(Failure(table.dataset, table.file, "", rule, rows, tuple(examples)))
    return table


def _decode(table: TextTable, raw: bytes) -> str | None:
    """UTF-8 text of ``raw`` (a BOM is dropped), or None with a failure naming the lines."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        bad_lines = []
        for number, line in enumerate(raw.split(b"\n"), start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                byte = line[error.start]
                bad_lines.append(f"line {number}: byte 0x{byte:02x}")
        _failure(table, RULE_UTF8, len(bad_lines), bad_lines[:MAX_EXAMPLES])
        return None


def _parse(table: TextTable, text: str) -> TextTable:
    """Check the CSV structure with the csv module, then read the values with pandas."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next((row for row in reader if row), None)
        if header is None:
            return _failure(table, RULE_NOT_EMPTY)
        ragged = [(reader.line_num, len(row)) for row in reader if row and len(row) != len(header)]
    except csv.Error as error:
        return _failure(table, RULE_WELL_FORMED, None, [f"line {reader.line_num}: {error}"])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        _failure(table, RULE_UNIQUE_HEADER, None, [inert_text(name) for name in repeated])
    if ragged:
        examples = [f"line {line}: {found} of {len(header)} fields" for line, found in ragged]
        _failure(table, RULE_COMPLETE_ROWS, len(ragged), examples[:MAX_EXAMPLES])
    if table.failures:
        return table
    try:
        table.frame = pd.read_csv(
            io.StringIO(text), dtype="string", keep_default_na=False, na_values=[""]
        )
    except (pd.errors.ParserError, ValueError) as error:
        return _failure(table, RULE_WELL_FORMED, None, [inert_text(error)])
    return table


def read_text_table(path: Path, dataset: str, file: str) -> TextTable:
    """Read ``path`` as a table of text values; failures instead of exceptions."""
    table = TextTable(dataset, file)
    if not path.exists():
        return _failure(table, RULE_PRESENT)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return _failure(table, RULE_READABLE, None, [inert_text(error.strerror or error)])
    if not raw.strip():
        return _failure(table, RULE_NOT_EMPTY)
    text = _decode(table, raw)
    if text is None:
        return table
    return _parse(table, text)


BOOLEAN_TEXT = ("true", "false", "1", "0")
TYPE_RULES = {
    "integer": "holds whole numbers",
    "float": "holds numbers",
    "boolean": "holds true/false (or 1/0)",
    "month": "holds months written YYYY-MM",
}


def _unparseable(text: pd.Series, kind: str) -> pd.Series:
    """True where a present text value does not parse as the schema type ``kind``."""
    values = text.str.strip()
    present = values.notna() & (values != "")
    if kind == "boolean":
        return present & ~values.str.lower().isin(BOOLEAN_TEXT)
    if kind == "month":
        return present & ~values.str.fullmatch(r"\d{4}-(?:0[1-9]|1[0-2])").fillna(False)
    numbers = pd.to_numeric(values.astype(object).where(present), errors="coerce")
    bad = present & numbers.isna()
    if kind == "integer":
        bad |= present & (numbers % 1 != 0).fillna(False)
    return bad.fillna(False).astype(bool)


def type_failures(table: TextTable, columns: dict) -> list[Failure]:
    """Failures for columns whose text values do not parse as their schema type."""
    failures = []
    frame = table.frame
    if frame is None:
        return failures
    for column, spec in columns.items():
        kind = spec["type"]
        if column not in frame.columns or kind not in TYPE_RULES:
            continue
        bad = _unparseable(frame[column], kind)
        if bad.any():
            examples = [inert_text(v) for v in frame.loc[bad, column].unique()[:MAX_EXAMPLES]]
            rule = f"{column} {TYPE_RULES[kind]}"
            failures.append(
                Failure(table.dataset, table.file, column, rule, int(bad.sum()), tuple(examples))
            )
    return failures
