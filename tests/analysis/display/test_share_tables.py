"""Share tables laid out one row per series, one column per year."""

from __future__ import annotations

import math

import pandas as pd

from analysis import config
from analysis.display.share_tables import share_cell, wide_share_table


def _rows(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["group", "year", "numerator", "denominator", "proportion"])


def test_a_cell_reads_percent_then_counts_and_a_suppressed_share_shows_the_symbol():
    assert (
        share_cell({"numerator": 48, "denominator": 105, "proportion": 48 / 105}) == "46% (48/105)"
    )
    hidden = {"numerator": "*", "denominator": 20, "proportion": math.nan}
    assert share_cell(hidden) == config.SDC_SYMBOL


def test_rows_keep_their_first_order_and_missing_years_show_a_dash():
    table = _rows(("SCH", 1, 1, 2, 0.5), ("YOI/STC", 1, 3, 4, 0.75), ("SCH", 3, 2, 2, 1.0))
    shown = wide_share_table(table, ["group"], column_name=lambda y: f"Year {y}")
    assert shown.columns.tolist() == ["group", "Year 1", "Year 3"]
    assert shown.values.tolist() == [
        ["SCH", "50% (1/2)", "100% (2/2)"],
        ["YOI/STC", "75% (3/4)", "–"],
    ]


def test_an_empty_table_is_one_row_of_dashes():
    shown = wide_share_table(_rows(), ["group"], labels={"group": "Setting group"})
    assert shown.values.tolist() == [["–"]] and shown.columns.tolist() == ["Setting group"]
