"""Topic 3: were staff cared for better?

Staff survey: enthusiasm for the job by year; access to training, supervision and
reflective practice; their association with wellbeing (a mixed model with site
random intercepts); how often staff can be released to attend. Staff interviews:
release capacity described as a barrier.
"""

from __future__ import annotations

import pandas as pd

from analysis.display.figure_text import describe_figure
from analysis.display.presentation import format_count, format_number
from analysis.display.share_figures import (
    has_values,
    legend_above,
    message_figure,
    points_phrases,
    share_points,
)
from analysis.statistics.models import (
    ModelResult,
    describe_effect,
    describe_sample,
    fit_mixed_model,
    varying_terms,
)
from analysis.statistics.proportions import (
    agree_or_strongly_agree,
    describe_share,
    rarely_or_never,
    share_display,
    share_table,
    shares_by_year,
    year_label,
    year_words,
)
from analysis.statistics.reporting_groups import (
    REPORTING_GROUPS,
    add_reporting_group,
    groups_in,
    where_group,
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


def access_to_support_by_year(staff: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Share agreeing they can access training, supervision and reflective practice.

    Long table: support, reporting_group, year and the share columns.
    """
    surveys = add_reporting_group(staff, sites)
    parts = []
    for column, label in SUPPORT_ITEMS.items():
        flags = surveys.assign(agree=agree_or_strongly_agree(surveys[column]))
        table = share_table(flags, "agree", by=["reporting_group", "year"])
        table.insert(0, "support", label)
        parts.append(table)
    return pd.concat(parts, ignore_index=True)


def describe_access_to_support(access: pd.DataFrame) -> str:
    """Prose: access to each kind of support in the first and last year, per group."""
    groups = groups_in(access)
    sentences = []
    for group in groups:
        rows = access[access["reporting_group"] == group]
        parts = [
            f"{label.lower()}, {shares_by_year(rows[rows['support'] == label])}"
            for label in SUPPORT_ITEMS.values()
            if (rows["support"] == label).any()
        ]
        sentences.append(
            f"Staff agreeing they could access support{where_group(group, groups)}: "
            + "; ".join(parts)
            + "."
        )
    return " ".join(sentences) or "No staff in scope answered the questions on support."


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
    """Prose: how wellbeing differed with access to support, holding the rest fixed."""
    if not model.estimated:
        return f"The wellbeing model was {model.reason}."
    parts = [
        f"{row['label'].lower()} {describe_effect(row, model.effect)}"
        for _, row in model.table.iterrows()
        if row["term"] in PREDICTOR_LABELS
    ]
    text = (
        f"In {describe_sample(model, 'staff with complete answers', protect)}, wellbeing scores "
        "(SWEMWBS, 7-35) differed, other terms held fixed, with: " + "; ".join(parts) + "."
    )
    if model.group_sd is not None:
        spread = format_number(model.group_sd, 2)
        text += f" The standard deviation of site intercepts was {spread} points."
    return text + (
        " The surveys are cross-sectional, so these are associations, not effects of support."
    )


# --------------------------------------------------------------------------- release capacity


def release_for_support_by_year(staff: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """Share of staff rarely or never released from duties to attend support, by group and year."""
    surveys = add_reporting_group(staff, sites)
    flags = surveys.assign(barrier=rarely_or_never(surveys["released_for_support"]))
    return share_table(flags, "barrier", by=["reporting_group", "year"])


def release_barrier_theme_by_year(interviews: pd.DataFrame) -> pd.DataFrame:
    """Share of staff interviews describing staffing or release capacity as a barrier, by year."""
    return theme_prevalence_by_year(interviews, ["theme_release_barriers"], "staff")


def describe_release_barriers(release: pd.DataFrame, theme: pd.DataFrame) -> str:
    """Prose: survey share rarely/never released, and the interview theme, by year."""
    groups = groups_in(release)
    sentences = [
        "Staff who could rarely or never be released from duties to attend training, "
        f"supervision or reflective practice{where_group(group, groups)}: "
        f"{shares_by_year(release[release['reporting_group'] == group])}."
        for group in groups
    ]
    if theme.empty:
        sentences.append("No staff interviews are in scope (interviews took place at five sites).")
    else:
        sentences.append(
            "Staff interviews describing staffing levels or release capacity as a barrier: "
            f"{shares_by_year(theme)}."
        )
    return " ".join(sentences)


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
