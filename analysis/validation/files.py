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

import numpy as np
import pandas as pd

from analysis.validation.display import inert_text
from analysis.validation.failures import MAX_EXAMPLES, MAX_LINES, Failure

RULE_PRESENT = "file is present"
RULE_READABLE = "file is readable"
RULE_NOT_EMPTY = "file is not empty"
RULE_UTF8 = "file is UTF-8 text"
RULE_WELL_FORMED = "file is well-formed CSV (every quote closed)"
RULE_COMPLETE_ROWS = "every row has as many fields as the header"
RULE_UNIQUE_HEADER = "column names are unique"


@dataclass
class TextTable:
    """A CSV file read as text: the values (empty fields as missing) or the failures.

    ``lines`` holds the line number of each row of ``frame`` in the file (the header is
    line 1; a quoted value may span lines).
    """

    dataset: str
    file: str
    frame: pd.DataFrame | None = None
    failures: list[Failure] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)

    def lines_of(self, positions) -> list[int]:
        """Line numbers of the rows at ``positions`` (0-based) of the frame."""
        return [self.lines[p] for p in positions if 0 <= p < len(self.lines)]

    @property
    def ok(self) -> bool:
        """True when the file was read and is well formed."""
        return self.frame is not None and not self.failures


def _failure(
    table: TextTable, rule: str, rows: int | None = None, examples=(), lines=()
) -> TextTable:
    failure = Failure(table.dataset, table.file, "", rule, rows, tuple(examples), tuple(lines))
    table.failures.append(failure)
    return table


def _decode(table: TextTable, raw: bytes) -> str | None:
    """UTF-8 text of ``raw`` (a BOM is dropped), or None with a failure naming the lines."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        bad_lines, bad_bytes = [], []
        for number, line in enumerate(raw.split(b"\n"), start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                bad_lines.append(number)
                bad_bytes.append(f"byte 0x{line[error.start]:02x}")
        examples = list(dict.fromkeys(bad_bytes))[:MAX_EXAMPLES]
        _failure(table, RULE_UTF8, len(bad_lines), examples, bad_lines[:MAX_LINES])
        return None


def _parse(table: TextTable, text: str) -> TextTable:
    """Check the CSV structure with the csv module, then read the values with pandas."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next((row for row in reader if row), None)
        if header is None:
            return _failure(table, RULE_NOT_EMPTY)
        ragged = []
        previous = reader.line_num
        for row in reader:
            start, previous = previous + 1, reader.line_num
            if not row:
                continue
            table.lines.append(start)
            if len(row) != len(header):
                ragged.append((start, len(row)))
    except csv.Error as error:
        return _failure(table, RULE_WELL_FORMED, None, [inert_text(error)], [reader.line_num])
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        _failure(table, RULE_UNIQUE_HEADER, None, [inert_text(name) for name in repeated])
    if ragged:
        examples = [f"{found} of {len(header)} fields" for _, found in ragged]
        lines = [line for line, _ in ragged]
        unique = list(dict.fromkeys(examples))[:MAX_EXAMPLES]
        _failure(table, RULE_COMPLETE_ROWS, len(ragged), unique, lines[:MAX_LINES])
    if table.failures:
        return table
    try:
        table.frame = pd.read_csv(
            io.StringIO(text), dtype="string", keep_default_na=False, na_values=[""]
        )
    except (pd.errors.ParserError, ValueError) as error:
        return _failure(table, RULE_WELL_FORMED, None, [inert_text(error)])
    if len(table.lines) != len(table.frame):
        table.lines = []  # pandas read the rows differently: no line numbers rather than wrong ones
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
INT64_MAX = 2**63 - 1
TYPE_RULES = {
    "integer": "holds whole numbers",
    "float": "holds numbers",
    "boolean": "holds true/false (or 1/0)",
    "month": "holds months written YYYY-MM",
}
RULE_FINITE = "holds finite numbers (no inf or nan)"
RULE_INT64 = f"holds whole numbers of at most 19 digits (|value| ≤ {INT64_MAX:,})"


def _numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The present values of a text column and their numeric values (NaN where not numbers)."""
    values = text.str.strip()
    present = (values.notna() & (values != "")).fillna(False).astype(bool)
    numbers = pd.to_numeric(values.astype(object).where(present), errors="coerce")
    return present, numbers.astype(float)


def _unparseable(text: pd.Series, kind: str) -> pd.Series:
    """True where a present text value does not parse as the schema type ``kind``."""
    values = text.str.strip()
    present = values.notna() & (values != "")
    if kind == "boolean":
        return (present & ~values.str.lower().isin(BOOLEAN_TEXT)).fillna(False).astype(bool)
    if kind == "month":
        matches = values.str.fullmatch(r"\d{4}-(?:0[1-9]|1[0-2])").fillna(False)
        return (present & ~matches).fillna(False).astype(bool)
    present, numbers = _numbers(text)
    named_non_finite = values.str.lower().str.lstrip("+-").isin(("nan", "inf", "infinity"))
    bad = present & numbers.isna() & ~named_non_finite.fillna(False)
    if kind == "integer":
        bad |= present & numbers.notna() & np.isfinite(numbers) & (numbers % 1 != 0)
    return bad.fillna(False).astype(bool)


def unrepresentable(text: pd.Series, kind: str) -> tuple[pd.Series, str]:
    """True where a number cannot be held as the schema type: not finite, or (integers)
    beyond the 64-bit range; and the rule those values break."""
    present, numbers = _numbers(text)
    values = text.str.strip().str.lower().str.lstrip("+-")
    named = values.isin(("nan", "inf", "infinity")).fillna(False).astype(bool)
    non_finite = present & (named | (numbers.notna() & ~np.isfinite(numbers)))
    if kind == "integer":
        large = present & numbers.notna() & (numbers.abs() >= 2.0**62)
        huge = large & text.where(large).map(_beyond_int64, na_action="ignore")
        return (non_finite | huge.fillna(False)).fillna(False).astype(bool), RULE_INT64
    return non_finite.fillna(False).astype(bool), RULE_FINITE


def _beyond_int64(value: str) -> bool:
    """True when a (large) number written as text is beyond ±INT64_MAX, compared exactly."""
    text = value.strip()
    try:
        return abs(int(text)) > INT64_MAX
    except ValueError:
        return abs(float(text)) > INT64_MAX


def _column_failure(table: TextTable, column: str, bad: pd.Series, rule: str) -> Failure:
    positions = [int(p) for p in bad.to_numpy().nonzero()[0]]
    values = table.frame[column][bad]  # type: ignore[index]
    examples = [inert_text(v) for v in values.unique()[:MAX_EXAMPLES]]
    return Failure(
        table.dataset,
        table.file,
        column,
        f"{column} {rule}",
        int(bad.sum()),
        tuple(examples),
        tuple(table.lines_of(positions[:MAX_LINES])),
    )


def type_failures(
    table: TextTable, columns: dict, flagged: dict[str, set[int]] | None = None
) -> list[Failure]:
    """Failures for columns whose text values do not parse as their schema type, or are
    numbers the type cannot hold (inf, nan, integers beyond 64 bits).

    ``flagged``, when given, receives the row positions reported for each column, so that
    later checks of the same cells can leave them out.
    """
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
            failures.append(_column_failure(table, column, bad, TYPE_RULES[kind]))
        if kind in ("integer", "float"):
            wrong, rule = unrepresentable(frame[column], kind)
            wrong &= ~bad
            if wrong.any():
                failures.append(_column_failure(table, column, wrong, rule))
            bad |= wrong
        if flagged is not None and bad.any():
            flagged.setdefault(column, set()).update(int(p) for p in bad.to_numpy().nonzero()[0])
    return failures
