"""Share tables laid out for readers: one row per series, one column per year (or group).

The prose states a finding and its size; the numbers behind it, with their counts, go in a
table built here. Each cell reads '46% (48/105)'; a suppressed share shows the disclosure
symbol, and a series with no value in a column shows '–'.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pandas as pd

from analysis import config
from analysis.display.presentation import format_count, format_percent

MISSING = "–"


def share_cell(row: pd.Series | dict) -> str:
    """'46% (48/105)', or the disclosure symbol where the share is suppressed."""
    proportion = row["proportion"]
    if proportion is None or (isinstance(proportion, float) and math.isnan(proportion)):
        return config.SDC_SYMBOL
    return (
        f"{format_percent(proportion)} ({format_count(row['numerator'])}/"
        f"{format_count(row['denominator'])})"
    )


def wide_share_table(
    table: pd.DataFrame,
    rows: Sequence[str],
    column: str = "year",
    column_name: Callable[[object], str] = str,
    labels: dict[str, str] | None = None,
) -> pd.DataFrame:
    """One row per combination of `rows`, one column per value of `column`, cells share_cell.

    Rows keep the order in which they first appear in `table`.
    """
    labels = labels or {}
    heads = [labels.get(r, r) for r in rows]
    if table.empty:
        return pd.DataFrame([[MISSING] * len(heads)], columns=heads)
    values = list(dict.fromkeys(table[column]))
    names = [column_name(v) for v in values]
    out = []
    for key, part in table.groupby(list(rows), sort=False, observed=True):
        key = key if isinstance(key, tuple) else (key,)
        cells = {row[column]: share_cell(row) for _, row in part.iterrows()}
        out.append([*key, *[cells.get(v, MISSING) for v in values]])
    return pd.DataFrame(out, columns=[*heads, *names])
