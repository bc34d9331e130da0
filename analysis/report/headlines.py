"""Headline findings of the five topics, for the summary chapter.

Every finding is built by calling the topic modules (formulations, relational_safety,
staff_care, life_chances, economics) on the chapter's data: its numbers live in
``Finding.values`` and its sentence is written from them, never typed. Below national
level, shares go through disclosure control first; a finding whose evidence is missing
or too small to publish says so and is marked ``supported=False``. Each finding also
carries an ``Assessment`` (``analysis.report.assessment``): whether the numbers in scope bear
out what the evaluation reported, from their direction, size and 95% interval.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from analysis import config
from analysis.display.framework import QUESTIONS
from analysis.display.presentation import (
    bullet_list,
    format_count,
    format_gbp,
    format_number,
    format_percent,
)
from analysis.report import assessment as assess
from analysis.report.assessment import Assessment
from analysis.statistics.proportions import release_shares, year_words
from analysis.statistics.reporting_groups import GROUP_WORDS, REPORTING_GROUPS, add_reporting_group
from analysis.statistics.themes import theme_prevalence
from analysis.topics import (
    economics,
    formulations,
    interview_themes,
    life_chances,
    relational_safety,
    staff_care,
)

TOO_SMALL = "numbers too small to publish"
INTERVIEW_SITES = "interviews took place at five case-study sites"
ONE_YEAR = " With a single year shown, no change over time can be seen in this selection."


@dataclass(frozen=True)
class Finding:
    """One headline finding: its sentence, the numbers in it, and where the evidence is shown.

    ``evidence`` holds Quarto labels (``sec-topic-1``, ``fig-...``, ``tbl-...``) of the
    chapter sections, figures and tables that show it. ``supported`` is False when the
    data in scope cannot support the finding (missing, or suppressed by disclosure control).
    ``assessment`` says whether the numbers bear out the evaluation's claim (None for a
    finding that only describes, such as the QALY threshold).
    """

    topic: int
    key: str
    text: str
    values: dict
    evidence: list[str]
    supported: bool = True
    assessment: Assessment | None = None


@dataclass(frozen=True)
class ThemeClaim:
    """A finding read from one interview theme: what it says and what the evaluation claimed.

    ``text`` is a template over the shares shown: ``{staff}`` (all staff interviews),
    ``{cyp}`` (children's), ``{yoi}`` and ``{sch}`` (staff by setting group). With
    ``higher``, the claim is that staff in that setting group describe the theme more often
    than the other group; otherwise that each of ``groups`` describes it in at least
    ``level`` of interviews. ``year`` limits the finding to one evaluation year.
    """

    topic: int
    theme: str
    name: str
    text: str
    claim: str
    groups: tuple[str, ...] = ("staff",)
    level: float = config.COMMON_THEME_SHARE
    higher: str | None = None
    year: int | None = None


THEME_CLAIMS: dict[str, ThemeClaim] = {
    "leadership_consistency": ThemeClaim(
        1,
        "theme_consistent_leaders",
        "consistency of leadership",
        "Staff described how consistently leaders across agencies backed the work, or what a "
        "change of leader did to it, in {staff} of their interviews.",
        "consistency of leadership is a common theme in staff interviews",
    ),
    "central_support": ThemeClaim(
        1,
        "theme_central_support",
        "support from the central team and other settings",
        "Support from the central implementation team and from staff of other settings was "
        "described in {staff} of staff interviews.",
        "central and peer support is a common theme in staff interviews",
    ),
    "organisational_complexity": ThemeClaim(
        1,
        "theme_org_complexity",
        "organisational complexity in YOIs and the STC",
        "Staff in YOIs and the STC described many organisations, leaders and units to bring "
        "along in {yoi} of their interviews, against {sch} in SCHs.",
        "staff in YOIs and the STC describe organisational complexity more often than staff "
        "in SCHs",
        higher="YOI/STC",
    ),
    "understanding_behaviour": ThemeClaim(
        1,
        "theme_understanding",
        "understanding behaviour through the child's story",
        "Understanding a child's behaviour in the light of their story was described in "
        "{staff} of staff interviews and {cyp} of children's interviews.",
        "understanding behaviour is a common theme in staff and children's interviews",
        groups=("staff", "cyp"),
    ),
    "self_regulation": ThemeClaim(
        1,
        "theme_self_regulation",
        "children's self-regulation and staff de-escalating",
        "Staff helping children manage their emotions, de-escalating situations, and children "
        "regulating themselves better were described in {staff} of staff interviews and "
        "{cyp} of children's interviews.",
        "self-regulation and de-escalation is a common theme in staff and children's interviews",
        groups=("staff", "cyp"),
    ),
    "voice_in_formulation": ThemeClaim(
        1,
        "theme_voice_in_formulation",
        "children's voice in their formulation",
        "Children described having a say in their formulation in {cyp} of their interviews.",
        "children's voice is a common theme in children's interviews",
        groups=("cyp",),
    ),
    "practice_under_pressure": ThemeClaim(
        1,
        "theme_under_pressure",
        "keeping practice going under pressure",
        "How hard it is to keep this way of working at times of high stress was described in "
        "{staff} of staff interviews.",
        "practice under pressure is a common theme in staff interviews",
    ),
    "trusting_relationships": ThemeClaim(
        2,
        "theme_trust",
        "trusting relationships between staff and children",
        "Open, trusting relationships between staff and children were described in {staff} of "
        "staff interviews and {cyp} of children's interviews.",
        "trusting relationships are a common theme in staff and children's interviews",
        groups=("staff", "cyp"),
    ),
    "environmental_safety": ThemeClaim(
        2,
        "theme_environmental_safety",
        "environmental safety",
        "A calmer, safer environment was described in {staff} of staff interviews.",
        "some staff describe a safer environment",
        level=config.SOME_THEME_SHARE,
    ),
    "valued_empowered": ThemeClaim(
        3,
        "theme_valued_empowered",
        "staff feeling valued and empowered",
        "Staff described feeling valued and empowered by training, supervision, reflective "
        "practice or a say in decisions in {staff} of their interviews.",
        "feeling valued and empowered is a common theme in staff interviews",
    ),
    "remote_working": ThemeClaim(
        3,
        "theme_remote_working",
        "remote working during the pandemic",
        "In year three, during the pandemic, {staff} of staff interviews described support "
        "delivered remotely.",
        "remote working is a common theme in year-three staff interviews",
        year=3,
    ),
    "retention_after_embedding": ThemeClaim(
        3,
        "theme_retention",
        "staff retention after years of embedding",
        "Staff staying longer after years of embedding the approach was described in {sch} of "
        "SCH staff interviews, all at {retention_settings}, and in {yoi} in YOIs and the STC.",
        "SCH staff describe better retention after years of embedding more often than staff "
        "in YOIs and the STC",
        higher="SCH",
    ),
    "making_sense_of_story": ThemeClaim(
        4,
        "theme_sense_of_story",
        "making sense of the child's story",
        "Working with children to make sense of their story, so that they can picture a "
        "different future, was described in {staff} of staff interviews and {cyp} of "
        "children's interviews.",
        "making sense of the child's story is a common theme in staff interviews",
    ),
    "goals_education": ThemeClaim(
        4,
        "theme_goals_education",
        "goals, education and employment",
        "Goals, education and employment were described in {staff} of staff interviews and "
        "{cyp} of children's interviews.",
        "goals, education and employment are a common theme in staff and children's interviews",
        groups=("staff", "cyp"),
    ),
}


# Where each finding is shown in the topic chapters: its section, and only the figures and
# tables whose data hold the finding's own numbers (a figure of another measure, or of
# the same measure split another way, is not evidence for the number; tests check this).
EVIDENCE: dict[str, list[str]] = {
    "formulation_coverage": ["sec-topic-1", "tbl-formulation-coverage"],
    "disciplines": ["sec-topic-1"],
    "formulation_attendance": ["sec-topic-1", "fig-attendance-by-year"],
    "children_involved": ["sec-topic-1", "tbl-children-involvement"],
    "children_listened_to": ["sec-topic-2", "tbl-children-safety"],
    "siloed_to_multiagency": ["sec-topic-2-interviews", "tbl-topic-2-themes"],
    "leadership_support": ["sec-topic-1-interviews", "tbl-topic-1-themes"],
    "turnover": ["sec-topic-2-interviews", "tbl-topic-2-themes", "fig-topic-2-themes"],
    "enthusiasm": ["sec-topic-3", "tbl-enthusiasm-by-year"],
    "support_access": ["sec-topic-3", "tbl-access-to-support"],
    "release_barriers": ["sec-topic-3-interviews", "tbl-topic-3-themes"],
    "life_chances": ["sec-topic-4-interviews", "tbl-topic-4-themes"],
    "transitions": [
        "sec-topic-4",
        "tbl-transitions-and-education",
        "fig-transitions-and-education",
    ],
    "value_for_money": ["sec-topic-5", "tbl-economic-inputs"],
    "qaly_threshold": ["sec-topic-5", "tbl-qaly-thresholds"],
    "administrative_returns": ["sec-topic-1", "tbl-formulation-field-returned"],
    "wellbeing": ["sec-topic-3", "tbl-wellbeing-model"],
    # A theme's table holds every share the claim states (groups, all staff, all
    # interviews); its figure draws the three interview groups only, so it is cited only
    # for claims about children or about one setting group against the other.
    **{
        key: [
            f"sec-topic-{c.topic}-interviews",
            f"tbl-topic-{c.topic}-themes",
            *([f"fig-topic-{c.topic}-themes"] if ("cyp" in c.groups or c.higher) else []),
        ]
        for key, c in THEME_CLAIMS.items()
    },
}

# What each finding is about, as prose names it ("the finding on ... is missing").
FINDING_NAMES: dict[str, str] = {
    "formulation_coverage": "formulation coverage",
    "disciplines": "disciplines at formulation meetings",
    "formulation_attendance": "staff attendance at formulation meetings",
    "children_involved": "children's involvement in formulations",
    "children_listened_to": "children feeling listened to",
    "siloed_to_multiagency": "siloed and multi-agency working",
    "leadership_support": "senior leadership support",
    "turnover": "staff turnover",
    "enthusiasm": "staff enthusiasm",
    "support_access": "access to training, supervision and reflective practice",
    "release_barriers": "releasing staff to attend support",
    "life_chances": "hope and pessimism about life chances",
    "transitions": "transition planning and education",
    "value_for_money": "benefits and costs of supporting staff",
    "qaly_threshold": "the QALY threshold",
    "administrative_returns": "how completely sites returned administrative data",
    "wellbeing": "staff wellbeing and feeling valued",
    **{key: c.name for key, c in THEME_CLAIMS.items()},
}


# --------------------------------------------------------------------------- shares


@dataclass(frozen=True)
class ShownShare:
    """A share as published: counts (possibly rounded) and proportion, or suppressed."""

    numerator: int | str | None
    denominator: int | str | None
    proportion: float | None

    @property
    def shown(self) -> bool:
        return self.proportion is not None

    @property
    def text(self) -> str:
        """'85% (503 of 589)', or the reason it is not shown."""
        if not self.shown:
            return f"not shown ({TOO_SMALL})"
        return (
            f"{format_percent(self.proportion)} ({format_count(self.numerator)} of "
            f"{format_count(self.denominator)})"
        )

    def as_values(self) -> dict:
        return {
            "numerator": self.numerator,
            "denominator": self.denominator,
            "proportion": self.proportion,
        }


def shown_shares(table: pd.DataFrame, protect: bool) -> pd.DataFrame:
    """A share table after disclosure control, with a ShownShare per row in column ``shown``."""
    if table.empty:
        return table.assign(shown=pd.Series(dtype=object))
    released = release_shares(table, protect)
    released["shown"] = [
        ShownShare(
            None if suppressed else row["numerator"],
            row["denominator"],
            None if suppressed or _nan(row["proportion"]) else float(row["proportion"]),
        )
        for (_, row), suppressed in zip(released.iterrows(), released["suppressed"], strict=True)
    ]
    return released


def _nan(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def pooled(table: pd.DataFrame) -> pd.DataFrame:
    """One share row summing the numerators and denominators of ``table``'s rows."""
    numerator, denominator = int(table["numerator"].sum()), int(table["denominator"].sum())
    proportion = numerator / denominator if denominator else math.nan
    return pd.DataFrame(
        [
            {
                "numerator": numerator,
                "denominator": denominator,
                "proportion": proportion,
                "ci_low": math.nan,
                "ci_high": math.nan,
            }
        ]
    )


def by_year_text(rows: pd.DataFrame) -> str:
    """'30% (20 of 67) in year one and 56% (24 of 43) in year three' from shown rows.

    Years whose share is suppressed are named once at the end; '' when none is shown.
    """
    shown = [r for _, r in rows.iterrows() if r["shown"].shown]
    hidden = [year_words(r["year"]) for _, r in rows.iterrows() if not r["shown"].shown]
    if not shown:
        return ""
    text = join_words([f"{r['shown'].text} in {year_words(r['year'])}" for r in shown])
    if hidden:
        text += f" ({join_words(hidden)}: {TOO_SMALL})"
    return text


def join_words(parts: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _shown_count(rows: pd.DataFrame) -> int:
    return sum(share.shown for share in rows["shown"])


def not_shown(what: str, ctx) -> str:
    """'<what> is not shown for site S03: numbers too small to publish.'"""
    return f"{what} is not shown {_scope(ctx)}: {TOO_SMALL}."


def by_year_values(rows: pd.DataFrame) -> dict:
    return {int(row["year"]): row["shown"].as_values() for _, row in rows.iterrows()}


def _any_shown(rows: pd.DataFrame) -> bool:
    return bool(len(rows)) and any(share.shown for share in rows["shown"])


def _scope(ctx) -> str:
    return "nationally" if ctx.is_national else f"for {ctx.scope_label}"


def selection_words(ctx) -> str:
    """How prose names the data in scope: 'the data for site S03', or the national selection."""
    if ctx.is_national:
        return "the national data for the years and settings selected"
    return f"the data for {ctx.scope_label}"


# --------------------------------------------------------------------------- topic 1


def formulation_coverage(ctx) -> Finding:
    """Share of children with a formulation, among cases whose site returned the field."""
    protect = not ctx.is_national
    field_returned = formulations.formulation_field_returned(ctx.admin).iloc[0]
    with_field, cases = int(field_returned["with_field"]), int(field_returned["cases"])
    if protect:
        from analysis.statistics.disclosure import protect_count

        with_field, cases = protect_count(with_field), protect_count(cases)
    values = {"with_field": with_field, "cases": cases}
    coverage = shown_shares(formulations.formulation_coverage(ctx.admin, ctx.sites), protect)
    if coverage.empty:
        text = f"No administrative case in scope carried the formulation field ({_scope(ctx)})."
        return _finding(1, "formulation_coverage", text, values, supported=False)
    overall = coverage.iloc[-1]["shown"]
    values.update(overall.as_values())
    if not overall.shown:
        text = not_shown("Formulation coverage", ctx)
        return _finding(1, "formulation_coverage", text, values, supported=False, withheld=True)
    text = (
        f"{overall.text} of children and young people had a formulation "
        f"({format_count(with_field)} of the {format_count(cases)} administrative cases "
        f"carried the field)."
    )
    return _finding(1, "formulation_coverage", text, values)


def disciplines(ctx) -> Finding:
    """Mean number of professional disciplines present at formulation meetings."""
    summary = formulations.mean_disciplines(ctx.admin, protect=not ctx.is_national)
    values = {"meetings": summary.meetings, "mean": summary.mean, "median": summary.median}
    if summary.mean is None:
        reason = (
            "no meeting in scope recorded them"
            if summary.meetings == 0
            else f"too few meetings to publish a mean {_scope(ctx)}"
        )
        text = f"Professional disciplines at formulation meetings are not shown: {reason}."
        withheld = summary.meetings != 0
        return _finding(1, "disciplines", text, values, supported=False, withheld=withheld)
    text = (
        f"On average, {format_number(summary.mean, 1)} professional disciplines were present at "
        f"formulation meetings (median {format_number(summary.median)}, "
        f"{format_count(summary.meetings)} meetings)."
    )
    return _finding(1, "disciplines", text, values)


def formulation_attendance(ctx) -> Finding:
    """Staff attending formulation meetings at least sometimes, by setting group and year.

    A finding about change over time: unsupported unless some group has two years shown.
    """
    table = formulations.attendance_by_year_and_setting(ctx.staff_survey, ctx.sites)
    released = shown_shares(table, not ctx.is_national)
    parts, values, years_shown = [], {}, 0
    for group in REPORTING_GROUPS:
        rows = released[released["reporting_group"] == group].sort_values("year")
        if rows.empty:
            continue
        values[group] = by_year_values(rows)
        years_shown = max(years_shown, _shown_count(rows))
        parts.append(f"{GROUP_WORDS[group]}: {by_year_text(rows) or TOO_SMALL}")
    if not parts:
        text = "No staff in scope answered the question on formulation meetings."
        return _finding(1, "formulation_attendance", text, values, supported=False)
    if years_shown == 0:
        text = not_shown("Staff attendance at formulation meetings", ctx)
        return _finding(1, "formulation_attendance", text, values, supported=False, withheld=True)
    text = "Staff attending formulation meetings at least sometimes: " + "; ".join(parts) + "."
    if years_shown < 2:
        return _finding(1, "formulation_attendance", text + ONE_YEAR, values, supported=False)
    return _finding(1, "formulation_attendance", text, values)


def children_involved(ctx) -> Finding:
    """Staff saying children are at least sometimes involved, first and last year in scope.

    A finding about change over time: unsupported unless two years are shown.
    """
    table = formulations.children_involvement_by_year(ctx.staff_survey)
    released = shown_shares(table, not ctx.is_national).sort_values("year")
    if released.empty:
        text = "No staff in scope answered the question on children's involvement."
        return _finding(1, "children_involved", text, {}, supported=False)
    shown = released[[share.shown for share in released["shown"]]]
    chosen = shown.iloc[[0, -1]] if len(shown) > 1 else released
    values = by_year_values(chosen)
    if shown.empty:
        text = not_shown("Staff reporting on children's involvement in formulations", ctx)
        return _finding(1, "children_involved", text, values, supported=False, withheld=True)
    text = (
        "Staff saying children were at least sometimes involved in their formulations: "
        f"{by_year_text(chosen)}."
    )
    if len(shown) < 2:
        return _finding(1, "children_involved", text + ONE_YEAR, values, supported=False)
    return _finding(1, "children_involved", text, values)


# --------------------------------------------------------------------------- topic 2


def children_listened_to(ctx) -> Finding:
    """Children who felt at least a little listened to by staff."""
    table = relational_safety.children_feeling_safe_and_heard(ctx.cyp_survey)
    question = relational_safety.CHILDREN_ITEMS["listened_to"]
    released = shown_shares(table[table["item"] == question], not ctx.is_national)
    if released.empty:
        text = "No child in scope answered whether staff listen to them."
        return _finding(2, "children_listened_to", text, {}, supported=False)
    share = released.iloc[0]["shown"]
    if not share.shown:
        text = not_shown("Whether children felt listened to", ctx)
        return _finding(
            2, "children_listened_to", text, share.as_values(), supported=False, withheld=True
        )
    text = f"{share.text} of children and young people felt at least a little listened to by staff."
    return _finding(2, "children_listened_to", text, share.as_values())


def siloed_to_multiagency(ctx) -> Finding:
    """Siloed and multi-agency working in staff interviews, first and last year shown.

    A finding about change over time: unsupported unless two years are shown.
    """
    table = relational_safety.working_together_themes_by_year(ctx.interviews)
    released = shown_shares(table, not ctx.is_national)
    parts, values, years_shown = [], {}, 0
    for theme, words in (
        ("theme_siloed_working", "siloed working"),
        ("theme_multiagency_working", "multi-agency working"),
    ):
        rows = released[released["theme"] == theme].sort_values("year") if len(released) else []
        if len(rows) == 0:
            continue
        shown = rows[[share.shown for share in rows["shown"]]]
        chosen = shown.iloc[[0, -1]] if len(shown) > 1 else rows
        years_shown = max(years_shown, len(shown))
        values[theme] = by_year_values(chosen)
        parts.append(f"{words}: {by_year_text(chosen) or TOO_SMALL}")
    if not parts:
        return _finding(
            2, "siloed_to_multiagency", no_interviews("siloed_to_multiagency"), {}, supported=False
        )
    if years_shown == 0:
        text = not_shown("Siloed and multi-agency working in staff interviews", ctx)
        return _finding(2, "siloed_to_multiagency", text, values, supported=False, withheld=True)
    text = "Staff interviews describing " + "; describing ".join(parts) + "."
    if years_shown < 2:
        return _finding(2, "siloed_to_multiagency", text + ONE_YEAR, values, supported=False)
    return _finding(2, "siloed_to_multiagency", text, values)


def leadership_support(ctx) -> Finding:
    """Senior leadership support described in staff interviews, all years in scope."""
    table = relational_safety.working_together_themes_by_year(ctx.interviews)
    rows = table[table["theme"] == "theme_leadership_support"] if len(table) else table
    if len(rows) == 0:
        return _finding(
            1, "leadership_support", no_interviews("leadership_support"), {}, supported=False
        )
    share = shown_shares(pooled(rows), not ctx.is_national).iloc[0]["shown"]
    if not share.shown:
        text = not_shown("Senior leadership support in staff interviews", ctx)
        return _finding(
            1, "leadership_support", text, share.as_values(), supported=False, withheld=True
        )
    text = f"Staff described senior leadership support in {share.text} of their interviews."
    return _finding(1, "leadership_support", text, share.as_values())


def turnover(ctx) -> Finding:
    """Staff turnover described as a barrier, in staff and in children's interviews."""
    table = relational_safety.turnover_theme_by_participant_group(ctx.interviews)
    released = shown_shares(table, not ctx.is_national)
    words = {"staff": "staff interviews", "cyp": "children's interviews"}
    parts, values, hidden = [], {}, []
    for group in ("staff", "cyp"):
        rows = released[released["participant_group"] == group] if len(released) else []
        if len(rows) == 0:
            continue
        share = rows.iloc[0]["shown"]
        values[group] = share.as_values()
        parts.append(f"{share.text} of {words[group]}" if share.shown else "")
        hidden += [] if share.shown else [words[group]]
    if not parts:
        return _finding(
            2, "turnover", no_interviews("turnover", staff_only=False), {}, supported=False
        )
    if not _any_shown(released):
        text = not_shown("Staff turnover in interviews", ctx)
        return _finding(2, "turnover", text, values, supported=False, withheld=True)
    text = "Staff turnover was described as a barrier to relationships in " + join_words(
        [p for p in parts if p]
    )
    if hidden:
        text += f" ({join_words(hidden)}: {TOO_SMALL})"
    return _finding(2, "turnover", text + ".", values)


# --------------------------------------------------------------------------- topic 3


def enthusiasm(ctx) -> Finding:
    """Staff enthusiastic about their job, each year in scope."""
    released = shown_shares(staff_care.enthusiasm_by_year(ctx.staff_survey), not ctx.is_national)
    if released.empty:
        text = "No staff in scope answered the question on enthusiasm."
        return _finding(3, "enthusiasm", text, {}, supported=False)
    rows = released.sort_values("year")
    if not _any_shown(rows):
        text = not_shown("Staff enthusiasm", ctx)
        return _finding(3, "enthusiasm", text, by_year_values(rows), supported=False, withheld=True)
    text = f"Staff enthusiastic about their job: {by_year_text(rows)}."
    return _finding(3, "enthusiasm", text, by_year_values(rows))


def support_access(ctx) -> Finding:
    """Staff able to access each kind of support in the last year in scope, all settings."""
    table = staff_care.access_to_support_by_year(ctx.staff_survey, ctx.sites)
    if table.empty:
        text = "No staff in scope answered the questions on access to support."
        return _finding(3, "support_access", text, {}, supported=False)
    last_year = int(table["year"].max())
    parts, values, any_shown = [], {"year": last_year}, False
    for label in staff_care.SUPPORT_ITEMS.values():
        rows = table[(table["support"] == label) & (table["year"] == last_year)]
        if rows.empty:
            continue
        share = shown_shares(pooled(rows), not ctx.is_national).iloc[0]["shown"]
        any_shown |= share.shown
        values[label] = share.as_values()
        parts.append(f"{label.lower()}: {share.text}")
    if not any_shown:
        text = not_shown("Staff access to training, supervision and reflective practice", ctx)
        return _finding(3, "support_access", text, values, supported=False, withheld=True)
    text = f"In {year_words(last_year)}, staff agreeing they could access " + "; ".join(parts) + "."
    return _finding(3, "support_access", text, values)


def release_barriers(ctx) -> Finding:
    """Staffing or release capacity described as a barrier in staff interviews, all years."""
    staff = ctx.interviews[ctx.interviews["participant_group"] == "staff"]
    table = theme_prevalence(staff, ["theme_release_barriers"], by=())
    released = shown_shares(table, not ctx.is_national)
    if released.empty:
        return _finding(
            3, "release_barriers", no_interviews("release_barriers"), {}, supported=False
        )
    share = released.iloc[0]["shown"]
    if not share.shown:
        text = not_shown("Release capacity in staff interviews", ctx)
        return _finding(
            3, "release_barriers", text, share.as_values(), supported=False, withheld=True
        )
    text = (
        "Staffing levels or the capacity to release staff were described as a barrier to "
        f"training, supervision and reflective practice in {share.text} of staff interviews."
    )
    return _finding(3, "release_barriers", text, share.as_values())


# --------------------------------------------------------------------------- topic 4


def life_chances_finding(ctx) -> Finding:
    """Pessimism and hope about children's life chances, all interviews and years in scope."""
    table = life_chances.hope_and_pessimism_by_year(ctx.interviews, ctx.sites)
    if table.empty:
        return _finding(
            4, "life_chances", no_interviews("life_chances", staff_only=False), {}, supported=False
        )
    shares = {
        theme: shown_shares(pooled(table[table["theme"] == theme]), not ctx.is_national).iloc[0][
            "shown"
        ]
        for theme in ("theme_pessimism", "theme_hope")
    }
    text = (
        f"Pessimism about children's life chances was expressed in "
        f"{shares['theme_pessimism'].text} of interviews, and hope that the framework could "
        f"improve them in {shares['theme_hope'].text}."
    )
    values = {theme: share.as_values() for theme, share in shares.items()}
    if not any(share.shown for share in shares.values()):
        text = not_shown("Hope and pessimism about life chances in interviews", ctx)
        return _finding(4, "life_chances", text, values, supported=False, withheld=True)
    return _finding(4, "life_chances", text, values)


def transitions(ctx) -> Finding:
    """Transition plans and engagement in education, all settings in scope."""
    table = life_chances.transitions_and_education_by_setting(ctx.admin, ctx.sites)
    released = shown_shares(table, not ctx.is_national)
    parts, values = [], {}
    for measure, words in (
        ("transition_plan", "had a transition plan before discharge"),
        ("education_engaged", "engaged in education during the placement"),
    ):
        rows = released[released["measure"] == life_chances.ADMIN_MEASURES[measure]]
        if rows.empty:
            continue
        share = rows.iloc[-1]["shown"]  # "All settings", or the only group in scope
        values[measure] = share.as_values()
        parts.append(f"{share.text} {words}")
    if not parts:
        text = "No case in scope recorded transition plans or engagement in education."
        return _finding(4, "transitions", text, {}, supported=False)
    if not _any_shown(released):
        text = not_shown("Transition planning and engagement in education", ctx)
        return _finding(4, "transitions", text, values, supported=False, withheld=True)
    text = "Of children whose site recorded it, " + " and ".join(parts) + "."
    return _finding(4, "transitions", text, values)


# --------------------------------------------------------------------------- interview themes


def _theme_share(ctx, theme: str, participant: str, group: str | None, year: int | None):
    """The shown share of one participant group's interviews coding a theme, or None."""
    interviews = add_reporting_group(ctx.interviews, ctx.sites)
    chosen = interviews[interviews["participant_group"] == participant]
    if group is not None:
        chosen = chosen[chosen["reporting_group"].astype(str) == group]
    if year is not None:
        chosen = chosen[chosen["year"] == year]
    if chosen.empty:
        return None
    table = theme_prevalence(chosen, [theme], by=())
    return shown_shares(table, not ctx.is_national).iloc[0]["shown"]


def theme_finding(ctx, key: str) -> Finding:
    """A headline finding read from one interview theme (``THEME_CLAIMS[key]``)."""
    claim = THEME_CLAIMS[key]
    parts = {g: (g, None) for g in ("staff", "cyp") if f"{{{g}}}" in claim.text}
    if claim.higher:
        parts = {"yoi": ("staff", "YOI/STC"), "sch": ("staff", "SCH")}
    shares = {
        name: _theme_share(ctx, claim.theme, participant, group, claim.year)
        for name, (participant, group) in parts.items()
    }
    present = {name: share for name, share in shares.items() if share is not None}
    values = {name: share.as_values() for name, share in present.items()}
    if not present:
        text = no_interviews(key, staff_only=claim.groups == ("staff",))
        if claim.year is not None:
            text = f"{text[:-1]}, or none in {year_words(claim.year)}."
        return _finding(claim.topic, key, text, values, supported=False)
    if not any(share.shown for share in present.values()):
        text = not_shown(f"{claim.name[:1].upper()}{claim.name[1:]} in interviews", ctx)
        return _finding(claim.topic, key, text, values, supported=False, withheld=True)
    words = {name: share.text if share else "none" for name, share in shares.items()}
    words["retention_settings"] = interview_themes.settings_describing(ctx.interviews, claim.theme)
    text = claim.text.format(**words)
    if claim.higher and len(present) < 2:
        text += " The two setting groups cannot be compared in this selection."
        return _finding(claim.topic, key, text, values, supported=False)
    return _finding(claim.topic, key, text, values)


def _assess_theme(key: str, values: dict) -> Assessment:
    claim = THEME_CLAIMS[key]
    if claim.higher:
        other = "sch" if claim.higher == "YOI/STC" else "yoi"
        higher = "yoi" if claim.higher == "YOI/STC" else "sch"
        names = (GROUP_NAMES[other], GROUP_NAMES[higher])
        return _difference(values.get(other), values.get(higher), claim.claim, names)
    parts = [
        _level(values.get(group), claim.level, claim.claim, name=GROUP_NAMES[group])
        for group in claim.groups
    ]
    return assess.all_of(parts, claim.claim)


GROUP_NAMES = {"staff": "staff", "cyp": "children", "yoi": "in YOI/STC", "sch": "in SCHs"}


THEME_FINDERS: tuple[Callable, ...] = tuple(
    (lambda ctx, key=key: theme_finding(ctx, key)) for key in THEME_CLAIMS
)


# --------------------------------------------------------------------------- records and wellbeing


def administrative_returns(ctx) -> Finding:
    """How many administrative cases carried the formulation field (the data were patchy)."""
    returned = formulations.formulation_field_returned(ctx.admin)
    table = pd.DataFrame(
        {
            "numerator": returned["with_field"].astype(int),
            "denominator": returned["cases"].astype(int),
            "proportion": returned["with_field"] / returned["cases"].where(returned["cases"] > 0),
            "ci_low": math.nan,
            "ci_high": math.nan,
        }
    )
    if table.empty or int(table["denominator"].iloc[0]) == 0:
        text = "No administrative case is in scope."
        return _finding(1, "administrative_returns", text, {}, supported=False)
    share = shown_shares(table, not ctx.is_national).iloc[0]["shown"]
    if not share.shown:
        text = not_shown("How completely sites returned administrative data", ctx)
        return _finding(
            1, "administrative_returns", text, share.as_values(), supported=False, withheld=True
        )
    by_site = ctx.admin.groupby("site_id")["formulation"].apply(lambda v: v.notna().any())
    values = {**share.as_values(), "sites_returning": int(by_site.sum()), "sites": len(by_site)}
    if ctx.is_national:
        where = f"which {values['sites_returning']} of the {values['sites']} sites returned"
    else:
        where = f"which this site {'returned' if values['sites_returning'] else 'did not return'}"
    text = f"Only {share.text} of administrative cases carried the formulation field, {where}."
    return _finding(1, "administrative_returns", text, values)


def wellbeing(ctx) -> Finding:
    """Wellbeing of staff who feel valued in their role, from the topic 3 mixed model.

    Kinds of support whose coefficient's 95% interval lies above zero are named too.
    """
    model = staff_care.wellbeing_model(ctx.staff_survey, ctx.sites)
    if not model.estimated or "feel_valued" not in set(model.table["term"]):
        text = f"The wellbeing model was {model.reason or 'not estimated in this selection'}."
        return _finding(3, "wellbeing", text, {}, supported=False)
    row = model.effect_of("feel_valued")
    values = {k: float(row[k]) for k in ("estimate", "ci_low", "ci_high")}
    values["level"] = 0.95
    above_zero = [
        r
        for _, r in model.table.iterrows()
        if r["term"] in staff_care.PREDICTOR_LABELS
        and r["term"] != "feel_valued"
        and r["ci_low"] > 0
    ]
    support = [str(r["label"]).removeprefix("Can access ").lower() for r in above_zero]
    smaller = all(r["estimate"] < row["estimate"] for r in above_zero)
    text = (
        f"Staff who felt valued in their role scored {format_number(row['estimate'], 1)} points "
        f"higher on the wellbeing scale (SWEMWBS; 95% CI {format_number(row['ci_low'], 1)} to "
        f"{format_number(row['ci_high'], 1)}), other things held fixed."
    )
    if support:
        text += f" So did staff who could access {join_words(support)}"
        text += ", by less." if smaller else "."
    return _finding(3, "wellbeing", text, values)


# --------------------------------------------------------------------------- topic 5


def value_for_money(ctx, wtp: float, alternative_wtp: float) -> list[Finding]:
    """Benefit-cost comparison and QALY thresholds per operational staff member."""
    result = economics.threshold_analysis(ctx.economics_inputs, wtp, alternative_wtp)
    ratio_values = {
        "cost": result.cost.mid,
        "benefits": result.benefits.mid,
        "net_benefit": result.net_benefit,
        "benefit_cost_ratio": result.benefit_cost_ratio,
    }
    ratio_text = (
        f"Monetised benefits of {format_gbp(result.benefits.mid)} per operational staff member "
        f"are {format_number(result.benefit_cost_ratio, 1)} times the "
        f"{format_gbp(result.cost.mid)} cost of supporting them "
        f"(net benefit {format_gbp(result.net_benefit)}, mid-point estimates)."
    )
    threshold_values = {
        "wtp": result.wtp,
        "alternative_wtp": result.alternative_wtp,
        "gross_threshold": result.gross_threshold(),
        "gross_threshold_alternative": result.gross_threshold(result.alternative_wtp),
        "net_threshold": result.net_threshold(),
    }
    net = (
        "counting the savings, any QALY gain that is not negative would"
        if result.net_threshold() == 0
        else f"net of the savings, {economics.format_qaly(result.net_threshold())} QALY"
    )
    threshold_text = (
        f"Leaving the monetised savings aside, a gain of "
        f"{economics.format_qaly(result.gross_threshold())} QALY per staff member would justify "
        f"the cost at {format_gbp(result.wtp, 0)} per QALY "
        f"({economics.format_qaly(result.gross_threshold(result.alternative_wtp))} at "
        f"{format_gbp(result.alternative_wtp, 0)}); {net}. No QALY gain was measured."
    )
    return [
        _finding(5, "value_for_money", ratio_text, ratio_values),
        _finding(5, "qaly_threshold", threshold_text, threshold_values),
    ]


# --------------------------------------------------------------------------- assembly


def no_interviews(key: str, staff_only: bool = True) -> str:
    """'Staff turnover: no interviews are in scope (interviews took place at ...).'"""
    who = "staff interviews" if staff_only else "interviews"
    name = FINDING_NAMES[key]
    return f"{name[:1].upper()}{name[1:]}: no {who} are in scope ({INTERVIEW_SITES})."


def _finding(
    topic: int, key: str, text: str, values: dict, supported: bool = True, withheld: bool = False
) -> Finding:
    """A Finding with its evidence labels and its assessment against the evaluation's claim.

    An unsupported finding cannot be assessed: withheld when disclosure control hid it.
    """
    claim = CLAIMS.get(key) or (THEME_CLAIMS[key].claim if key in THEME_CLAIMS else None)
    if claim is None:
        verdict = None
    elif not supported:
        verdict = assess.not_assessable(claim, withheld)
    elif key in THEME_CLAIMS:
        verdict = _assess_theme(key, values)
    else:
        verdict = ASSESSORS[key](values)
    return Finding(topic, key, text, values, list(EVIDENCE[key]), supported, verdict)


# --------------------------------------------------------------------------- assessment

# What the evaluation reported, as each finding tests it (interview themes: THEME_CLAIMS).
CLAIMS: dict[str, str] = {
    "formulation_coverage": "most children had a formulation",
    "disciplines": "more than two professional disciplines attend formulation meetings on average",
    "formulation_attendance": (
        "staff attendance at formulation meetings rose in YOIs and the STC (in SCHs alone: "
        "most staff attend)"
    ),
    "children_involved": "staff reporting children's involvement rose over the years",
    "children_listened_to": "most children felt listened to by staff",
    "siloed_to_multiagency": (
        "siloed working fell and multi-agency working rose in staff interviews"
    ),
    "leadership_support": "senior leadership support is a common theme in staff interviews",
    "turnover": "staff turnover is a common theme in staff interviews",
    "enthusiasm": "most staff are enthusiastic about their job",
    "support_access": "most staff can access training, supervision and reflective practice",
    "release_barriers": "release capacity is a common barrier in staff interviews",
    "life_chances": "pessimism and hope are both common themes in interviews",
    "transitions": "most children had a transition plan before discharge",
    "value_for_money": "the monetised benefits exceed the cost of supporting staff",
    "administrative_returns": (
        "administrative data were patchy: a tenth or more of cases lack a key field"
    ),
    "wellbeing": "staff who feel valued report higher wellbeing",
}


def _pair(share: dict | None) -> tuple[int, int] | None:
    """(numerator, denominator) of a shown share's values, or None when not a count."""
    if not share or share.get("proportion") is None:
        return None
    counts = (share.get("numerator"), share.get("denominator"))
    if not all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in counts):
        return None
    return int(counts[0]), int(counts[1])


def _level(
    share: dict | None, level: float, claim: str, direction: int = 1, name: str = ""
) -> Assessment:
    pair = _pair(share)
    if pair is None:
        return assess.not_assessable(claim, withheld=bool(share))
    return assess.assess_level(*pair, level, claim, direction, name)


def _difference(
    first: dict | None, second: dict | None, claim: str, names: tuple[str, str]
) -> Assessment:
    pairs = (_pair(first), _pair(second))
    if None in pairs:
        return assess.not_assessable(claim, withheld=bool(first) and bool(second))
    return assess.assess_difference(pairs[0], pairs[1], claim, names=names)


def _first_and_last(by_year: dict, claim: str, direction: int = 1, what: str = "") -> Assessment:
    """The change from the first to the last year shown (values keyed by year)."""
    years = sorted(y for y in by_year if isinstance(y, int) and _pair(by_year[y]))
    if len(years) < 2:
        return assess.not_assessable(claim, withheld=len(by_year) >= 2)
    names = tuple(f"{what}in {year_words(y)}" for y in (years[0], years[-1]))
    return assess.assess_difference(
        _pair(by_year[years[0]]), _pair(by_year[years[-1]]), claim, direction, names
    )


def _pooled_level(shares: Iterable[dict], level: float, claim: str) -> Assessment:
    pairs = [p for p in (_pair(s) for s in shares) if p]
    if not pairs:
        return assess.not_assessable(claim, withheld=True)
    return assess.assess_level(sum(p[0] for p in pairs), sum(p[1] for p in pairs), level, claim)


def _assess_attendance(values: dict) -> Assessment:
    claim = CLAIMS["formulation_attendance"]
    if "YOI/STC" in values:
        return _first_and_last(values["YOI/STC"], claim, what="YOI/STC ")
    return _pooled_level(values.get("SCH", {}).values(), config.MAJORITY_SHARE, claim)


def _assess_siloed(values: dict) -> Assessment:
    claim = CLAIMS["siloed_to_multiagency"]
    parts = [
        _first_and_last(values.get("theme_siloed_working", {}), claim, -1, "siloed "),
        _first_and_last(values.get("theme_multiagency_working", {}), claim, 1, "multi-agency "),
    ]
    return assess.all_of(parts, claim)


def _assess_support(values: dict) -> Assessment:
    claim = CLAIMS["support_access"]
    parts = [
        _level(share, config.MAJORITY_SHARE, claim, name=str(kind).lower())
        for kind, share in values.items()
        if kind != "year"
    ]
    return assess.all_of(parts, claim)


def _assess_life_chances(values: dict) -> Assessment:
    claim = CLAIMS["life_chances"]
    return assess.all_of(
        [
            _level(values.get(theme), config.COMMON_THEME_SHARE, claim, name=name)
            for theme, name in (("theme_pessimism", "pessimism"), ("theme_hope", "hope"))
        ],
        claim,
    )


def _assess_disciplines(values: dict) -> Assessment:
    mean = values.get("mean")
    words = f"mean {format_number(mean, 1)}" if mean is not None else ""
    return assess.assess_value(
        math.nan if mean is None else float(mean), 2.0, CLAIMS["disciplines"], words
    )


def _assess_value_for_money(values: dict) -> Assessment:
    ratio = values["benefit_cost_ratio"]
    return assess.assess_value(
        ratio,
        1.0,
        CLAIMS["value_for_money"],
        f"benefit-cost ratio {format_number(ratio, 2)} at mid-points",
    )


def _assess_wellbeing(values: dict) -> Assessment:
    return assess.assess_estimate(
        values["estimate"], values["ci_low"], values["ci_high"], CLAIMS["wellbeing"]
    )


MAJORITY, COMMON = config.MAJORITY_SHARE, config.COMMON_THEME_SHARE
ASSESSORS: dict[str, Callable[[dict], Assessment]] = {
    "formulation_coverage": lambda v: _level(v, MAJORITY, CLAIMS["formulation_coverage"]),
    "disciplines": _assess_disciplines,
    "formulation_attendance": _assess_attendance,
    "children_involved": lambda v: _first_and_last(v, CLAIMS["children_involved"]),
    "children_listened_to": lambda v: _level(v, MAJORITY, CLAIMS["children_listened_to"]),
    "siloed_to_multiagency": _assess_siloed,
    "leadership_support": lambda v: _level(v, COMMON, CLAIMS["leadership_support"]),
    "turnover": lambda v: _level(v.get("staff"), COMMON, CLAIMS["turnover"]),
    "enthusiasm": lambda v: _pooled_level(v.values(), MAJORITY, CLAIMS["enthusiasm"]),
    "support_access": _assess_support,
    "release_barriers": lambda v: _level(v, COMMON, CLAIMS["release_barriers"]),
    "life_chances": _assess_life_chances,
    "transitions": lambda v: _level(v.get("transition_plan"), MAJORITY, CLAIMS["transitions"]),
    "value_for_money": _assess_value_for_money,
    "administrative_returns": lambda v: _level(
        v, config.COMPLETE_RETURNS_SHARE, CLAIMS["administrative_returns"], direction=-1
    ),
    "wellbeing": _assess_wellbeing,
}


FINDERS: tuple[Callable, ...] = (
    formulation_coverage,
    disciplines,
    formulation_attendance,
    children_involved,
    children_listened_to,
    siloed_to_multiagency,
    leadership_support,
    turnover,
    enthusiasm,
    support_access,
    release_barriers,
    wellbeing,
    life_chances_finding,
    transitions,
    administrative_returns,
    *THEME_FINDERS,
)


def headline_findings(
    ctx, wtp: float = config.DEFAULT_WTP, alternative_wtp: float = config.ALTERNATIVE_WTP
) -> list[Finding]:
    """The headline findings of topics 1 to 5, in topic order, computed from ``ctx`` (once per
    build: the summary and recommendations chapters share them)."""
    return ctx.remembered("headline-findings", _findings, wtp, alternative_wtp)


def _findings(ctx, wtp: float, alternative_wtp: float) -> list[Finding]:
    findings = [finder(ctx) for finder in FINDERS]
    findings += value_for_money(ctx, wtp, alternative_wtp)
    return sorted(findings, key=lambda finding: finding.topic)


def findings_by_key(findings: Iterable[Finding]) -> dict[str, Finding]:
    """The findings indexed by key."""
    return {finding.key: finding for finding in findings}


# --------------------------------------------------------------------------- presentation


def topic_heading(topic: int) -> str:
    """'Topic 1: Did culture and practice change ...?' from the framework's questions."""
    question = dict(QUESTIONS)[topic]
    return f"Topic {topic}: {question}"


def cited_labels(finding: Finding) -> list[str]:
    """Figure and table labels a bullet may cite: only when the finding is supported."""
    if not finding.supported:
        return []
    return [label for label in finding.evidence if label.startswith(("fig-", "tbl-"))]


def finding_bullet(finding: Finding) -> str:
    """A finding as one bullet: its sentence and cross-references to its evidence."""
    refs = [f"@{label}" for label in cited_labels(finding)]
    refs.append(f"@sec-topic-{finding.topic}")
    return f"{finding.text} ({'; '.join(refs)})"


def topic_summary(findings: Iterable[Finding], topic: int) -> str:
    """Markdown: a bullet list of one topic's findings."""
    chosen = [f for f in findings if f.topic == topic]
    if not chosen:
        return "No headline finding for this topic in scope."
    return bullet_list(finding_bullet(f) for f in chosen)


def describe_summary_scope(ctx, findings: Iterable[Finding]) -> str:
    """Paragraph on what the summary covers, and how many findings the data in scope support."""
    findings = list(findings)
    unsupported = [f for f in findings if not f.supported]
    text = (
        "Each finding below is computed from the data when the report is built and links to "
        "the chapter, figure or table that shows it in full."
    )
    if ctx.is_national:
        text += " Figures are national, across the years and settings selected."
    else:
        text += (
            f" This is the summary for {ctx.scope_label}: counts are rounded to the nearest 5 "
            f"and small numbers are suppressed, so percentages may differ from the unrounded ones."
        )
    if unsupported:
        text += (
            f" {len(unsupported)} of the {len(findings)} findings cannot be shown in full "
            "for this selection, because the data in scope are missing or too small to publish; "
            "each says so."
        )
    return text
