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
    shares_by_year,
)
from analysis.statistics.reporting_groups import (
    GROUP_WORDS,
    REPORTING_GROUPS,
    add_reporting_group,
    groups_in,
    where_group,
)
from analysis.statistics.themes import (
    PARTICIPANT_LABELS,
    attribute_excerpts,
    theme_label,
    theme_prevalence,
)

LIFE_CHANCE_THEMES = ("theme_hope", "theme_pessimism")
EXCERPT_THEMES = ("theme_hope", "theme_pessimism", "theme_transitions")
ADMIN_MEASURES = {
    "transition_plan": "Transition plan in place before discharge",
    "education_engaged": "Engaged in education during the placement",
}
CHILDREN_GROUP = PARTICIPANT_LABELS["cyp"]
ALL_INTERVIEWS = "All interviews"
INTERVIEW_GROUPS = ("Staff, YOI/STC", "Staff, SCH", CHILDREN_GROUP)
INTERVIEW_GROUP_WORDS = {
    "Staff, YOI/STC": f"staff in {GROUP_WORDS['YOI/STC']}",
    "Staff, SCH": f"staff in {GROUP_WORDS['SCH']}",
    CHILDREN_GROUP: "children and young people",
}


# --------------------------------------------------------------------------- hope and pessimism


def interview_group(interviews: pd.DataFrame, sites: pd.DataFrame) -> pd.Series:
    """'Staff, SCH', 'Staff, YOI/STC' or 'Children and young people' per interview.

    Children's interviews are never split by setting (re-identification risk).
    """
    grouped = add_reporting_group(interviews, sites)
    return pd.Series(
        [
            CHILDREN_GROUP if participant == "cyp" else f"Staff, {reporting}"
            for participant, reporting in zip(
                grouped["participant_group"], grouped["reporting_group"].astype(str), strict=True
            )
        ],
        index=interviews.index,
        name="group",
    )


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


def hope_and_pessimism(interviews: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Share of interviews expressing hope / pessimism, by group over all years in scope,
    then over all interviews (group = ALL_INTERVIEWS)."""
    grouped = interviews.assign(group=interview_group(interviews, sites))
    by_group = theme_prevalence(grouped, LIFE_CHANCE_THEMES, by=["group"])
    if by_group.empty:
        return by_group
    overall = theme_prevalence(grouped, LIFE_CHANCE_THEMES, by=()).assign(group=ALL_INTERVIEWS)
    order = {group: position for position, group in enumerate(INTERVIEW_GROUPS)}
    by_group = by_group.assign(_order=by_group["group"].map(order)).sort_values(["theme", "_order"])
    table = pd.concat([by_group.drop(columns="_order"), overall[by_group.columns[:-1]]])
    return table.sort_values("theme", kind="stable").reset_index(drop=True)


def describe_hope_and_pessimism(prevalence: pd.DataFrame) -> str:
    """Prose: pessimism and hope across groups, pooled over the years in scope."""
    if prevalence.empty:
        return "No interviews are in scope (interviews took place at five case-study sites)."
    present = [g for g in INTERVIEW_GROUPS if (prevalence["group"] == g).any()]
    words = dict(INTERVIEW_GROUP_WORDS)
    if sum(g.startswith("Staff") for g in present) == 1:  # the scope already names the setting
        words.update({g: "staff" for g in present if g.startswith("Staff")})
    sentences = []
    for theme in LIFE_CHANCE_THEMES:
        rows = prevalence[prevalence["theme"] == theme]
        parts = [
            f"{words[group]}, {shares_by_year(rows[rows['group'] == group])}"
            for group in present
            if (rows["group"] == group).any()
        ]
        if parts:
            sentences.append(
                f"Interviews expressing {theme_label(theme).lower()}: " + "; ".join(parts) + "."
            )
    return " ".join(sentences)


def plot_hope_and_pessimism(prevalence: pd.DataFrame):
    """Bars of hope beside pessimism for each group of interviews (`hope_and_pessimism`),
    with 95% intervals: the comparison the chapter makes."""
    groups = [g for g in (*INTERVIEW_GROUPS, ALL_INTERVIEWS) if g in set(prevalence["group"])]
    return share_bars(
        prevalence.assign(theme_label=prevalence["theme"].map(theme_label)),
        category="group",
        hue="theme_label",
        category_order=groups,
        hue_order=[theme_label(t) for t in LIFE_CHANCE_THEMES],
        xlabel="% of interviews",
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


def illustrative_excerpts(
    excerpts: pd.DataFrame,
    interviews: pd.DataFrame,
    sites: pd.DataFrame,
    per_theme: int = 2,
    include_children: bool = True,
) -> pd.DataFrame:
    """A few synthetic excerpts per theme (hope, pessimism, transitions) and participant group.

    Staff excerpts carry "staff, SCH" or "staff, YOI/STC"; children's excerpts only
    "a child or young person". With `include_children=False` (site reports, where any
    excerpt is implicitly from that site) children's excerpts are left out.
    The choice is deterministic: the first excerpts by id.
    """
    attributed = attribute_excerpts(excerpts, interviews, sites)
    attributed = attributed[attributed["theme"].isin(EXCERPT_THEMES)]
    if not include_children:
        attributed = attributed[attributed["participant_group"] != "cyp"]
    chosen = (
        attributed.sort_values(["theme", "participant_group", "excerpt_id"])
        .groupby(["theme", "participant_group"], sort=False)
        .head(per_theme)
    )
    order = {theme: position for position, theme in enumerate(EXCERPT_THEMES)}
    return (
        chosen.assign(_order=chosen["theme"].map(order))
        .sort_values(["_order", "participant_group", "excerpt_id"], ascending=[True, False, True])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def excerpts_display(chosen: pd.DataFrame) -> pd.DataFrame:
    """Excerpts as shown: theme, the (synthetic) excerpt in quotes, attribution."""
    if chosen.empty:
        return pd.DataFrame(
            {
                "Theme": ["–"],
                "Synthetic illustrative excerpt": ["(none in scope)"],
                "Attributed to": ["–"],
            }
        )
    return pd.DataFrame(
        {
            "Theme": chosen["theme_label"],
            "Synthetic illustrative excerpt": [f"“{text}”" for text in chosen["text"]],
            "Attributed to": chosen["attribution"],
        }
    )


def describe_excerpts(chosen: pd.DataFrame, include_children: bool) -> str:
    """What the excerpts are, and what they are not."""
    if chosen.empty:
        return "No illustrative excerpts are available in scope."
    text = (
        f"The {len(chosen)} excerpts below are synthetic: written for this reproducible "
        "report to illustrate the coded themes, they are not quotes from real interviews. "
        "Staff excerpts are attributed only to SCH or YOI/STC (the single STC is combined "
        'with the YOIs), and children\'s excerpts only to "a child or young person", never '
        "to a site or setting, to avoid any risk of re-identification."
    )
    if not include_children:
        text += (
            " In a site report every excerpt would be implicitly attributed to that site, "
            "so children's excerpts are not shown."
        )
    return text
