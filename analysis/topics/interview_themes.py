"""What staff and children said in interviews, topic by topic: theme prevalence and excerpts.

Each evaluation topic has its own set of coded themes (the interview codebook in
schema.yaml). For a topic this module gives the share of interviews describing each theme
by interview group (staff in YOI/STC, staff in SCHs, children) and year, a reader's table
and figure of them, prose that states the clearest patterns with their size, and a few
synthetic illustrative excerpts, attributed only as the report allows.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from analysis.display.presentation import format_percent
from analysis.display.share_figures import has_values, message_figure, share_bars
from analysis.display.share_tables import share_cell
from analysis.statistics.proportions import (
    compare_two_proportions,
    join_words,
    release_shares,
    year_label,
    year_words,
)
from analysis.statistics.reporting_groups import GROUP_WORDS
from analysis.statistics.themes import (
    CHILDREN_GROUP,
    INTERVIEW_GROUPS,
    STAFF_GROUPS,
    TOTAL_GROUPS,
    attribute_excerpts,
    meaningful_intervals,
    theme_label,
    theme_prevalence_by_group,
)
from analysis.topics.economics import count_words

# The themes each topic chapter presents, in the order the chapter discusses them.
TOPIC_THEMES: dict[int, tuple[str, ...]] = {
    1: (
        "theme_leadership_support",
        "theme_consistent_leaders",
        "theme_central_support",
        "theme_org_complexity",
        "theme_understanding",
        "theme_self_regulation",
        "theme_voice_in_formulation",
        "theme_under_pressure",
    ),
    2: (
        "theme_trust",
        "theme_environmental_safety",
        "theme_siloed_working",
        "theme_multiagency_working",
        "theme_turnover",
    ),
    3: (
        "theme_valued_empowered",
        "theme_reflective_space",
        "theme_codelivered_training",
        "theme_release_barriers",
        "theme_remote_working",
        "theme_retention",
    ),
    4: (
        "theme_pessimism",
        "theme_hope",
        "theme_sense_of_story",
        "theme_transitions",
        "theme_goals_education",
    ),
    # The benefits the economic analysis values rest on these staff accounts (shown in the
    # topic 2 and 3 chapters; the topic 5 chapter refers to them).
    5: ("theme_valued_empowered", "theme_turnover", "theme_retention"),
}
# Where each topic 5 theme is shown in full.
SHOWN_IN = {
    "theme_valued_empowered": "sec-topic-3-interviews",
    "theme_turnover": "sec-topic-2-interviews",
    "theme_retention": "sec-topic-3-interviews",
}
# Themes about staff's own work and organisation: children's interviews are not shown for them
# (the topic 1 themes on leadership and pressure, and every topic 3 theme: caring for staff).
STAFF_ONLY = frozenset(
    {
        "theme_leadership_support",
        "theme_consistent_leaders",
        "theme_central_support",
        "theme_org_complexity",
        "theme_under_pressure",
        *TOPIC_THEMES[3],
    }
)
GROUP_PROSE = {
    "Staff, YOI/STC": f"staff in {GROUP_WORDS['YOI/STC']}",
    "Staff, SCH": f"staff in {GROUP_WORDS['SCH']}",
    CHILDREN_GROUP: "children and young people",
}
MAX_SENTENCES = 3  # of each kind (group differences, changes over time) in the prose
NO_INTERVIEWS = (
    "No interviews are in this selection: interviews took place at the five case-study sites only."
)


def topic_themes(topic: int) -> tuple[str, ...]:
    """The themes a topic chapter presents."""
    return TOPIC_THEMES[topic]


# --------------------------------------------------------------------------- prevalence


def themes_by_group_and_year(
    interviews: pd.DataFrame, sites: pd.DataFrame, topic: int
) -> pd.DataFrame:
    """Share of interviews describing each of the topic's themes, by group and year."""
    themes = topic_themes(topic)
    return theme_prevalence_by_group(
        interviews, sites, themes, staff_only=STAFF_ONLY & set(themes), totals=True
    )


def themes_by_group(interviews: pd.DataFrame, sites: pd.DataFrame, topic: int) -> pd.DataFrame:
    """Share of interviews describing each of the topic's themes, by group, all years pooled."""
    themes = topic_themes(topic)
    return theme_prevalence_by_group(
        interviews, sites, themes, by_year=False, staff_only=STAFF_ONLY & set(themes), totals=True
    )


def release_themes(table: pd.DataFrame, protect: bool) -> pd.DataFrame:
    """A theme table fit to publish, with intervals only where enough interviews count.

    Below national level the pooled rows (all staff, all interviews) are left out: beside
    the groups' rounded counts they would narrow a suppressed group by differencing.
    """
    if protect and len(table):
        table = table[~table["group"].isin(TOTAL_GROUPS)]
    return meaningful_intervals(release_shares(table, protect))


def themes_display(by_year: pd.DataFrame, pooled: pd.DataFrame) -> pd.DataFrame:
    """Reader's table: one row per theme and group, a column per year and one for all years.

    Each cell is '47% (14/30)': the share of the group's interviews describing the theme.
    """
    years = sorted(int(y) for y in by_year["year"].unique()) if len(by_year) else []
    columns = ["Theme", "Group", *[year_label(y) for y in years], "All years"]
    if pooled.empty:
        return pd.DataFrame(
            [["–", "(no interviews in this selection)", *["–"] * (len(years) + 1)]], columns=columns
        )
    rows = []
    for _, total in pooled.iterrows():
        cells = by_year[(by_year["theme"] == total["theme"]) & (by_year["group"] == total["group"])]
        by = {int(r["year"]): share_cell(r) for _, r in cells.iterrows()}
        rows.append(
            [
                total["theme_label"],
                total["group"],
                *[by.get(y, "–") for y in years],
                share_cell(total),
            ]
        )
    return pd.DataFrame(rows, columns=columns)


def plot_themes(pooled: pd.DataFrame):
    """Horizontal bars: % of each group's interviews describing each theme, with 95% intervals."""
    if not has_values(pooled):
        return message_figure()
    labels = list(dict.fromkeys(pooled["theme_label"]))
    groups = [g for g in INTERVIEW_GROUPS if g in set(pooled["group"])]
    figure = share_bars(
        pooled[pooled["group"].isin(groups)],
        category="theme_label",
        hue="group",
        category_order=labels,
        hue_order=groups,
        xlabel="% of interviews describing the theme (all years)",
    )
    figure.set_size_inches(figure.get_figwidth(), 1.6 + 0.3 * len(labels) * len(groups))
    return figure


# --------------------------------------------------------------------------- prose


def _pool(rows: pd.DataFrame) -> tuple[int, int]:
    return int(rows["numerator"].sum()), int(rows["denominator"].sum())


def _percent(numerator: int, denominator: int) -> str:
    return format_percent(numerator / denominator)


def _most_described(pooled: pd.DataFrame, groups: Sequence[str], how_many: int) -> list[str]:
    """'leadership support (52%)' for the themes most described by `groups` together."""
    shares = []
    for theme, rows in pooled[pooled["group"].isin(groups)].groupby("theme", sort=False):
        numerator, denominator = _pool(rows)
        if denominator:
            shares.append((numerator / denominator, theme))
    shares.sort(key=lambda pair: -pair[0])
    return [
        f"{theme_label(theme).lower()} ({format_percent(share)})"
        for share, theme in shares[:how_many]
        if share > 0
    ]


def _group_differences(pooled: pd.DataFrame) -> list[str]:
    """Sentences on themes whose staff share differs clearly between the two setting groups."""
    found = []
    for theme, rows in pooled.groupby("theme", sort=False):
        shares = {row["group"]: row for _, row in rows.iterrows() if row["group"] in STAFF_GROUPS}
        if len(shares) < 2:
            continue
        yoi, sch = shares[STAFF_GROUPS[0]], shares[STAFF_GROUPS[1]]
        test = compare_two_proportions(
            int(sch["numerator"]),
            int(sch["denominator"]),
            int(yoi["numerator"]),
            int(yoi["denominator"]),
        )
        if test.ci_low > 0 or test.ci_high < 0:
            more, less = (yoi, sch) if test.difference > 0 else (sch, yoi)
            found.append(
                (
                    abs(test.difference),
                    f"{theme_label(theme)} was described more often by "
                    f"{GROUP_PROSE[more['group']]} ({format_percent(more['proportion'])}) than by "
                    f"{GROUP_PROSE[less['group']]} ({format_percent(less['proportion'])}).",
                )
            )
    return [text for _, text in sorted(found, key=lambda pair: -pair[0])[:MAX_SENTENCES]]


def _changes(by_year: pd.DataFrame) -> list[str]:
    """Sentences on themes whose share of staff interviews changed clearly over the years."""
    staff = by_year[by_year["group"].isin(STAFF_GROUPS)]
    years = sorted(int(y) for y in staff["year"].unique())
    if len(years) < 2:
        return []
    first, last = years[0], years[-1]
    found = []
    for theme, rows in staff.groupby("theme", sort=False):
        before = _pool(rows[rows["year"] == first])
        after = _pool(rows[rows["year"] == last])
        if not before[1] or not after[1]:
            continue
        test = compare_two_proportions(*before, *after)
        if test.ci_low > 0 or test.ci_high < 0:
            way = "more" if test.difference > 0 else "less"
            found.append(
                (
                    abs(test.difference),
                    f"{theme_label(theme)} became {way} common in staff interviews, from "
                    f"{_percent(*before)} in {year_words(first)} to {_percent(*after)} in "
                    f"{year_words(last)}.",
                )
            )
    return [text for _, text in sorted(found, key=lambda pair: -pair[0])[:MAX_SENTENCES]]


def describe_themes(by_year: pd.DataFrame, pooled: pd.DataFrame, protect: bool) -> str:
    """Prose: the themes most described, and the clearest differences and changes.

    Differences and changes are named only where the 95% interval of the difference
    excludes zero. Below national level counts are rounded, so no test is run.
    """
    if pooled.empty:
        return NO_INTERVIEWS
    if protect:
        return (
            "Counts in this table are rounded and small counts are suppressed, so differences "
            "between groups and years are not tested here."
        )
    sentences = []
    staff = _most_described(pooled, STAFF_GROUPS, 3)
    if staff:
        sentences.append(f"Staff most often described {join_words(staff)}.")
    children = _most_described(pooled, [CHILDREN_GROUP], 2)
    if children:
        sentences.append(f"Children and young people most often described {join_words(children)}.")
    sentences += _group_differences(pooled)
    sentences += _changes(by_year)
    return " ".join(sentences)


# --------------------------------------------------------------------------- excerpts


def topic_excerpts(
    excerpts: pd.DataFrame, interviews: pd.DataFrame, sites: pd.DataFrame, topic: int
) -> pd.DataFrame:
    """One staff excerpt per theme of the topic, and one child's where children spoke of it.

    Attributed as the report allows (staff by setting group, children never by setting).
    Deterministic: the first excerpt by id in each theme and participant group.
    """
    themes = topic_themes(topic)
    attributed = attribute_excerpts(excerpts, interviews, sites)
    attributed = attributed[attributed["theme"].isin(themes)]
    attributed = attributed[
        ~(attributed["theme"].isin(STAFF_ONLY) & (attributed["participant_group"] == "cyp"))
    ]
    chosen = (
        attributed.sort_values(["theme", "participant_group", "excerpt_id"])
        .groupby(["theme", "participant_group"], sort=False)
        .head(1)
    )
    order = {theme: position for position, theme in enumerate(themes)}
    return (
        chosen.assign(_order=chosen["theme"].map(order))
        .sort_values(["_order", "participant_group", "excerpt_id"], ascending=[True, False, True])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def excerpts_display(chosen: pd.DataFrame, national: bool) -> pd.DataFrame:
    """Excerpts as shown: theme, the synthetic excerpt in quotes, attribution."""
    columns = ["Theme", "Synthetic illustrative excerpt", "Attributed to"]
    if not national:
        return pd.DataFrame(
            [["–", "(excerpts are not shown in site reports)", "–"]], columns=columns
        )
    if chosen.empty:
        return pd.DataFrame([["–", "(no excerpts in this selection)", "–"]], columns=columns)
    return pd.DataFrame(
        {
            columns[0]: chosen["theme_label"],
            columns[1]: [f"“{text}”" for text in chosen["text"]],
            columns[2]: chosen["attribution"],
        }
    )


# --------------------------------------------------------------------------- topic 5


def settings_describing(interviews: pd.DataFrame, theme: str) -> str:
    """'one SCH', 'two sites': where the staff interviews coding a theme took place."""
    staff = interviews[(interviews["participant_group"] == "staff") & interviews[theme]]
    sites = staff.drop_duplicates("site_id")
    if sites.empty:
        return "no site"
    types = set(sites["setting_type"].astype(str))
    what = "SCH" if types == {"SCH"} else "site"
    count = len(sites)
    return f"{count_words(count)} {what}{'s' if count > 1 else ''}"


def describe_benefit_accounts(
    pooled: pd.DataFrame, retention_settings: str, protect: bool = False
) -> str:
    """Prose for the value-for-money chapter: what staff said about the benefits it values.

    The themes are shown in full in the topic 2 and 3 chapters; this names their size in
    staff interviews and points there, so nothing is shown twice. `retention_settings`
    says where retention was described (``settings_describing``). Below national level
    the rounded counts are not re-added here; the chapters show them.
    """
    staff = pooled[pooled["group"].isin(STAFF_GROUPS)]
    if staff.empty:
        return NO_INTERVIEWS
    if protect:
        return (
            "The monetised benefits assume that supported staff take less sickness absence, "
            "stay longer and work better. What staff at this site said about feeling valued, "
            "turnover and retention is shown in @sec-topic-2-interviews and "
            "@sec-topic-3-interviews."
        )
    phrases = {
        "theme_valued_empowered": "described feeling valued and empowered",
        "theme_turnover": "described staff turnover and its cost to relationships",
        "theme_retention": (
            "described staff staying longer after years of embedding the approach, all at "
            f"{retention_settings}"
        ),
    }
    parts = []
    for theme in TOPIC_THEMES[5]:
        numerator, denominator = _pool(staff[staff["theme"] == theme])
        if denominator:
            parts.append(
                f"{_percent(numerator, denominator)} {phrases[theme]} (@{SHOWN_IN[theme]})"
            )
    return (
        "The monetised benefits assume that supported staff take less sickness absence, "
        f"stay longer and work better. In staff interviews, {join_words(parts)}."
    )
