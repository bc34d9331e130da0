"""Data sources of the evaluation, counted from the data (methods chapter)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis import config
from analysis.data.chapter_context import ChapterContext
from analysis.display.presentation import ROUNDING_RULE, format_count
from analysis.statistics.disclosure import protect_count
from analysis.statistics.proportions import release_count, year_words

YEAR_COLUMNS = ["Year 1", "Year 2", "Year 3"]
CYP_SURVEYS = "Children's surveys returned"
CYP_INTERVIEWS = "Children's interviews"


def _by_year(frame: pd.DataFrame, years: tuple[int, ...], unique: str | None = None) -> list[int]:
    counts = []
    for year in (1, 2, 3):
        rows = frame[frame["year"] == year] if year in years else frame.iloc[0:0]
        counts.append(int(rows[unique].nunique()) if unique else len(rows))
    return counts


def data_sources(ctx: ChapterContext) -> pd.DataFrame:
    """Counts of every data source by evaluation year, with totals."""
    staff = ctx.staff_survey
    interviews = ctx.interviews
    rows = [
        ("Staff surveys returned", _by_year(staff, ctx.years), len(staff)),
        (
            "Sites returning staff surveys",
            _by_year(staff, ctx.years, "site_id"),
            staff["site_id"].nunique(),
        ),
        ("Children's surveys returned", _by_year(ctx.cyp_survey, ctx.years), len(ctx.cyp_survey)),
        ("Administrative cases", _by_year(ctx.admin, ctx.years), len(ctx.admin)),
        (
            "Sites submitting administrative data",
            _by_year(ctx.admin, ctx.years, "site_id"),
            ctx.admin["site_id"].nunique(),
        ),
        (
            "Staff interviews",
            _by_year(interviews[interviews["participant_group"] == "staff"], ctx.years),
            int((interviews["participant_group"] == "staff").sum()),
        ),
        (
            "Children's interviews",
            _by_year(interviews[interviews["participant_group"] == "cyp"], ctx.years),
            int((interviews["participant_group"] == "cyp").sum()),
        ),
    ]
    table = pd.DataFrame(
        [[name, *years, total] for name, years, total in rows],
        columns=["Source", *YEAR_COLUMNS, "Total"],
    )
    return table


def protected_data_sources(ctx: ChapterContext) -> pd.DataFrame:
    """The data-source table as published: disclosure control below national level."""
    table = data_sources(ctx)
    if ctx.is_national:
        return table
    shown = table.copy()
    for column in [*YEAR_COLUMNS, "Total"]:
        shown[column] = [
            value if name.startswith("Sites") else protect_count(int(value))
            for name, value in zip(shown["Source"], shown[column], strict=True)
        ]
    return shown


def case_study_sites(ctx: ChapterContext) -> pd.Series:
    """Number of case-study sites by setting type."""
    sites = ctx.sites[ctx.sites["case_study"].astype(bool)]
    return sites["setting_type"].value_counts().reindex(["SCH", "YOI", "STC"], fill_value=0)


def describe_data_sources(ctx: ChapterContext) -> str:
    """The methods paragraph on data sources, every count taken from the data in scope.

    A site report describes that site's own sample, not the national design.
    """
    if not ctx.is_national:
        return _describe_site_sources(ctx)
    table = protected_data_sources(ctx).set_index("Source")
    case_study = case_study_sites(ctx)

    def count(source: str, column: str = "Total") -> str:
        return format_count(table.loc[source, column])

    years = ", ".join(
        f"{count('Staff surveys returned', f'Year {y}')} from "
        f"{count('Sites returning staff surveys', f'Year {y}')} sites in year {y}"
        for y in ctx.years
    )
    return (
        f"The evaluation combines three kinds of quantitative data: "
        f"{count('Staff surveys returned')} staff surveys ({years}); "
        f"{count(CYP_SURVEYS)} surveys of children and young people, "
        f"collected on a rolling basis; and anonymous administrative data on "
        f"{count('Administrative cases')} cases from "
        f"{count('Sites submitting administrative data')} sites. "
        f"Qualitative data come from {int(case_study.sum())} case-study sites "
        f"({case_study['SCH']} SCHs, {case_study['YOI']} YOIs and {case_study['STC']} STC): "
        f"{count('Staff interviews')} staff interviews and focus groups and "
        f"{count(CYP_INTERVIEWS)} interviews with children and young people "
        f"(@tbl-data-sources)."
    )


def _describe_site_sources(ctx: ChapterContext) -> str:
    """A site's own sample: its surveys, cases and (at a case-study site) interviews."""
    table = protected_data_sources(ctx).set_index("Source")

    def count(source: str) -> str:
        return format_count(table.loc[source, "Total"])

    site = ctx.sites.set_index("site_id").loc[ctx.site]
    text = (
        f"This report covers {ctx.scope_label} alone. Its data are "
        f"{count('Staff surveys returned')} staff surveys, {count(CYP_SURVEYS)} children's "
        f"surveys and {count('Administrative cases')} administrative cases (@tbl-data-sources)."
    )
    if bool(site["case_study"]):
        return text + (
            f" It was one of the case-study sites, so its staff and children were interviewed: "
            f"{count('Staff interviews')} staff interviews and focus groups and "
            f"{count(CYP_INTERVIEWS)} interviews with children and young people."
        )
    return text + " It was not a case-study site, so no interviews took place there."


def describe_interviews(ctx: ChapterContext) -> str:
    """How the interviews were coded and how their themes and excerpts are reported."""
    return (
        f"Each interview was coded for the themes of the evaluation's codebook (the "
        f"`theme_` columns of the data dictionary, @sec-data-dictionary). A theme's prevalence "
        f"is the share of a group's interviews that describe it, for staff in each setting "
        f"group and for children, whose interviews are never split by setting. A 95% Wilson "
        f"interval is shown only where at least {config.MIN_N_FOR_INTERVAL} interviews count: "
        f"on fewer, it would span most of the scale. A difference between groups or years is "
        f"named in the text only when the 95% interval of the difference excludes zero."
    )


# -- the COVID-19 pandemic, placed in the evaluation years -----------------------------------


@dataclass(frozen=True)
class PandemicPeriod:
    """The part of one evaluation year that fell in the pandemic, and its admissions."""

    year: int
    start: pd.Timestamp
    end: pd.Timestamp
    whole_year: bool
    admissions: int | str

    @property
    def months(self) -> str:
        """'March to July 2020', or 'August to December 2020'."""
        first = (
            self.start.strftime("%B")
            if self.start.year == self.end.year
            else (self.start.strftime("%B %Y"))
        )
        return f"{first} to {self.end.strftime('%B %Y')}"


def pandemic_periods(
    ctx: ChapterContext,
    schema: Mapping[str, Any] | None = None,
    start: str = config.PANDEMIC_START,
) -> list[PandemicPeriod]:
    """Each evaluation year in scope that the pandemic reached, by the schema's year
    definition (`evaluation_years`), with the admissions in scope in those months
    (disclosure-controlled below national level)."""
    from analysis.data.harmonise import read_schema
    from analysis.report.chapter_notes import needs_disclosure_control

    schema = schema or read_schema()
    first = pd.Timestamp(start)
    months = pd.to_datetime(ctx.admin["admission_month"])
    periods = []
    for number, bounds in schema["evaluation_years"].items():
        year_start, year_end = pd.Timestamp(bounds["start"]), pd.Timestamp(bounds["end"])
        if int(number) not in ctx.years or year_end < first:
            continue
        begins = max(first, year_start)
        admissions = int(((months >= begins) & (months <= year_end)).sum())
        periods.append(
            PandemicPeriod(
                int(number),
                begins,
                year_end,
                begins == year_start,
                release_count(admissions, needs_disclosure_control(ctx)),
            )
        )
    return periods


def _year_span(schema: Mapping[str, Any]) -> str:
    first = next(iter(schema["evaluation_years"].values()))
    start, end = pd.Timestamp(first["start"]), pd.Timestamp(first["end"])
    return f"{start.strftime('%B')} to {end.strftime('%B')}"


def describe_pandemic_periods(periods: list[PandemicPeriod]) -> str:
    """'the last months of year two (March to July 2020, 212 admissions) and all of
    year three (August to December 2020, 173 admissions)'."""
    parts = []
    for period in periods:
        which = "all of" if period.whole_year else "part of"
        admissions = format_count(period.admissions)
        parts.append(
            f"{which} {year_words(period.year)} ({period.months}, {admissions} admissions)"
        )
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def pandemic_arrival_year(
    schema: Mapping[str, Any] | None = None, start: str = config.PANDEMIC_START
) -> int | None:
    """The evaluation year whose months (schema `evaluation_years`) hold the pandemic's start."""
    from analysis.data.harmonise import evaluation_year, read_schema

    year = evaluation_year(pd.Series([pd.Timestamp(start)]), schema or read_schema()).iloc[0]
    return None if pd.isna(year) else int(year)


def describe_pandemic(ctx: ChapterContext, schema: Mapping[str, Any] | None = None) -> str:
    """When the pandemic arrived, in the evaluation's own years, and what it changed."""
    from analysis.data.harmonise import read_schema

    schema = schema or read_schema()
    periods = pandemic_periods(ctx, schema)
    start = pd.Timestamp(config.PANDEMIC_START).strftime("%B %Y")
    arrival = pandemic_arrival_year(schema)
    when = f"in {year_words(arrival)} of the evaluation" if arrival else "during the evaluation"
    text = (
        f"The COVID-19 pandemic reached England in {start}, {when} (evaluation years run "
        f"from {_year_span(schema)})."
    )
    if not periods:
        return text + " None of the years in this selection falls in the pandemic."
    return text + (
        f" It covered {describe_pandemic_periods(periods)}. "
        "It cut the number of surveys and, above all, "
        "interviews with children and young people, and it changed the settings themselves; "
        f"figures from {start} onwards should be read with that in mind."
    )


def describe_rounding() -> str:
    """How the report rounds the numbers it prints."""
    return (
        f"{ROUNDING_RULE} Percentages are computed from the counts before rounding, so "
        "percentages that belong together need not add up to exactly 100."
    )
