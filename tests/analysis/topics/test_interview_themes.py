"""Topic by topic interview evidence: themes, tables, prose and excerpt rules."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.data.chapter_context import ChapterContext
from analysis.statistics.themes import CHILDREN_GROUP, theme_codebook
from analysis.topics import interview_themes as it


@pytest.fixture(scope="module")
def ctx() -> ChapterContext:
    return ChapterContext.load()


def _tables(ctx: ChapterContext, topic: int, protect: bool = False):
    by_year = it.release_themes(
        it.themes_by_group_and_year(ctx.interviews, ctx.sites, topic), protect
    )
    pooled = it.release_themes(it.themes_by_group(ctx.interviews, ctx.sites, topic), protect)
    return by_year, pooled


def test_every_topic_theme_is_in_the_codebook_and_every_theme_has_a_topic():
    codebook = set(theme_codebook())
    used = {theme for themes in it.TOPIC_THEMES.values() for theme in themes}
    assert used == codebook
    assert codebook >= it.STAFF_ONLY


@pytest.mark.parametrize(
    "topic,theme",
    [
        (1, "theme_self_regulation"),
        (1, "theme_consistent_leaders"),
        (1, "theme_central_support"),
        (2, "theme_environmental_safety"),
        (3, "theme_valued_empowered"),
        (3, "theme_remote_working"),
        (3, "theme_retention"),
        (4, "theme_sense_of_story"),
    ],
)
def test_the_evaluations_themes_are_presented_in_their_topic(topic, theme):
    assert theme in it.topic_themes(topic)


def test_display_has_a_column_per_year_and_counts_that_match_the_data(ctx):
    by_year, pooled = _tables(ctx, 3)
    display = it.themes_display(by_year, pooled)
    assert list(display.columns) == ["Theme", "Group", "Year 1", "Year 2", "Year 3", "All years"]
    remote = display[(display["Theme"] == "Remote working during COVID-19")]
    staff = ctx.interviews[ctx.interviews["participant_group"] == "staff"]
    expected_year_one = (
        f"0% (0/{int(((staff['year'] == 1) & (staff['setting_type'] != 'SCH')).sum())})"
    )
    assert remote.iloc[0]["Year 1"] == expected_year_one
    assert CHILDREN_GROUP not in set(
        display.loc[display["Theme"] == "Remote working during COVID-19", "Group"]
    )


def test_children_rows_appear_only_for_themes_children_can_describe(ctx):
    _, pooled = _tables(ctx, 1)
    children = set(pooled.loc[pooled["group"] == CHILDREN_GROUP, "theme"])
    assert children == set(it.topic_themes(1)) - it.STAFF_ONLY


def test_prose_states_clear_changes_and_group_differences_with_their_size(ctx):
    by_year, pooled = _tables(ctx, 2)
    text = it.describe_themes(by_year, pooled, protect=False)
    staff = ctx.interviews[ctx.interviews["participant_group"] == "staff"]
    share = staff.groupby("year")["theme_multiagency_working"].mean()
    assert (
        f"Multi-agency working became more common in staff interviews, from {share[1]:.0%} in "
        f"year one to {share[3]:.0%} in year three." in text
    )
    assert "Siloed working became less common" in text
    by_year, pooled = _tables(ctx, 1)
    assert "Organisational complexity was described more often by staff in YOIs and the STC" in (
        it.describe_themes(by_year, pooled, protect=False)
    )


def test_prose_names_no_change_when_the_interval_includes_none():
    rows = []
    for year in (1, 3):
        for group in ("Staff, YOI/STC", "Staff, SCH"):
            share = {"numerator": 10, "denominator": 20, "proportion": 0.5}
            rows.append({"theme": "theme_hope", "group": group, "year": year, **share})
    by_year = pd.DataFrame(rows)
    pooled = (
        by_year.groupby(["theme", "group"], as_index=False)[["numerator", "denominator"]]
        .sum()
        .assign(proportion=0.5)
    )
    text = it.describe_themes(by_year, pooled, protect=False)
    assert "became" not in text and "more often" not in text
    assert text.startswith("Staff most often described hope for life chances (50%)")


def test_site_reports_get_no_tests_and_no_excerpts(ctx):
    site = ChapterContext.load(site="S13")
    by_year, pooled = _tables(site, 1, protect=True)
    assert "not tested" in it.describe_themes(by_year, pooled, protect=True)
    chosen = it.topic_excerpts(site.interview_excerpts, site.interviews, site.sites, 1)
    shown = it.excerpts_display(chosen, national=False)
    assert shown["Synthetic illustrative excerpt"].tolist() == [
        "(excerpts are not shown in site reports)"
    ]


def test_pooled_rows_are_national_only(ctx):
    pooled_groups = {"Staff, all settings", "All interviews"}
    _, national = _tables(ctx, 1)
    assert pooled_groups <= set(national["group"])
    site = ChapterContext.load(site="S13")  # an SCH with staff and children's interviews
    unprotected = it.themes_by_group(site.interviews, site.sites, 1)
    assert "All interviews" in set(unprotected["group"])
    by_year, pooled = _tables(site, 1, protect=True)
    assert not pooled_groups & (set(pooled["group"]) | set(by_year["group"]))


def test_a_site_without_interviews_says_so():
    site = ChapterContext.load(site="S03")
    by_year, pooled = _tables(site, 2, protect=True)
    assert it.describe_themes(by_year, pooled, protect=True) == it.NO_INTERVIEWS


@pytest.mark.parametrize("topic", [1, 2, 3, 4])
def test_excerpts_attribute_staff_by_setting_group_and_children_never_by_setting(ctx, topic):
    chosen = it.topic_excerpts(ctx.interview_excerpts, ctx.interviews, ctx.sites, topic)
    assert set(chosen["theme"]) <= set(it.topic_themes(topic))
    staff = chosen[chosen["participant_group"] == "staff"]
    children = chosen[chosen["participant_group"] == "cyp"]
    assert set(staff["attribution"]) <= {"staff, SCH", "staff, YOI/STC"}
    assert set(children["attribution"]) <= {"a child or young person"}
    assert len(children) == len(set(it.topic_themes(topic)) - it.STAFF_ONLY)
    assert not set(children["theme"]) & it.STAFF_ONLY
    assert chosen.groupby(["theme", "participant_group"]).size().max() == 1
    shown = it.excerpts_display(chosen, national=True)
    assert shown["Synthetic illustrative excerpt"].str.contains("[Synthetic]", regex=False).all()


def test_topic_five_points_to_the_chapters_that_show_the_benefit_themes(ctx):
    _, pooled = _tables(ctx, 5)
    where = it.settings_describing(ctx.interviews, "theme_retention")
    text = it.describe_benefit_accounts(pooled, where)
    assert where == "one SCH"
    assert "@sec-topic-3-interviews" in text and "@sec-topic-2-interviews" in text
    assert "all at one SCH" in text
