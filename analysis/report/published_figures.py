"""Every figure the evaluation summary prints, recomputed from the data.

`reproduce_published_figures(data_dir)` returns one row per row of
`analysis/reference/published-figures.csv`, with the recomputed numbers and a status:

* "matches": a percentage row whose numerator and denominator are equal to the
  printed ones and whose rounded percentage is the printed one; a value row whose
  recomputed value, rounded to the printed precision, is the printed value
  (so a mean of 5.1 matches a printed "five");
* "differs": anything else;
* "inconsistent in source": the printed counts do not give the printed percentage
  (e.g. "78% (164/128)": 164/128 is 128%); the explanation says what the data give.

`FIGURE_FUNCTIONS` maps each published id to the ONE function computing it, so a
reader goes from an id to its code in one step. Most call the same topic
function the chapters use, so the chapter and the reproduction cannot drift apart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.display import presentation
from analysis.display.presentation import format_number
from analysis.errors import DataError

OUTPUT_COLUMNS = [
    "id",
    "topic",
    "measure",
    "label",
    "printed",
    "numerator",
    "denominator",
    "percent",
    "value",
    "status",
    "explanation",
]
MATCHES, DIFFERS, INCONSISTENT = "matches", "differs", "inconsistent in source"
# The published "YOI" attendance rows are the YOI/STC reporting group: the one STC is
# always reported with the YOIs.
SETTING_TO_GROUP = {"YOI": "YOI/STC", "SCH": "SCH"}


# --------------------------------------------------------------------------- data


class EvaluationData:
    """The harmonised tables of one data folder, each loaded on first use."""

    def __init__(self, data_dir: str | Path | None) -> None:
        from analysis.data import loading

        self._loading = loading
        self.data_dir = loading.resolve_data_dir(data_dir)

    @cached_property
    def sites(self) -> pd.DataFrame:
        return self._loading.load_sites(self.data_dir)

    @cached_property
    def admin(self) -> pd.DataFrame:
        return self._loading.load_admin(self.data_dir)

    @cached_property
    def staff_survey(self) -> pd.DataFrame:
        return self._loading.load_staff_survey(self.data_dir)

    @cached_property
    def cyp_survey(self) -> pd.DataFrame:
        return self._loading.load_cyp_survey(self.data_dir)

    @cached_property
    def interviews(self) -> pd.DataFrame:
        return self._loading.load_interviews(self.data_dir)

    @cached_property
    def economics_inputs(self) -> pd.DataFrame:
        return self._loading.load_economics_inputs(self.data_dir)


@dataclass(frozen=True)
class Recomputed:
    """What the data give for one published figure, with any context worth saying."""

    numerator: int | None = None
    denominator: int | None = None
    value: float | None = None
    detail: str = ""


# --------------------------------------------------------------------------- design counts


def staff_surveys_returned(data: EvaluationData, year: int | None = None) -> Recomputed:
    """Staff surveys returned (in one year, or in all three)."""
    surveys = data.staff_survey
    if year is not None:
        surveys = surveys[surveys["year"] == year]
    return Recomputed(value=len(surveys))


def sites_returning_staff_surveys(data: EvaluationData, year: int) -> Recomputed:
    """Sites returning at least one staff survey in a year."""
    surveys = data.staff_survey
    return Recomputed(value=int(surveys.loc[surveys["year"] == year, "site_id"].nunique()))


def children_surveys_returned(data: EvaluationData) -> Recomputed:
    """Children's surveys returned over the three years."""
    return Recomputed(value=len(data.cyp_survey))


def administrative_cases(data: EvaluationData) -> Recomputed:
    """Anonymous administrative cases over the three years."""
    return Recomputed(value=len(data.admin))


def sites_submitting_admin(data: EvaluationData) -> Recomputed:
    """Sites with at least one administrative case."""
    return Recomputed(value=int(data.admin["site_id"].nunique()))


def case_study_sites(data: EvaluationData) -> Recomputed:
    """Sites where interviews took place, with their setting types."""
    interviews = data.interviews
    types = interviews.drop_duplicates("site_id")["setting_type"].astype(str).value_counts()
    detail = ", ".join(f"{types[t]} {t}" for t in ("SCH", "YOI", "STC") if t in types)
    return Recomputed(value=int(interviews["site_id"].nunique()), detail=detail)


def interviews_conducted(
    data: EvaluationData, participant_group: str, year: int | None = None
) -> Recomputed:
    """Interviews (including focus groups) with staff or children, in a year or overall."""
    interviews = data.interviews
    chosen = interviews["participant_group"] == participant_group
    if year is not None:
        chosen &= interviews["year"] == year
    return Recomputed(value=int(chosen.sum()))


# --------------------------------------------------------------------------- topic figures


def had_formulation(data: EvaluationData) -> Recomputed:
    """Cases with a formulation, of cases carrying the field (formulations.formulation_coverage)."""
    from analysis.statistics.proportions import ALL_GROUPS
    from analysis.topics.formulations import formulation_coverage

    coverage = formulation_coverage(data.admin, data.sites)
    total = coverage[coverage["reporting_group"] == ALL_GROUPS]
    row = (total if len(total) else coverage).iloc[-1]
    carried = int(data.admin["formulation"].notna().sum())
    return Recomputed(
        int(row["numerator"]),
        int(row["denominator"]),
        detail=f"{carried:,} of {len(data.admin):,} cases carried the formulation field",
    )


def mean_disciplines_present(data: EvaluationData) -> Recomputed:
    """Mean disciplines at formulation meetings (formulations.mean_disciplines)."""
    from analysis.topics.formulations import mean_disciplines

    summary = mean_disciplines(data.admin)
    return Recomputed(
        value=summary.mean,
        detail=f"mean of {summary.meetings:,} meetings is {format_number(summary.mean, 2)}",
    )


def attend_formulation_meetings(data: EvaluationData, setting: str, year: int) -> Recomputed:
    """Staff attending formulation meetings at least sometimes
    (formulations.attendance_by_year_and_setting)."""
    from analysis.topics.formulations import attendance_by_year_and_setting

    group = SETTING_TO_GROUP[setting]
    table = attendance_by_year_and_setting(data.staff_survey, data.sites)
    row = table[(table["reporting_group"] == group) & (table["year"] == year)]
    if row.empty:
        raise DataError(
            f"staff_survey.csv: no {group} answers to attend_formulation in year {year}"
        )
    detail = "computed for the YOI/STC reporting group" if group != setting else ""
    return Recomputed(int(row["numerator"].iloc[0]), int(row["denominator"].iloc[0]), detail=detail)


def children_involved_in_formulations(data: EvaluationData, year: int) -> Recomputed:
    """Staff saying children are at least sometimes involved
    (formulations.children_involvement_by_year)."""
    from analysis.topics.formulations import children_involvement_by_year

    table = children_involvement_by_year(data.staff_survey)
    row = table[table["year"] == year]
    if row.empty:
        raise DataError(f"staff_survey.csv: no answers to cyp_involved in year {year}")
    return Recomputed(int(row["numerator"].iloc[0]), int(row["denominator"].iloc[0]))


def children_listened_to(data: EvaluationData) -> Recomputed:
    """Children at least a little listened to
    (relational_safety.children_feeling_safe_and_heard)."""
    from analysis.topics.relational_safety import CHILDREN_ITEMS, children_feeling_safe_and_heard

    table = children_feeling_safe_and_heard(data.cyp_survey)
    row = table[table["item"] == CHILDREN_ITEMS["listened_to"]].iloc[0]
    unanswered = len(data.cyp_survey) - int(row["denominator"])
    return Recomputed(
        int(row["numerator"]),
        int(row["denominator"]),
        detail=f"{unanswered:,} of {len(data.cyp_survey):,} surveys did not answer",
    )


def staff_enthusiastic(data: EvaluationData, year: int) -> Recomputed:
    """Staff agreeing they are enthusiastic about their job (staff_care.enthusiasm_by_year)."""
    from analysis.topics.staff_care import enthusiasm_by_year

    table = enthusiasm_by_year(data.staff_survey)
    row = table[table["year"] == year]
    if row.empty:
        raise DataError(f"staff_survey.csv: no answers to enthusiastic in year {year}")
    returned = int((data.staff_survey["year"] == year).sum())
    answered = int(row["denominator"].iloc[0])
    detail = (
        f"{answered:,} of the {returned:,} surveys returned answered"
        if answered != returned
        else ""
    )
    return Recomputed(int(row["numerator"].iloc[0]), answered, detail=detail)


def benefit_midpoint_gbp(data: EvaluationData) -> Recomputed:
    """Monetised benefits per staff member, mid-point (economics.benefit_midpoint)."""
    from analysis.topics.economics import benefit_midpoint

    return Recomputed(value=benefit_midpoint(data.economics_inputs))


def cost_per_staff_gbp(data: EvaluationData) -> Recomputed:
    """Cost of supporting one operational staff member (economics.cost_per_staff)."""
    from analysis.topics.economics import cost_per_staff

    return Recomputed(value=cost_per_staff(data.economics_inputs))


def willingness_to_pay_gbp(data: EvaluationData) -> Recomputed:
    """Willingness-to-pay threshold per QALY (config.DEFAULT_WTP)."""
    return Recomputed(value=config.DEFAULT_WTP, detail="the report's default willingness to pay")


FigureFunction = Callable[[EvaluationData], Recomputed]

FIGURE_FUNCTIONS: dict[str, FigureFunction] = {
    "design_staff_surveys_total": staff_surveys_returned,
    **{f"design_staff_surveys_y{y}": partial(staff_surveys_returned, year=y) for y in (1, 2, 3)},
    **{
        f"design_staff_survey_sites_y{y}": partial(sites_returning_staff_surveys, year=y)
        for y in (1, 2, 3)
    },
    "design_cyp_surveys_total": children_surveys_returned,
    "design_admin_cases_total": administrative_cases,
    "design_admin_sites": sites_submitting_admin,
    "design_case_study_sites": case_study_sites,
    "design_staff_interviews_total": partial(interviews_conducted, participant_group="staff"),
    **{
        f"design_staff_interviews_y{y}": partial(
            interviews_conducted, participant_group="staff", year=y
        )
        for y in (1, 2, 3)
    },
    "design_cyp_interviews_total": partial(interviews_conducted, participant_group="cyp"),
    **{
        f"design_cyp_interviews_y{y}": partial(
            interviews_conducted, participant_group="cyp", year=y
        )
        for y in (1, 2, 3)
    },
    "t1_admin_formulation": had_formulation,
    "t1_admin_disciplines_mean": mean_disciplines_present,
    "t1_yoi_attend_y1": partial(attend_formulation_meetings, setting="YOI", year=1),
    "t1_yoi_attend_y3": partial(attend_formulation_meetings, setting="YOI", year=3),
    "t1_sch_attend_y1": partial(attend_formulation_meetings, setting="SCH", year=1),
    "t1_sch_attend_y2": partial(attend_formulation_meetings, setting="SCH", year=2),
    "t1_cyp_involved_y1": partial(children_involved_in_formulations, year=1),
    "t1_cyp_involved_y3": partial(children_involved_in_formulations, year=3),
    "t2_cyp_listened": children_listened_to,
    **{f"t3_staff_enthusiastic_y{y}": partial(staff_enthusiastic, year=y) for y in (1, 2, 3)},
    "t5_benefit_midpoint_gbp": benefit_midpoint_gbp,
    "t5_cost_per_staff_gbp": cost_per_staff_gbp,
    "t5_wtp_threshold_gbp": willingness_to_pay_gbp,
}


# --------------------------------------------------------------------------- comparison


def round_half_up(value: float, decimals: int = 0) -> float:
    """Round as printed reports do (84.5 -> 85), not to even: the report's one rule."""
    return float(presentation.round_half_up(value, decimals))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _decimals(printed: str) -> int:
    return len(printed.split(".", 1)[1]) if "." in printed else 0


def _plain(number: float) -> int | float:
    """Counts as int; other values without floating-point noise (2514.6000000000004 -> 2514.6)."""
    value = float(presentation.round_half_up(number, 10))
    return int(value) if value.is_integer() else value


def assess_percent_row(printed: pd.Series, got: Recomputed) -> tuple[str, str]:
    """Status and explanation (whole sentences) of a 'percent (numerator/denominator)' row."""
    n_printed, d_printed = int(printed["numerator"]), int(printed["denominator"])
    p_printed = int(printed["percent_printed"])
    percent = 100 * got.numerator / got.denominator
    rounded = int(round_half_up(percent))
    detail = f" ({got.detail})" if got.detail else ""
    data_text = f"the data give {got.numerator}/{got.denominator} = {format_number(percent, 1)}%"
    agreement = (
        f"which rounds to the printed {p_printed}%"
        if rounded == p_printed
        else f"which rounds to {rounded}%, not the printed {p_printed}%"
    )
    implied = 100 * n_printed / d_printed if d_printed else math.nan
    if math.isnan(implied) or int(round_half_up(implied)) != p_printed:
        counts = f"The printed counts {n_printed}/{d_printed}"
        if math.isnan(implied):
            source = f"{counts} give no percentage."
        elif int(round_half_up(implied)) != p_printed:
            source = (
                f"{counts} give {format_number(implied, 1)}%, which rounds to "
                f"{int(round_half_up(implied))}%, not the printed {p_printed}%."
            )
        if (got.numerator, got.denominator) == (n_printed, d_printed):
            return INCONSISTENT, f"{source} The data hold the same counts{detail}."
        return INCONSISTENT, f"{source} {_sentence(data_text)}{detail}, {agreement}."
    if (got.numerator, got.denominator) == (n_printed, d_printed) and rounded == p_printed:
        return MATCHES, f"{_sentence(data_text)}{detail}, {agreement}."
    return DIFFERS, f"Printed {p_printed}% ({n_printed}/{d_printed}); {data_text}{detail}."


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def assess_value_row(printed: pd.Series, got: Recomputed) -> tuple[str, str]:
    """Status and explanation (a whole sentence) of a single-value row (count, mean, amount)."""
    text = str(printed["value_printed"]).strip()
    decimals = _decimals(text)
    if got.value is None:
        return DIFFERS, "The data give no value."
    shown = round_half_up(got.value, decimals)
    detail = f" ({got.detail})" if got.detail else ""
    recomputed = format_number(got.value, decimals) if decimals else f"{_plain(got.value):,}"
    printed_shown = format_number(float(text), decimals)
    if shown == float(text):
        if decimals == 0 and not float(got.value).is_integer():
            return MATCHES, (
                f"Recomputed {format_number(got.value, 2)} rounds to the printed "
                f"{printed_shown}{detail}."
            )
        return MATCHES, f"Recomputed {recomputed} equals the printed {printed_shown}{detail}."
    return DIFFERS, f"Recomputed {recomputed}, printed {printed_shown}{detail}."


def printed_text(printed: pd.Series) -> str:
    """The figure as printed, with the report's thousands separators: '85% (503/589)',
    '1,270' or '2,514.60'."""
    if _blank(printed["numerator"]):
        text = str(printed["value_printed"]).strip()
        return format_number(float(text), _decimals(text))
    numerator, denominator = (f"{int(printed[c]):,}" for c in ("numerator", "denominator"))
    return f"{printed['percent_printed']}% ({numerator}/{denominator})"


def reader_label(printed: pd.Series) -> str:
    """The figure named as a reader knows it: 'YOI staff: at least sometimes attend
    formulation meetings, year 1' (the population is left out where the measure names it)."""
    measure, population = str(printed["measure"]), str(printed["population"])
    head = population.split()[-1].lower()
    label = measure if head in measure.lower() else f"{population}: {measure}"
    if not _blank(printed["year"]) and str(printed["year"]) != "all":
        label += f", year {printed['year']}"
    return label[:1].upper() + label[1:]


def read_published_figures(path: Path = config.PUBLISHED_FIGURES_PATH) -> pd.DataFrame:
    """The published-figures table, every cell as printed text (empty cells as NA)."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False).replace("", pd.NA)
    except FileNotFoundError as exc:
        raise DataError(f"published figures table not found: {path}") from exc


def reproduce_published_figures(data_dir: str | Path | None) -> pd.DataFrame:
    """Every published figure beside its recomputation from `data_dir` (see module docstring)."""
    data = EvaluationData(data_dir)
    rows = []
    for _, printed in read_published_figures().iterrows():
        function = FIGURE_FUNCTIONS.get(printed["id"])
        row = {
            "id": printed["id"],
            "topic": printed["topic"],
            "measure": printed["measure"],
            "label": reader_label(printed),
            "printed": printed_text(printed),
            "numerator": None,
            "denominator": None,
            "percent": math.nan,
            "value": None,
        }
        if function is None:
            rows.append({**row, "status": DIFFERS, "explanation": "no function computes this id"})
            continue
        try:
            got = function(data)
        except DataError as exc:
            rows.append({**row, "status": DIFFERS, "explanation": f"not recomputed: {exc}"})
            continue
        if _blank(printed["numerator"]):
            status, explanation = assess_value_row(printed, got)
            row["value"] = None if got.value is None else _plain(got.value)
        else:
            status, explanation = assess_percent_row(printed, got)
            row["numerator"], row["denominator"] = got.numerator, got.denominator
            row["percent"] = 100 * got.numerator / got.denominator
        rows.append({**row, "status": status, "explanation": explanation})
    table = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    table["value"] = pd.Series([row["value"] for row in rows], index=table.index, dtype=object)
    return table.astype({"numerator": "Int64", "denominator": "Int64", "percent": "float64"})
