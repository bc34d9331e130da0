"""Scope and limitations prose shared by the evaluation chapters."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import config
from analysis.data.chapter_context import ChapterContext
from analysis.report import chapter_notes


@pytest.fixture(scope="module")
def national():
    return ChapterContext.load(data_dir="")


def test_national_scope_names_the_two_reporting_groups_and_needs_no_protection(national):
    assert not chapter_notes.needs_disclosure_control(national)
    text = chapter_notes.describe_scope(national)
    assert text.startswith("This is the national report")
    assert "the single STC is always reported together with the YOIs" in text


def test_a_site_report_states_the_disclosure_rule_from_config():
    ctx = ChapterContext.load(data_dir="", site="S10")
    assert chapter_notes.needs_disclosure_control(ctx)
    text = chapter_notes.describe_scope(ctx)
    assert text.startswith("This is the site report for S10, one of the SCHs")
    assert f"counts from 1 to {config.SDC_SUPPRESS_MAX} are suppressed" in text
    assert f"nearest {config.SDC_ROUND_BASE}" in text


def test_choosing_only_the_stc_is_protected_like_a_site_report():
    ctx = ChapterContext.load(data_dir="", setting_types=["STC"])
    assert ctx.is_national and chapter_notes.needs_disclosure_control(ctx)
    assert "protected as in a site report" in chapter_notes.describe_scope(ctx)


def test_limitations_cover_design_and_covid_and_small_numbers_only_below_national(national):
    text = chapter_notes.describe_limitations(national)
    assert "**Repeated cross-sections.**" in text and "**COVID-19 from year two on.**" in text
    assert "there were 4 interviews with children and young people in year three" in text
    assert "**Small numbers.**" not in text
    site = chapter_notes.describe_limitations(ChapterContext.load(data_dir="", site="S03"))
    assert "**Small numbers.**" in site
    assert "especially interviews with children" in site  # S03 held no interviews


def test_limitations_say_when_only_some_years_are_included():
    ctx = ChapterContext.load(data_dir="", years=[1, 3])
    assert "Only year one and year three are included" in chapter_notes.describe_limitations(ctx)


def test_covid_timing_follows_the_schema_year_definition(national):
    """March to July 2020 falls in year two under August-July evaluation years."""
    from analysis.data.harmonise import evaluation_year, read_schema

    arrival = evaluation_year(pd.Series([pd.Timestamp(config.PANDEMIC_START)]), read_schema())
    arrival_words = f"year {['one', 'two', 'three'][int(arrival.iloc[0]) - 1]}"
    months = pd.to_datetime(national.admin["admission_month"])
    in_year_two = int(((months >= "2020-03-01") & (national.admin["year"] == 2)).sum())
    bullet = next(
        line
        for line in chapter_notes.describe_limitations(national).splitlines()
        if "COVID" in line
    )
    assert arrival_words == "year two" and f"from {arrival_words} on" in bullet
    assert f"part of year two (March to July 2020, {in_year_two:,} admissions)" in bullet
    assert in_year_two == 212
    assert "all of year three (August to December 2020" in bullet


def test_covid_timing_is_computed_not_typed(monkeypatch, national):
    from analysis.report import methods

    monkeypatch.setattr(config, "PANDEMIC_START", "2019-10")
    schema = {
        "evaluation_years": {
            1: {"start": "2018-08", "end": "2019-07"},
            2: {"start": "2019-08", "end": "2020-07"},
            3: {"start": "2020-08", "end": "2020-12"},
        }
    }
    periods = methods.pandemic_periods(national, schema, start="2019-10")
    assert [(p.year, p.whole_year) for p in periods] == [(2, False), (3, True)]
    assert periods[0].months == "October 2019 to July 2020"
    assert methods.pandemic_arrival_year(schema, "2019-07") == 1
