"""Topic 1: did culture and practice change to underpin care with multi-agency,
co-produced formulations?

Administrative data: formulation coverage and the professional disciplines at
formulation meetings. Staff survey: attendance at formulation meetings by year and
setting group (with a logistic model of the year trend), and how often children
are involved in their formulations.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.display.presentation import format_count, format_number
from analysis.display.share_figures import count_bars, share_bars, share_points
from analysis.statistics.models import (
    ModelResult,
    describe_effect,
    describe_sample,
    fit_logistic_gee,
    not_estimated,
    varying_terms,
)
from analysis.statistics.proportions import (
    ALL_GROUPS,
    TwoProportionTest,
    at_least_sometimes,
    compare_two_proportions,
    describe_share,
    format_p_value,
    join_words,
    share,
    share_display,
    share_table,
    shares_by_year,
    year_label,
    year_words,
)
from analysis.statistics.reporting_groups import (
    GROUP_WORDS,
    REPORTING_GROUPS,
    add_reporting_group,
    groups_in,
    where_group,
)

INVOLVEMENT_LEVELS = ("direct", "indirect", "none")


# --------------------------------------------------------------------------- coverage


def formulation_coverage(admin: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Share of cases with a formulation, among cases whose site returned the field.

    One row per reporting group, then "All settings" (when both groups are in scope).
    """
    cases = add_reporting_group(admin, sites)
    return share_table(cases, "formulation", by=["reporting_group"], total_label=ALL_GROUPS)


def formulation_field_returned(admin: pd.DataFrame) -> pd.DataFrame:
    """Cases carrying the formulation field, and all cases (one row: with_field, cases)."""
    return pd.DataFrame(
        {"with_field": [int(admin["formulation"].notna().sum())], "cases": [len(admin)]}
    )


def field_returned_by_group(admin: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Share of administrative cases carrying the formulation field, by setting group and
    over all settings (numerator: cases with the field; denominator: all cases)."""
    cases = add_reporting_group(admin, sites).assign(with_field=admin["formulation"].notna())
    return share_table(cases, "with_field", by=["reporting_group"], total_label=ALL_GROUPS)


def field_returned_display(table: pd.DataFrame) -> pd.DataFrame:
    """Reader's table of `field_returned_by_group`: cases, cases with the field, %."""
    shown = share_display(table, labels={"reporting_group": "Setting group"})
    shown = shown.rename(columns={"Yes": "With the field", "Answered": "Cases"})
    return shown[["Setting group", "Cases", "With the field", "%"]]


def describe_coverage(coverage: pd.DataFrame, field_returned: pd.DataFrame) -> str:
    """Prose for formulation coverage, numbers from the (released) tables."""
    with_field = field_returned["with_field"].iloc[0]
    cases = field_returned["cases"].iloc[0]
    if coverage.empty:
        return (
            f"None of the {format_count(cases)} administrative cases in scope carried the "
            "formulation field, so formulation coverage cannot be estimated here."
        )
    overall = coverage.iloc[-1]
    text = (
        f"{format_count(with_field)} of the {format_count(cases)} administrative cases "
        "carried the formulation field (sites did not all return it). Children with a "
        f"formulation, among those cases: {describe_share(overall)}"
    )
    groups = groups_in(coverage)
    if len(groups) > 1:
        parts = [
            f"{describe_share(row)} in {GROUP_WORDS[row['reporting_group']]}"
            for _, row in coverage[coverage["reporting_group"].isin(groups)].iterrows()
        ]
        text += "; by setting group, " + join_words(parts)
    return text + "."


def plot_coverage(coverage: pd.DataFrame):
    """Bar chart: % of cases with a formulation, by setting group, with 95% intervals."""
    return share_bars(
        coverage,
        category="reporting_group",
        xlabel="% of cases with a formulation (of cases with the field)",
    )


# --------------------------------------------------------------------------- disciplines


@dataclass(frozen=True)
class DisciplinesSummary:
    """Professional disciplines present at formulation meetings."""

    meetings: int | str
    mean: float | None
    median: float | None


def disciplines_at_formulation_meetings(admin: pd.DataFrame) -> pd.DataFrame:
    """How many meetings had each number of disciplines present (columns: disciplines, meetings)."""
    values = admin["disciplines_present"].dropna().astype(int)
    if values.empty:
        return pd.DataFrame({"disciplines": pd.Series(dtype=int), "meetings": pd.Series(dtype=int)})
    levels = range(int(values.min()), int(values.max()) + 1)
    counts = values.value_counts().reindex(levels, fill_value=0)
    return pd.DataFrame({"disciplines": list(levels), "meetings": counts.to_numpy()})


def mean_disciplines(admin: pd.DataFrame, protect: bool = False) -> DisciplinesSummary:
    """Mean and median disciplines present; withheld below national level when n is too small."""
    values = admin["disciplines_present"].dropna().astype(float)
    if values.empty:
        return DisciplinesSummary(0, None, None)
    if not protect:
        return DisciplinesSummary(len(values), float(values.mean()), float(values.median()))
    from analysis.statistics.disclosure import protect_count, protect_mean

    mean = protect_mean(values)
    median = float(values.median()) if mean is not None else None
    return DisciplinesSummary(protect_count(len(values)), mean, median)


def describe_disciplines(summary: DisciplinesSummary) -> str:
    """Prose: 'on average, 5.1 disciplines (median 5) at 503 formulation meetings'."""
    if summary.meetings == 0:
        return "No formulation meetings with a record of the disciplines present are in scope."
    if summary.mean is None:
        return (
            "The number of professional disciplines at formulation meetings is not shown: "
            "there are too few meetings to publish a mean."
        )
    return (
        f"On average, {format_number(summary.mean, 1)} professional disciplines (median "
        f"{format_number(summary.median)}) were present at the {format_count(summary.meetings)} "
        "formulation meetings with a record of who attended."
    )


def plot_disciplines(distribution: pd.DataFrame):
    """Bar chart of formulation meetings by number of disciplines present."""
    return count_bars(
        distribution,
        x="disciplines",
        y="meetings",
        xlabel="Professional disciplines present",
        ylabel="Formulation meetings",
    )


# --------------------------------------------------------------------------- attendance


def attendance_flags(staff: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Staff survey rows with `attends` (at least sometimes; missing if not answered)."""
    surveys = add_reporting_group(staff, sites)
    return surveys.assign(attends=at_least_sometimes(surveys["attend_formulation"]))


def attendance_by_year_and_setting(staff: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Share of staff attending formulation meetings at least sometimes, by group and year."""
    return share_table(attendance_flags(staff, sites), "attends", by=["reporting_group", "year"])


ATTENDANCE_TERMS = {
    "years_since_start": "years_since_start",
    "yoi_stc": "reporting_group",
}


def attendance_trend_model(staff: pd.DataFrame, sites: pd.DataFrame) -> ModelResult:
    """Logistic model of attending at least sometimes: year trend, setting group, interaction.

    GEE (binomial, exchangeable within site, robust errors) when enough sites are in
    scope; SCH is the reference group, so `years_since_start` is the SCH yearly odds
    ratio and the contrast `trend_yoi_stc` the YOI/STC one.
    """
    flags = attendance_flags(staff, sites).dropna(subset=["attends"])
    data = pd.DataFrame(
        {
            "attends": flags["attends"].astype(int).to_numpy(),
            "years_since_start": (flags["year"].astype(int) - 1).to_numpy(),
            "yoi_stc": (flags["reporting_group"].astype(str) == "YOI/STC").astype(int).to_numpy(),
            "reporting_group": flags["reporting_group"].astype(str).to_numpy(),
            "site_id": flags["site_id"].astype(str).to_numpy(),
        }
    )
    terms = varying_terms(data, ATTENDANCE_TERMS)
    two_groups = "yoi_stc" in terms
    if "years_since_start" in terms and two_groups:
        terms.append("years_since_start:yoi_stc")
    labels = {
        "years_since_start": "Yearly change in odds, SCH"
        if two_groups
        else "Yearly change in odds",
        "yoi_stc": "YOI/STC vs SCH, year one",
        "years_since_start:yoi_stc": "Ratio of yearly changes, YOI/STC vs SCH",
    }
    contrasts = {
        "trend_yoi_stc": (
            "Yearly change in odds, YOI/STC",
            {"years_since_start": 1.0, "years_since_start:yoi_stc": 1.0},
        )
    }
    formula = "attends ~ " + (" + ".join(terms) if terms else "1")
    if "years_since_start" not in terms:
        return not_estimated(
            "only one survey year in scope, so there is no trend to model",
            "logistic regression",
            formula,
            len(data),
            int(data["site_id"].nunique()),
            "odds ratio",
        )
    return fit_logistic_gee(
        data, formula, groups="site_id", labels=labels, contrasts=contrasts if two_groups else {}
    )


def describe_attendance(attendance: pd.DataFrame, model: ModelResult, protect: bool = False) -> str:
    """Prose: attendance in the first and last year of each group, and the model's trends."""
    groups = groups_in(attendance)
    sentences = [
        f"Staff attending formulation meetings at least sometimes{where_group(group, groups)}: "
        f"{shares_by_year(attendance[attendance['reporting_group'] == group])}."
        for group in groups
    ]
    if not sentences:
        sentences.append("No staff in scope answered the question on formulation meetings.")
    if not model.estimated:
        sentences.append(f"The year trend was {model.reason}.")
        return " ".join(sentences)
    trend = model.effect_of("years_since_start")
    text = (
        f"In {describe_sample(model, 'answers', protect)}, the odds of attending changed by a "
        "factor of "
        f"{describe_effect(trend, model.effect)} per year"
    )
    if len(model.contrasts):
        other = model.effect_of("trend_yoi_stc")
        ratio = model.effect_of("years_since_start:yoi_stc")
        text += (
            f" in SCHs and {describe_effect(other, model.effect)} per year in YOIs and the STC "
            f"(ratio of the two, {describe_effect(ratio, model.effect)})"
        )
    sentences.append(text + ".")
    return " ".join(sentences)


def plot_attendance(attendance: pd.DataFrame):
    """Points by year and setting group, with 95% intervals."""
    data = attendance.assign(year=attendance["year"].map(year_label))
    return share_points(
        data,
        x="year",
        hue="reporting_group",
        hue_order=[g for g in REPORTING_GROUPS if g in set(attendance["reporting_group"])],
        ylabel="% attending at least sometimes",
    )


# --------------------------------------------------------------------------- children's involvement


def children_involvement_by_year(staff: pd.DataFrame) -> pd.DataFrame:
    """Share of staff saying children are at least sometimes involved in formulations, by year."""
    flags = staff.assign(involved=at_least_sometimes(staff["cyp_involved"]))
    return share_table(flags, "involved", by=["year"])


def children_involvement_display(involvement: pd.DataFrame) -> pd.DataFrame:
    """The involvement shares as a table: one row per year."""
    shown = involvement.assign(year=involvement["year"].map(year_label))
    return share_display(shown, labels={"year": "Year"})


def children_involvement_change(involvement: pd.DataFrame) -> TwoProportionTest | None:
    """Test of the change between the first and last year in scope (independent samples).

    The staff surveys are repeated cross-sections (different respondents each year),
    so the two years are compared as independent samples. None with fewer than two years.
    """
    rows = involvement.sort_values("year")
    if len(rows) < 2:
        return None
    first, last = rows.iloc[0], rows.iloc[-1]
    return compare_two_proportions(
        int(first["numerator"]),
        int(first["denominator"]),
        int(last["numerator"]),
        int(last["denominator"]),
    )


def describe_children_involvement(
    involvement: pd.DataFrame, change: TwoProportionTest | None, protect: bool = False
) -> str:
    """Prose for children's involvement: first and last year and the test of change."""
    rows = involvement.sort_values("year")
    if rows.empty:
        return "No staff in scope answered the question on children's involvement."
    first, last = rows.iloc[0], rows.iloc[-1]
    text = (
        "Staff reporting that children were at least sometimes involved in their formulations: "
        f"{shares_by_year(rows)}."
    )
    if len(rows) == 1:
        return text
    suppressed = bool(rows["suppressed"].any()) if "suppressed" in rows else False
    if change is None or suppressed:
        return text + " The change is not tested: numbers are too small to publish."
    text += (
        " Because the surveys are repeated cross-sections (a different sample of staff each "
        f"year), {year_words(first['year'])} and {year_words(last['year'])} were compared as "
        f"independent samples ({change.method}): "
    )
    if protect:
        return text + f"{format_p_value(change.p_value)}."
    return text + (
        f"a difference of {_signed(change.difference * 100)} percentage points (95% CI "
        f"{_signed(change.ci_low * 100)} to {_signed(change.ci_high * 100)}), "
        f"{format_p_value(change.p_value)}."
    )


def _signed(value: float) -> str:
    """'+14', '-3' or '0': a difference in percentage points, rounded half up."""
    text = format_number(value)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def involvement_recorded_in_admin(admin: pd.DataFrame) -> pd.DataFrame:
    """How children were involved in their formulation, as recorded by sites.

    Share of cases with a recorded involvement that were direct, indirect or none.
    """
    recorded = admin["child_involvement"].dropna().astype(str)
    rows = [
        {"involvement": level, **vars(share(int((recorded == level).sum()), len(recorded)))}
        for level in INVOLVEMENT_LEVELS
        if len(recorded)
    ]
    columns = ["involvement", "numerator", "denominator", "proportion", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


def describe_involvement_recorded(recorded: pd.DataFrame) -> str:
    """Prose for the recorded kind of involvement."""
    if recorded.empty:
        return "No site recorded how children were involved in their formulations."
    parts = [f"{row['involvement']} {describe_share(row)}" for _, row in recorded.iterrows()]
    return (
        "Where sites recorded how the child took part in their formulation, involvement was "
        + ", ".join(parts)
        + "."
    )
