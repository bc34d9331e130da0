"""Topic 4: does the framework have the potential to improve children's life chances?

Interviews: hope and pessimism about children's life chances, by year and group.
Administrative data: transition plans and engagement in education, by setting
group. Synthetic illustrative excerpts, attributed only as the report allows.
"""

from __future__ import annotations

import pandas as pd

from analysis.display.share_figures import share_bars
from analysis.statistics.proportions import (
    ALL_GROUPS,
    describe_share,
    share_table,
)
from analysis.statistics.reporting_groups import (
    REPORTING_GROUPS,
    add_reporting_group,
    groups_in,
    where_group,
)
from analysis.statistics.themes import INTERVIEW_GROUPS, interview_group, theme_prevalence

LIFE_CHANCE_THEMES = ("theme_hope", "theme_pessimism")
ADMIN_MEASURES = {
    "transition_plan": "Transition plan in place before discharge",
    "education_engaged": "Engaged in education during the placement",
}
# --------------------------------------------------------------------------- hope and pessimism


def hope_and_pessimism_by_year(interviews: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Share of interviews expressing hope / pessimism about life chances, by group and year."""
    grouped = interviews.assign(group=interview_group(interviews, sites))
    table = theme_prevalence(grouped, LIFE_CHANCE_THEMES, by=["group", "year"])
    order = {group: position for position, group in enumerate(INTERVIEW_GROUPS)}
    return (
        table.assign(_order=table["group"].map(order))
        .sort_values(["theme", "_order", "year"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


# --------------------------------------------------------------------------- administrative data


def transitions_and_education_by_setting(admin: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Share of cases with a transition plan, and engaged in education, by setting group.

    Long table: measure, reporting_group (plus "All settings"), share columns; each
    share is among cases whose site returned that field.
    """
    cases = add_reporting_group(admin, sites)
    parts = []
    for column, label in ADMIN_MEASURES.items():
        table = share_table(cases, column, by=["reporting_group"], total_label=ALL_GROUPS)
        table.insert(0, "measure", label)
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def describe_transitions_and_education(table: pd.DataFrame) -> str:
    """Prose for the administrative indicators, per setting group."""
    sentences = []
    for label in ADMIN_MEASURES.values():
        rows = table[table["measure"] == label]
        if rows.empty:
            sentences.append(f"No cases in scope recorded '{label.lower()}'.")
            continue
        groups = groups_in(rows[rows["reporting_group"] != ALL_GROUPS])
        parts = []
        for _, row in rows.iterrows():
            group = row["reporting_group"]
            where = " across all settings" if group == ALL_GROUPS else where_group(group, groups)
            parts.append(f"{describe_share(row)}{where}")
        sentences.append(f"{label}: " + "; ".join(parts) + ".")
    return " ".join(sentences)


def plot_transitions_and_education(table: pd.DataFrame):
    """Horizontal bars by measure and setting group, with 95% intervals."""
    groups = [g for g in (*REPORTING_GROUPS, ALL_GROUPS) if g in set(table["reporting_group"])]
    return share_bars(
        table,
        category="measure",
        hue="reporting_group",
        category_order=[m for m in ADMIN_MEASURES.values() if m in set(table["measure"])],
        hue_order=groups,
        xlabel="% of cases (of those with the field recorded)",
    )


# --------------------------------------------------------------------------- excerpts
