"""Cell checks of admin_codebook.csv, and of the raw submissions beyond their GX suites.

A codebook row says how one site codes one field. A coding that cannot be read (bad JSON,
a code mapped to a value outside the data contract, a date format without a year) is a
failure of that codebook cell, and the submission column it describes is not checked
against it: the submission is not to blame. Raw values that no suite can judge on text
(whole numbers beyond 64 bits, admissions outside the evaluation window) are failures of
their cells in the submission.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from analysis.data.harmonise import CODEBOOK_KIND, DERIVED_FIELDS, REQUIRED_FIELDS
from analysis.validation.display import inert_text
from analysis.validation.failures import MAX_EXAMPLES, MAX_LINES, Failure
from analysis.validation.files import INT64_MAX, RULE_INT64, TextTable, unrepresentable

DATE_FORMAT = re.compile(r"(?:%[dmYybB]|[^%])+")
YEAR_DIRECTIVES = ("%Y", "%y")
MONTH_DIRECTIVES = ("%m", "%b", "%B")
CODED_KINDS = ("category", "boolean")


def coding_problem(kind: str, coding: str | None, allowed: list | None) -> str | None:
    """Why a codebook coding cannot be read for a field of ``kind``, or None when it can."""
    if kind == "month":
        if not coding:
            return "a month field's coding is its date format, e.g. %d/%m/%Y"
        has_year = any(d in coding for d in YEAR_DIRECTIVES)
        has_month = any(d in coding for d in MONTH_DIRECTIVES)
        if not DATE_FORMAT.fullmatch(coding) or not (has_year and has_month):
            return (
                "a month field's coding is a date format with a year (%Y or %y) and a month "
                "(%m, %b or %B), and no other directive than %d"
            )
        return None
    if kind not in (*CODED_KINDS, "integer"):
        return None
    if not coding:
        if kind == "integer":
            return None
        return f"a {kind} field's coding is a JSON object mapping each raw code to a value"
    try:
        mapping = json.loads(coding)
    except (json.JSONDecodeError, RecursionError) as error:
        return f"coding is a JSON object (this is not JSON: {error.msg} at character {error.pos})"
    if not isinstance(mapping, dict) or (kind in CODED_KINDS and not mapping):
        return "coding is a JSON object mapping each raw code to a value"
    values = [value for value in mapping.values() if value is not None]
    if kind == "boolean" and any(not isinstance(value, bool) for value in values):
        return "a boolean field's codes map to true, false or null"
    if kind == "category" and any(value not in (allowed or []) for value in values):
        return f"a category field's codes map to null or one of: {', '.join(allowed or [])}"
    if kind == "integer" and any(
        isinstance(value, bool) or not isinstance(value, int) or abs(value) > INT64_MAX
        for value in values
    ):
        return "an integer field's missing-value codes map to null (or a whole number)"
    return None


def codebook_failures(
    codebook: TextTable, schema: Mapping[str, Any]
) -> tuple[list[Failure], set[tuple[str, str]]]:
    """Failures of codebook cells, and the (site, field) pairs whose coding is unusable."""
    frame = codebook.frame
    needed = {"site_id", "field", "kind", "coding"}
    if frame is None or not needed <= set(frame.columns):
        return [], set()
    columns = schema["tables"]["admin"]["columns"]
    broken: set[tuple[str, str]] = set()
    problems: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for position, row in enumerate(frame[list(needed)].itertuples(index=False)):
        site, name = str(row.site_id).strip(), str(row.field).strip()
        spec = columns.get(name)
        if spec is None or name in DERIVED_FIELDS:
            broken.add((site, name))  # the field's own expectation reports it
            continue
        kind = str(row.kind).strip()
        expected = CODEBOOK_KIND[spec["type"]]
        if kind not in CODEBOOK_KIND.values():
            broken.add((site, name))  # the kind's own expectation reports it
            continue
        if kind != expected:
            broken.add((site, name))
            rule = "kind is the kind schema.yaml gives the field (e.g. month for admission_month)"
            problems.setdefault(("kind", rule), []).append((position, f"{name}: {kind}"))
            continue
        coding = None if pd.isna(row.coding) else str(row.coding)
        problem = coding_problem(kind, coding, spec.get("values"))
        if problem is not None:
            broken.add((site, name))
            problems.setdefault(("coding", problem), []).append((position, f"{name}: {coding}"))
    failures = [
        Failure(
            codebook.dataset,
            codebook.file,
            column,
            rule,
            len(rows),
            tuple(inert_text(value) for _, value in rows[:MAX_EXAMPLES]),
            tuple(codebook.lines_of([position for position, _ in rows[:MAX_LINES]])),
        )
        for (column, rule), rows in problems.items()
    ]
    failures += _required_fields(codebook)
    return failures, broken


def _required_fields(codebook: TextTable) -> list[Failure]:
    frame = codebook.frame
    failures = []
    for site, rows in frame.groupby(frame["site_id"].str.strip(), sort=True):
        absent = [f for f in REQUIRED_FIELDS if f not in set(rows["field"].str.strip())]
        if absent:
            positions = [frame.index.get_loc(label) for label in rows.index[:MAX_LINES]]
            failures.append(
                Failure(
                    codebook.dataset,
                    codebook.file,
                    "field",
                    f"each site codes the required fields {', '.join(REQUIRED_FIELDS)}",
                    len(rows),
                    (inert_text(f"{site} lacks {', '.join(absent)}"),),
                    tuple(codebook.lines_of(positions)),
                )
            )
    return failures


def submission_failures(
    text: TextTable,
    rows: pd.DataFrame,
    schema: Mapping[str, Any],
    skip_fields: set[str],
) -> list[Failure]:
    """Cells of one raw submission that its suite cannot judge: whole numbers beyond 64
    bits, and admission dates outside the evaluation window."""
    frame = text.frame
    if frame is None:
        return []
    failures = []
    for row in rows.itertuples(index=False):
        field, column = str(row.field), str(row.source_column)
        if field in skip_fields or column not in frame:
            continue
        coding = None if pd.isna(row.coding) else str(row.coding)
        values = frame[column]
        if row.kind == "integer":
            codes = set(json.loads(coding)) if coding else set()
            candidates = values.where(~values.str.strip().isin(codes))
            bad, _ = unrepresentable(candidates, "integer")
            rule = f"{column} ({field}) {RULE_INT64}"
        elif field == "admission_month" and coding:
            bad = _outside_window(values, coding, schema)
            window = schema["evaluation_window"]
            rule = (
                f"{column} ({field}) is inside the evaluation window "
                f"({window['start']} to {window['end']})"
            )
        else:
            continue
        if bad.any():
            positions = [int(p) for p in bad.to_numpy().nonzero()[0]]
            examples = [inert_text(v) for v in values[bad].unique()[:MAX_EXAMPLES]]
            failures.append(
                Failure(
                    text.dataset,
                    text.file,
                    column,
                    rule,
                    len(positions),
                    tuple(examples),
                    tuple(text.lines_of(positions[:MAX_LINES])),
                )
            )
    return failures


def _outside_window(values: pd.Series, fmt: str, schema: Mapping[str, Any]) -> pd.Series:
    """True where a date parses with the site's format but its month is outside the window
    (dates that do not parse are the suite's to report)."""
    from analysis.data.harmonise import _month_names_to_numbers

    stripped = values.astype(object).where(values.notna(), None)
    stripped = stripped.map(lambda v: v.strip() if isinstance(v, str) else v)
    text, numeric = _month_names_to_numbers(stripped, fmt)
    parsed = pd.to_datetime(text, format=numeric, errors="coerce")
    months = parsed.dt.to_period("M")
    start = pd.Period(schema["evaluation_window"]["start"], "M")
    end = pd.Period(schema["evaluation_window"]["end"], "M")
    outside = parsed.notna() & ((months < start) | (months > end))
    return outside.fillna(False).astype(bool)
