"""Harmonise the per-site administrative submissions into the tidy `admin` table.

Each site submits `admin/<site_id>.csv` in its own coding; `admin_codebook.csv` says,
per site and harmonised field, which raw column holds it and how to read it (a JSON
map raw code -> value, or a strftime format for months).  Anything the codebook does
not explain (an unknown code, an unparseable date, a missing column) is a DataError
naming the site file, the column, the rule broken and how many values broke it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analysis import config
from analysis.errors import DataError

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when available
MONTH_DTYPE = "datetime64[ns]"
PANDAS_DTYPE = {
    "string": "string",
    "category": "string",
    "boolean": "boolean",
    "integer": "Int64",
    "float": "float64",
    "month": MONTH_DTYPE,
}
# How the codebook must read each schema type.
CODEBOOK_KIND = {
    "string": "identifier",
    "category": "category",
    "boolean": "boolean",
    "month": "month",
    "integer": "integer",
}
DERIVED_FIELDS = ("site_id", "setting_type", "year")  # never read from a submission
REQUIRED_FIELDS = ("case_id", "admission_month")
CODEBOOK_COLUMNS = ("site_id", "field", "source_column", "kind", "coding")
MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def read_schema(path: Path = config.SCHEMA_PATH) -> dict[str, Any]:
    """The data contract (analysis/schema.yaml), read afresh on every call."""
    try:
        with Path(path).open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"cannot read the data contract {path}: {exc}") from exc


def table_dtypes(table: str, schema: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Pandas dtype of every column of a schema table, in schema order."""
    schema = schema or read_schema()
    columns = schema["tables"][table]["columns"]
    return {name: PANDAS_DTYPE[spec["type"]] for name, spec in columns.items()}


def evaluation_year(months: pd.Series, schema: Mapping[str, Any] | None = None) -> pd.Series:
    """Evaluation year (Int64) of each month by schema.yaml `evaluation_years`; NA outside them."""
    schema = schema or read_schema()
    year = pd.Series(pd.NA, index=months.index, dtype="Int64")
    for number, bounds in schema["evaluation_years"].items():
        start = pd.Timestamp(bounds["start"])
        end = pd.Timestamp(bounds["end"])
        year = year.mask((months >= start) & (months <= end), int(number))
    return year


def harmonise_admin(
    submissions: Mapping[str, pd.DataFrame], codebook: pd.DataFrame, sites: pd.DataFrame
) -> pd.DataFrame:
    """The tidy `admin` table from raw site submissions keyed by site id, sorted by case_id.

    `submissions` maps a site id to its raw file read as text; fields a site did not
    return are missing (NA); `setting_type` comes from the site register and `year`
    from the admission month.
    """
    schema = read_schema()
    columns = schema["tables"]["admin"]["columns"]
    _check_codebook(codebook, columns)
    if not submissions:
        raise DataError("admin/: no site submissions (admin/<site_id>.csv) found")
    setting_of = dict(
        zip(sites["site_id"].astype(str), sites["setting_type"].astype(str), strict=True)
    )
    coded_sites = set(codebook["site_id"].astype(str))
    unsubmitted = sorted(coded_sites - set(submissions))
    if unsubmitted:
        raise DataError(
            f"admin_codebook.csv: codings given for sites with no submission file: "
            f"{', '.join(f'admin/{s}.csv' for s in unsubmitted)}"
        )
    frames = []
    for site_id in sorted(submissions):
        where = f"admin/{site_id}.csv"
        if site_id not in setting_of:
            raise DataError(f"{where}: site {site_id!r} is not in the site register sites.csv")
        entries = codebook[codebook["site_id"].astype(str) == site_id]
        if entries.empty:
            raise DataError(f"{where}: admin_codebook.csv has no rows for site {site_id}")
        site_frame = _harmonise_site(submissions[site_id], entries, columns, where)
        site_frame["site_id"] = site_id
        site_frame["setting_type"] = setting_of[site_id]
        frames.append(site_frame)
    admin = pd.concat(frames, ignore_index=True)
    admin["year"] = evaluation_year(admin["admission_month"], schema)
    _check_admin_rows(admin, schema)
    dtypes = table_dtypes("admin", schema)
    admin = admin.reindex(columns=list(dtypes)).astype(dtypes)
    return admin.sort_values("case_id", ignore_index=True)


def _check_codebook(codebook: pd.DataFrame, columns: Mapping[str, Any]) -> None:
    missing = [c for c in CODEBOOK_COLUMNS if c not in codebook.columns]
    if missing:
        raise DataError(f"admin_codebook.csv: missing column(s) {', '.join(missing)}")
    fields = codebook["field"].astype(str)
    unknown = sorted(set(fields) - (set(columns) - set(DERIVED_FIELDS)))
    if unknown:
        raise DataError(
            f"admin_codebook.csv, column 'field': {len(unknown)} unknown field(s) "
            f"{', '.join(map(repr, unknown))} (rule: fields must be submitted columns of the "
            f"admin table in schema.yaml)"
        )
    duplicated = codebook[codebook.duplicated(["site_id", "field"], keep=False)]
    if not duplicated.empty:
        pairs = sorted(set(zip(duplicated["site_id"], duplicated["field"], strict=True)))
        raise DataError(
            f"admin_codebook.csv: {len(pairs)} site/field pair(s) coded more than once, "
            f"e.g. {pairs[0][0]} {pairs[0][1]} (rule: one row per site and field)"
        )
    expected = fields.map(lambda f: CODEBOOK_KIND[columns[f]["type"]])
    wrong = codebook[codebook["kind"].astype(str) != expected]
    if not wrong.empty:
        first = wrong.iloc[0]
        raise DataError(
            f"admin_codebook.csv, column 'kind': {len(wrong)} row(s) with the wrong kind, e.g. "
            f"{first['site_id']} {first['field']} is {first['kind']!r}, expected "
            f"{CODEBOOK_KIND[columns[first['field']]['type']]!r}"
        )
    for site_id, entries in codebook.groupby("site_id", sort=True):
        absent = [f for f in REQUIRED_FIELDS if f not in set(entries["field"])]
        if absent:
            raise DataError(
                f"admin_codebook.csv: site {site_id} does not code required field(s) "
                f"{', '.join(absent)}"
            )


def _harmonise_site(
    raw: pd.DataFrame, entries: pd.DataFrame, columns: Mapping[str, Any], where: str
) -> pd.DataFrame:
    out = pd.DataFrame(index=raw.index)
    for entry in entries.itertuples(index=False):
        if entry.source_column not in raw.columns:
            raise DataError(
                f"{where}: column {entry.source_column!r} (field {entry.field}) is missing; "
                f"rule: every column listed for the site in admin_codebook.csv must be submitted"
            )
        values = _Distinct.of(raw[entry.source_column])
        context = f"{where}, column {entry.source_column!r} ({entry.field})"
        coding = None if pd.isna(entry.coding) else str(entry.coding)
        if entry.kind == "identifier":
            converted = pd.array(values.values, dtype="string")
        elif entry.kind == "month":
            converted = _read_months(values, coding, context)
        elif entry.kind == "integer":
            converted = _read_integers(values, coding, context)
        else:
            allowed = columns[entry.field].get("values")
            converted = _read_codes(values, coding, entry.kind, allowed, context)
        out[entry.field] = values.expand(converted, raw.index)
    for field in REQUIRED_FIELDS:
        blank = int(out[field].isna().sum())
        if blank:
            raise DataError(
                f"{where}, field {field}: {blank} blank value(s); rule: {field} is required"
            )
    return out


@dataclass(frozen=True)
class _Distinct:
    """A raw column as its distinct stripped texts plus, per row, which one (-1: blank).

    Codes and dates repeat a lot, so converting the distinct texts only is fast at any size.
    """

    codes: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, column: pd.Series) -> _Distinct:
        codes, uniques = pd.factorize(column.to_numpy(dtype=object))
        stripped = np.array([str(u).strip() or None for u in uniques], dtype=object)
        stripped_codes, values = pd.factorize(stripped)  # blanks (None) get code -1
        rows = np.full(codes.shape, -1, dtype=np.intp)
        present = codes >= 0
        rows[present] = stripped_codes[codes[present]]
        return cls(rows, np.asarray(values, dtype=object))

    def rows_with(self, bad: np.ndarray) -> int:
        """How many rows hold one of the distinct values flagged in `bad`."""
        return int(np.isin(self.codes, np.flatnonzero(bad)).sum())

    def examples(self, bad: np.ndarray) -> str:
        return ", ".join(repr(v) for v in sorted(self.values[bad])[:3])

    def expand(self, converted: Any, index: pd.Index) -> pd.Series:
        """Per-row values from the converted distinct values (NA for blanks)."""
        if isinstance(converted, np.ndarray):  # months
            taken = np.full(self.codes.shape, np.datetime64("NaT"), dtype=MONTH_DTYPE)
            present = self.codes >= 0
            taken[present] = converted[self.codes[present]]
            return pd.Series(taken, index=index)
        return pd.Series(converted.take(self.codes, allow_fill=True), index=index)


def _parse_coding(coding: str | None, context: str) -> dict[str, Any]:
    if not coding:
        return {}
    try:
        mapping = json.loads(coding)
    except json.JSONDecodeError as exc:
        raise DataError(f"admin_codebook.csv, {context}: coding is not valid JSON ({exc})") from exc
    if not isinstance(mapping, dict):
        raise DataError(f"admin_codebook.csv, {context}: coding must be a JSON object")
    return mapping


def _read_codes(
    values: _Distinct, coding: str | None, kind: str, allowed: list | None, context: str
) -> Any:
    mapping = _parse_coding(coding, context)
    if not mapping:
        raise DataError(f"admin_codebook.csv, {context}: a {kind} field needs a JSON coding")
    targets = {v for v in mapping.values() if v is not None}
    if kind == "boolean":
        bad_targets = [str(v) for v in targets if not isinstance(v, bool)]
    else:
        bad_targets = sorted(str(v) for v in targets if v not in set(allowed or []))
    if bad_targets:
        raise DataError(
            f"admin_codebook.csv, {context}: coding maps to value(s) outside the data contract: "
            f"{', '.join(bad_targets)}"
        )
    unknown = np.array([v not in mapping for v in values.values], dtype=bool)
    if unknown.any():
        raise DataError(
            f"{context}: {values.rows_with(unknown)} value(s) with codes not in admin_codebook.csv "
            f"(e.g. {values.examples(unknown)}); rule: every raw code must be listed in the "
            f"site's coding"
        )
    mapped = [mapping[v] for v in values.values]
    return pd.array(mapped, dtype="boolean" if kind == "boolean" else "string")


def _read_integers(values: _Distinct, coding: str | None, context: str) -> Any:
    tokens = _parse_coding(coding, context)
    converted: list[int | None] = []
    bad = np.zeros(values.values.size, dtype=bool)
    for position, text in enumerate(values.values):
        if text in tokens:
            converted.append(tokens[text])
            continue
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        bad[position] = not number.is_integer() if number == number else True
        converted.append(None if bad[position] else int(number))
    if bad.any():
        raise DataError(
            f"{context}: {values.rows_with(bad)} value(s) that are not whole numbers "
            f"(e.g. {values.examples(bad)}); rule: integer fields hold whole numbers or a "
            f"missing-value code from the coding"
        )
    return pd.array(converted, dtype="Int64")


def _read_months(values: _Distinct, fmt: str | None, context: str) -> np.ndarray:
    """Parse dates with the site's strftime format and keep their month (first day)."""
    if not fmt:
        raise DataError(f"admin_codebook.csv, {context}: a month field needs a date format")
    text, numeric_fmt = _month_names_to_numbers(pd.Series(values.values, dtype=object), fmt)
    parsed = pd.to_datetime(text, format=numeric_fmt, errors="coerce")
    failed = parsed.isna().to_numpy()
    if failed.any():
        raise DataError(
            f"{context}: {values.rows_with(failed)} date(s) not in the site's format {fmt!r} "
            f"(e.g. {values.examples(failed)}); rule: dates must parse with the coding in "
            f"admin_codebook.csv"
        )
    return parsed.to_numpy().astype("datetime64[M]").astype(MONTH_DTYPE)


def _month_names_to_numbers(values: pd.Series, fmt: str) -> tuple[pd.Series, str]:
    """Replace English month names by numbers, so parsing does not depend on the locale."""
    if "%B" not in fmt and "%b" not in fmt:
        return values, fmt
    names = "|".join(MONTH_NAMES) if "%B" in fmt else "|".join(n[:3] for n in MONTH_NAMES)
    pattern = re.compile(rf"\b({names})\b", flags=re.IGNORECASE)
    width = 3 if "%B" not in fmt else 9

    def number(match: re.Match) -> str:
        return f"{[n[:width] for n in MONTH_NAMES].index(match.group(1).lower()[:width]) + 1:02d}"

    text = values.astype(str).map(lambda v: pattern.sub(number, v))
    return text, fmt.replace("%B", "%m").replace("%b", "%m")


def _check_admin_rows(admin: pd.DataFrame, schema: Mapping[str, Any]) -> None:
    outside = admin["year"].isna()
    if outside.any():
        window = schema["evaluation_window"]
        sites = ", ".join(sorted(set(admin.loc[outside, "site_id"])))
        raise DataError(
            f"admin/ ({sites}), field admission_month: {int(outside.sum())} admission(s) outside "
            f"the evaluation window {window['start']} to {window['end']}"
        )
    duplicated = admin["case_id"].duplicated(keep=False)
    if duplicated.any():
        sites = ", ".join(sorted(set(admin.loc[duplicated, "site_id"])))
        raise DataError(
            f"admin/ ({sites}), field case_id: {int(duplicated.sum())} rows share a case id; "
            f"rule: case ids are unique across sites"
        )
