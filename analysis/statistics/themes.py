"""Coded interview themes: how often each theme was described, and excerpt attribution.

Interviews come from the five case-study sites; one row per interview, one
True/False column per theme (schema.yaml `interviews`). Prevalence is the share
of interviews in which a theme was coded.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import pandas as pd
import yaml

from analysis import config
from analysis.errors import DataError
from analysis.statistics.proportions import SHARE_COLUMNS, share_table
from analysis.statistics.reporting_groups import add_reporting_group

PARTICIPANT_LABELS = {"staff": "Staff", "cyp": "Children and young people"}
CHILD_ATTRIBUTION = "a child or young person"


@lru_cache(maxsize=1)
def theme_codebook() -> dict[str, dict[str, str]]:
    """The interview codebook from schema.yaml: theme column -> {label, description}."""
    with open(config.SCHEMA_PATH, encoding="utf-8") as handle:
        columns = yaml.safe_load(handle)["tables"]["interviews"]["columns"]
    return {
        name: {"label": spec.get("label", name), "description": spec["description"]}
        for name, spec in columns.items()
        if name.startswith("theme_")
    }


def theme_label(theme: str) -> str:
    """Reader-facing name of a theme column (the codebook's label)."""
    entry = theme_codebook().get(theme)
    if entry is None:
        return theme.removeprefix("theme_").replace("_", " ").capitalize()
    return entry["label"]


def _check_themes(interviews: pd.DataFrame, themes: Sequence[str]) -> None:
    missing = [t for t in themes if t not in interviews]
    if missing:
        raise DataError(f"interviews.csv has no theme column(s): {', '.join(missing)}")


def theme_prevalence(
    interviews: pd.DataFrame, themes: Sequence[str], by: Sequence[str] = ("year",)
) -> pd.DataFrame:
    """Share of interviews coding each theme, per group of `by` (long format).

    Columns: theme, theme_label, `by`..., numerator (interviews coding the theme),
    denominator (interviews), proportion, ci_low, ci_high.
    """
    _check_themes(interviews, themes)
    parts = []
    for theme in themes:
        table = share_table(interviews, theme, by=by)
        table.insert(0, "theme_label", theme_label(theme))
        table.insert(0, "theme", theme)
        parts.append(table)
    columns = ["theme", "theme_label", *by, *SHARE_COLUMNS]
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)[columns]


def theme_prevalence_by_year(
    interviews: pd.DataFrame, themes: Sequence[str], participant_group: str | None = "staff"
) -> pd.DataFrame:
    """Share of one participant group's interviews coding each theme, by year."""
    chosen = interviews
    if participant_group is not None:
        chosen = interviews[interviews["participant_group"] == participant_group]
    return theme_prevalence(chosen, themes, by=("year",))


def interview_counts(interviews: pd.DataFrame) -> pd.DataFrame:
    """Interviews per participant group and year (columns: participant_group, year, interviews)."""
    counts = (
        interviews.groupby(["participant_group", "year"], observed=True)
        .size()
        .rename("interviews")
        .reset_index()
    )
    return counts


def attribute_excerpts(
    excerpts: pd.DataFrame, interviews: pd.DataFrame, sites: pd.DataFrame
) -> pd.DataFrame:
    """Excerpts with the only attribution the report allows.

    Staff excerpts are attributed to their reporting group ("staff, SCH" or
    "staff, YOI/STC"); children's excerpts only to "a child or young person",
    never to a site or setting. Columns: excerpt_id, theme, theme_label, text,
    participant_group, attribution.
    """
    joined = excerpts.merge(
        add_reporting_group(interviews, sites)[
            ["interview_id", "participant_group", "reporting_group"]
        ],
        on="interview_id",
        how="inner",
        validate="many_to_one",
    )
    attribution = [
        CHILD_ATTRIBUTION if group == "cyp" else f"staff, {reporting}"
        for group, reporting in zip(
            joined["participant_group"], joined["reporting_group"].astype(str), strict=True
        )
    ]
    result = pd.DataFrame(
        {
            "excerpt_id": joined["excerpt_id"],
            "theme": joined["theme"],
            "theme_label": joined["theme"].map(theme_label),
            "text": joined["text"],
            "participant_group": joined["participant_group"],
            "attribution": attribution,
        }
    )
    return result.sort_values(["theme", "excerpt_id"]).reset_index(drop=True)


# --------------------------------------------------------------------------- groups


CHILDREN_GROUP = PARTICIPANT_LABELS["cyp"]
STAFF_GROUPS = ("Staff, YOI/STC", "Staff, SCH")
INTERVIEW_GROUPS = (*STAFF_GROUPS, CHILDREN_GROUP)
ALL_STAFF = "Staff, all settings"
ALL_INTERVIEWS = "All interviews"
TOTAL_GROUPS = (ALL_STAFF, ALL_INTERVIEWS)


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
        dtype=object,
    )


def theme_prevalence_by_group(
    interviews: pd.DataFrame,
    sites: pd.DataFrame,
    themes: Sequence[str],
    by_year: bool = True,
    staff_only: Sequence[str] = (),
    totals: bool = False,
) -> pd.DataFrame:
    """Share of interviews coding each theme per interview group (and year), long format.

    Groups are staff in YOI/STC, staff in SCHs and children (never split by setting).
    With `totals`, two pooled groups follow where they pool more than one group: all staff
    (ALL_STAFF) and all interviews (ALL_INTERVIEWS, not for `staff_only` themes). Themes in
    `staff_only` get no children's rows. Rows follow the order of `themes`, then the
    groups, then year. Columns: theme, theme_label, group, [year], SHARE_COLUMNS.
    """
    _check_themes(interviews, themes)
    grouped = interviews.assign(group=interview_group(interviews, sites))
    by = ["group", "year"] if by_year else ["group"]
    parts = [theme_prevalence(grouped, themes, by=by)]
    present = set(grouped["group"])
    if totals:
        staff = grouped[grouped["group"].isin(STAFF_GROUPS)]
        if len(present & set(STAFF_GROUPS)) > 1:
            parts.append(theme_prevalence(staff.assign(group=ALL_STAFF), themes, by=by))
        if CHILDREN_GROUP in present and present & set(STAFF_GROUPS):
            shared = [theme for theme in themes if theme not in set(staff_only)]
            parts.append(theme_prevalence(grouped.assign(group=ALL_INTERVIEWS), shared, by=by))
    filled = [part for part in parts if len(part)]
    table = pd.concat(filled, ignore_index=True) if filled else parts[0]
    pooled_children = table["group"].isin([CHILDREN_GROUP, ALL_INTERVIEWS])
    keep = ~(table["theme"].isin(list(staff_only)) & pooled_children)
    order = {
        "theme": {theme: i for i, theme in enumerate(themes)},
        "group": {group: i for i, group in enumerate((*INTERVIEW_GROUPS, *TOTAL_GROUPS))},
    }
    sort_keys = ["_theme", "_group", *(["year"] if by_year else [])]
    return (
        table[keep]
        .assign(
            _theme=table["theme"].map(order["theme"]), _group=table["group"].map(order["group"])
        )
        .sort_values(sort_keys)
        .drop(columns=["_theme", "_group"])
        .reset_index(drop=True)
    )


def meaningful_intervals(
    table: pd.DataFrame, min_n: int = config.MIN_N_FOR_INTERVAL
) -> pd.DataFrame:
    """A share table whose intervals are blanked where fewer than `min_n` interviews count.

    A 95% interval on three or four interviews spans most of 0-100% and says nothing.
    """
    small = pd.to_numeric(table["denominator"], errors="coerce").fillna(0) < min_n
    return table.assign(
        ci_low=table["ci_low"].where(~small), ci_high=table["ci_high"].where(~small)
    )
