"""One validation call: SUMMARY lists for passing data, COMPLETE row lists once anything fails."""

from __future__ import annotations

import pandas as pd

from analysis.validation import gx_session

SUITE = {
    "name": "answers",
    "expectations": [
        {"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a", "mostly": 0.5}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "b", "max_value": 9}},
    ],
}


def _frame(b_values: list[int]) -> pd.DataFrame:
    a = [None] * 30 + [1.0] * 70  # 30 allowed blanks: more than SUMMARY lists
    return pd.DataFrame({"a": a, "b": b_values})


def test_passing_data_get_partial_lists_only():
    result = gx_session.validate_frame(_frame([1] * 100), SUITE, "answers")
    assert result["success"]
    blanks = result["results"][0]["result"]
    assert blanks["unexpected_count"] == 30
    assert len(blanks["partial_unexpected_list"]) == 20
    assert "unexpected_index_list" not in blanks


def test_failing_data_get_every_failing_row():
    b = [1] * 100
    for position in (3, 50, 97):
        b[position] = 12
    result = gx_session.validate_frame(_frame(b), SUITE, "answers")
    assert not result["success"]
    out_of_range = result["results"][1]["result"]
    assert out_of_range["unexpected_index_list"] == [3, 50, 97]
    assert len(result["results"][0]["result"]["unexpected_index_list"]) == 30
