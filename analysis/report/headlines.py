"""Headline findings of the five topics, for the summary chapter.

Every finding is built by calling the topic modules (formulations, relational_safety,
staff_care, life_chances, economics) on the chapter's data: its numbers live in
``Finding.values`` and its sentence is written from them, never typed. Below national
level, shares go through disclosure control first; a finding whose evidence is missing
or too small to publish says so and is marked ``supported=False``.
"""

from __future__ import annotations

import math
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
from analysis.statistics.proportions import release_shares, year_words
from analysis.statistics.reporting_groups import GROUP_WORDS, REPORTING_GROUPS
from analysis.statistics.themes import theme_prevalence
from analysis.topics import economics, formulations, life_chances, relational_safety, staff_care

TOO_SMALL = "numbers too small to publish"
INTERVIEW_SITES = "interviews took place at five case-study sites"
ONE_YEAR = " With a single year shown, no change over time can be seen in this selection."


@dataclass(frozen=True)
class Finding:
    """One headline finding: its sentence, the numbers in it, and where the evidence is shown.

    ``evidence`` holds Quarto labels (``sec-topic-1``, ``fig-...``, ``tbl-...``) of the
    chapter sections, figures and tables that show it. ``supported`` is False when the
    data in scope cannot support the finding (missing, or suppressed by disclosure control).
    """

    topic: int
    key: str
    text: str
    values: dict
    evidence: list[str]
    supported: bool = True


# Where each finding is shown in the topic chapters (labels of their cells and headings).
EVIDENCE: dict[str, list[str]] = {
    "formulation_coverage": ["sec-topic-1", "tbl-formulation-coverage"],
    "disciplines": ["sec-topic-1", "fig-disciplines-at-formulation-meetings"],
    "formulation_attendance": ["sec-topic-1", "fig-attendance-by-year", "tbl-attendance-model"],
    "children_involved": ["sec-topic-1", "fig-children-involvement", "tbl-involvement-recorded"],
    "children_listened_to": ["sec-topic-2", "tbl-children-safety", "fig-children-survey-responses"],
    "siloed_to_multiagency": ["sec-topic-2", "tbl-topic-2-themes", "fig-multiagency-working"],
    "leadership_support": ["sec-topic-1", "tbl-topic-1-themes", "fig-topic-1-themes"],
    "turnover": ["sec-topic-2", "tbl-topic-2-themes", "fig-topic-2-themes"],
    "enthusiasm": ["sec-topic-3", "fig-enthusiasm-by-year"],
    "support_access": ["sec-topic-3", "fig-access-to-support", "tbl-wellbeing-model"],
    "release_barriers": ["sec-topic-3", "fig-release-for-support"],
    "life_chances": ["sec-topic-4", "tbl-topic-4-themes", "fig-topic-4-themes"],
    "transitions": [
        "sec-topic-4",
        "tbl-transitions-and-education",
        "fig-transitions-and-education",
    ],
    "value_for_money": ["sec-topic-5", "tbl-economic-inputs", "fig-tornado-net-benefit"],
    "qaly_threshold": ["sec-topic-5", "tbl-qaly-thresholds", "fig-ceac"],
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
        return _finding(1, "formulation_coverage", text, values, supported=False)
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
        return _finding(1, "disciplines", text, values, supported=False)
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
        return _finding(1, "formulation_attendance", text, values, supported=False)
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
        return _finding(1, "children_involved", text, values, supported=False)
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
        return _finding(2, "children_listened_to", text, share.as_values(), supported=False)
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
        return _finding(2, "siloed_to_multiagency", text, values, supported=False)
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
        return _finding(1, "leadership_support", text, share.as_values(), supported=False)
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
        return _finding(2, "turnover", text, values, supported=False)
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
        return _finding(3, "enthusiasm", text, by_year_values(rows), supported=False)
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
        return _finding(3, "support_access", text, values, supported=False)
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
        return _finding(3, "release_barriers", text, share.as_values(), supported=False)
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
        return _finding(4, "life_chances", text, values, supported=False)
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
        return _finding(4, "transitions", text, values, supported=False)
    text = "Of children whose site recorded it, " + " and ".join(parts) + "."
    return _finding(4, "transitions", text, values)


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


def _finding(topic: int, key: str, text: str, values: dict, supported: bool = True) -> Finding:
    return Finding(topic, key, text, values, list(EVIDENCE[key]), supported)


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
    life_chances_finding,
    transitions,
)


def headline_findings(
    ctx, wtp: float = config.DEFAULT_WTP, alternative_wtp: float = config.ALTERNATIVE_WTP
) -> list[Finding]:
    """The headline findings of topics 1 to 5, in topic order, computed from ``ctx``."""
    findings = [finder(ctx) for finder in FINDERS]
    findings += value_for_money(ctx, wtp, alternative_wtp)
    return findings


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
