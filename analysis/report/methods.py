"""Data sources of the evaluation, counted from the data (methods chapter)."""

from __future__ import annotations

import pandas as pd

from analysis.data.chapter_context import ChapterContext
from analysis.display.presentation import format_count
from analysis.statistics.disclosure import protect_count

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
    """The methods paragraph, with every count taken from the data."""
    table = protected_data_sources(ctx).set_index("Source")
    case_study = case_study_sites(ctx)

    def count(source: str, column: str = "Total") -> str:
        return format_count(table.loc[source, column])

    years = ", ".join(
        f"{count('Staff surveys returned', f'Year {y}')} from "
        f"{count('Sites returning staff surveys', f'Year {y}')} sites in year {y}"
        for y in ctx.years
    )
    scope = "" if ctx.is_national else f" This report covers {ctx.scope_label} only."
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
        f"(@tbl-data-sources).{scope}"
    )
