"""Topic 3 (staff care): hand calculations on fixtures and the published enthusiasm figures."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from analysis.data import loading
from analysis.topics import staff_care
from tests.analysis.shared import three_site_register

matplotlib.use("Agg")

SITES = three_site_register(case_study=False)


def staff_fixture() -> pd.DataFrame:
    """Year 1: 3 of 4 enthusiastic (one blank); year 2: 1 of 2."""
    return (
        pd.DataFrame(
            {
                "site_id": ["S01", "S02", "S03", "S03", "S03", "S01", "S03"],
                "year": [1, 1, 1, 1, 1, 2, 2],
                "enthusiastic": [
                    "agree",
                    "strongly agree",
                    "neither",
                    "agree",
                    None,
                    "agree",
                    "disagree",
                ],
                "training_access": ["agree", "disagree", "agree", "agree", "agree", None, "agree"],
                "supervision_access": ["agree"] * 7,
                "reflective_practice_access": ["disagree"] * 7,
                "released_for_support": [
                    "never",
                    "rarely",
                    "sometimes",
                    "often",
                    None,
                    "always",
                    "rarely",
                ],
            }
        )
        .astype("string")
        .astype({"year": int})
    )


def test_enthusiasm_by_year_is_agree_or_strongly_agree_of_those_answering():
    table = staff_care.enthusiasm_by_year(staff_fixture())
    assert table["numerator"].tolist() == [3, 1] and table["denominator"].tolist() == [4, 2]
    text = staff_care.describe_enthusiasm(table, staff_care.surveys_by_year(staff_fixture()))
    assert "75% (3 of 4" in text and "(5 surveys returned)" in text


def test_access_to_support_by_year_has_one_row_per_support_group_and_year():
    access = staff_care.access_to_support_by_year(staff_fixture(), SITES)
    training = access[access["support"] == "Training"]
    cells = {
        (r.reporting_group, r.year): (r.numerator, r.denominator) for r in training.itertuples()
    }
    # YOI/STC year 1: S01 agree, S02 disagree; SCH year 1: 3 agree; year 2 S01 blank, S03 agree
    assert cells == {("YOI/STC", 1): (1, 2), ("SCH", 1): (3, 3), ("SCH", 2): (1, 1)}
    assert set(access["support"]) == {"Training", "Supervision", "Reflective practice"}
    figure = staff_care.plot_access_to_support(access)
    assert [ax.get_title() for ax in figure.axes] == ["YOI/STC", "SCH"]


def test_access_totals_pool_the_setting_groups_each_year_and_the_table_lists_them_last():
    access = staff_care.access_to_support_by_year(staff_fixture(), SITES, totals=True)
    training = access[access["support"] == "Training"]
    cells = {
        (r.reporting_group, r.year): (r.numerator, r.denominator) for r in training.itertuples()
    }
    assert cells[("All settings", 1)] == (4, 5)
    assert cells[("All settings", 2)] == (1, 1)
    shown = staff_care.access_display(access)
    assert shown["Setting group"].tolist()[-3:] == ["All settings"] * 3
    one_group = staff_care.access_to_support_by_year(
        staff_fixture()[staff_fixture()["site_id"] == "S03"], SITES, totals=True
    )
    assert "All settings" not in set(one_group["reporting_group"])


def test_release_for_support_counts_rarely_or_never():
    table = staff_care.release_for_support_by_year(staff_fixture(), SITES)
    cells = {(r.reporting_group, r.year): (r.numerator, r.denominator) for r in table.itertuples()}
    assert cells == {
        ("YOI/STC", 1): (2, 2),
        ("YOI/STC", 2): (0, 1),
        ("SCH", 1): (0, 2),
        ("SCH", 2): (1, 1),
    }


def simulated_wellbeing(n_sites: int = 10, per_site: int = 40, seed: int = 5) -> pd.DataFrame:
    """Wellbeing = 20 + 3 * feel_valued + 1.5 * training + site intercept + noise."""
    rng = np.random.default_rng(seed)
    rows = []
    labels = {0: "disagree", 1: "agree"}
    for site in range(1, n_sites + 1):
        intercept = rng.normal(0, 1)
        for _ in range(per_site):
            valued, training = int(rng.integers(0, 2)), int(rng.integers(0, 2))
            score = 20 + 3 * valued + 1.5 * training + intercept + rng.normal(0, 2)
            rows.append(
                {
                    "site_id": f"S{site:02d}",
                    "year": int(rng.integers(1, 4)),
                    "wellbeing_score": int(np.clip(round(score), 7, 35)),
                    "training_access": labels[training],
                    "supervision_access": labels[int(rng.integers(0, 2))],
                    "reflective_practice_access": labels[int(rng.integers(0, 2))],
                    "feel_valued": labels[valued],
                }
            )
    return pd.DataFrame(rows)


def simulated_sites(n_sites: int = 10) -> pd.DataFrame:
    ids = [f"S{site:02d}" for site in range(1, n_sites + 1)]
    groups = ["YOI/STC" if i <= 3 else "SCH" for i in range(1, n_sites + 1)]
    return pd.DataFrame({"site_id": ids, "reporting_group": groups})


def test_wellbeing_model_recovers_the_simulated_associations():
    model = staff_care.wellbeing_model(simulated_wellbeing(), simulated_sites())
    assert model.estimated and model.method.startswith("linear mixed model")
    assert model.formula == (
        "wellbeing_score ~ training + supervision + reflective + feel_valued + C(year) "
        "+ reporting_group"
    )
    assert model.effect_of("feel_valued")["estimate"] == pytest.approx(3, abs=0.6)
    assert model.effect_of("training")["estimate"] == pytest.approx(1.5, abs=0.6)
    assert "Feels valued in role" in model.table["label"].tolist()
    assert "associations" in staff_care.describe_wellbeing_model(model)


def test_wellbeing_model_drops_terms_that_do_not_vary_in_scope():
    frame = simulated_wellbeing()
    one_site = frame[frame["site_id"] == "S05"].assign(year=2)
    model = staff_care.wellbeing_model(one_site, simulated_sites())
    assert model.estimated and "C(year)" not in model.formula
    assert "reporting_group" not in model.formula
    assert model.method.startswith("ordinary least squares")


def test_wellbeing_model_for_a_small_site_is_not_estimated():
    frame = simulated_wellbeing(per_site=10)
    model = staff_care.wellbeing_model(frame[frame["site_id"] == "S01"], simulated_sites())
    assert not model.estimated and model.reason.startswith("not estimated (n too small")
    assert "not estimated (n too small" in staff_care.describe_wellbeing_model(model)


@pytest.fixture(scope="module")
def bundled_staff():
    directory = loading.resolve_data_dir("")
    return loading.load_staff_survey(directory), loading.load_sites(directory)


def test_enthusiasm_reproduces_published_345_of_383_249_of_281_197_of_222(bundled_staff):
    staff, _ = bundled_staff
    table = staff_care.enthusiasm_by_year(staff)
    assert list(zip(table["numerator"], table["denominator"], strict=True)) == [
        (345, 383),
        (249, 281),
        (197, 222),
    ]
    assert [round(p * 100) for p in table["proportion"]] == [90, 89, 89]


def test_wellbeing_model_is_estimated_on_the_bundled_data(bundled_staff):
    staff, sites = bundled_staff
    model = staff_care.wellbeing_model(staff, sites)
    assert model.estimated and model.n_groups == sites["site_id"].nunique()
    assert model.effect_of("feel_valued")["estimate"] > 0
