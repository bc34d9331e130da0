"""Interview themes: prevalence by hand, and excerpt attribution."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.statistics import themes

SITES = pd.DataFrame({"site_id": ["S01", "S02"], "reporting_group": ["YOI/STC", "SCH"]})
INTERVIEWS = pd.DataFrame(
    {
        "interview_id": ["A", "B", "C", "D", "E"],
        "participant_group": ["staff", "staff", "staff", "cyp", "staff"],
        "year": [1, 1, 2, 2, 2],
        "site_id": ["S01", "S02", "S02", "S01", "S01"],
        "theme_hope": [True, False, True, True, True],
        "theme_pessimism": [False, False, True, False, False],
    }
)


def test_theme_prevalence_by_year_is_the_share_of_one_groups_interviews():
    table = themes.theme_prevalence_by_year(INTERVIEWS, ["theme_hope", "theme_pessimism"])
    hope = table[table["theme"] == "theme_hope"]
    assert hope["year"].tolist() == [1, 2]
    assert hope["numerator"].tolist() == [1, 2] and hope["denominator"].tolist() == [2, 2]
    assert table["theme_label"].iloc[0] == "Hope for life chances"
    everyone = themes.theme_prevalence_by_year(INTERVIEWS, ["theme_hope"], participant_group=None)
    assert everyone["denominator"].tolist() == [2, 3]


def test_an_unknown_theme_column_is_a_data_error():
    with pytest.raises(DataError, match="theme_optimism"):
        themes.theme_prevalence(INTERVIEWS, ["theme_optimism"])


def test_interview_counts_per_group_and_year():
    counts = themes.interview_counts(INTERVIEWS)
    assert counts.set_index(["participant_group", "year"])["interviews"].to_dict() == {
        ("cyp", 2): 1,
        ("staff", 1): 2,
        ("staff", 2): 2,
    }


def test_attribute_excerpts_names_only_staff_reporting_groups():
    excerpts = pd.DataFrame(
        {
            "excerpt_id": ["X1", "X2", "X3"],
            "interview_id": ["A", "B", "D"],
            "theme": ["theme_hope"] * 3,
            "text": ["t1", "t2", "t3"],
        }
    )
    attributed = themes.attribute_excerpts(excerpts, INTERVIEWS, SITES)
    assert attributed["attribution"].tolist() == [
        "staff, YOI/STC",
        "staff, SCH",
        themes.CHILD_ATTRIBUTION,
    ]
    assert "site_id" not in attributed


def test_every_theme_of_the_codebook_has_a_label_from_the_schema():
    codebook = themes.theme_codebook()
    assert themes.theme_label("theme_self_regulation") == "Self-regulation and de-escalation"
    assert all(entry["label"] != name for name, entry in codebook.items())


GROUPED = pd.DataFrame(
    {
        "interview_id": list("ABCDEFG"),
        "participant_group": ["staff", "staff", "staff", "cyp", "cyp", "staff", "staff"],
        "year": [1, 1, 2, 1, 2, 2, 1],
        "site_id": ["S01", "S02", "S01", "S02", "S01", "S02", "S02"],
        "theme_hope": [True, False, True, True, False, True, True],
        "theme_valued": [True, True, False, False, False, True, False],
    }
)


def test_prevalence_by_group_never_splits_children_by_setting():
    table = themes.theme_prevalence_by_group(GROUPED, SITES, ["theme_hope"], by_year=False)
    assert table["group"].tolist() == ["Staff, YOI/STC", "Staff, SCH", themes.CHILDREN_GROUP]
    by_group = table.set_index("group")
    assert (
        by_group.at["Staff, YOI/STC", "numerator"],
        by_group.at["Staff, YOI/STC", "denominator"],
    ) == (2, 2)
    assert (by_group.at["Staff, SCH", "numerator"], by_group.at["Staff, SCH", "denominator"]) == (
        2,
        3,
    )
    assert (
        by_group.at[themes.CHILDREN_GROUP, "numerator"],
        by_group.at[themes.CHILDREN_GROUP, "denominator"],
    ) == (1, 2)


def test_prevalence_by_group_and_year_keeps_theme_order_and_drops_staff_only_children():
    table = themes.theme_prevalence_by_group(
        GROUPED, SITES, ["theme_valued", "theme_hope"], staff_only=["theme_valued"]
    )
    assert list(dict.fromkeys(table["theme"])) == ["theme_valued", "theme_hope"]
    valued = table[table["theme"] == "theme_valued"]
    assert themes.CHILDREN_GROUP not in set(valued["group"])
    sch_year_one = valued[(valued["group"] == "Staff, SCH") & (valued["year"] == 1)].iloc[0]
    assert (sch_year_one["numerator"], sch_year_one["denominator"]) == (1, 2)


def test_intervals_are_blanked_below_the_minimum_number_of_interviews():
    table = themes.theme_prevalence_by_group(GROUPED, SITES, ["theme_hope"], by_year=False)
    assert table["ci_low"].notna().all()
    shown = themes.meaningful_intervals(table, min_n=3)
    assert shown["ci_low"].notna().tolist() == [False, True, False]
    assert shown["proportion"].equals(table["proportion"])


def test_totals_pool_all_staff_and_all_interviews_after_the_groups():
    table = themes.theme_prevalence_by_group(
        GROUPED, SITES, ["theme_valued", "theme_hope"], by_year=False, staff_only=["theme_valued"]
    )
    plain = set(table["group"])
    with_totals = themes.theme_prevalence_by_group(
        GROUPED,
        SITES,
        ["theme_valued", "theme_hope"],
        by_year=False,
        staff_only=["theme_valued"],
        totals=True,
    )
    hope = with_totals[with_totals["theme"] == "theme_hope"].set_index("group")
    assert list(hope.index) == [*themes.INTERVIEW_GROUPS, themes.ALL_STAFF, themes.ALL_INTERVIEWS]
    assert (hope.at[themes.ALL_STAFF, "numerator"], hope.at[themes.ALL_STAFF, "denominator"]) == (
        4,
        5,
    )
    assert tuple(hope.loc[themes.ALL_INTERVIEWS, ["numerator", "denominator"]]) == (5, 7)
    valued = with_totals[with_totals["theme"] == "theme_valued"]
    assert themes.ALL_INTERVIEWS not in set(valued["group"])  # staff-only theme
    assert set(with_totals["group"]) - plain == {themes.ALL_STAFF, themes.ALL_INTERVIEWS}


def test_no_total_repeats_a_single_group():
    staff_at_one_setting = GROUPED[
        (GROUPED["participant_group"] == "staff") & (GROUPED["site_id"] == "S01")
    ]
    table = themes.theme_prevalence_by_group(
        staff_at_one_setting, SITES, ["theme_hope"], by_year=False, totals=True
    )
    assert table["group"].tolist() == ["Staff, YOI/STC"]
