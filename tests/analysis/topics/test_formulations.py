"""Topic 1 (formulations): hand calculations on small fixtures and the published figures."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pandas as pd
import pytest

from analysis.data import loading
from analysis.statistics import proportions
from analysis.topics import formulations

matplotlib.use("Agg")

SITES = pd.DataFrame(
    {
        "site_id": ["S01", "S02", "S03", "S04"],
        "setting_type": ["YOI", "STC", "SCH", "SCH"],
        "reporting_group": ["YOI/STC", "YOI/STC", "SCH", "SCH"],
        "case_study": [True, False, False, True],
    }
)


def admin_fixture() -> pd.DataFrame:
    """12 cases; 8 carry the formulation field: YOI/STC 3 of 4, SCH 3 of 4 had one."""
    formulation = [True, True, False, None, True, None, True, True, True, False, None, None]
    sites = ["S01"] * 4 + ["S02"] * 2 + ["S03"] * 4 + ["S04"] * 2
    disciplines = [4, 6, None, None, 5, None, 3, 7, 5, None, None, None]
    involvement = ["direct", "indirect", None, None, "indirect", None, "none", "indirect"]
    involvement += ["direct", None, None, None]
    return pd.DataFrame(
        {
            "case_id": [f"C{i}" for i in range(12)],
            "site_id": sites,
            "setting_type": ["YOI"] * 4 + ["STC"] * 2 + ["SCH"] * 6,
            "year": [1] * 12,
            "formulation": pd.array(formulation, dtype="boolean"),
            "disciplines_present": pd.array(disciplines, dtype="Int64"),
            "child_involvement": pd.array(involvement, dtype="string"),
        }
    )


def staff_fixture() -> pd.DataFrame:
    """Attendance answers: YOI/STC year 1 2 of 5, year 3 3 of 4; SCH year 1 3 of 4."""
    rows = [
        ("S01", 1, "sometimes"),
        ("S01", 1, "never"),
        ("S01", 1, "rarely"),
        ("S02", 1, "always"),  # the STC counts with the YOIs
        ("S02", 1, "rarely"),
        ("S01", 1, None),  # did not answer
        ("S01", 3, "often"),
        ("S01", 3, "often"),
        ("S02", 3, "sometimes"),
        ("S02", 3, "never"),
        ("S03", 1, "always"),
        ("S03", 1, "sometimes"),
        ("S04", 1, "often"),
        ("S04", 1, "never"),
    ]
    frame = pd.DataFrame(rows, columns=["site_id", "year", "attend_formulation"])
    frame["attend_formulation"] = frame["attend_formulation"].astype("string")
    frame["cyp_involved"] = frame["attend_formulation"]
    return frame


# --------------------------------------------------------------------------- coverage


def test_formulation_coverage_counts_cases_with_the_field_by_setting_group():
    coverage = formulations.formulation_coverage(admin_fixture(), SITES)
    assert coverage["reporting_group"].tolist() == ["YOI/STC", "SCH", "All settings"]
    assert coverage["numerator"].tolist() == [3, 3, 6]
    assert coverage["denominator"].tolist() == [4, 4, 8]
    low, high = proportions.wilson_interval(6, 8)
    assert coverage.iloc[-1]["ci_low"] == pytest.approx(low)
    assert coverage.iloc[-1]["ci_high"] == pytest.approx(high)


def test_field_returned_counts_every_case_and_those_carrying_the_field():
    table = formulations.field_returned_by_group(admin_fixture(), SITES)
    assert table["reporting_group"].tolist() == ["YOI/STC", "SCH", "All settings"]
    assert table["numerator"].tolist() == [4, 4, 8]
    assert table["denominator"].tolist() == [6, 6, 12]
    shown = formulations.field_returned_display(table)
    assert shown.columns.tolist() == ["Setting group", "Cases", "With the field", "%"]
    assert shown.iloc[-1].tolist() == ["All settings", "12", "8", "67%"]


def test_describe_coverage_takes_its_numbers_from_the_tables():
    admin = admin_fixture()
    text = formulations.describe_coverage(
        formulations.formulation_coverage(admin, SITES),
        formulations.formulation_field_returned(admin),
    )
    assert text.startswith("8 of the 12 administrative cases carried the formulation field")
    assert "75% (6 of 8; 95% CI" in text
    assert "in YOIs and the STC" in text and "in SCHs" in text


def test_coverage_when_no_site_returned_the_field_says_so():
    admin = admin_fixture().assign(formulation=pd.array([None] * 12, dtype="boolean"))
    coverage = formulations.formulation_coverage(admin, SITES)
    assert coverage.empty
    text = formulations.describe_coverage(coverage, formulations.formulation_field_returned(admin))
    assert "cannot be estimated" in text


# --------------------------------------------------------------------------- disciplines


def test_mean_disciplines_is_the_mean_of_recorded_meetings():
    summary = formulations.mean_disciplines(admin_fixture())
    assert summary.meetings == 6
    assert summary.mean == pytest.approx((4 + 6 + 5 + 3 + 7 + 5) / 6)
    assert summary.median == 5


def test_mean_disciplines_is_withheld_below_eight_meetings_in_a_site_report():
    summary = formulations.mean_disciplines(admin_fixture(), protect=True)
    assert summary.mean is None and summary.meetings == "*"
    assert "too few meetings" in formulations.describe_disciplines(summary)


def test_disciplines_distribution_counts_meetings_per_number_present():
    distribution = formulations.disciplines_at_formulation_meetings(admin_fixture())
    assert distribution["disciplines"].tolist() == [3, 4, 5, 6, 7]
    assert distribution["meetings"].tolist() == [1, 1, 2, 1, 1]
    figure = formulations.plot_disciplines(distribution)
    assert len(figure.axes[0].patches) == 5


# --------------------------------------------------------------------------- attendance


def test_attendance_by_year_and_setting_counts_sometimes_or_more_of_those_answering():
    table = formulations.attendance_by_year_and_setting(staff_fixture(), SITES)
    cells = {
        (row.reporting_group, row.year): (row.numerator, row.denominator)
        for row in table.itertuples()
    }
    assert cells == {("YOI/STC", 1): (2, 5), ("YOI/STC", 3): (3, 4), ("SCH", 1): (3, 4)}


def test_attendance_trend_model_on_a_tiny_sample_is_not_estimated():
    model = formulations.attendance_trend_model(staff_fixture(), SITES)
    assert not model.estimated and "n too small" in model.reason
    text = formulations.describe_attendance(
        formulations.attendance_by_year_and_setting(staff_fixture(), SITES), model
    )
    assert "not estimated (n too small" in text


def simulated_staff(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Eight sites, three years; YOI/STC attendance rises faster than SCH."""
    rng = np.random.default_rng(seed)
    sites = pd.DataFrame(
        {
            "site_id": [f"S{i:02d}" for i in range(1, 9)],
            "setting_type": ["YOI", "YOI", "STC", "SCH", "SCH", "SCH", "SCH", "SCH"],
            "reporting_group": ["YOI/STC"] * 3 + ["SCH"] * 5,
            "case_study": [False] * 8,
        }
    )
    rows = []
    for site, group in zip(sites["site_id"], sites["reporting_group"], strict=True):
        for year in (1, 2, 3):
            base = -0.9 + 0.6 * (year - 1) if group == "YOI/STC" else 0.9 + 0.15 * (year - 1)
            for _ in range(40):
                attends = rng.random() < 1 / (1 + math.exp(-base))
                rows.append((site, year, "often" if attends else "rarely"))
    return pd.DataFrame(rows, columns=["site_id", "year", "attend_formulation"]), sites


def test_attendance_trend_model_reports_year_odds_ratios_for_both_groups():
    staff, sites = simulated_staff()
    model = formulations.attendance_trend_model(staff, sites)
    assert model.estimated and model.method.startswith("GEE")
    assert model.n == len(staff) and model.n_groups == 8
    sch = model.effect_of("years_since_start")["estimate"]
    ratio = model.effect_of("years_since_start:yoi_stc")["estimate"]
    yoi = model.effect_of("trend_yoi_stc")["estimate"]
    assert yoi == pytest.approx(sch * ratio)
    assert yoi > 1.3  # simulated log-odds slope 0.6 per year
    text = formulations.describe_attendance(
        formulations.attendance_by_year_and_setting(staff, sites), model
    )
    assert "per year in YOIs and the STC" in text


def test_attendance_trend_for_one_setting_group_has_no_interaction():
    staff, sites = simulated_staff()
    sch_only = staff[staff["site_id"].isin(sites.loc[sites["reporting_group"] == "SCH", "site_id"])]
    model = formulations.attendance_trend_model(sch_only, sites)
    assert model.estimated and model.formula == "attends ~ years_since_start"
    assert model.contrasts.empty


def test_attendance_trend_for_one_year_is_not_estimated():
    staff, sites = simulated_staff()
    model = formulations.attendance_trend_model(staff[staff["year"] == 2], sites)
    assert not model.estimated and "only one survey year" in model.reason


def test_plot_attendance_draws_one_series_per_setting_group():
    staff, sites = simulated_staff()
    figure = formulations.plot_attendance(formulations.attendance_by_year_and_setting(staff, sites))
    labels = [t.get_text() for t in figure.legends[0].get_texts()]
    assert labels == ["YOI/STC", "SCH"]


# --------------------------------------------------------------------------- children's involvement


def test_children_involvement_change_is_an_independent_samples_test_of_first_vs_last_year():
    table = formulations.children_involvement_by_year(staff_fixture())
    assert table["numerator"].tolist() == [5, 3] and table["denominator"].tolist() == [9, 4]
    change = formulations.children_involvement_change(table)
    expected = proportions.compare_two_proportions(5, 9, 3, 4)
    assert change.p_value == pytest.approx(expected.p_value)
    text = formulations.describe_children_involvement(table, change)
    assert "repeated cross-sections" in text and "independent samples" in text


def test_children_involvement_with_one_year_is_not_tested():
    table = formulations.children_involvement_by_year(staff_fixture().query("year == 1"))
    assert formulations.children_involvement_change(table) is None
    text = formulations.describe_children_involvement(table, None)
    assert text.endswith("56% (5 of 9; 95% CI 27% to 81%) in year one.")
    assert "compared" not in text


def test_suppressed_involvement_in_a_site_report_is_not_tested():
    table = formulations.children_involvement_by_year(staff_fixture())
    released = proportions.release_shares(table, protect=True)
    text = formulations.describe_children_involvement(
        released, formulations.children_involvement_change(table), protect=True
    )
    assert "not tested" in text


def test_involvement_recorded_in_admin_shares_direct_indirect_none():
    recorded = formulations.involvement_recorded_in_admin(admin_fixture())
    assert recorded["involvement"].tolist() == ["direct", "indirect", "none"]
    assert recorded["numerator"].tolist() == [2, 3, 1]
    assert set(recorded["denominator"]) == {6}


# --------------------------------------------------------------------------- bundled data


@pytest.fixture(scope="module")
def bundled():
    directory = loading.resolve_data_dir("")
    return {
        "sites": loading.load_sites(directory),
        "admin": loading.load_admin(directory),
        "staff": loading.load_staff_survey(directory),
    }


def test_formulation_coverage_reproduces_published_503_of_589(bundled):
    coverage = formulations.formulation_coverage(bundled["admin"], bundled["sites"])
    overall = coverage[coverage["reporting_group"] == "All settings"].iloc[0]
    assert (overall["numerator"], overall["denominator"]) == (503, 589)
    assert round(overall["proportion"] * 100) == 85


def test_mean_disciplines_reproduces_published_five(bundled):
    summary = formulations.mean_disciplines(bundled["admin"])
    assert round(summary.mean) == 5


@pytest.mark.parametrize(
    ("group", "year", "numerator", "denominator"),
    [("YOI/STC", 1, 20, 67), ("YOI/STC", 3, 24, 43), ("SCH", 1, 161, 228), ("SCH", 2, 164, 210)],
)
def test_attendance_reproduces_published_counts(bundled, group, year, numerator, denominator):
    table = formulations.attendance_by_year_and_setting(bundled["staff"], bundled["sites"])
    row = table[(table["reporting_group"] == group) & (table["year"] == year)].iloc[0]
    assert (row["numerator"], row["denominator"]) == (numerator, denominator)


def test_attendance_trend_model_is_estimated_on_the_bundled_data(bundled):
    model = formulations.attendance_trend_model(bundled["staff"], bundled["sites"])
    assert model.estimated and model.method.startswith("GEE")
    assert model.effect_of("trend_yoi_stc")["estimate"] > 1


def test_children_involvement_reproduces_published_173_of_225_and_135_of_149(bundled):
    table = formulations.children_involvement_by_year(bundled["staff"]).set_index("year")
    assert (table.loc[1, "numerator"], table.loc[1, "denominator"]) == (173, 225)
    assert (table.loc[3, "numerator"], table.loc[3, "denominator"]) == (135, 149)
    change = formulations.children_involvement_change(table.reset_index())
    assert change.difference == pytest.approx(135 / 149 - 173 / 225)
    assert not math.isnan(change.p_value)
