"""Independent measurements of every published figure, on in-memory or loaded tables.

Written with plain pandas, apart from the analysis package, so the calibration tests
check the generator against the publication rather than against itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.data import loading
from synthetic_data.targets import load_targets

AT_LEAST_SOMETIMES = ("sometimes", "often", "always")
AGREE = ("agree", "strongly agree")
AT_LEAST_A_LITTLE = ("a little", "quite a lot", "a lot")
# Published ids that describe the data's structure, not counts, so they do not scale.
STRUCTURAL = (
    "design_staff_survey_sites",
    "design_admin_sites",
    "design_case_study_sites",
    "t1_admin_disciplines_mean",
    "t5_",
)
NOT_DATA = ("t5_wtp_threshold_gbp",)  # a parameter of the analysis, not a property of the data


def _share(frame: pd.DataFrame, column: str, positive: tuple[str, ...]) -> tuple[int, int]:
    answered = frame[column].dropna()
    return int(answered.isin(positive).sum()), len(answered)


def _attend(tables, group: str, year: int) -> tuple[int, int]:
    staff = tables["staff_survey"].merge(tables["sites"][["site_id", "reporting_group"]])
    cell = staff[(staff["reporting_group"] == group) & (staff["year"] == year)]
    return _share(cell, "attend_formulation", AT_LEAST_SOMETIMES)


def _staff(tables, year: int) -> pd.DataFrame:
    staff = tables["staff_survey"]
    return staff[staff["year"] == year]


def _interviews(tables, group: str, year: int | None = None) -> int:
    rows = tables["interviews"][tables["interviews"]["participant_group"] == group]
    return len(rows) if year is None else int((rows["year"] == year).sum())


def _economics(tables, kind: str) -> float:
    inputs = tables["economics_inputs"]
    return round(float(inputs.loc[inputs["kind"] == kind, "mid"].sum()), 2)


MEASURES: dict[str, Callable] = {
    "design_staff_surveys_total": lambda t: len(t["staff_survey"]),
    **{f"design_staff_surveys_y{y}": (lambda t, y=y: len(_staff(t, y))) for y in (1, 2, 3)},
    **{
        f"design_staff_survey_sites_y{y}": (lambda t, y=y: _staff(t, y)["site_id"].nunique())
        for y in (1, 2, 3)
    },
    "design_cyp_surveys_total": lambda t: len(t["cyp_survey"]),
    "design_admin_cases_total": lambda t: len(t["admin"]),
    "design_admin_sites": lambda t: t["admin"]["site_id"].nunique(),
    "design_case_study_sites": lambda t: int(t["sites"]["case_study"].sum()),
    "design_staff_interviews_total": lambda t: _interviews(t, "staff"),
    **{
        f"design_staff_interviews_y{y}": (lambda t, y=y: _interviews(t, "staff", y))
        for y in (1, 2, 3)
    },
    "design_cyp_interviews_total": lambda t: _interviews(t, "cyp"),
    **{f"design_cyp_interviews_y{y}": (lambda t, y=y: _interviews(t, "cyp", y)) for y in (1, 2, 3)},
    "t1_admin_formulation": lambda t: (
        int(t["admin"]["formulation"].sum()),
        int(t["admin"]["formulation"].notna().sum()),
    ),
    "t1_admin_disciplines_mean": lambda t: round(float(t["admin"]["disciplines_present"].mean())),
    "t1_yoi_attend_y1": lambda t: _attend(t, "YOI/STC", 1),
    "t1_yoi_attend_y3": lambda t: _attend(t, "YOI/STC", 3),
    "t1_sch_attend_y1": lambda t: _attend(t, "SCH", 1),
    "t1_sch_attend_y2": lambda t: _attend(t, "SCH", 2),
    "t1_cyp_involved_y1": lambda t: _share(_staff(t, 1), "cyp_involved", AT_LEAST_SOMETIMES),
    "t1_cyp_involved_y3": lambda t: _share(_staff(t, 3), "cyp_involved", AT_LEAST_SOMETIMES),
    "t2_cyp_listened": lambda t: _share(t["cyp_survey"], "listened_to", AT_LEAST_A_LITTLE),
    **{
        f"t3_staff_enthusiastic_y{y}": (lambda t, y=y: _share(_staff(t, y), "enthusiastic", AGREE))
        for y in (1, 2, 3)
    },
    "t5_benefit_midpoint_gbp": lambda t: _economics(t, "benefit"),
    "t5_cost_per_staff_gbp": lambda t: _economics(t, "cost"),
}


def published_expectations(scale: int = 1) -> dict[str, object]:
    """What each published figure should measure in the data: (numerator, denominator) or a
    value; counts times `scale`; the inconsistent SCH year-2 figure as resolved in targets.yaml."""
    figures = pd.read_csv(config.PUBLISHED_FIGURES_PATH, dtype={"id": str})
    resolved = load_targets()["resolutions"]["sch_attend_y2"]["resolved"]
    expected: dict[str, object] = {}
    for row in figures.itertuples(index=False):
        if row.id in NOT_DATA:
            continue
        factor = 1 if row.id.startswith(STRUCTURAL) else scale
        if pd.notna(row.numerator):
            pair = (int(row.numerator), int(row.denominator))
            if row.id == "t1_sch_attend_y2":
                pair = tuple(resolved)
            expected[row.id] = (pair[0] * factor, pair[1] * factor)
        elif float(row.value_printed).is_integer() and not row.id.startswith("t5_"):
            expected[row.id] = int(row.value_printed) * factor
        else:
            expected[row.id] = round(float(row.value_printed), 2)
    return expected


def measure_published(tables: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Every published figure measured on tables keyed like the schema (admin harmonised)."""
    return {figure_id: measure(tables) for figure_id, measure in MEASURES.items()}


def load_tables(data_dir: Path) -> dict[str, pd.DataFrame]:
    """The tables the published figures need, read with the project loaders."""
    return {
        "sites": loading.load_sites(data_dir),
        "admin": loading.load_admin(data_dir),
        "staff_survey": loading.load_staff_survey(data_dir),
        "cyp_survey": loading.load_cyp_survey(data_dir),
        "interviews": loading.load_interviews(data_dir),
        "economics_inputs": loading.load_economics_inputs(data_dir),
    }


@pytest.fixture(scope="session")
def bundled_tables(bundled_data_dir: Path) -> dict[str, pd.DataFrame]:
    """The bundled dataset's tables, loaded once per session."""
    return load_tables(bundled_data_dir)


@pytest.fixture(scope="session")
def bundled_figures(bundled_tables: dict[str, pd.DataFrame]) -> dict[str, object]:
    """Every published figure measured on the bundled dataset."""
    return measure_published(bundled_tables)


@pytest.fixture(scope="session")
def expected_figures() -> Callable[[int], dict[str, object]]:
    """published_expectations(scale): what the data must reproduce."""
    return published_expectations


@pytest.fixture(scope="session")
def measure() -> Callable[[dict[str, pd.DataFrame]], dict[str, object]]:
    """measure_published(tables): every published figure measured on the given tables."""
    return measure_published
