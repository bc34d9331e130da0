"""Statistical disclosure control: hand-worked examples of each rule, then properties.

The property tests play the attacker: from a published table they bound every suppressed value
with linear programs and check that it could still be at least two different whole numbers.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from analysis import config
from analysis.errors import ParameterError
from analysis.statistics.disclosure import (
    DisclosurePolicy,
    ProtectedProportion,
    protect_count,
    protect_frame_counts,
    protect_mean,
    protect_proportion,
    protect_table,
)

S = config.SDC_SYMBOL


def frame(rows: list[list[int]], index: str = "r", columns: str = "ABCDE") -> pd.DataFrame:
    return pd.DataFrame(
        rows,
        index=[f"{index}{i + 1}" for i in range(len(rows))],
        columns=list(columns[: len(rows[0])]),
    )


# --- policy --------------------------------------------------------------------------------------


def test_default_policy_takes_its_thresholds_from_config():
    policy = DisclosurePolicy()
    assert (policy.suppress_max, policy.round_base, policy.min_n_for_mean, policy.symbol) == (
        config.SDC_SUPPRESS_MAX,
        config.SDC_ROUND_BASE,
        config.SDC_MIN_N_FOR_MEAN,
        config.SDC_SYMBOL,
    )


def test_policy_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DisclosurePolicy().suppress_max = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "value"),
    [("suppress_max", -1), ("round_base", 0), ("min_n_for_mean", 0), ("round_base", 2.5)],
)
def test_policy_with_invalid_threshold_is_a_parameter_error(field, value):
    with pytest.raises(ParameterError, match=field):
        DisclosurePolicy(**{field: value})


# --- single counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "shown"),
    [
        (0, 0),  # a true zero is shown as 0
        (1, S),
        (7, S),  # 1..7 suppressed
        (8, 10),  # the smallest published count rounds up to 10
        (12, 10),
        (13, 15),
        (17, 15),
        (18, 20),
        (503, 505),
        (1270, 1270),
    ],
)
def test_count_is_suppressed_when_1_to_7_and_otherwise_rounded_to_nearest_5(count, shown):
    assert protect_count(count) == shown


def test_count_rounding_takes_halves_upwards_not_to_even():
    # With a base of 10, 25 is exactly half-way: half-up gives 30 where Python's round() gives 20.
    policy = DisclosurePolicy(round_base=10)
    assert protect_count(25, policy) == 30
    assert protect_count(15, policy) == 20
    assert protect_count(14, policy) == 10


def test_configurable_threshold_suppresses_9_when_suppress_max_is_10():
    assert protect_count(9) == 10
    assert protect_count(9, DisclosurePolicy(suppress_max=10)) == S
    assert protect_count(9, DisclosurePolicy(suppress_max=10, symbol="c")) == "c"


def test_published_count_is_a_python_int():
    assert type(protect_count(np.int64(42))) is int


@pytest.mark.parametrize("bad", [-1, 2.5, float("nan"), True, "12", None])
def test_count_that_is_not_a_non_negative_integer_is_a_parameter_error(bad):
    with pytest.raises(ParameterError, match="non-negative integer"):
        protect_count(bad)


# --- proportions ---------------------------------------------------------------------------------


def test_percentage_is_computed_from_the_rounded_numerator_and_denominator():
    # 18 of 53 is 33.96%, but the published figures are 20 of 55, so the published percentage is
    # 20 / 55 = 36.36%: a reader who divides the published numbers gets the published percentage.
    result = protect_proportion(18, 53)
    assert result == ProtectedProportion(20, 55, pytest.approx(100 * 20 / 55), False)
    assert result.fraction == pytest.approx(20 / 55)


def test_proportion_with_small_numerator_is_suppressed_but_keeps_its_denominator():
    assert protect_proportion(3, 50) == ProtectedProportion(S, 50, None, True)


def test_proportion_with_small_complement_is_suppressed_because_it_reveals_the_rest():
    # 47 of 50 says that 3 did not: the complement is a small count too.
    result = protect_proportion(47, 50)
    assert result == ProtectedProportion(S, 50, None, True)
    assert result.fraction is None


def test_proportion_of_a_small_group_is_suppressed_entirely():
    assert protect_proportion(2, 5) == ProtectedProportion(S, S, None, True)


def test_proportion_with_zero_or_all_is_published():
    # 0 of 40 and 40 of 40: neither the numerator nor the complement is in 1..7.
    assert protect_proportion(0, 40) == ProtectedProportion(0, 40, 0.0, False)
    assert protect_proportion(40, 40) == ProtectedProportion(40, 40, 100.0, False)


def test_proportion_of_an_empty_group_has_no_percentage():
    assert protect_proportion(0, 0) == ProtectedProportion(0, 0, None, False)


def test_proportion_with_numerator_above_denominator_is_a_parameter_error():
    with pytest.raises(ParameterError, match="exceed"):
        protect_proportion(12, 10)


# --- means ---------------------------------------------------------------------------------------


def test_mean_is_published_only_when_at_least_8_values_are_present():
    assert protect_mean([1.0] * 7 + [9.0]) == pytest.approx(2.0)  # n = 8: (7 + 9) / 8
    assert protect_mean([1.0] * 7) is None  # n = 7
    # Missing values do not count towards n: 8 entries, one missing, is n = 7.
    assert protect_mean(pd.Series([2.0] * 7 + [np.nan])) is None
    assert protect_mean(pd.Series([2, 4] * 4, dtype="Int64")) == pytest.approx(3.0)


def test_mean_threshold_is_configurable():
    assert protect_mean([5.0] * 8, DisclosurePolicy(min_n_for_mean=10)) is None
    assert protect_mean([5.0] * 3, DisclosurePolicy(min_n_for_mean=3)) == pytest.approx(5.0)


def test_mean_of_non_numeric_values_is_a_parameter_error():
    with pytest.raises(ParameterError, match="numeric"):
        protect_mean(["a"] * 10)


# --- long-format frames --------------------------------------------------------------------------


def test_frame_counts_protects_the_named_columns_cell_by_cell_and_leaves_the_rest():
    groups = pd.DataFrame(
        {"site_id": ["S01", "S02", "S03"], "n": [3, 0, 48], "answered": [12, 5, 52]}
    )
    protected = protect_frame_counts(groups, ["n", "answered"])
    assert protected["site_id"].tolist() == ["S01", "S02", "S03"]
    assert protected["n"].tolist() == [S, 0, 50]
    assert protected["answered"].tolist() == [10, S, 50]
    assert groups["n"].tolist() == [3, 0, 48]  # the input is not modified


def test_frame_counts_with_an_unknown_column_is_a_parameter_error():
    with pytest.raises(ParameterError, match="'cases'"):
        protect_frame_counts(pd.DataFrame({"n": [10]}), ["cases"])


def test_frame_counts_with_a_negative_count_names_the_column():
    with pytest.raises(ParameterError, match=r"column 'n' has 1 negative"):
        protect_frame_counts(pd.DataFrame({"n": [10, -2]}), ["n"])


# --- cross-tables: hand-worked examples ----------------------------------------------------------


def test_table_secondary_suppression_completes_a_two_by_two_block():
    counts = frame([[3, 20, 40], [12, 30, 50], [25, 14, 60]])
    # True totals: rows 63, 92, 99; columns 40, 64, 150; grand total 254.
    # Primary: only r1/A = 3. Row r1 then has one suppressed cell, so it gets its smallest other
    # cell, r1/B = 20. Column A needs a second: r2/A = 12 (smallest). Column B needs a second:
    # r2/B = 30 is preferred to the smaller r3/B = 14 because row r2 already has exactly one
    # suppressed cell, so it completes row r2 too and the pattern closes as a 2x2 block.
    # Everything else is rounded to the nearest 5, totals from the true totals.
    expected = pd.DataFrame(
        [[S, S, 40, 65], [S, S, 50, 90], [25, 15, 60, 100], [40, 65, 150, 255]],
        index=["r1", "r2", "r3", "Total"],
        columns=["A", "B", "C", "Total"],
        dtype=object,
    )
    pd.testing.assert_frame_equal(protect_table(counts), expected)


def test_table_with_a_small_row_total_suppresses_another_total_in_its_column():
    counts = frame([[2, 3], [20, 30]])
    # Row r1 (2, 3, total 5) is all primary suppressed. Columns A and B each need a second cell:
    # r2/A = 20 and r2/B = 30. The total column holds the suppressed 5 and 50 + 5 = 55, so 50
    # (the smaller of 50 and 55) is suppressed too, or 55 - 50 would give r1's total back.
    expected = pd.DataFrame(
        [[S, S, S], [S, S, S], [20, 35, 55]],
        index=["r1", "r2", "Total"],
        columns=["A", "B", "Total"],
        dtype=object,
    )
    pd.testing.assert_frame_equal(protect_table(counts), expected)


def test_table_closes_a_suppressed_cell_that_only_joins_two_blocks():
    counts = frame([[4, 2, 48], [0, 0, 3], [25, 1, 18]])
    # With totals:   A   B   C | Total
    #          r1    4   2  48 |  54
    #          r2    0   0   3 |   3
    #          r3   25   1  18 |  44
    #       Total   29   3  69 | 101
    # Primary: 4, 2, 3, r2's total 3, 1 and column B's total 3. Giving every line a second
    # suppressed entry adds r3/C = 18, column A's total 29 and r3's total 44. That leaves two
    # closed blocks (r1, Total) x (A, B) and (r2, r3) x (C, Total) joined only by r3/B = 1, which
    # unrounded totals would give away: r2 + r3 totals = 101 - 54 = 47, r2/C + r3/C = 69 - 48 =
    # 21, so r3/B = 47 - 25 - 21 = 1. The cheapest cell that puts r3/B on a cycle is r3/A = 25.
    expected = pd.DataFrame(
        [[S, S, 50, 55], [0, 0, S, S], [S, S, S, S], [S, S, 70, 100]],
        index=["r1", "r2", "r3", "Total"],
        columns=["A", "B", "C", "Total"],
        dtype=object,
    )
    pd.testing.assert_frame_equal(protect_table(counts), expected)


def test_table_totals_are_rounded_true_totals_not_sums_of_rounded_cells():
    # Each cell 12 rounds to 10, but the row totals are 24 -> 25 (not 20) and the grand total
    # 48 -> 50 (not 40).
    protected = protect_table(frame([[12, 12], [12, 12]]))
    assert protected.loc["r1"].tolist() == [10, 10, 25]
    assert protected.loc["Total"].tolist() == [25, 25, 50]


def test_table_without_totals_is_protected_as_if_totals_were_published():
    counts = frame([[3, 20, 40], [12, 30, 50], [25, 14, 60]])
    pd.testing.assert_frame_equal(
        protect_table(counts, totals=False), protect_table(counts).iloc[:-1, :-1]
    )


def test_table_with_threshold_10_suppresses_9():
    counts = frame([[9, 40], [30, 50]])
    assert protect_table(counts).loc["r1", "A"] == 10
    assert protect_table(counts, DisclosurePolicy(suppress_max=10)).loc["r1", "A"] == S


def test_table_keeps_labels_and_accepts_nullable_and_whole_float_counts():
    counts = pd.DataFrame(
        {"YOI/STC": pd.array([20, 40], dtype="Int64"), "SCH": [30.0, 60.0]},
        index=pd.Index([1, 2], name="year"),
    )
    counts.columns.name = "reporting_group"
    protected = protect_table(counts)
    assert protected.index.name == "year"
    assert protected.columns.name == "reporting_group"
    assert protected.loc[1].tolist() == [20, 30, 50]
    assert all(type(v) is int for v in protected.to_numpy().ravel())


def test_table_of_zeros_and_empty_tables_publish_zeros():
    assert protect_table(frame([[0, 0], [0, 0]])).to_numpy().tolist() == [[0] * 3] * 3
    empty = protect_table(pd.DataFrame({"A": pd.Series([], dtype=int)}))
    assert empty.to_numpy().tolist() == [[0, 0]]


def test_table_input_is_not_modified():
    counts = frame([[3, 20], [12, 30]])
    before = counts.copy()
    protect_table(counts)
    pd.testing.assert_frame_equal(counts, before)


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        (pd.DataFrame({"A": [1, -1]}), r"column 'A' has 1 negative"),
        (pd.DataFrame({"A": [1.0, 2.5]}), r"column 'A' has 1 value\(s\) that are not"),
        (pd.DataFrame({"A": [1.0, np.nan]}), r"column 'A' has 1 missing"),
        (pd.DataFrame({"A": [True, False]}), r"column 'A' holds booleans"),
        (pd.DataFrame({"A": ["x", "y"]}), r"column 'A' has 2 value\(s\) that are not"),
        (pd.DataFrame({"A": [1], "Total": [1]}), r"already has a 'Total' column"),
    ],
)
def test_table_with_bad_counts_is_a_parameter_error(counts, message):
    with pytest.raises(ParameterError, match=message):
        protect_table(counts)


def test_table_that_is_not_a_dataframe_is_a_parameter_error():
    with pytest.raises(ParameterError, match="DataFrame"):
        protect_table([[1, 2], [3, 4]])  # type: ignore[arg-type]


# --- cross-tables: properties --------------------------------------------------------------------

small_or_any_count = st.one_of(st.integers(0, 7), st.integers(0, 60))


@st.composite
def count_tables(draw: st.DrawFn) -> pd.DataFrame:
    n_rows = draw(st.integers(2, 5))
    n_cols = draw(st.integers(2, 5))
    cells = draw(st.lists(small_or_any_count, min_size=n_rows * n_cols, max_size=n_rows * n_cols))
    return pd.DataFrame(np.array(cells, dtype=np.int64).reshape(n_rows, n_cols))


def with_totals(counts: pd.DataFrame) -> np.ndarray:
    body = counts.to_numpy()
    return np.block(
        [[body, body.sum(axis=1, keepdims=True)], [body.sum(axis=0, keepdims=True), body.sum()]]
    )


def true_values_publishing_as(value: int, policy: DisclosurePolicy) -> tuple[int, int]:
    """The smallest and largest true count that protect_count publishes as ``value``."""
    candidates = range(max(0, value - policy.round_base), value + policy.round_base + 1)
    matching = [n for n in candidates if protect_count(n, policy) == value]
    return min(matching), max(matching)


def entry_coefficients(i: int, j: int, n_rows: int, n_cols: int) -> np.ndarray:
    """Entry (i, j) of the table-with-totals as a sum of body cells (row-major variables)."""
    rows = range(n_rows) if i == n_rows else [i]
    cols = range(n_cols) if j == n_cols else [j]
    coefficients = np.zeros((n_rows, n_cols))
    coefficients[np.ix_(list(rows), list(cols))] = 1.0
    return coefficients.ravel()


def attacker_bounds(published: pd.DataFrame, policy: DisclosurePolicy):
    """What the published table says: for each published entry, lo <= coefficients @ x <= hi."""
    n_rows, n_cols = published.shape[0] - 1, published.shape[1] - 1
    rows, lows, highs, hidden = [], [], [], []
    for (i, j), value in np.ndenumerate(published.to_numpy()):
        coefficients = entry_coefficients(i, j, n_rows, n_cols)
        if value == policy.symbol:
            hidden.append(coefficients)
            continue
        low, high = true_values_publishing_as(value, policy)
        rows.append(coefficients)
        lows.append(low)
        highs.append(high)
    # A table with every entry hidden publishes nothing: no constraints at all.
    width = n_rows * n_cols
    constraints = np.array(rows, dtype=float).reshape(len(rows), width)
    return constraints, np.array(lows, dtype=float), np.array(highs, dtype=float), hidden


def feasible_range(objective, constraints, lows, highs) -> tuple[float, float]:
    """Smallest and largest value of objective @ x over x >= 0 that satisfy the bounds."""
    a_ub = np.vstack([constraints, -constraints]) if len(constraints) else None
    b_ub = np.concatenate([highs, -lows]) if len(constraints) else None
    extremes = []
    for sign in (1.0, -1.0):
        result = linprog(sign * objective, A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
        if result.status == 3:  # unbounded
            extremes.append(-sign * np.inf)
            continue
        assert result.status == 0, result.message
        extremes.append(sign * result.fun)
    return extremes[0], extremes[1]


def assert_no_suppressed_entry_is_recoverable(counts: pd.DataFrame, policy: DisclosurePolicy):
    published = protect_table(counts, policy)
    constraints, lows, highs, hidden = attacker_bounds(published, policy)
    truth = counts.to_numpy().ravel().astype(float)
    # The attacker's constraints describe the real table (checks this test, not the module).
    assert np.all(constraints @ truth >= lows) and np.all(constraints @ truth <= highs)
    for objective in hidden:
        low, high = feasible_range(objective, constraints, lows, highs)
        assert low - 1e-6 <= objective @ truth <= high + 1e-6
        assert high - low >= 1 - 1e-6, (published, objective, low, high)


@settings(max_examples=150, deadline=None)
@given(count_tables())
def test_table_publishes_no_count_from_1_to_7(counts):
    published = protect_table(counts).to_numpy().ravel()
    assert not any(isinstance(v, int) and 1 <= v <= 7 for v in published)


@settings(max_examples=150, deadline=None)
@given(count_tables())
def test_table_publishes_multiples_of_5_within_2_of_the_true_value(counts):
    published = protect_table(counts).to_numpy()
    shown = published != S
    values = published[shown].astype(int)
    assert np.all(values % 5 == 0)
    assert np.all(np.abs(values - with_totals(counts)[shown]) <= 2)


@settings(max_examples=150, deadline=None)
@given(count_tables())
def test_table_has_no_row_or_column_with_a_single_suppressed_entry(counts):
    hidden = protect_table(counts).to_numpy() == S
    assert set(hidden.sum(axis=0)) <= set(range(2, 99)) | {0}
    assert set(hidden.sum(axis=1)) <= set(range(2, 99)) | {0}


@settings(max_examples=150, deadline=None)
@given(count_tables())
def test_no_suppressed_value_can_be_recovered_from_rounded_totals(counts):
    # Linear programs bound each suppressed cell (and suppressed total) given every published
    # figure's rounding interval; at least two whole numbers must remain possible.
    assert_no_suppressed_entry_is_recoverable(counts, DisclosurePolicy())


@settings(max_examples=75, deadline=None)
@given(count_tables())
@example(frame([[4, 2, 48], [0, 0, 3], [25, 1, 18]]))  # the two-blocks table worked by hand above
def test_no_suppressed_value_can_be_recovered_from_exact_totals_without_rounding(counts):
    # round_base=1 publishes exact figures, so suppression alone must protect the hidden cells.
    # (With rounding to 5, the rounding intervals alone already hide a single suppressed cell,
    # so this is the property that exercises secondary suppression.)
    assert_no_suppressed_entry_is_recoverable(counts, DisclosurePolicy(round_base=1))
