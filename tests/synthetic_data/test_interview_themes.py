"""The coded interviews carry every theme of the codebook at the shares targets.yaml sets."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.harmonise import read_schema
from synthetic_data import build_dataset
from synthetic_data.interviews import EXCERPTS, THEMES
from synthetic_data.targets import load_targets

TARGETS = load_targets()
SHARES = TARGETS["assumptions"]["interviews"]["theme_shares"]
COUNTS = TARGETS["published"]["interviews"]
THEME_SITES = TARGETS["design"]["interviews"]["theme_sites"]


def _schema_themes() -> list[str]:
    columns = read_schema()["tables"]["interviews"]["columns"]
    return [name for name in columns if name.startswith("theme_")]


def test_generator_schema_and_targets_name_the_same_themes_in_the_same_order():
    assert list(THEMES) == _schema_themes()
    for group in ("staff", "cyp"):
        assert list(SHARES[group]) == list(THEMES), group


def test_every_theme_has_a_label_and_a_description_in_the_codebook():
    columns = read_schema()["tables"]["interviews"]["columns"]
    labels = [columns[theme]["label"] for theme in _schema_themes()]
    assert len(set(labels)) == len(labels)
    assert all(len(columns[t]["description"]) > 20 for t in _schema_themes())


def _theme_counts(interviews: pd.DataFrame) -> dict[tuple[str, str, int], int]:
    counts = interviews.groupby(["participant_group", "year"])[list(THEMES)].sum()
    return {
        (theme, group, int(year)): int(counts.at[(group, year), theme])
        for theme in THEMES
        for group, year in counts.index
    }


@pytest.mark.parametrize("seed,scale", [(20180801, 1), (12345, 1), (20180801, 2)])
def test_theme_counts_are_the_rounded_target_shares_for_any_seed_and_scale(seed, scale):
    interviews = build_dataset(seed=seed, scale=scale).tables["interviews"]
    expected = {
        (theme, group, int(year)): round(share * COUNTS[group][year]) * scale
        for group in ("staff", "cyp")
        for theme, by_year in SHARES[group].items()
        for year, share in by_year.items()
    }
    assert _theme_counts(interviews) == expected


def test_bundled_interviews_carry_the_target_counts(bundled_tables):
    interviews = bundled_tables["interviews"]
    assert _theme_counts(interviews)[("theme_central_support", "staff", 1)] == round(0.25 * 53)
    assert _theme_counts(interviews)[("theme_trust", "cyp", 3)] == 3


def test_retention_after_embedding_is_coded_only_at_its_one_sch(bundled_tables):
    interviews = bundled_tables["interviews"]
    coded = interviews.loc[interviews["theme_retention"], "site_id"]
    assert set(coded) == set(THEME_SITES["theme_retention"])
    sites = bundled_tables["sites"].set_index("site_id")
    assert set(sites.loc[list(set(coded)), "setting_type"]) == {"SCH"}


def test_remote_working_is_described_only_in_the_covid_year(bundled_tables):
    interviews = bundled_tables["interviews"]
    years = interviews.loc[interviews["theme_remote_working"], "year"]
    assert set(years) == {3}


def _staff_share_by_group(bundled_tables, theme: str) -> pd.Series:
    interviews = bundled_tables["interviews"].merge(bundled_tables["sites"])
    staff = interviews[interviews["participant_group"] == "staff"]
    return staff.groupby("reporting_group")[theme].mean()


def test_organisational_complexity_is_mostly_a_yoi_stc_theme(bundled_tables):
    share = _staff_share_by_group(bundled_tables, "theme_org_complexity")
    assert share["YOI/STC"] > 2 * share["SCH"]


def test_staff_only_themes_never_appear_in_childrens_interviews(bundled_tables):
    interviews = bundled_tables["interviews"]
    children = interviews[interviews["participant_group"] == "cyp"]
    staff_only = [t for t in THEMES if all(v == 0 for v in SHARES["cyp"][t].values())]
    assert "theme_valued_empowered" in staff_only
    assert not children[staff_only].any().any()


@pytest.mark.parametrize(
    "theme",
    [
        "theme_self_regulation",
        "theme_understanding",
        "theme_trust",
        "theme_valued_empowered",
        "theme_central_support",
        "theme_consistent_leaders",
    ],
)
def test_themes_the_evaluation_saw_grow_are_described_more_in_year_three(bundled_tables, theme):
    interviews = bundled_tables["interviews"]
    staff = interviews[interviews["participant_group"] == "staff"]
    by_year = staff.groupby("year")[theme].mean()
    assert by_year[1] < by_year[3]


def test_every_theme_has_staff_excerpts_and_children_have_them_where_they_speak_of_it():
    for theme in THEMES:
        assert (theme, "staff") in EXCERPTS, theme
        children_speak = any(v > 0 for v in SHARES["cyp"][theme].values())
        assert ((theme, "cyp") in EXCERPTS) == children_speak, theme
