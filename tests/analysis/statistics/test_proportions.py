"""Shares, Wilson intervals, tests of change and scale recoders, against hand calculations."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy.stats import norm

from analysis.errors import DataError, ParameterError
from analysis.statistics import proportions

Z = norm.ppf(0.975)


def hand_wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson score interval written out from its formula."""
    p = k / n
    centre = (p + Z**2 / (2 * n)) / (1 + Z**2 / n)
    half = Z / (1 + Z**2 / n) * math.sqrt(p * (1 - p) / n + Z**2 / (4 * n**2))
    return centre - half, centre + half


def test_share_gives_the_proportion_and_the_hand_computed_wilson_interval():
    result = proportions.share(503, 589)
    low, high = hand_wilson(503, 589)
    assert result.proportion == pytest.approx(503 / 589)
    assert (result.ci_low, result.ci_high) == (pytest.approx(low), pytest.approx(high))


def test_wilson_interval_stays_inside_0_1_at_the_extremes():
    low, high = proportions.wilson_interval(0, 10)
    assert low == pytest.approx(0.0, abs=1e-12) and high == pytest.approx(hand_wilson(0, 10)[1])
    low, high = proportions.wilson_interval(10, 10)
    assert high == pytest.approx(1.0) and low == pytest.approx(hand_wilson(10, 10)[0])


def test_share_rejects_a_numerator_larger_than_its_denominator():
    with pytest.raises(DataError, match="164/128"):
        proportions.share(164, 128)


def test_scale_levels_come_from_the_schema():
    assert proportions.scale_levels("frequency") == (
        "never",
        "rarely",
        "sometimes",
        "often",
        "always",
    )
    with pytest.raises(ParameterError, match="unknown scale"):
        proportions.scale_levels("stars")


def test_at_least_sometimes_counts_sometimes_often_always_and_keeps_missing():
    answers = pd.Series(["never", "rarely", "sometimes", "often", "always", None], dtype="string")
    flags = proportions.at_least_sometimes(answers)
    assert flags.dtype == "boolean"
    assert flags.tolist()[:5] == [False, False, True, True, True]
    assert flags.isna().tolist() == [False] * 5 + [True]


def test_agree_or_strongly_agree_and_at_least_a_little():
    agreement = pd.Series(["strongly disagree", "disagree", "neither", "agree", "strongly agree"])
    assert proportions.agree_or_strongly_agree(agreement).tolist() == [False] * 3 + [True] * 2
    extent = pd.Series(["not at all", "a little", "quite a lot", "a lot"])
    assert proportions.at_least_a_little(extent).tolist() == [False, True, True, True]


def test_rarely_or_never_is_the_complement_of_at_least_sometimes():
    answers = pd.Series(["never", "rarely", "sometimes", None])
    flags = proportions.rarely_or_never(answers)
    assert flags.tolist()[:3] == [True, True, False] and pd.isna(flags.iloc[3])


def test_a_label_off_the_scale_is_a_data_error_naming_the_column():
    answers = pd.Series(["often", "sometimse"], name="attend_formulation")
    with pytest.raises(DataError, match=r"attend_formulation.*sometimse"):
        proportions.at_least_sometimes(answers)


def test_share_table_counts_true_among_answered_per_group_with_a_total_row():
    frame = pd.DataFrame(
        {
            "group": ["a", "a", "a", "b", "b", "b", "b"],
            "flag": pd.array([True, False, None, True, True, True, False], dtype="boolean"),
        }
    )
    table = proportions.share_table(frame, "flag", by=["group"], total_label="All")
    assert table["group"].tolist() == ["a", "b", "All"]
    assert table["numerator"].tolist() == [1, 3, 4]
    assert table["denominator"].tolist() == [2, 4, 6]
    assert table["proportion"].tolist() == pytest.approx([0.5, 0.75, 4 / 6])


def test_share_table_leaves_out_groups_where_nobody_answered():
    frame = pd.DataFrame({"group": ["a", "b"], "flag": pd.array([True, None], dtype="boolean")})
    table = proportions.share_table(frame, "flag", by=["group"], total_label="All")
    assert table["group"].tolist() == ["a"]


def test_two_proportion_z_test_matches_the_pooled_formula():
    test = proportions.compare_two_proportions(173, 225, 135, 149)
    p1, p2 = 173 / 225, 135 / 149
    pooled = (173 + 135) / (225 + 149)
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / 225 + 1 / 149))
    assert test.method == "two-sample z-test of proportions"
    assert test.statistic == pytest.approx(z)
    assert test.p_value == pytest.approx(2 * norm.sf(abs(z)))
    assert test.difference == pytest.approx(p2 - p1)
    assert test.ci_low < test.difference < test.ci_high


def test_small_expected_counts_use_fishers_exact_test():
    test = proportions.compare_two_proportions(1, 6, 5, 6)
    assert test.method == "Fisher's exact test"
    # Fisher's exact test of [[1, 5], [5, 1]]: two-sided p = 2 * (1 + 36) / 924 = 0.0801...
    assert test.p_value == pytest.approx(2 * (1 + 36) / 924)


def test_release_shares_is_unchanged_at_national_level():
    table = proportions.share_table(
        pd.DataFrame({"flag": pd.array([True] * 3 + [False], dtype="boolean")}), "flag"
    )
    released = proportions.release_shares(table, protect=False)
    assert released["numerator"].tolist() == [3] and not released["suppressed"].any()


def test_release_shares_suppresses_small_counts_and_rounds_the_rest():
    table = pd.DataFrame(
        {
            "group": ["small", "large"],
            "numerator": [3, 161],
            "denominator": [20, 228],
            "proportion": [3 / 20, 161 / 228],
            "ci_low": [0.0, 0.0],
            "ci_high": [1.0, 1.0],
        }
    )
    released = proportions.release_shares(table, protect=True)
    small, large = released.iloc[0], released.iloc[1]
    assert small["suppressed"] and math.isnan(small["proportion"]) and small["numerator"] == "*"
    assert math.isnan(small["ci_low"])
    assert (large["numerator"], large["denominator"]) == (160, 230)
    assert large["proportion"] == pytest.approx(160 / 230)
    assert (large["ci_low"], large["ci_high"]) == pytest.approx(hand_wilson(160, 230))


def test_release_shares_of_an_empty_table_is_an_empty_table():
    empty = proportions.share_table(pd.DataFrame({"flag": pd.array([], dtype="boolean")}), "flag")
    released = proportions.release_shares(empty, protect=True)
    assert released.empty and "suppressed" in released


def test_release_cross_table_adds_totals_nationally_and_protects_below():
    counts = pd.DataFrame({"x": [10, 3], "y": [20, 30]}, index=["r1", "r2"])
    national = proportions.release_cross_table(counts, protect=False)
    assert national.loc["Total", "Total"] == 63 and national.loc["r2", "x"] == 3
    protected = proportions.release_cross_table(counts, protect=True)
    assert protected.loc["r2", "x"] == "*"
    shares = proportions.row_percentages(national)
    assert shares.loc["r1", "x"] == pytest.approx(10 / 30)
    assert math.isnan(proportions.row_percentages(protected).loc["r2", "x"])


def test_describe_share_reads_like_the_report():
    text = proportions.describe_share(proportions.share(503, 589))
    assert text.startswith("85% (503 of 589; 95% CI ")
    suppressed = pd.Series(
        {"numerator": "*", "denominator": 10, "proportion": math.nan, "ci_low": math.nan}
    )
    assert proportions.describe_share(suppressed) == "not shown (too few to publish)"


def test_shares_by_year_lists_each_year_and_collapses_an_all_suppressed_series():
    table = proportions.share_table(
        pd.DataFrame(
            {"year": [1, 1, 3, 3], "flag": pd.array([True, False, True, True], dtype="boolean")}
        ),
        "flag",
        by=["year"],
    )
    text = proportions.shares_by_year(table)
    assert text.startswith("50% (1 of 2; 95% CI") and " in year one and 100% (2 of 2" in text
    hidden = proportions.release_shares(table, protect=True)
    assert proportions.shares_by_year(hidden) == "not shown for any year (too few to publish)"


def test_share_display_shows_counts_percent_and_interval():
    table = proportions.share_table(
        pd.DataFrame({"g": ["a"] * 4, "flag": pd.array([True] * 3 + [False], dtype="boolean")}),
        "flag",
        by=["g"],
    )
    shown = proportions.share_display(table, labels={"g": "Group"})
    assert shown.columns.tolist() == ["Group", "Yes", "Answered", "%", "95% CI"]
    assert shown.iloc[0]["%"] == "75%"
