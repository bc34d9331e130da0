"""Published-figure reproduction: matching rules by hand, and the bundled data."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from analysis import config
from analysis.report import published_figures
from analysis.report.published_figures import (
    DIFFERS,
    INCONSISTENT,
    MATCHES,
    Recomputed,
    assess_percent_row,
    assess_value_row,
    round_half_up,
)

STATUSES = {MATCHES, DIFFERS, INCONSISTENT}


def percent_row(numerator: str, denominator: str, percent: str) -> pd.Series:
    return pd.Series(
        {"numerator": numerator, "denominator": denominator, "percent_printed": percent}
    )


def test_round_half_up_rounds_halves_away_from_even():
    assert round_half_up(84.5) == 85 and round_half_up(85.5) == 86
    assert round_half_up(2514.6000000000004, 2) == 2514.60


def test_equal_counts_and_rounded_percent_match():
    status, explanation = assess_percent_row(percent_row("20", "67", "30"), Recomputed(20, 67))
    assert status == MATCHES and "20/67 = 29.9%" in explanation


def test_different_counts_differ_even_with_the_same_rounded_percent():
    status, _ = assess_percent_row(percent_row("20", "67", "30"), Recomputed(21, 70))
    assert status == DIFFERS


def test_printed_counts_that_do_not_give_the_printed_percent_are_inconsistent_in_source():
    status, explanation = assess_percent_row(percent_row("164", "128", "78"), Recomputed(164, 210))
    assert status == INCONSISTENT
    assert "164/128 give 128.1%" in explanation
    assert "164/210 = 78.1%, which rounds to the printed 78%" in explanation


def test_a_mean_matches_when_it_rounds_to_the_printed_whole_number():
    row = pd.Series({"value_printed": "5"})
    assert assess_value_row(row, Recomputed(value=5.1))[0] == MATCHES
    assert assess_value_row(row, Recomputed(value=5.6))[0] == DIFFERS


def test_a_count_matches_only_when_equal_and_pounds_to_the_penny():
    assert (
        assess_value_row(pd.Series({"value_printed": "897"}), Recomputed(value=897))[0] == MATCHES
    )
    assert (
        assess_value_row(pd.Series({"value_printed": "897"}), Recomputed(value=896))[0] == DIFFERS
    )
    pounds = pd.Series({"value_printed": "2514.60"})
    assert assess_value_row(pounds, Recomputed(value=2514.6000000000004))[0] == MATCHES
    assert assess_value_row(pounds, Recomputed(value=2514.61))[0] == DIFFERS


def test_every_published_id_has_exactly_one_function():
    published = pd.read_csv(config.PUBLISHED_FIGURES_PATH)
    assert published["id"].is_unique
    assert set(published["id"]) == set(published_figures.FIGURE_FUNCTIONS)


@pytest.fixture(scope="module")
def reproduction() -> pd.DataFrame:
    return published_figures.reproduce_published_figures(config.DEFAULT_DATA_DIR)


def test_every_published_figure_is_in_the_reproduction_with_a_status(reproduction):
    published = pd.read_csv(config.PUBLISHED_FIGURES_PATH)
    assert reproduction["id"].tolist() == published["id"].tolist()
    assert reproduction.columns.tolist() == published_figures.OUTPUT_COLUMNS
    assert set(reproduction["status"]) <= STATUSES
    assert reproduction["explanation"].str.len().gt(0).all()


def test_the_sch_year_two_figure_is_flagged_inconsistent_not_matched(reproduction):
    row = reproduction.set_index("id").loc["t1_sch_attend_y2"]
    assert row["status"] == INCONSISTENT
    assert row["printed"] == "78% (164/128)"
    assert (row["numerator"], row["denominator"]) == (164, 210)
    assert round(row["percent"], 1) == 78.1


def test_children_listened_to_is_flagged_because_84_6_percent_was_printed_as_84(reproduction):
    row = reproduction.set_index("id").loc["t2_cyp_listened"]
    assert (row["numerator"], row["denominator"]) == (132, 156)
    assert row["status"] == INCONSISTENT and "132/156 give 84.6%" in row["explanation"]


def test_all_other_published_figures_match_the_bundled_data(reproduction):
    others = reproduction[~reproduction["id"].isin(["t1_sch_attend_y2", "t2_cyp_listened"])]
    mismatched = others.loc[others["status"] != MATCHES, ["id", "status", "explanation"]]
    assert mismatched.empty, mismatched.to_string()


def test_percent_rows_carry_recomputed_counts_and_value_rows_a_value(reproduction):
    rows = reproduction.set_index("id")
    assert rows.loc["t1_admin_formulation", "percent"] == pytest.approx(100 * 503 / 589)
    assert rows.loc["design_staff_surveys_total", "value"] == 897
    assert round(rows.loc["t1_admin_disciplines_mean", "value"]) == 5
    assert rows.loc["t5_wtp_threshold_gbp", "value"] == config.DEFAULT_WTP


def test_a_changed_dataset_is_reported_as_differing(tmp_path):
    data_dir = shutil.copytree(config.DEFAULT_DATA_DIR, tmp_path / "data")
    surveys = (data_dir / "staff_survey.csv").read_text(encoding="utf-8").splitlines()
    year_one = next(i for i, line in enumerate(surveys[1:], 1) if line.split(",")[2] == "1")
    del surveys[year_one]
    (data_dir / "staff_survey.csv").write_text("\n".join(surveys) + "\n", encoding="utf-8")
    rows = published_figures.reproduce_published_figures(data_dir).set_index("id")
    assert rows.loc["design_staff_surveys_y1", "status"] == DIFFERS
    assert rows.loc["design_staff_surveys_total", "explanation"].startswith("Recomputed 896")
    assert rows.loc["design_cyp_surveys_total", "status"] == MATCHES
