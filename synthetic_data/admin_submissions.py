"""What each site returned, as the tidy truth and as its raw coded submission.

`observe` applies each site's gaps (fields never returned, values left blank) to the
complete cases; `tidy_admin` is what harmonisation must recover; `encode_submission`
writes a site's rows in its own codes, column names and date format.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from analysis.data.harmonise import table_dtypes
from synthetic_data import calendar
from synthetic_data.admin_cases import force_mean
from synthetic_data.site_codings import FIELDS, FORMULATION_DETAIL

DATE_OF = {
    "admission_month": "admission_date",
    "discharge_month": "discharge_date",
    "formulation_month": "formulation_date",
}
NEVER_BLANK = ("case_id", "admission_month", "discharge_month", "formulation")


def observe(
    rng: np.random.Generator, cases: pd.DataFrame, codebook: pd.DataFrame, targets: dict[str, Any]
) -> pd.DataFrame:
    """The cases as submitted: one object column per field, None where not returned or blank."""
    blank_share = targets["assumptions"]["admin"]["blank_share"]
    observed = pd.DataFrame({"site_id": cases["site_id"], "setting_type": cases["setting_type"]})
    for field in FIELDS:
        returning = codebook.loc[codebook["field"] == field, "site_id"]
        keep = cases["site_id"].isin(returning).to_numpy().copy()
        if field not in NEVER_BLANK:
            keep &= rng.random(len(cases)) >= blank_share
        if field == "formulation":
            keep &= ~cases["formulation_blank"].to_numpy()
        if field in FORMULATION_DETAIL:
            keep &= observed["formulation"].to_numpy(dtype=object) == True  # noqa: E712
        if field in DATE_OF:
            dates = cases[DATE_OF[field]].to_numpy().astype("datetime64[D]")
            observed[field] = np.where(keep, dates, np.datetime64("NaT", "D"))
        else:
            source = cases[field].to_numpy(dtype=object)
            observed[field] = pd.Series(
                np.where(keep, source, None), index=cases.index, dtype=object
            )
    _force_disciplines_mean(rng, observed, targets["design"]["admin"]["disciplines_mean"])
    return observed


def _force_disciplines_mean(rng, observed: pd.DataFrame, target_mean: float) -> None:
    values = observed["disciplines_present"].to_numpy(dtype=object).copy()
    present = np.flatnonzero(~pd.isna(values))
    adjusted = force_mean(rng, values[present].astype(int), target_mean, low=1, high=12)
    values[present] = adjusted
    observed["disciplines_present"] = values


def tidy_admin(observed: pd.DataFrame, schema: dict[str, Any] | None = None) -> pd.DataFrame:
    """The harmonised admin table the submissions encode (schema `admin`), sorted by case."""
    tidy = pd.DataFrame(index=observed.index)
    tidy["case_id"] = observed["case_id"]
    tidy["site_id"] = observed["site_id"]
    tidy["setting_type"] = observed["setting_type"]
    admission = _months(observed["admission_month"])
    tidy["year"] = calendar.evaluation_year(admission.to_numpy().astype("datetime64[M]"))
    for field in FIELDS[1:]:
        tidy[field] = _months(observed[field]) if field in DATE_OF else observed[field]
    dtypes = table_dtypes("admin", schema)
    tidy = tidy[list(dtypes)].astype(dtypes)
    return tidy.sort_values("case_id", ignore_index=True)


def _months(values: pd.Series) -> pd.Series:
    months = values.to_numpy().astype("datetime64[M]").astype("datetime64[ns]")
    return pd.Series(months, index=values.index)


def encode_submission(
    rng: np.random.Generator, rows: pd.DataFrame, codebook: pd.DataFrame
) -> pd.DataFrame:
    """A site's raw submission: its own columns and codes, all text ('' where blank)."""
    rows = rows.sort_values(["admission_month", "case_id"], ignore_index=True)
    raw = {}
    for entry in codebook.itertuples(index=False):
        if entry.kind == "month":
            text = calendar.format_dates(rows[entry.field].to_numpy(), entry.coding)
        elif entry.kind == "identifier":
            text = rows[entry.field].to_numpy(dtype=object)
        elif entry.kind == "integer":
            text = _encode_integers(rows[entry.field].to_numpy(dtype=object), entry.coding)
        else:
            text = _encode_codes(
                rng, rows[entry.field].to_numpy(dtype=object), json.loads(entry.coding)
            )
        raw[entry.source_column] = np.where(pd.isna(text), "", text)
    return pd.DataFrame(raw)


def _encode_codes(rng, values: np.ndarray, coding: dict[str, Any]) -> np.ndarray:
    """Replace harmonised values by raw codes; several codes for one value are used at random."""
    out = np.full(values.size, None, dtype=object)
    missing_codes = [raw for raw, value in coding.items() if value is None]
    absent = pd.isna(values)
    if missing_codes:
        out[absent] = missing_codes[0]
    for value in sorted(set(values[~absent]), key=str):
        codes = [raw for raw, mapped in coding.items() if mapped is not None and mapped == value]
        if not codes:
            raise ValueError(f"coding has no raw code for {value!r}")
        rows = np.flatnonzero(~absent & (values == value))
        out[rows] = np.asarray(codes, dtype=object)[rng.integers(0, len(codes), rows.size)]
    return out


def _encode_integers(values: np.ndarray, coding: str | None) -> np.ndarray:
    tokens = json.loads(coding) if isinstance(coding, str) and coding else {}
    missing = next((raw for raw, value in tokens.items() if value is None), None)
    numbers = pd.Series(values, dtype=object).astype("Int64").astype("string")
    return numbers.fillna(missing or "").to_numpy(dtype=object)
