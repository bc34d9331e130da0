"""Topic 4 (life chances): hand calculations, excerpt attribution rules, bundled data."""

from __future__ import annotations

import matplotlib
import pandas as pd
import pytest

from analysis.data import loading
from analysis.topics import life_chances
from tests.analysis.shared import three_site_register

matplotlib.use("Agg")

SITES = three_site_register(case_study=True)


def interviews_fixture() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interview_id": ["I1", "I2", "I3", "I4", "I5", "I6"],
            "participant_group": ["staff", "staff", "staff", "cyp", "cyp", "staff"],
            "year": [1, 1, 1, 1, 1, 2],
            "site_id": ["S01", "S02", "S03", "S02", "S03", "S03"],
            "setting_type": ["YOI", "STC", "SCH", "STC", "SCH", "SCH"],
            "theme_hope": [True, False, True, True, False, True],
            "theme_pessimism": [True, True, False, True, True, False],
            "theme_transitions": [False] * 6,
        }
    )


def excerpts_fixture() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "excerpt_id": ["E1", "E2", "E3", "E4"],
            "interview_id": ["I2", "I3", "I4", "I6"],
            "theme": ["theme_hope", "theme_hope", "theme_hope", "theme_turnover"],
            "text": ["staff at the STC", "staff at an SCH", "a child at the STC", "turnover"],
        }
    )


def test_interview_groups_split_staff_by_setting_group_but_never_children():
    groups = life_chances.interview_group(interviews_fixture(), SITES)
    assert groups.tolist() == [
        "Staff, YOI/STC",
        "Staff, YOI/STC",
        "Staff, SCH",
        "Children and young people",
        "Children and young people",
        "Staff, SCH",
    ]


def test_transitions_and_education_are_shares_of_cases_with_the_field():
    admin = pd.DataFrame(
        {
            "site_id": ["S01", "S02", "S03", "S03", "S03"],
            "transition_plan": pd.array([True, False, True, None, True], dtype="boolean"),
            "education_engaged": pd.array([None, None, True, False, False], dtype="boolean"),
        }
    )
    table = life_chances.transitions_and_education_by_setting(admin, SITES)
    plans = table[table["measure"] == life_chances.ADMIN_MEASURES["transition_plan"]]
    assert plans["reporting_group"].tolist() == ["YOI/STC", "SCH", "All settings"]
    assert plans["numerator"].tolist() == [1, 2, 3] and plans["denominator"].tolist() == [2, 2, 4]
    education = table[table["measure"] == life_chances.ADMIN_MEASURES["education_engaged"]]
    assert education["reporting_group"].tolist() == ["SCH"]  # no YOI/STC answers, no total
    assert "in SCHs" in life_chances.describe_transitions_and_education(table)
    life_chances.plot_transitions_and_education(table)


@pytest.fixture(scope="module")
def bundled():
    directory = loading.resolve_data_dir("")
    return {
        "sites": loading.load_sites(directory),
        "interviews": loading.load_interviews(directory),
        "excerpts": loading.load_interview_excerpts(directory),
    }


def test_bundled_hope_and_pessimism_cover_the_30_childrens_interviews(bundled):
    table = life_chances.hope_and_pessimism_by_year(bundled["interviews"], bundled["sites"])
    children = table[
        (table["theme"] == "theme_hope") & (table["group"] == "Children and young people")
    ]
    assert children["denominator"].tolist() == [13, 13, 4]


def test_hope_and_pessimism_are_shares_of_interviews_by_group_and_year():
    table = life_chances.hope_and_pessimism_by_year(interviews_fixture(), SITES)
    hope = table[table["theme"] == "theme_hope"]
    cells = {(r.group, r.year): (r.numerator, r.denominator) for r in hope.itertuples()}
    assert cells == {
        ("Staff, YOI/STC", 1): (1, 2),
        ("Staff, SCH", 1): (1, 1),
        ("Staff, SCH", 2): (1, 1),
        ("Children and young people", 1): (1, 2),
    }
