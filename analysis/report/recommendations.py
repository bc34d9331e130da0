"""The evaluation's nine recommendations, in the project's own words, tied to their evidence.

Each recommendation names the headline findings it rests on (``analysis.report.headlines``) and
the figures, tables and chapters that show them. ``recommendations_with_evidence`` reads the
verdict on each finding in scope (``analysis.report.assessment``: consistent, against or
unclear from its direction, size and interval; or not assessable) and gives the
recommendation a status from them: consistent, mixed, against, inconclusive, cannot be
assessed in this selection, or withheld by disclosure control.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from analysis.display.presentation import bullet_list
from analysis.report import assessment
from analysis.report.assessment import Assessment
from analysis.report.headlines import (
    FINDING_NAMES,
    Finding,
    findings_by_key,
    join_words,
    selection_words,
)
from analysis.topics.economics import count_words


@dataclass(frozen=True)
class Recommendation:
    """One recommendation: what to do, why, and where the evidence is."""

    number: int
    title: str
    text: str
    evidence: tuple[str, ...]  # Quarto labels: sec-..., fig-..., tbl-...
    findings: tuple[str, ...]  # keys of headline findings it rests on


RECOMMENDATIONS: tuple[Recommendation, ...] = (
    Recommendation(
        1,
        "Treat embedding culture change as a long-term priority, and look beyond the secure estate",
        "The framework has begun to change how secure settings understand and care for "
        "children, but in several settings the change is not yet part of everyday life. "
        "Holding on to it will take commitment over years, not one programme cycle. Secure "
        "settings cannot on their own lift the deep pessimism about what happens to children "
        "after custody: services in the community, and society more widely, need to share the "
        "same understanding and the same consistency of care if more children are to do well.",
        ("sec-topic-1", "sec-topic-4", "tbl-topic-4-themes", "tbl-formulation-coverage"),
        (
            "life_chances",
            "formulation_coverage",
            "formulation_attendance",
            "practice_under_pressure",
        ),
    ),
    Recommendation(
        2,
        "Secure visible and consistent backing from senior leaders in every agency",
        "Leaders set and model the culture of a setting. Their backing gives staff the "
        "permission and confidence to work differently, and keeps the work going when it meets "
        "obstacles. Leaders need support of their own, such as protected space to talk through "
        "the trauma that organisations and the people in them absorb, and the leaders of "
        "different agencies need to act together, so that the change holds across the whole "
        "setting.",
        ("sec-topic-1", "sec-topic-1-interviews", "tbl-topic-1-themes", "fig-topic-1-themes"),
        ("leadership_support", "leadership_consistency", "organisational_complexity"),
    ),
    Recommendation(
        3,
        "Keep central implementation support and peer networks across the estate",
        "A national team that helps each setting put the framework into practice, and regular "
        "chances for staff from different settings to learn from one another, help settings "
        "see their barriers afresh and borrow what has worked elsewhere. Both should continue, "
        "above all where implementation has furthest to go, as the uneven spread of practice "
        "between settings shows.",
        ("sec-topic-1-interviews", "tbl-topic-1-themes", "fig-attendance-by-year"),
        ("central_support", "formulation_attendance"),
    ),
    Recommendation(
        4,
        "Involve every child in their own formulation",
        "Children should take part in their formulation directly wherever they can, and "
        "through indirect routes where direct involvement is not possible. Taking part gives "
        "children a voice in their care and their goals, and it makes the formulation itself "
        "better.",
        ("sec-topic-1", "sec-topic-2", "tbl-children-involvement", "tbl-topic-1-themes"),
        ("children_involved", "voice_in_formulation", "children_listened_to"),
    ),
    Recommendation(
        5,
        "Let the formulation travel with the child",
        "A child's formulation should go with them when they arrive in, move within and leave "
        "the secure estate, so that whoever cares for them next starts from the same shared "
        "understanding of their story and needs.",
        ("sec-topic-4", "sec-topic-1", "tbl-transitions-and-education"),
        ("transitions", "formulation_coverage"),
    ),
    Recommendation(
        6,
        "Work together at every level to keep practice going under pressure",
        "Strategic leads, on-site leaders and the staff who deliver care should plan together "
        "how trauma-informed, developmentally-attuned and psychologically-based practice will "
        "hold up when a setting is under strain. Practical routes include a standing item on "
        "the agenda of reflective practice or supervision, or building formulations in "
        "supervision of how staff respond to children at difficult times.",
        ("sec-topic-2", "sec-topic-3", "tbl-topic-2-themes", "tbl-topic-1-themes"),
        ("siloed_to_multiagency", "practice_under_pressure", "release_barriers"),
    ),
    Recommendation(
        7,
        "Sustain multi-agency training, reflective practice and supervision, and make them "
        "easy to attend",
        "Settings should keep offering, and be resourced to keep offering, regular training, "
        "reflective practice and supervision across agencies, ideally delivered jointly by "
        "staff from different sectors. Each setting should look at what helps and what stops "
        "its staff from taking part, above all whether they can be released from their "
        "duties, and deliver support flexibly to suit local needs.",
        ("sec-topic-3", "tbl-access-to-support", "tbl-topic-3-themes", "tbl-wellbeing-model"),
        ("support_access", "valued_empowered", "wellbeing", "release_barriers"),
    ),
    Recommendation(
        8,
        "Make continuity of staff a priority",
        "Each time a member of staff leaves, a child's relationships start again, which risks "
        "repeating the instability many of these children have already lived through. Settings "
        "should review how they recruit, keep and rotate staff, and work with children on how "
        "the trust built with one member of staff can be handed on when that person moves on.",
        ("sec-topic-2", "sec-topic-3", "tbl-topic-2-themes", "tbl-topic-3-themes"),
        ("turnover", "trusting_relationships", "retention_after_embedding"),
    ),
    Recommendation(
        9,
        "Keep evaluating, and build records around the child",
        "The evaluation came too early to see long-term outcomes for children, and the "
        "administrative returns were too patchy to value them. Implementation and impact should "
        "go on being evaluated, with a focus on children's long-term outcomes, and the results "
        "fed back into reflection on how culture is changing. Records that follow the child "
        "across health, education and operational systems, rather than staying inside each "
        "agency, would make this possible.",
        ("sec-topic-5", "sec-topic-1", "tbl-formulation-field-returned"),
        ("administrative_returns",),
    ),
)


@dataclass(frozen=True)
class EvidencedRecommendation:
    """A recommendation with the findings in scope it rests on, and their verdicts."""

    recommendation: Recommendation
    supporting: tuple[Finding, ...]  # findings shown in scope
    missing: tuple[str, ...]  # keys of findings missing or not publishable in scope
    labels: tuple[str, ...]  # labels it may cite in this selection
    assessments: tuple[Assessment, ...] = ()  # one per finding it rests on, in order

    @property
    def supported(self) -> bool:
        """True when every finding it rests on is available in scope."""
        return not self.missing

    @property
    def status(self) -> str:
        """Consistent, Mixed, Against, Inconclusive, Cannot be assessed in this selection,
        or Withheld by disclosure control (``analysis.report.assessment.combine``)."""
        return assessment.combine(self.assessments)

    @property
    def assessed(self) -> int:
        """How many of its findings could be assessed in scope."""
        return sum(a.assessable for a in self.assessments)


def recommendations_with_evidence(findings: Iterable[Finding]) -> list[EvidencedRecommendation]:
    """Each recommendation with its findings in scope and the verdict on each.

    A finding is missing when it is absent from ``findings`` or not supported (no data in
    scope, or suppressed by disclosure control); an absent finding cannot be assessed.
    Figure and table labels are cited only when a supporting finding shows them; chapter
    labels (``sec-...``) always.
    """
    available = findings_by_key(findings)
    evidenced = []
    for rec in RECOMMENDATIONS:
        supporting = tuple(
            available[k] for k in rec.findings if k in available and available[k].supported
        )
        missing = tuple(k for k in rec.findings if k not in {f.key for f in supporting})
        shown = {label for f in supporting for label in f.evidence}
        labels = tuple(
            label for label in rec.evidence if label.startswith("sec-") or label in shown
        )
        labels += tuple(
            label for label in dict.fromkeys(map(first_exhibit, supporting)) if label not in labels
        )
        verdicts = tuple(
            available[k].assessment
            if k in available and available[k].assessment is not None
            else assessment.not_assessable(FINDING_NAMES[k], withheld=False)
            for k in rec.findings
        )
        evidenced.append(EvidencedRecommendation(rec, supporting, missing, labels, verdicts))
    return evidenced


def first_exhibit(finding: Finding) -> str:
    """The first figure or table that shows a finding (its chapter section if none)."""
    exhibits = [label for label in finding.evidence if label.startswith(("fig-", "tbl-"))]
    return (exhibits or finding.evidence)[0]


def cited_labels(rec: Recommendation) -> set[str]:
    """Every label the recommendation may cite (its own and those of its findings)."""
    from analysis.report.headlines import EVIDENCE

    return set(rec.evidence) | {label for key in rec.findings for label in EVIDENCE[key]}


# --------------------------------------------------------------------------- presentation


def _refs(labels: Iterable[str]) -> str:
    return "; ".join(f"@{label}" for label in labels)


VERDICT_WORDS = {
    assessment.CONSISTENT: "consistent",
    assessment.AGAINST: "against",
    assessment.UNCLEAR: "unclear",
    assessment.NO_DATA: "cannot be assessed in this selection",
    assessment.WITHHELD: "withheld by disclosure control",
}


def _finding_line(key: str, finding: Finding | None, verdict: Assessment) -> str:
    """'Formulation coverage: *consistent*. Claim: most children ... 85% (95% CI ...) (@tbl-...).'

    The finding's own sentence is in the summary; here it is named, judged and linked.
    """
    name = FINDING_NAMES[key][:1].upper() + FINDING_NAMES[key][1:]
    words = VERDICT_WORDS[verdict.verdict]
    if finding is None or not finding.supported:
        return f"{name}: *{words}*."
    basis = f": {verdict.basis}" if verdict.basis else ""
    return (
        f"{name}: *{words}*. The evaluation reported that {verdict.claim}; here"
        f"{basis or ' it could not be tested'} (@{first_exhibit(finding)})."
    )


def assessed_words(assessed: int, total: int) -> str:
    """'all three of its findings could be assessed', 'two of its three ...', 'its one ...'."""
    if total == 1:
        return f"its one finding {'could' if assessed else 'could not'} be assessed"
    if assessed == total:
        how_many = "both" if total == 2 else f"all {count_words(total)} of"
        return f"{how_many} its findings could be assessed"
    how_many = count_words(assessed)
    if assessed == 0:
        how_many = "neither" if total == 2 else "none"
    return f"{how_many} of its {count_words(total)} findings could be assessed"


def describe_recommendation(
    item: EvidencedRecommendation, ctx, shown_under: dict[str, int] | None = None
) -> str:
    """Markdown for one recommendation: its text, its status, and each finding's verdict.

    A finding already set out under an earlier recommendation (``shown_under``: finding key
    to that recommendation's number) is named with its verdict and pointed back to.
    """
    rec = item.recommendation
    shown_under = shown_under or {}
    shown = {f.key: f for f in item.supporting}
    lines = []
    for key, verdict in zip(rec.findings, item.assessments, strict=True):
        if key in shown_under:
            name = FINDING_NAMES[key][:1].upper() + FINDING_NAMES[key][1:]
            lines.append(
                f"{name}: *{VERDICT_WORDS[verdict.verdict]}* (set out under recommendation "
                f"{shown_under[key]})."
            )
        else:
            lines.append(_finding_line(key, shown.get(key), verdict))
    counted = assessed_words(item.assessed, len(rec.findings))
    status = f"**Evidence in {selection_words(ctx)}: {item.status.lower()}** ({counted}"
    status += f"; {_refs(item.labels)})." if item.labels else ")."
    parts = [rec.text, status, bullet_list(lines)]
    if item.status in (assessment.STATUS_NOT_ASSESSABLE, assessment.STATUS_WITHHELD):
        parts.append(
            "The recommendation is kept because the national evaluation supports it, not "
            "because these data do."
        )
    return "\n\n".join(parts)


def recommendation_heading(rec: Recommendation) -> str:
    """'## 1. Treat embedding culture change ...' (unnumbered: the number is in the title)."""
    return f"## {rec.number}. {rec.title} {{.unnumbered}}"


def recommendations_markdown(items: Iterable[EvidencedRecommendation], ctx) -> str:
    """All recommendations as one Markdown block, headings included; a finding is set out
    in full under the first recommendation that rests on it."""
    blocks, shown_under = [], {}
    for item in items:
        rec = item.recommendation
        text = describe_recommendation(item, ctx, dict(shown_under))
        blocks.append(f"{recommendation_heading(rec)}\n\n{text}")
        for key in rec.findings:
            shown_under.setdefault(key, rec.number)
    return "\n\n".join(blocks)


def evidence_table(items: Iterable[EvidencedRecommendation]) -> pd.DataFrame:
    """One row per recommendation: its title, status in scope, and its findings' verdicts."""
    return pd.DataFrame(
        [
            {
                "Recommendation": f"{item.recommendation.number}. {item.recommendation.title}",
                "Evidence in this selection": item.status,
                "Findings assessed": f"{item.assessed} of {len(item.recommendation.findings)}",
                "Findings it rests on (verdict)": "; ".join(
                    f"{FINDING_NAMES[key]} ({VERDICT_WORDS[verdict.verdict]})"
                    for key, verdict in zip(
                        item.recommendation.findings, item.assessments, strict=True
                    )
                ),
            }
            for item in items
        ]
    )


def describe_support(items: Iterable[EvidencedRecommendation], ctx) -> str:
    """Opening paragraph: what the recommendations are, and how their evidence stands here."""
    items = list(items)
    scope = selection_words(ctx)
    text = (
        f"The evaluation makes {count_words(len(items))} recommendations, written here in this "
        "report's own words. Under each, the findings it rests on are recomputed from the data "
        "in scope, tested against what the evaluation reported, and linked to the chapters, "
        "figures and tables that show them."
    )
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    order = [
        assessment.STATUS_CONSISTENT,
        assessment.STATUS_MIXED,
        assessment.STATUS_INCONCLUSIVE,
        assessment.STATUS_AGAINST,
        assessment.STATUS_WITHHELD,
        assessment.STATUS_NOT_ASSESSABLE,
    ]
    parts = [f"{count_words(counts[s])} {s.lower()}" for s in order if counts.get(s)]
    return text + f" In {scope}, the evidence is {join_words(parts)}."
