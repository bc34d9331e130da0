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
