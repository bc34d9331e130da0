"""Topic 2 (relational safety): hand calculations on fixtures and the published 132/156."""

from __future__ import annotations

import math

import matplotlib
import pandas as pd
import pytest

from analysis.data import loading
from analysis.statistics import proportions
from analysis.topics import relational_safety
from tests.analysis.shared import three_site_register

matplotlib.use("Agg")

SITES = three_site_register(case_study=True)


def cyp_fixture() -> pd.DataFrame:
    """Six children: listened_to 4 of 5 at least a little (one did not answer)."""
    return pd.DataFrame(
        {
            "site_id": ["S01", "S01", "S02", "S03", "S03", "S03"],
            "year": [1, 1, 2, 2, 3, 3],
            "listened_to": ["a lot", "not at all", "a little", "quite a lot", None, "a lot"],
            "felt_safe": ["a lot", "a lot", "not at all", "not at all", "a little", "a lot"],
            "staff_relationships": ["a little"] * 6,
        }
    ).astype({"listened_to": "string", "felt_safe": "string", "staff_relationships": "string"})


def test_children_feeling_safe_and_heard_counts_a_little_or_more_of_those_answering():
    shares = relational_safety.children_feeling_safe_and_heard(cyp_fixture()).set_index("item")
    listened = shares.loc[relational_safety.CHILDREN_ITEMS["listened_to"]]
    assert (listened["numerator"], listened["denominator"]) == (4, 5)
    safe = shares.loc[relational_safety.CHILDREN_ITEMS["felt_safe"]]
    assert (safe["numerator"], safe["denominator"]) == (4, 6)


def test_children_survey_responses_tabulate_each_answer_per_item():
    counts = relational_safety.children_survey_responses(cyp_fixture())
    assert counts.columns.tolist() == ["not at all", "a little", "quite a lot", "a lot"]
    assert counts.loc["Staff listen to me"].tolist() == [1, 1, 1, 2]
    assert counts.loc["I feel safe here"].tolist() == [2, 1, 0, 3]


def test_response_percentages_are_row_shares_of_the_released_table():
    released = proportions.release_cross_table(
        relational_safety.children_survey_responses(cyp_fixture()), protect=False
    )
    long = relational_safety.response_percentages(released)
    safe_a_lot = long[(long["item"] == "I feel safe here") & (long["answer"] == "a lot")]
    assert safe_a_lot["proportion"].iloc[0] == pytest.approx(3 / 6)
    figure = relational_safety.plot_children_survey(long)
    assert figure.axes[0].get_xlabel() == "% of children answering"


def test_a_site_reports_children_survey_is_suppressed_not_crashed():
    released = proportions.release_cross_table(
        relational_safety.children_survey_responses(cyp_fixture()), protect=True
    )
    long = relational_safety.response_percentages(released)
    assert long["proportion"].isna().all()
    relational_safety.plot_children_survey(long)


def test_multiagency_working_by_year_groups_the_stc_with_the_yois():
    staff = pd.DataFrame(
        {
            "site_id": ["S01", "S02", "S02", "S03", "S03", "S03"],
            "year": [1, 1, 1, 1, 3, 3],
            "multiagency_working": [
                "agree",
                "strongly agree",
                "disagree",
                "neither",
                "agree",
                None,
            ],
        }
    )
    table = relational_safety.multiagency_working_by_year(staff, SITES)
    cells = {(r.reporting_group, r.year): (r.numerator, r.denominator) for r in table.itertuples()}
    assert cells == {("YOI/STC", 1): (2, 3), ("SCH", 1): (0, 1), ("SCH", 3): (1, 1)}
    text = relational_safety.describe_multiagency_working(table)
    # a change is said only for a group with two years; one interviewee each way is no change
    assert text.endswith("work well together showed no clear change (0% to 100%) in SCHs.")
    assert "YOIs" not in text
    assert relational_safety.multiagency_display(table).iloc[0].tolist() == [
        "YOI/STC",
        "67% (2/3)",
        "–",
    ]
    single = relational_safety.describe_multiagency_working(
        table[table["reporting_group"] == "SCH"]
    )
    assert single.endswith("no clear change (0% to 100%).")  # one group: the scope names it


def interviews_fixture() -> pd.DataFrame:
    """Staff interviews: siloed working in 3 of 4 in year 1 and 1 of 4 in year 3."""
    siloed = [True, True, True, False, True, False, False, False]
    multi = [False, False, True, False, True, True, True, True]
    frame = pd.DataFrame(
        {
            "interview_id": [f"I{i}" for i in range(10)],
            "participant_group": ["staff"] * 8 + ["cyp"] * 2,
            "year": [1, 1, 1, 1, 3, 3, 3, 3, 1, 3],
            "site_id": ["S01", "S02", "S03", "S03"] * 2 + ["S01", "S03"],
            "theme_siloed_working": [*siloed, True, True],
            "theme_multiagency_working": [*multi, False, False],
            "theme_leadership_support": [False] * 10,
            "theme_turnover": [True, False] * 4 + [True, True],
        }
    )
    return frame


def test_working_together_themes_are_shares_of_staff_interviews_by_year():
    prevalence = relational_safety.working_together_themes_by_year(interviews_fixture())
    siloed = prevalence[prevalence["theme"] == "theme_siloed_working"]
    assert siloed["numerator"].tolist() == [3, 1] and siloed["denominator"].tolist() == [4, 4]
    multi = prevalence[prevalence["theme"] == "theme_multiagency_working"]
    assert multi["numerator"].tolist() == [1, 4]
    empty = relational_safety.working_together_themes_by_year(interviews_fixture().iloc[0:0])
    assert empty.empty


def test_turnover_is_counted_for_staff_and_children_separately():
    turnover = relational_safety.turnover_theme_by_participant_group(interviews_fixture())
    cells = {r.participant_group: (r.numerator, r.denominator) for r in turnover.itertuples()}
    assert cells == {"cyp": (2, 2), "staff": (4, 8)}


@pytest.fixture(scope="module")
def bundled_cyp():
    return loading.load_cyp_survey(loading.resolve_data_dir(""))


def test_children_listened_to_reproduces_published_132_of_156(bundled_cyp):
    shares = relational_safety.children_feeling_safe_and_heard(bundled_cyp).set_index("item")
    listened = shares.loc[relational_safety.CHILDREN_ITEMS["listened_to"]]
    assert (listened["numerator"], listened["denominator"]) == (132, 156)
    assert math.isclose(listened["proportion"], 132 / 156)
    text = relational_safety.describe_children_survey(shares.reset_index(), len(bundled_cyp))
    assert "Of the 160 children's surveys" in text and "85% (132 of 156" in text
