"""Each evaluation chapter's own scope and data limitations, from the sources it uses.

Numbers (thresholds, counts) come from config and the data in scope, never typed into a
notebook. The limits every chapter shares are stated once, in the methods chapter.
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis import config
from analysis.display.presentation import bullet_list, format_count
from analysis.errors import ParameterError
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


# The data sources a chapter may draw on, as ChapterContext names them.
SOURCES = ("admin", "staff_survey", "cyp_survey", "interviews")


def _count(ctx, value: int) -> str:
    return format_count(release_count(int(value), protect=needs_disclosure_control(ctx)))


def _source_words(ctx, source: str) -> str:
    """'1,270 administrative cases from 18 sites', '897 staff surveys', ..."""
    if source == "admin":
        sites = ctx.admin["site_id"].nunique()
        where = f" from {sites} sites" if ctx.is_national else ""
        return f"{_count(ctx, len(ctx.admin))} administrative cases{where}"
    if source == "staff_survey":
        return f"{_count(ctx, len(ctx.staff_survey))} staff surveys"
    if source == "cyp_survey":
        return f"{_count(ctx, len(ctx.cyp_survey))} children's surveys"
    interviews = ctx.interviews
    if interviews.empty:
        return "no interviews (interviews took place at the case-study sites only)"
    staff = int((interviews["participant_group"] == "staff").sum())
    if needs_disclosure_control(ctx):  # each count rounded on its own: no total beside them
        return (
            f"{_count(ctx, staff)} staff interviews and "
            f"{_count(ctx, len(interviews) - staff)} interviews with children"
        )
    return (
        f"{_count(ctx, len(interviews))} interviews at the case-study sites "
        f"({_count(ctx, staff)} with staff, {_count(ctx, len(interviews) - staff)} with children)"
    )


def describe_scope(ctx, sources: Sequence[str] = SOURCES) -> str:
    """What this chapter draws on in scope, and what the selection leaves out.

    Every count comes from the data in scope (disclosure-controlled below national level);
    a site report says which site it is and where the protection of small numbers is set out.
    """
    unknown = [s for s in sources if s not in SOURCES]
    if unknown:
        raise ParameterError(f"unknown data source(s) {unknown}; expected some of {SOURCES}")
    text = f"This chapter draws on {_join([_source_words(ctx, s) for s in sources])}."
    if tuple(ctx.years) != config.YEARS:
        text += f" It covers {_join([year_words(y) for y in ctx.years])} only."
    if set(ctx.setting_types) != set(config.SETTING_TYPES):
        text += f" It covers {_join([SETTING_NAMES[s] for s in ctx.setting_types])} only."
    if not ctx.is_national:
        group = ctx.sites.set_index("site_id").loc[ctx.site, "reporting_group"]
        text += (
            f" This is the report for site {ctx.site}, one of the {GROUP_WORDS[str(group)]}; "
            "small numbers are protected (@sec-methods-disclosure)."
        )
    elif needs_disclosure_control(ctx):
        text += (
            " The setting types chosen leave a single site, so small numbers are protected as in "
            f"a site report: {disclosure_rule()}."
        )
    return text


def pandemic_limitation(ctx, sources: Sequence[str] = SOURCES) -> str:
    """The COVID-19 limitation for one chapter: what the pandemic did to the data it uses.

    When the pandemic came, by the schema's evaluation years, is said once in the methods;
    here each source's count in the last pandemic year is set against the first year in scope.
    """
    from analysis.report.methods import pandemic_periods

    start = _month(config.PANDEMIC_START)
    periods = pandemic_periods(ctx)
    if not periods:
        return f"**COVID-19.** The pandemic reached England in {start}, after the years in scope."
    text = f"**COVID-19.** The pandemic reached England in {start} (@sec-methods)."
    first, last = min(ctx.years), periods[-1].year
    counts = _year_counts(ctx, sources, first, last) if first != last else []
    if counts:
        text += f" In this chapter's data, {year_words(last)} has {_join(counts)}."
    return text


def _year_counts(ctx, sources: Sequence[str], first: int, last: int) -> list[str]:
    """'233 staff surveys against 383 in year one', for the sources used (suppressed
    pairs left out)."""
    tables = []
    if "admin" in sources:
        tables.append(("administrative cases", ctx.admin))
    if "staff_survey" in sources:
        tables.append(("staff surveys", ctx.staff_survey))
    if "cyp_survey" in sources:
        tables.append(("children's surveys", ctx.cyp_survey))
    if "interviews" in sources and len(ctx.interviews):
        groups = ctx.interviews["participant_group"]
        tables.append(("staff interviews", ctx.interviews[groups == "staff"]))
        tables.append(("interviews with children", ctx.interviews[groups == "cyp"]))
    counts = []
    for name, frame in tables:
        now, before = (_count(ctx, (frame["year"] == y).sum()) for y in (last, first))
        if config.SDC_SYMBOL not in (now, before):
            counts.append(f"{now} {name} against {before} in {year_words(first)}")
    return counts


def _month(month: str) -> str:
    import pandas as pd

    return pd.Timestamp(month).strftime("%B %Y")


def describe_limitations(ctx, sources: Sequence[str] = SOURCES) -> str:
    """This chapter's limitations that come from the data it uses, as a bullet list.

    The limits of the design that every chapter shares (repeated cross-sections, no comparison
    group) are stated once, in the methods; each chapter adds its own in its notebook.
    """
    items = [pandemic_limitation(ctx, sources)]
    if needs_disclosure_control(ctx):
        items.append(
            "**Small numbers.** A single site has few surveys, cases and interviews, so its "
            "intervals are wide and its figures can move between years by chance."
        )
    if tuple(ctx.years) != config.YEARS:
        items.append(
            "**Selected years.** Only "
            + _join([year_words(y) for y in ctx.years])
            + " are included, so trends over the whole evaluation are not shown."
        )
    return bullet_list(items)
