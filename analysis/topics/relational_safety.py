"""Topic 2: did emotional and relational safety increase between staff and children,
and between staff across agencies?

Children's survey: feeling listened to, safe, and in good relationships with staff.
Staff survey: agencies working well together, by year. Staff interviews: the move
from siloed to multi-agency working over the three years.
"""

from __future__ import annotations

import pandas as pd

from analysis.display.figure_text import describe_figure, join_phrases, values_phrase
from analysis.display.presentation import format_count
from analysis.display.share_figures import (
    has_values,
    legend_above,
    message_figure,
    share_points,
    wrapped,
)
from analysis.display.share_tables import wide_share_table
from analysis.statistics.changes import describe_group_changes
from analysis.statistics.proportions import (
    agree_or_strongly_agree,
    at_least_a_little,
    describe_share,
    row_percentages,
    scale_levels,
    share_table,
    year_label,
)
from analysis.statistics.reporting_groups import (
    REPORTING_GROUPS,
    add_reporting_group,
    groups_in,
)
from analysis.statistics.themes import theme_prevalence, theme_prevalence_by_year

CHILDREN_ITEMS = {
    "listened_to": "Staff listen to me",
    "felt_safe": "I feel safe here",
    "staff_relationships": "I have good relationships with staff",
}
WORKING_TOGETHER_THEMES = (
    "theme_siloed_working",
    "theme_multiagency_working",
    "theme_leadership_support",
    "theme_turnover",
)


# --------------------------------------------------------------------------- children's survey


def children_feeling_safe_and_heard(cyp: pd.DataFrame) -> pd.DataFrame:
    """Share of children answering 'a little' or more to each relational-safety item.

    One row per item (column `item`, the question as asked); `listened_to` is the
    published "felt at least a little listened to by staff".
    """
    parts = []
    for column, question in CHILDREN_ITEMS.items():
        flags = cyp.assign(positive=at_least_a_little(cyp[column]))
        table = share_table(flags, "positive")
        table.insert(0, "item", question)
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def children_survey_responses(cyp: pd.DataFrame) -> pd.DataFrame:
    """Counts of each answer (extent scale) per item: items as rows, answers as columns."""
    levels = list(scale_levels("extent"))
    rows = {
        question: cyp[column].dropna().astype(str).value_counts().reindex(levels, fill_value=0)
        for column, question in CHILDREN_ITEMS.items()
    }
    counts = pd.DataFrame(rows).T.astype("int64")
    counts.index.name = "Item"
    counts.columns.name = None
    return counts


def response_percentages(released: pd.DataFrame) -> pd.DataFrame:
    """Long table (item, answer, proportion) from a released items x answers table."""
    shares = row_percentages(released)
    long = shares.reset_index().melt(id_vars="Item", var_name="answer", value_name="proportion")
    return long.rename(columns={"Item": "item"})


def describe_children_survey(shares: pd.DataFrame, surveys: int | str) -> str:
    """Prose: how many children felt listened to, safe and in good relationships with staff."""
    if shares.empty:
        return "No children's surveys are in scope."
    by_item = shares.set_index("item")
    parts = []
    for question, words in (
        (CHILDREN_ITEMS["listened_to"], "felt at least a little listened to by staff"),
        (CHILDREN_ITEMS["felt_safe"], "felt at least a little safe"),
        (
            CHILDREN_ITEMS["staff_relationships"],
            "had at least a little of a good relationship with staff",
        ),
    ):
        if question in by_item.index:
            parts.append(f"{words}, {describe_share(by_item.loc[question])}")
    return (
        f"Of the {format_count(surveys)} children's surveys in scope (counting those who "
        f"answered each question): {'; '.join(parts)}."
    )


def plot_children_survey(percentages: pd.DataFrame):
    """Grouped horizontal bars: % of children giving each answer, per item (seaborn)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from analysis.display.plotting import report_palette

    if not has_values(percentages):
        return message_figure()
    levels = list(scale_levels("extent"))
    data = percentages.assign(percent=percentages["proportion"] * 100)
    items = list(dict.fromkeys(data["item"]))
    figure, ax = plt.subplots(figsize=(6.0, 1.1 * len(items) + 1.8), layout="constrained")
    sns.barplot(
        data=data,
        y="item",
        x="percent",
        hue="answer",
        hue_order=levels,
        palette=report_palette(len(levels)),
        errorbar=None,
        orient="h",
        ax=ax,
    )
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of children answering")
    ax.set_ylabel("")
    ax.set_yticks(range(len(items)), [wrapped(item) for item in items])
    legend_above(figure, ax)
    phrases = []
    for item in items:
        shares = data[data["item"] == item].set_index("answer")["percent"]
        phrases.append(values_phrase(item, [(level, shares.get(level)) for level in levels]))
    alt = (
        "Horizontal bar chart of the percentage of children giving each answer "
        f"({', '.join(levels)}) to each question. " + join_phrases(phrases)
    )
    return describe_figure(figure, alt, percentages)


# --------------------------------------------------------------------------- multi-agency working


def multiagency_working_by_year(staff: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Share of staff agreeing that agencies work well together, by setting group and year."""
    surveys = add_reporting_group(staff, sites)
    flags = surveys.assign(agree=agree_or_strongly_agree(surveys["multiagency_working"]))
    return share_table(flags, "agree", by=["reporting_group", "year"])


def describe_multiagency_working(table: pd.DataFrame, protect: bool = False) -> str:
    """Prose: how agreement that agencies work well together changed, per setting group."""
    groups = groups_in(table)
    if not groups:
        return "No staff in scope answered the multi-agency working question."
    return describe_group_changes(
        table,
        "the share of staff agreeing that staff from different agencies work well together",
        protect,
    )


def multiagency_display(table: pd.DataFrame) -> pd.DataFrame:
    """Every year's share agreeing that agencies work well together, by setting group."""
    return wide_share_table(
        table,
        rows=["reporting_group"],
        column_name=year_label,
        labels={"reporting_group": "Setting group"},
    )


def plot_multiagency_working(table: pd.DataFrame):
    """Points by year and setting group, with 95% intervals."""
    data = table.assign(year=table["year"].map(year_label))
    return share_points(
        data,
        x="year",
        hue="reporting_group",
        hue_order=[g for g in REPORTING_GROUPS if g in set(table["reporting_group"])],
        ylabel="% agreeing agencies work well together",
    )


# --------------------------------------------------------------------------- interview themes


def working_together_themes_by_year(interviews: pd.DataFrame) -> pd.DataFrame:
    """Share of staff interviews describing each working-together theme, by year."""
    return theme_prevalence_by_year(interviews, WORKING_TOGETHER_THEMES, participant_group="staff")


def turnover_theme_by_participant_group(interviews: pd.DataFrame) -> pd.DataFrame:
    """Share of interviews describing staff turnover, staff and children separately."""
    return theme_prevalence(interviews, ["theme_turnover"], by=["participant_group"])
