"""A site's feedback report, drawn wholly from the build's release.

Every number shown comes from :class:`~analysis.statistics.release.Release`: the site's values
as released (rounded, suppressed or withheld), and exact values for its setting group and the
nation, which the national report prints anyway. Shares at the site are computed from the
released counts, so they say nothing the counts do not.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis import config
from analysis.display.presentation import format_count, format_percent
from analysis.statistics.release import (
    NOT_RECORDED,
    RULE_WITHHELD,
    TOTAL,
    Release,
)
from analysis.statistics.reporting_groups import GROUP_WORDS

SITE = "This site"
NOT_SHOWN = "not shown"
BAND_HIGH = "95% or more"
BAND_LOW = "5% or less"


@dataclass(frozen=True)
class SiteTable:
    """One table of a site report: its measure, caption and cells as printed."""

    population: str
    item: str
    caption: str
    frame: pd.DataFrame
    withheld: bool  # True when the site's values are not shown at all


def setting_group(release: Release, site: str) -> str:
    """'YOIs and the STC' or 'SCHs': the site's setting group as the report writes it."""
    return GROUP_WORDS[release.reporting_group(site)]


def site_tables(release: Release, site: str) -> list[SiteTable]:
    """Every table of the site report, in report order."""
    tables = []
    for population in release.populations:
        tables.append(_population_table(release, site, population.key))
        for question in population.questions:
            tables.append(_question_table(release, site, population.key, question.key))
    return tables


def site_table(release: Release, site: str, population: str, item: str) -> SiteTable:
    """One table of the site report: a population by year (item 'year') or a question."""
    if item == "year":
        return _population_table(release, site, population)
    return _question_table(release, site, population, item)


def _shown(value) -> str:
    return NOT_SHOWN if value.shown is None else format_count(value.shown)


def _population_table(release: Release, site: str, population: str) -> SiteTable:
    group = release.reporting_group(site)
    rows = []
    for level in release.levels(population, "year"):
        label = TOTAL if level == TOTAL else f"Year {level}"
        rows.append(
            [
                label,
                _shown(release.site_value(population, "year", level, site)),
                format_count(release.group_values[(population, "year", level, group)]),
                format_count(release.national_values[(population, "year", level)]),
            ]
        )
    frame = pd.DataFrame(rows, columns=["Year", SITE, GROUP_WORDS[group], "National"])
    levels = release.levels(population, "year")
    values = [release.site_value(population, "year", lv, site) for lv in levels]
    caption = f"{release.population(population).title}, by evaluation year"
    return SiteTable(population, "year", caption, frame, all(not v.published for v in values))


def share_text(count, total, small_group: int = config.SDC_SMALL_GROUP) -> str:
    """A share as published: from released counts, banded at 0% or 100% of a small group."""
    if not isinstance(count, int) or not isinstance(total, int):
        return config.SDC_SYMBOL if count is not None and total is not None else NOT_SHOWN
    if total == 0:
        return "–"
    share = count / total
    if total < small_group and share in (0, 1):
        return BAND_LOW if share == 0 else BAND_HIGH
    return format_percent(share)


def _question_table(release: Release, site: str, population: str, item: str) -> SiteTable:
    group = release.reporting_group(site)
    question = release.population(population).question(item)
    site_total = release.site_total(population, site).shown
    group_total = sum(release.group_values[(population, item, a, group)] for a in question.answers)
    national_total = sum(release.national_values[(population, item, a)] for a in question.answers)
    rows = []
    published = False
    for answer in question.answers:
        value = release.site_value(population, item, answer, site)
        published |= value.published
        group_n = release.group_values[(population, item, answer, group)]
        national_n = release.national_values[(population, item, answer)]
        rows.append(
            [
                answer if answer != NOT_RECORDED else "Not recorded",
                _shown(value),
                share_text(value.shown, site_total) if value.published else NOT_SHOWN,
                share_text(group_n, group_total),
                format_percent(national_n / national_total) if national_total else "–",
            ]
        )
    columns = ["Answer", SITE, f"{SITE} (%)", f"{GROUP_WORDS[group]} (%)", "National (%)"]
    frame = pd.DataFrame(rows, columns=columns)
    return SiteTable(population, item, question.title, frame, not published)


def withheld_note(release: Release, site: str, table: SiteTable) -> str:
    """Why a table shows no site values, or '' when it does."""
    if not table.withheld:
        return ""
    return (
        f"This site's values are not shown: in {setting_group(release, site)} there are too few "
        "records to show them without letting a reader work out small numbers, at this site "
        "or at another."
    )


def disclosure_counts(release: Release, site: str) -> pd.DataFrame:
    """How many values of each table are suppressed or not shown (what the tables show)."""
    rows = []
    for table in site_tables(release, site):
        values = [
            release.site_value(table.population, table.item, level, site)
            for level in release.levels(table.population, table.item)
        ]
        suppressed = sum(v.shown == config.SDC_SYMBOL for v in values)
        withheld = sum(v.rule == RULE_WITHHELD for v in values)
        rows.append([table.caption, format_count(suppressed), format_count(withheld)])
    return pd.DataFrame(rows, columns=["Table", "Values suppressed", "Values not shown"])


def published_numbers(release: Release, site: str) -> dict:
    """The site's export: every table exactly as printed, for readers and output checkers."""
    return {
        "site": site,
        "setting_group": release.reporting_group(site),
        "tables": [
            {
                "population": t.population,
                "measure": t.item,
                "caption": t.caption,
                "columns": list(t.frame.columns),
                "rows": t.frame.astype(str).values.tolist(),
            }
            for t in site_tables(release, site)
        ],
        "disclosure_counts": disclosure_counts(release, site).astype(str).values.tolist(),
        "rules": {
            "suppress_max": config.SDC_SUPPRESS_MAX,
            "round_base": config.SDC_ROUND_BASE,
            "small_group": config.SDC_SMALL_GROUP,
            "min_n_for_model": config.SDC_MIN_N_FOR_MEAN,
        },
    }


def introduction(release: Release, site: str) -> str:
    """The opening paragraph: whose report this is and how to read its numbers."""
    return (
        f"This report shows site {site}'s own figures beside those of all "
        f"{setting_group(release, site)} and of the whole evaluation. The site's counts are "
        f"rounded to the nearest {config.SDC_ROUND_BASE}, and counts from 1 to "
        f"{config.SDC_SUPPRESS_MAX} are shown as {config.SDC_SYMBOL}; further values are "
        f"suppressed where a reader holding every report of this build, the national report "
        "included, could otherwise work a small number out. Shares at the site are computed "
        "from the rounded counts; group and national figures are exact, as in the national "
        'report. Where a table says "not shown", the site\'s values cannot be shown safely.'
    )


def models_note() -> str:
    """Why a site report shows no model results."""
    return (
        "Model results (trends, adjusted differences) are not shown for a single site. A "
        "model estimate is fitted to exact counts, so beside the rounded counts of this report "
        "it would let a reader recover them; and a site's estimates would often rest on fewer "
        f"than {config.SDC_MIN_N_FOR_MEAN} people in a year or a group. The national report "
        "gives every model result."
    )


def rules_text() -> str:
    """The disclosure-control rules of site reports, for the appendix."""
    return (
        f"Counts from 1 to {config.SDC_SUPPRESS_MAX} are suppressed ({config.SDC_SYMBOL}); "
        f"other counts are rounded to the nearest {config.SDC_ROUND_BASE}; 0 is shown as 0. "
        f"Where a group of fewer than {config.SDC_SMALL_GROUP} people all gave, or none gave, "
        "an answer, that count is suppressed too, so that no statement covers everyone in a "
        "small group. Then every site report, the national report and these rules are "
        "checked together, as an attacker would use them: an integer program finds the "
        "smallest and largest value each published count could have. Further counts are "
        "suppressed until no suppressed count can be narrowed to fewer than five possible "
        "values and no rounded count to fewer than three; a measure that cannot be protected "
        "in a setting group is not shown for its sites. The secure training centre has no "
        "report of its own and is protected like a suppressed count. The log for output "
        "checkers, listing each protected value and the rule that fired, stays with the "
        "build and is not published."
    )
