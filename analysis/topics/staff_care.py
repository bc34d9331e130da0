"""Topic 3: were staff cared for better?

Staff survey: enthusiasm for the job by year; access to training, supervision and
reflective practice; their association with wellbeing (a mixed model with site
random intercepts); how often staff can be released to attend. Staff interviews:
release capacity described as a barrier.
"""

from __future__ import annotations

import pandas as pd

from analysis.data.result_memo import remembered
from analysis.display.figure_text import describe_figure
from analysis.display.presentation import format_count, format_number
from analysis.display.share_figures import (
    has_values,
    legend_above,
    message_figure,
    points_phrases,
    share_points,
)
from analysis.display.share_tables import wide_share_table
from analysis.statistics.changes import (
    change_over_years,
    describe_changes,
    describe_group_changes,
    years_span,
)
from analysis.statistics.models import (
    ModelResult,
    describe_sample,
    fit_mixed_model,
    varying_terms,
)
from analysis.statistics.proportions import (
    ALL_GROUPS,
    agree_or_strongly_agree,
    describe_share,
    rarely_or_never,
    share_display,
    share_table,
    year_label,
    year_words,
)
from analysis.statistics.reporting_groups import (
    GROUP_WORDS,
    REPORTING_GROUPS,
    add_reporting_group,
    groups_in,
)
from analysis.statistics.themes import theme_prevalence_by_year

SUPPORT_ITEMS = {
    "training_access": "Training",
    "supervision_access": "Supervision",
    "reflective_practice_access": "Reflective practice",
}
# Model predictor -> survey item (agree or strongly agree = 1).
WELLBEING_PREDICTORS = {
    "training": "training_access",
    "supervision": "supervision_access",
    "reflective": "reflective_practice_access",
    "feel_valued": "feel_valued",
}
PREDICTOR_LABELS = {
    "training": "Can access training",
    "supervision": "Can access supervision",
    "reflective": "Can access reflective practice",
    "feel_valued": "Feels valued in role",
}


# --------------------------------------------------------------------------- enthusiasm


def enthusiasm_by_year(staff: pd.DataFrame) -> pd.DataFrame:
    """Share of staff agreeing or strongly agreeing they are enthusiastic about their job."""
    flags = staff.assign(enthusiastic_flag=agree_or_strongly_agree(staff["enthusiastic"]))
    return share_table(flags, "enthusiastic_flag", by=["year"])


def enthusiasm_display(enthusiasm: pd.DataFrame) -> pd.DataFrame:
    """The enthusiasm shares as a table: one row per year."""
    shown = enthusiasm.assign(year=enthusiasm["year"].map(year_label))
    return share_display(shown, labels={"year": "Year"})


def surveys_by_year(staff: pd.DataFrame) -> pd.DataFrame:
    """Staff surveys returned per year (columns: year, surveys)."""
    return staff.groupby("year").size().rename("surveys").reset_index()


def describe_enthusiasm(enthusiasm: pd.DataFrame, surveys: pd.DataFrame) -> str:
    """Prose: enthusiasm each year, and how many of the returned surveys answered."""
    if enthusiasm.empty:
        return "No staff in scope answered the question on enthusiasm."
    returned = surveys.set_index("year")["surveys"]
    parts = [
        f"{describe_share(row)} in {year_words(row['year'])} "
        f"({format_count(returned.get(row['year']))} surveys returned)"
        for _, row in enthusiasm.iterrows()
    ]
    return (
        "Staff agreeing or strongly agreeing that they were enthusiastic about their job: "
        + "; ".join(parts)
        + ". Percentages are of staff who answered the question."
    )


# --------------------------------------------------------------------------- access to support


def access_to_support_by_year(
    staff: pd.DataFrame, sites: pd.DataFrame, totals: bool = False
) -> pd.DataFrame:
    """Share agreeing they can access training, supervision and reflective practice.

    Long table: support, reporting_group, year and the share columns. With `totals` and
    more than one setting group, each year also has a row for all settings (ALL_GROUPS).
    """
    surveys = add_reporting_group(staff, sites)
    several = surveys["reporting_group"].nunique() > 1
    parts = []
    for column, label in SUPPORT_ITEMS.items():
        flags = surveys.assign(agree=agree_or_strongly_agree(surveys[column]))
        table = share_table(flags, "agree", by=["reporting_group", "year"])
        if totals and several:
            overall = share_table(flags, "agree", by=["year"])
            overall.insert(0, "reporting_group", ALL_GROUPS)
            table = pd.concat([table, overall], ignore_index=True)
        table.insert(0, "support", label)
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def describe_access_to_support(access: pd.DataFrame, protect: bool = False) -> str:
    """Prose: how access to each kind of support changed in each setting group, with its size.

    A rise or fall is named only where the 95% interval of the change excludes zero (not
    tested below national level); every year's share, with counts, is in `access_display`.
    """
    groups = groups_in(access)
    if not groups:
        return "No staff in scope answered the questions on support."
    sentences = []
    for group in groups:
        rows = access[access["reporting_group"] == group]
        changes = [
            change_over_years(rows[rows["support"] == label], label.lower(), test=not protect)
            for label in SUPPORT_ITEMS.values()
        ]
        changes = [c for c in changes if c is not None]
        if changes:
            where = f"In {GROUP_WORDS[group]}" if len(groups) > 1 else "Here"
            sentences.append(
                f"{where}, access {years_span(rows)} "
                f"{describe_changes(changes, tested=not protect)}."
            )
    return (
        " ".join(sentences) or "Fewer than two years can be shown here, so no change can be seen."
    )


def access_display(access: pd.DataFrame) -> pd.DataFrame:
    """Every year's share of staff agreeing they can access each support, by setting group."""
    order = {label: position for position, label in enumerate(SUPPORT_ITEMS.values())}
    ordered = access.assign(
        _group=access["reporting_group"].astype(str).map((*REPORTING_GROUPS, ALL_GROUPS).index),
        _support=access["support"].map(order),
    ).sort_values(["_group", "_support", "year"], kind="stable")
    return wide_share_table(
        ordered,
        rows=["reporting_group", "support"],
        column_name=year_label,
        labels={"reporting_group": "Setting group", "support": "Support"},
    )


def plot_access_to_support(access: pd.DataFrame):
    """One panel per setting group: % agreeing they can access each support, by year."""
    import matplotlib.pyplot as plt

    if not has_values(access):
        return message_figure()
    groups = [g for g in REPORTING_GROUPS if g in set(access["reporting_group"].astype(str))]
    figure, axes = plt.subplots(
        1,
        len(groups),
        sharey=True,
        squeeze=False,
        figsize=(6.0, 3.8),
        layout="constrained",
    )
    panels = []
    for ax, group in zip(axes[0], groups, strict=True):
        part = access[access["reporting_group"].astype(str) == group]
        table = part.assign(year=part["year"].map(year_label))
        share_points(
            table,
            x="year",
            hue="support",
            hue_order=list(SUPPORT_ITEMS.values()),
            ylabel="% agreeing they can access" if ax is axes[0][0] else "",
            title=group,
            ax=ax,
        )
        phrases = points_phrases(table, "year", "support", hue_order=list(SUPPORT_ITEMS.values()))
        panels.append(f"{group} panel: " + "; ".join(phrases))
    legend_above(figure, axes[0][0])
    alt = (
        "Line charts, one panel per setting group, of the percentage of staff agreeing they "
        "can access training, supervision and reflective practice by year, with 95% "
        "intervals. " + ". ".join(panels) + "."
    )
    return describe_figure(figure, alt, access)


# --------------------------------------------------------------------------- wellbeing


def wellbeing_model_data(staff: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Complete cases for the wellbeing model: score, four 0/1 predictors, year, group, site."""
    surveys = add_reporting_group(staff, sites)
    data = pd.DataFrame(
        {
            "wellbeing_score": pd.to_numeric(surveys["wellbeing_score"]).astype("Float64"),
            **{
                name: agree_or_strongly_agree(surveys[column]).astype("Int64")
                for name, column in WELLBEING_PREDICTORS.items()
            },
            "year": surveys["year"].astype("Int64"),
            "reporting_group": surveys["reporting_group"].astype(str),
            "site_id": surveys["site_id"].astype(str),
        }
    )
    complete = data.dropna().reset_index(drop=True)
    return complete.astype(
        {"wellbeing_score": float, "year": int, **dict.fromkeys(WELLBEING_PREDICTORS, int)}
    )


def wellbeing_model(staff: pd.DataFrame, sites: pd.DataFrame) -> ModelResult:
    """Mixed model of wellbeing (SWEMWBS raw score) on access to support and feeling valued.

    wellbeing_score ~ training + supervision + reflective + feel_valued + C(year)
    + reporting_group, random intercepts for site (REML). Terms whose column does not vary
    in scope (one year, one group, one site) are left out.
    """
    data = wellbeing_model_data(staff, sites)
    return remembered("wellbeing-model", (data,), lambda: _fit_wellbeing_model(data))


def _fit_wellbeing_model(data: pd.DataFrame) -> ModelResult:
    candidates = {
        **{name: name for name in WELLBEING_PREDICTORS},
        "C(year)": "year",
        "reporting_group": "reporting_group",
    }
    terms = varying_terms(data, candidates)
    formula = "wellbeing_score ~ " + (" + ".join(terms) if terms else "1")
    first_year = int(data["year"].min()) if len(data) else 1
    labels = {
        **PREDICTOR_LABELS,
        **{f"C(year)[T.{y}]": f"Year {y} vs year {first_year}" for y in (2, 3)},
        "reporting_group[T.YOI/STC]": "YOI/STC vs SCH",
    }
    return fit_mixed_model(data, formula, groups="site_id", labels=labels)


def describe_wellbeing_model(model: ModelResult, protect: bool = False) -> str:
    """Prose: the largest association with wellbeing and the range of the others, with the
    model's sample; every coefficient is in the model's table."""
    if not model.estimated:
        return f"The wellbeing model was {model.reason}."
    rows = model.table[model.table["term"].isin(list(PREDICTOR_LABELS))]
    if rows.empty:
        return "No predictor of wellbeing varies in this selection."
    largest = rows.loc[rows["estimate"].abs().idxmax()]
    others = rows.drop(index=largest.name)
    text = (
        f"In {describe_sample(model, 'staff with complete answers', protect)}, staff who "
        f"agreed with '{str(largest['label']).lower()}' scored "
        f"{format_number(largest['estimate'], 1)} points higher on wellbeing (SWEMWBS, 7 to 35; "
        f"95% CI {format_number(largest['ci_low'], 1)} to {format_number(largest['ci_high'], 1)}),"
        " other terms held fixed."
    )
    if len(others):
        low, high = others["estimate"].min(), others["estimate"].max()
        text += (
            f" Each of the other terms ({', '.join(str(v).lower() for v in others['label'])}) went "
            f"with {format_number(low, 1)} to {format_number(high, 1)} points."
        )
    return text + " The surveys are cross-sectional, so these are associations, not effects."


# --------------------------------------------------------------------------- release capacity


def release_for_support_by_year(staff: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Share of staff rarely or never released from duties to attend support, by group and year."""
    surveys = add_reporting_group(staff, sites)
    flags = surveys.assign(barrier=rarely_or_never(surveys["released_for_support"]))
    return share_table(flags, "barrier", by=["reporting_group", "year"])


def release_barrier_theme_by_year(interviews: pd.DataFrame) -> pd.DataFrame:
    """Share of staff interviews describing staffing or release capacity as a barrier, by year."""
    return theme_prevalence_by_year(interviews, ["theme_release_barriers"], "staff")


def describe_release_barriers(release: pd.DataFrame, protect: bool = False) -> str:
    """Prose: how the share of staff rarely or never released changed, per setting group.

    What staff said about release capacity in interviews is shown with the chapter's
    interview themes, not repeated here.
    """
    groups = groups_in(release)
    if not groups:
        return "No staff in scope answered the question on being released for support."
    return describe_group_changes(
        release, "the share of staff who could rarely or never be released for support", protect
    )


def plot_release_for_support(release: pd.DataFrame):
    """Points by year and setting group, with 95% intervals."""
    data = release.assign(year=release["year"].map(year_label))
    return share_points(
        data,
        x="year",
        hue="reporting_group",
        hue_order=[g for g in REPORTING_GROUPS if g in set(release["reporting_group"])],
        ylabel="% rarely or never released",
    )
