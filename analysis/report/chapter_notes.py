"""Prose every evaluation chapter shares: what is in scope, and the limitations.

Numbers (thresholds, interview counts) come from config and the data in scope,
never typed into a notebook.
"""

from __future__ import annotations

from analysis import config
from analysis.display.presentation import bullet_list, format_count
from analysis.statistics.proportions import release_count, year_words
from analysis.statistics.reporting_groups import GROUP_WORDS

SETTING_NAMES = {
    "YOI": "young offender institutions (YOIs)",
    "STC": "the secure training centre (STC)",
    "SCH": "secure children's homes (SCHs)",
}


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def disclosure_rule() -> str:
    """The disclosure-control rule as a sentence, from config."""
    return (
        f"counts from 1 to {config.SDC_SUPPRESS_MAX} are suppressed (shown as "
        f"{config.SDC_SYMBOL}), other counts are rounded to the nearest {config.SDC_ROUND_BASE}, "
        "percentages and intervals are computed from the rounded counts, and means are shown "
        f"only where at least {config.SDC_MIN_N_FOR_MEAN} values contribute"
    )


def needs_disclosure_control(ctx) -> bool:
    """True below national level: a site report, or a selection of setting types that
    leaves a single site (the STC on its own must never be shown unprotected)."""
    if not ctx.is_national:
        return True
    in_scope = ctx.sites[ctx.sites["setting_type"].isin(ctx.setting_types)]
    return in_scope["site_id"].nunique() < 2


def describe_scope(ctx) -> str:
    """What this run of the chapter covers, and how small numbers are protected."""
    years = _join([year_words(y) for y in ctx.years])
    settings = _join([SETTING_NAMES[s] for s in ctx.setting_types])
    if ctx.is_national:
        text = (
            f"This is the national report: all sites, {years}, in {settings}. Results are "
            "reported for two setting groups, YOIs with the STC (YOI/STC) and SCHs; the single "
            "STC is always reported together with the YOIs."
        )
        if needs_disclosure_control(ctx):
            text += (
                " The setting types chosen leave a single site, so small numbers are "
                f"protected as in a site report: {disclosure_rule()}."
            )
    else:
        group = ctx.sites.set_index("site_id").loc[ctx.site, "reporting_group"]
        text = (
            f"This is the site report for {ctx.site}, one of the {GROUP_WORDS[str(group)]} "
            f"(reporting group {group}), covering {years}. To protect the people behind small "
            f"numbers, {disclosure_rule()}."
        )
    return text


def pandemic_limitation(ctx) -> str:
    """The COVID-19 limitation, placed in the evaluation years by the schema's year definition."""
    from analysis.report.methods import (
        describe_pandemic_periods,
        pandemic_arrival_year,
        pandemic_periods,
    )

    periods = pandemic_periods(ctx)
    arrival = pandemic_arrival_year()
    start = f"{year_words(arrival)} on" if arrival else "the evaluation"
    if not periods:
        return (
            f"**COVID-19 from {start}.** The pandemic reached England in "
            f"{_month(config.PANDEMIC_START)}, after the years in this selection."
        )
    interviews = ctx.interviews
    last = periods[-1].year
    cyp = int(((interviews["participant_group"] == "cyp") & (interviews["year"] == last)).sum())
    shown = format_count(release_count(cyp, protect=needs_disclosure_control(ctx)))
    limited = (
        f"it limited data collection (there were {shown} interviews with children and young "
        f"people in {year_words(last)} in scope)"
        if len(interviews)
        else "it limited data collection, especially interviews with children and young people"
    )
    return (
        f"**COVID-19 from {start}.** The pandemic reached England in "
        f"{_month(config.PANDEMIC_START)} and covered {describe_pandemic_periods(periods)}: "
        f"{limited}, and it changed the context of care; figures from "
        f"{_month(config.PANDEMIC_START)} onwards should be read with that in mind."
    )


def _month(month: str) -> str:
    import pandas as pd

    return pd.Timestamp(month).strftime("%B %Y")


def describe_limitations(ctx) -> str:
    """The limitations every evaluation chapter carries, as a bullet list."""
    items = [
        "**Repeated cross-sections.** The staff surveys and the interviews sampled staff and "
        "children afresh each year; the same person may have taken part in more than one year, "
        "but answers are not linked. Differences between years compare different groups of "
        "people, so they are tested as independent samples and are not changes within people.",
        pandemic_limitation(ctx),
        "**Associations, not effects.** There was no comparison group, so changes over time "
        "cannot be attributed to the Framework alone.",
    ]
    if needs_disclosure_control(ctx):
        items.append(
            "**Small numbers.** A single site has few surveys, cases and interviews: "
            f"{disclosure_rule()}. Intervals are wide and a site's figures can move a lot "
            "between years by chance; "
            "models that cannot be estimated reliably are reported as not estimated."
        )
    if tuple(ctx.years) != config.YEARS:
        items.append(
            "**Selected years.** Only "
            + _join([year_words(y) for y in ctx.years])
            + " are included, so trends over the whole evaluation are not shown."
        )
    return bullet_list(items)
