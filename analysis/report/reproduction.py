"""The reproduction appendix: published figures beside the values recomputed from the data."""

from __future__ import annotations

import pandas as pd

from analysis.data.chapter_context import ChapterContext
from analysis.display.presentation import format_count, format_number


def reproduction_table(ctx: ChapterContext) -> pd.DataFrame | None:
    """Every published figure recomputed; None for a site report (the figures are national)."""
    if not ctx.is_national:
        return None
    from analysis.report.published_figures import reproduce_published_figures

    return reproduce_published_figures(ctx.data_dir)


def _recomputed(row: pd.Series) -> str:
    if pd.notna(row.get("numerator")) and pd.notna(row.get("denominator")):
        percent = f"{format_number(row['percent'])}% " if pd.notna(row.get("percent")) else ""
        return f"{percent}({format_count(row['numerator'])}/{format_count(row['denominator'])})"
    value = row.get("value")
    if value is None or pd.isna(value):
        return "–"
    if isinstance(value, float) and not float(value).is_integer():
        return format_number(value, 2)
    return format_count(value)


def display_table(figures: pd.DataFrame) -> pd.DataFrame:
    """The published-figure table as shown in the report."""
    return pd.DataFrame(
        {
            "Published figure": figures["label"],
            "As published": figures["printed"],
            "Recomputed": figures.apply(_recomputed, axis=1),
            "Status": figures["status"],
        }
    )


def describe_reproduction(ctx: ChapterContext, figures: pd.DataFrame | None) -> str:
    """Counts of matching and differing figures, and every explained inconsistency."""
    if figures is None:
        return (
            f"This is the report for {ctx.scope_label}. The published figures are national, "
            "so they are reproduced in the national report only."
        )
    counts = figures["status"].value_counts()
    matches = int(counts.get("matches", 0))
    differs = int(counts.get("differs", 0))
    flagged = figures[figures["status"] == "inconsistent in source"]
    text = (
        f"Of the {format_count(len(figures))} published figures, {format_count(matches)} are "
        f"reproduced exactly from the data and {format_count(differs)} differ "
        f"(@tbl-reproduction)."
    )
    for _, row in flagged.iterrows():
        text += (
            f" The published figure *{row['label']}* is inconsistent in the source: "
            f"{row['explanation'][:1].lower()}{row['explanation'][1:]}"
        )
    return text
