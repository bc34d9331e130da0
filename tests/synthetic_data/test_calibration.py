"""The bundled synthetic data reproduce every published figure exactly."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import config
from synthetic_data.targets import load_targets

FIGURE_IDS = pd.read_csv(config.PUBLISHED_FIGURES_PATH)["id"].tolist()


@pytest.mark.parametrize("figure_id", [f for f in FIGURE_IDS if f != "t5_wtp_threshold_gbp"])
def test_bundled_data_reproduce_published_figure(figure_id, bundled_figures, expected_figures):
    assert bundled_figures[figure_id] == expected_figures(1)[figure_id]


def test_every_published_data_figure_is_measured(bundled_figures, expected_figures):
    assert set(expected_figures(1)) == set(bundled_figures)


def test_formulation_coverage_reproduces_published_503_of_589(bundled_tables):
    formulation = bundled_tables["admin"]["formulation"]
    assert (int(formulation.sum()), int(formulation.notna().sum())) == (503, 589)
    assert formulation.isna().sum() == 1270 - 589


def test_sch_year_two_attendance_uses_documented_164_of_210(bundled_tables):
    resolution = load_targets()["resolutions"]["sch_attend_y2"]
    staff = bundled_tables["staff_survey"].merge(bundled_tables["sites"])
    answers = staff.query("reporting_group == 'SCH' and year == 2")["attend_formulation"].dropna()
    assert resolution["resolved"] == [164, 210]
    assert "128" in resolution["printed"] and len(resolution["reason"]) > 50
    assert (answers.isin(["sometimes", "often", "always"]).sum(), len(answers)) == (164, 210)


def test_year_three_enthusiasm_denominator_is_222_because_11_did_not_answer(bundled_tables):
    year_three = bundled_tables["staff_survey"].query("year == 3")
    assert len(year_three) == 233
    assert year_three["enthusiastic"].isna().sum() == 11


def test_site_register_has_4_yoi_1_stc_13_sch_and_case_studies_2_sch_2_yoi_1_stc(bundled_tables):
    sites = bundled_tables["sites"]
    assert sites["setting_type"].value_counts().to_dict() == {"SCH": 13, "YOI": 4, "STC": 1}
    case_study = sites[sites["case_study"]]
    assert case_study["setting_type"].value_counts().to_dict() == {"SCH": 2, "YOI": 2, "STC": 1}
    assert sorted(bundled_tables["interviews"]["site_id"].unique()) == sorted(case_study["site_id"])
    assert (
        sites["reporting_group"]
        == sites["setting_type"].map({"YOI": "YOI/STC", "STC": "YOI/STC", "SCH": "SCH"})
    ).all()


def test_economics_inputs_have_three_to_four_benefits_and_ordered_estimates(bundled_tables):
    inputs = bundled_tables["economics_inputs"]
    assert 3 <= (inputs["kind"] == "benefit").sum() <= 4
    assert (inputs["kind"] == "cost").sum() == 1
    assert ((inputs["low"] <= inputs["mid"]) & (inputs["mid"] <= inputs["high"])).all()
