"""Read the data folder into typed tables (schema.yaml), failing clearly on bad files.

Every file is decoded as strict UTF-8 and parsed as text, then each column is given
its contract dtype: text as pandas "string", booleans "boolean", integers "Int64",
floats float64 and months datetime64 (first day of the month).  A missing, empty,
undecodable or truncated file, a missing column or a value of the wrong type is a
DataError naming the file.  A process builds each table once while its files' size and
modification time are unchanged, and hands out copies.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.data_folder import resolve_data_dir
from analysis.data.harmonise import MONTH_DTYPE, PANDAS_DTYPE, harmonise_admin, read_schema
from analysis.data.readlog import record_read
from analysis.errors import DataError

TRUE_TEXT = ("true", "1")
FALSE_TEXT = ("false", "0")


def read_text_table(path: Path, required: list[str] | None = None) -> pd.DataFrame:
    """A CSV file as text columns (NA for blank cells), checked for damage and columns."""
    name = _display_name(path)
    record_read(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise DataError(f"{name}: file is missing") from exc
    except OSError as exc:
        raise DataError(f"{name}: cannot read file ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{name}: not valid UTF-8 (byte {exc.start}: {exc.reason})") from exc
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise DataError(f"{name}: file is empty")
    _check_not_truncated(text, name)
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8"
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise DataError(f"{name}: malformed CSV ({exc})") from exc
    if frame.empty:
        raise DataError(f"{name}: file has a header but no data rows")
    missing = [c for c in required or [] if c not in frame.columns]
    if missing:
        raise DataError(f"{name}: missing column(s) {', '.join(missing)}")
    return frame


def _check_not_truncated(text: str, name: str) -> None:
    if not text.endswith(("\n", "\r")):
        raise DataError(f"{name}: file looks truncated (the last line has no line end)")
    lines = text.strip("\r\n").splitlines()
    header, last = lines[0], lines[-1]
    if len(lines) > 1 and '"' not in last and '"' not in header:
        expected = len(next(csv.reader([header])))
        found = len(next(csv.reader([last])))
        if found != expected:
            raise DataError(
                f"{name}: file looks truncated (last row has {found} of {expected} fields)"
            )


def load_table(data_dir: str | Path | None, table: str) -> pd.DataFrame:
    """A schema table (see analysis/schema.yaml `files`) with its contract dtypes."""
    schema = read_schema()
    directory = resolve_data_dir(data_dir)
    columns = schema["tables"][table]["columns"]
    path = directory / schema["files"][table]

    def build() -> pd.DataFrame:
        frame = read_text_table(path, list(columns))
        return typed_table(frame[list(columns)], columns, _display_name(path))

    return _memoised([path], build)


# Tables already built in this process, keyed by the files they came from and those files'
# size and modification time. Build workers run chapter after chapter in one kernel, so
# each data file is parsed once per build instead of once per chapter.
_MEMO: dict[tuple, pd.DataFrame] = {}
_MEMO_SIZE = 32


def _memoised(paths: list[Path], build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """A copy of the table built from exactly these unchanged files, building it if needed."""
    try:
        key = tuple(
            (str(p.resolve()), stat.st_size, stat.st_mtime_ns) for p in paths for stat in [p.stat()]
        )
    except OSError:
        return build()  # the loader reports the missing file
    for path in paths:
        record_read(path)
    if key not in _MEMO:
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        _MEMO[key] = build()
    return _MEMO[key].copy()


def typed_table(frame: pd.DataFrame, columns: Mapping[str, Any], name: str) -> pd.DataFrame:
    """Text columns converted to the dtypes of their schema types."""
    typed = {}
    for column, spec in columns.items():
        typed[column] = _convert(frame[column], spec["type"], f"{name}, column {column!r}")
    return pd.DataFrame(typed, index=frame.index)


def _convert(values: pd.Series, kind: str, where: str) -> pd.Series:
    """``values`` (text) in the dtype of the schema type ``kind``; each distinct value is
    converted once (a column of 100,000 answers holds a handful)."""
    codes, distinct = pd.factorize(values.astype(object), use_na_sentinel=True)
    codes = np.where(codes < 0, len(distinct), codes)  # missing: the NA after the distinct values
    text = pd.Series([*distinct, pd.NA], dtype="string").str.strip()
    converted = _convert_distinct(text.mask(text == ""), kind, where, codes)
    return converted.take(codes).set_axis(values.index)


def _convert_distinct(text: pd.Series, kind: str, where: str, codes: np.ndarray) -> pd.Series:
    present = text.notna()
    if kind in ("string", "category"):
        return text
    if kind == "boolean":
        lowered = text.str.lower()
        bad = present & ~lowered.isin(TRUE_TEXT + FALSE_TEXT)
        _fail_if(bad, text, where, "booleans are true/false (or 1/0)", codes)
        return lowered.isin(TRUE_TEXT).astype("boolean").mask(~present)
    if kind == "month":
        parsed = pd.to_datetime(text.astype(object), format="%Y-%m", errors="coerce")
        _fail_if(present & parsed.isna(), text, where, "months are written YYYY-MM", codes)
        return parsed.astype(MONTH_DTYPE)
    numbers = pd.to_numeric(text.astype(object), errors="coerce")
    if kind == "integer":
        _fail_if(
            present & (numbers.isna() | (numbers % 1 != 0)),
            text,
            where,
            "integers are whole numbers",
            codes,
        )
        return numbers.astype("Float64").round().astype("Int64")
    _fail_if(present & numbers.isna(), text, where, "floats are numbers", codes)
    return numbers.astype(PANDAS_DTYPE["float"])


def _fail_if(bad: pd.Series, text: pd.Series, where: str, rule: str, codes: np.ndarray) -> None:
    """Refuse the column if any distinct value is ``bad``, counting the rows that hold one."""
    if bad.any():
        examples = ", ".join(repr(v) for v in sorted(text[bad].unique())[:3])
        rows = int(bad.to_numpy(dtype=bool)[codes].sum())
        raise DataError(f"{where}: {rows} invalid value(s) (e.g. {examples}); rule: {rule}")


def _display_name(path: Path) -> str:
    """A file named with its data-folder-relative path where that is clear, e.g. admin/S01.csv."""
    return f"{path.parent.name}/{path.name}" if path.parent.name == "admin" else str(path)


def load_sites(data_dir: str | Path | None) -> pd.DataFrame:
    """The site register (sites.csv)."""
    return load_table(data_dir, "sites")


def load_admin_codebook(data_dir: str | Path | None) -> pd.DataFrame:
    """How each site codes each administrative field (admin_codebook.csv)."""
    return load_table(data_dir, "admin_codebook")


def load_admin_submissions(data_dir: str | Path | None) -> dict[str, pd.DataFrame]:
    """Every raw site submission admin/<site_id>.csv as text, keyed by site id."""
    directory = resolve_data_dir(data_dir)
    folder = directory / Path(read_schema()["files"]["admin_submissions"]).parent
    paths = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    if not paths:
        raise DataError(f"{folder}: no site submissions (admin/<site_id>.csv) found")
    return {path.stem: read_text_table(path) for path in paths}


def load_admin(data_dir: str | Path | None) -> pd.DataFrame:
    """The harmonised administrative cases (schema `admin`), built from the raw submissions."""
    directory = resolve_data_dir(data_dir)
    files = read_schema()["files"]
    folder = directory / Path(files["admin_submissions"]).parent
    paths = [directory / files["sites"], directory / files["admin_codebook"]]
    paths += sorted(folder.glob("*.csv")) if folder.is_dir() else []

    def build() -> pd.DataFrame:
        return harmonise_admin(
            load_admin_submissions(directory),
            load_admin_codebook(directory),
            load_sites(directory),
        )

    return _memoised(paths, build)


def load_staff_survey(data_dir: str | Path | None) -> pd.DataFrame:
    """Staff surveys (staff_survey.csv)."""
    return load_table(data_dir, "staff_survey")


def load_cyp_survey(data_dir: str | Path | None) -> pd.DataFrame:
    """Children and young people's surveys (cyp_survey.csv)."""
    return load_table(data_dir, "cyp_survey")


def load_interviews(data_dir: str | Path | None) -> pd.DataFrame:
    """Coded interviews (interviews.csv)."""
    return load_table(data_dir, "interviews")


def load_interview_excerpts(data_dir: str | Path | None) -> pd.DataFrame:
    """Synthetic illustrative excerpts (interview_excerpts.csv)."""
    return load_table(data_dir, "interview_excerpts")


def load_economics_inputs(data_dir: str | Path | None) -> pd.DataFrame:
    """Inputs of the economic threshold analysis (economics_inputs.csv)."""
    return load_table(data_dir, "economics_inputs")


def load_data_dictionary(data_dir: str | Path | None) -> pd.DataFrame:
    """The data dictionary (data_dictionary.csv)."""
    return load_table(data_dir, "data_dictionary")
