"""Beyond the targets, the bundled data show the structure the report describes."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy import stats

AGREEMENT = ["strongly disagree", "disagree", "neither", "agree", "strongly agree"]


def _agree_share(values: pd.Series) -> float:
    answered = values.dropna()
    return float(answered.isin(["agree", "strongly agree"]).mean())


@pytest.fixture(scope="module")
def staff(bundled_tables) -> pd.DataFrame:
    return bundled_tables["staff_survey"].merge(bundled_tables["sites"])


@pytest.mark.parametrize(
    "item", ["training_access", "supervision_access", "reflective_practice_access", "feel_valued"]
)
def test_wellbeing_is_higher_with_access_to_support_and_feeling_valued(staff, item):
    pairs = staff[[item, "wellbeing_score"]].dropna()
    score = pairs[item].map({label: i for i, label in enumerate(AGREEMENT)}).astype(float)
    rho, p_value = stats.spearmanr(score, pairs["wellbeing_score"].astype(float))
    assert rho > 0.3 and p_value < 0.001


def test_wellbeing_clusters_by_site(staff):
    groups = [g["wellbeing_score"].dropna().astype(float) for _, g in staff.groupby("site_id")]
    assert stats.kruskal(*groups).pvalue < 0.001


def test_multiagency_working_agreement_rises_every_year(staff):
    shares = [_agree_share(staff.loc[staff["year"] == y, "multiagency_working"]) for y in (1, 2, 3)]
    assert shares[0] < shares[1] < shares[2]


def test_sch_staff_attend_formulation_meetings_more_than_yoi_stc_staff_every_year(staff):
    attend = staff.dropna(subset=["attend_formulation"]).assign(
        attends=lambda f: f["attend_formulation"].isin(["sometimes", "often", "always"])
    )
    share = attend.groupby(["year", "reporting_group"])["attends"].mean().unstack()
    assert (share["SCH"] > share["YOI/STC"]).all()


@pytest.fixture(scope="module")
def staff_themes(bundled_tables) -> pd.DataFrame:
    interviews = bundled_tables["interviews"]
    staff_rows = interviews[interviews["participant_group"] == "staff"]
    return staff_rows.groupby("year")[[c for c in interviews if c.startswith("theme_")]].mean()


def test_siloed_working_is_common_in_year_one_and_rare_by_year_three(staff_themes):
    siloed = staff_themes["theme_siloed_working"]
    assert siloed[1] > 0.5 > siloed[2] > siloed[3] and siloed[3] < 0.2


def test_multiagency_working_in_interviews_rises_from_year_one_to_three(staff_themes):
    multiagency = staff_themes["theme_multiagency_working"]
    assert multiagency[1] < multiagency[2] < multiagency[3]


def test_pessimism_is_common_throughout_while_hope_is_present(staff_themes):
    assert (staff_themes["theme_pessimism"] >= 0.5).all()
    assert (staff_themes["theme_hope"] > 0.25).all()


def test_release_barriers_are_frequent_at_case_study_sites(staff_themes):
    assert (staff_themes["theme_release_barriers"] > 0.5).all()


@pytest.fixture(scope="module")
def admin(bundled_tables) -> pd.DataFrame:
    return bundled_tables["admin"]


def _rate_per_100_days(admin: pd.DataFrame, column: str, setting: str) -> float:
    rows = admin[(admin["setting_type"] == setting)].dropna(subset=[column, "days_in_placement"])
    return 100 * rows[column].sum() / rows["days_in_placement"].sum()


def test_assaults_are_more_frequent_in_yois_and_self_harm_in_schs(admin):
    assert _rate_per_100_days(admin, "assault_incidents", "YOI") > _rate_per_100_days(
        admin, "assault_incidents", "SCH"
    )
    assert _rate_per_100_days(admin, "self_harm_incidents", "SCH") > _rate_per_100_days(
        admin, "self_harm_incidents", "YOI"
    )


def test_yoi_placements_are_justice_placements_of_15_to_17_year_olds(admin):
    yoi = admin[admin["setting_type"] == "YOI"]
    assert set(yoi["placement_type"].dropna()) == {"justice"}
    assert "10-14" not in set(yoi["age_band"].dropna())
    assert "welfare" in set(admin.loc[admin["setting_type"] == "SCH", "placement_type"].dropna())


def test_indirect_involvement_in_formulations_is_recorded_more_than_direct(admin):
    counts = admin["child_involvement"].value_counts()
    assert counts["indirect"] > counts["direct"] > counts["none"]


def test_admin_dates_are_consistent(admin):
    discharged = admin.dropna(subset=["discharge_month"])
    assert (discharged["discharge_month"] >= discharged["admission_month"]).all()
    formulated = admin.dropna(subset=["formulation_month"])
    assert (formulated["formulation_month"] >= formulated["admission_month"]).all()
    assert admin.loc[~admin["formulation"].fillna(False), "formulation_month"].isna().all()


def test_children_who_feel_listened_to_feel_safer(bundled_tables):
    cyp = bundled_tables["cyp_survey"].dropna(subset=["listened_to", "felt_safe"])
    extent = {"not at all": 0, "a little": 1, "quite a lot": 2, "a lot": 3}
    rho, _ = stats.spearmanr(cyp["listened_to"].map(extent), cyp["felt_safe"].map(extent))
    assert rho > 0.3
