"""Scope and limitations prose shared by the evaluation chapters."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import config
from analysis.data.chapter_context import ChapterContext
from analysis.errors import ParameterError
from analysis.report import chapter_notes
from analysis.statistics.disclosure import protect_count


@pytest.fixture(scope="module")
def national():
    return ChapterContext.load(data_dir="")


TOPIC_1 = ("admin", "staff_survey", "interviews")


def test_a_chapter_states_its_own_sources_counted_in_scope(national):
    assert not chapter_notes.needs_disclosure_control(national)
    text = chapter_notes.describe_scope(national, TOPIC_1)
    staff = int((national.interviews["participant_group"] == "staff").sum())
    assert text == (
        f"This chapter draws on {len(national.admin):,} administrative cases from "
        f"{national.admin['site_id'].nunique()} sites, {len(national.staff_survey):,} staff "
        f"surveys and {len(national.interviews)} interviews at the case-study sites ({staff} "
        f"with staff, {len(national.interviews) - staff} with children)."
    )
    assert "children's surveys" not in text
    assert "children's surveys" in chapter_notes.describe_scope(national, ("cyp_survey",))


def test_an_unknown_source_is_refused(national):
    with pytest.raises(ParameterError, match="questionnaire"):
        chapter_notes.describe_scope(national, ("questionnaire",))


def test_a_site_report_names_its_site_and_rounds_its_counts():
    ctx = ChapterContext.load(data_dir="", site="S10")
    assert chapter_notes.needs_disclosure_control(ctx)
    text = chapter_notes.describe_scope(ctx, ("staff_survey",))
    assert "This is the report for site S10, one of the SCHs" in text
    assert "@sec-methods-disclosure" in text
    count = int(text.split("draws on ")[1].split(" staff surveys")[0])
    assert count == protect_count(len(ctx.staff_survey))


def test_a_selection_that_leaves_a_single_site_is_protected_like_a_site_report():
    """Loading refuses the STC on its own (see test_chapter_context); a register whose
    reporting group holds one site would leave one, and is protected."""
    loaded = ChapterContext.load(data_dir="")
    ctx = ChapterContext(loaded.data_dir, None, loaded.years, ("STC",), loaded.sites)
    assert ctx.is_national and chapter_notes.needs_disclosure_control(ctx)
    text = chapter_notes.describe_scope(ctx, ("staff_survey",))
    assert "protected as in a site report" in text
    assert "the secure training centre (STC) only" in text


def test_the_covid_limitation_cites_only_the_sources_the_chapter_uses(national):
    survey_only = chapter_notes.describe_limitations(national, ("staff_survey",))
    staff = national.staff_survey
    assert (
        f"year three has {(staff['year'] == 3).sum()} staff surveys against "
        f"{(staff['year'] == 1).sum()} in year one." in survey_only
    )
    assert "interviews" not in survey_only and "children" not in survey_only
    with_interviews = chapter_notes.describe_limitations(national, ("interviews",))
    assert "4 interviews with children against 13 in year one" in with_interviews
    assert "**Small numbers.**" not in survey_only
    site = chapter_notes.describe_limitations(ChapterContext.load(data_dir="", site="S03"))
    assert "**Small numbers.**" in site


def test_no_chapter_repeats_the_design_limitations_said_once_in_the_methods(national):
    text = chapter_notes.describe_limitations(national)
    assert "cross-section" not in text and "comparison group" not in text
    assert "@sec-methods" in text


def test_limitations_say_when_only_some_years_are_included():
    ctx = ChapterContext.load(data_dir="", years=[1, 3])
    assert "Only year one and year three are included" in chapter_notes.describe_limitations(ctx)


def test_covid_timing_follows_the_schema_year_definition(national):
    """March to July 2020 falls in year two under August-July evaluation years."""
    from analysis.data.harmonise import evaluation_year, read_schema
    from analysis.report import methods

    arrival = evaluation_year(pd.Series([pd.Timestamp(config.PANDEMIC_START)]), read_schema())
    arrival_words = f"year {['one', 'two', 'three'][int(arrival.iloc[0]) - 1]}"
    months = pd.to_datetime(national.admin["admission_month"])
    in_year_two = int(((months >= "2020-03-01") & (national.admin["year"] == 2)).sum())
    text = methods.describe_pandemic(national)
    assert arrival_words == "year two" and f"in {arrival_words} of the evaluation" in text
    assert f"part of year two (March to July 2020, {in_year_two:,} admissions)" in text
    assert in_year_two == 212
    assert "all of year three (August to December 2020" in text


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
