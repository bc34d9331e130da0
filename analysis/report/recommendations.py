"""The evaluation's nine recommendations, in the project's own words, tied to their evidence.

Each recommendation names the headline findings it rests on (``analysis.report.headlines``) and
the figures, tables and chapters that show them. ``recommendations_with_evidence`` checks
those findings against the data in scope: a recommendation whose findings are missing or
too small to publish (a site without interviews, a single year) is marked, and the chapter
says so instead of letting it stand as if this selection supported it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from analysis.display.presentation import bullet_list
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
        ("life_chances", "formulation_coverage", "formulation_attendance"),
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
        ("sec-topic-1", "tbl-topic-1-themes", "fig-attendance-by-year"),
        ("leadership_support", "formulation_attendance"),
    ),
    Recommendation(
        3,
        "Keep central implementation support and peer networks across the estate",
        "A national team that helps each setting put the framework into practice, and regular "
        "chances for staff from different settings to learn from one another, help settings "
        "see their barriers afresh and borrow what has worked elsewhere. Both should continue, "
        "above all where implementation has furthest to go. The data in this report bear on "
        "this only indirectly, through how unevenly practice and support have spread.",
        ("sec-topic-1", "sec-topic-3", "fig-attendance-by-year", "fig-access-to-support"),
        ("formulation_attendance", "support_access"),
    ),
    Recommendation(
        4,
        "Involve every child in their own formulation",
        "Children should take part in their formulation directly wherever they can, and "
        "through indirect routes where direct involvement is not possible. Taking part gives "
        "children a voice in their care and their goals, and it makes the formulation itself "
        "better.",
        ("sec-topic-1", "sec-topic-2", "fig-children-involvement", "tbl-children-safety"),
        ("children_involved", "children_listened_to"),
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
        ("sec-topic-2", "sec-topic-3", "tbl-topic-2-themes", "fig-release-for-support"),
        ("siloed_to_multiagency", "release_barriers"),
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
        ("sec-topic-3", "fig-access-to-support", "fig-release-for-support", "tbl-wellbeing-model"),
        ("support_access", "release_barriers", "enthusiasm"),
    ),
    Recommendation(
        8,
        "Make continuity of staff a priority",
        "Each time a member of staff leaves, a child's relationships start again, which risks "
        "repeating the instability many of these children have already lived through. Settings "
        "should review how they recruit, keep and rotate staff, and work with children on how "
        "the trust built with one member of staff can be handed on when that person moves on.",
        ("sec-topic-2", "tbl-topic-2-themes"),
        ("turnover",),
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
        ("sec-topic-5", "sec-topic-1", "tbl-qaly-thresholds", "tbl-formulation-coverage"),
        ("qaly_threshold", "formulation_coverage"),
    ),
)


@dataclass(frozen=True)
class EvidencedRecommendation:
    """A recommendation with the findings in scope that support it, and those that are missing."""

    recommendation: Recommendation
    supporting: tuple[Finding, ...]
    missing: tuple[str, ...]  # keys of findings missing or not publishable in scope
    labels: tuple[str, ...]  # labels it may cite in this selection

    @property
    def supported(self) -> bool:
        """True when every finding it rests on is available in scope."""
        return not self.missing

    @property
    def status(self) -> str:
        """'supported', 'partly supported' or 'not supported by the data in scope'."""
        if not self.missing:
            return "supported"
        if self.supporting:
            return "partly supported"
        return "not supported by the data in scope"


def recommendations_with_evidence(findings: Iterable[Finding]) -> list[EvidencedRecommendation]:
    """Each recommendation with its supporting findings, flagged where evidence is missing.

    A finding is missing when it is absent from ``findings`` or not supported (no data in
    scope, or suppressed by disclosure control). Figure and table labels are cited only when
    a supporting finding shows them; chapter labels (``sec-...``) always.
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
        evidenced.append(EvidencedRecommendation(rec, supporting, missing, labels))
    return evidenced


def cited_labels(rec: Recommendation) -> set[str]:
    """Every label the recommendation may cite (its own and those of its findings)."""
    from analysis.report.headlines import EVIDENCE

    return set(rec.evidence) | {label for key in rec.findings for label in EVIDENCE[key]}


# --------------------------------------------------------------------------- presentation


def _refs(labels: Iterable[str]) -> str:
    return "; ".join(f"@{label}" for label in labels)


def describe_recommendation(item: EvidencedRecommendation, ctx) -> str:
    """Markdown for one recommendation: its text, its evidence, and any missing evidence."""
    rec = item.recommendation
    scope = selection_words(ctx)
    parts = [rec.text]
    if item.supporting:
        parts.append(
            "**What supports it in this selection** "
            f"({_refs(item.labels)}):\n\n" + bullet_list(f.text for f in item.supporting)
        )
    if item.missing:
        names = "; ".join(FINDING_NAMES[key] for key in item.missing)
        if item.supporting:
            finding = "findings on" if len(item.missing) > 1 else "finding on"
            parts.append(
                f"**Evidence missing in this selection.** The {finding} {names} cannot be "
                f"shown in {scope} (no data in scope, or numbers too small to publish); "
                "this part of the recommendation rests on the national evaluation only."
            )
        else:
            parts.append(
                f"**Not supported by the data in this selection.** None of the findings it rests "
                f"on ({names}) can be shown in {scope}: there are no data in scope, or the "
                "numbers are too small to publish. The recommendation is kept because the "
                "national evaluation supports it, not because these data do."
            )
    return "\n\n".join(parts)


def recommendation_heading(rec: Recommendation) -> str:
    """'## 1. Treat embedding culture change ...' (unnumbered: the number is in the title)."""
    return f"## {rec.number}. {rec.title} {{.unnumbered}}"


def recommendations_markdown(items: Iterable[EvidencedRecommendation], ctx) -> str:
    """All recommendations as one Markdown block, headings included."""
    return "\n\n".join(
        f"{recommendation_heading(item.recommendation)}\n\n{describe_recommendation(item, ctx)}"
        for item in items
    )


def evidence_table(items: Iterable[EvidencedRecommendation]) -> pd.DataFrame:
    """One row per recommendation: its title, status in scope, and the findings it rests on."""
    return pd.DataFrame(
        [
            {
                "Recommendation": f"{item.recommendation.number}. {item.recommendation.title}",
                "Evidence in this selection": item.status.capitalize(),
                "Rests on findings about": "; ".join(
                    FINDING_NAMES[key] for key in item.recommendation.findings
                ),
            }
            for item in items
        ]
    )


def describe_support(items: Iterable[EvidencedRecommendation], ctx) -> str:
    """Opening paragraph: how many recommendations the data in scope support fully."""
    items = list(items)
    full = sum(item.supported for item in items)
    scope = selection_words(ctx)
    text = (
        f"The evaluation makes {count_words(len(items))} recommendations, written here in this "
        "report's own words. Under each, the findings that "
        "support it are recomputed from the data in scope and linked to the chapters, figures "
        "and tables that show them."
    )
    if full == len(items):
        return text + f" In {scope}, every one of them is supported."
    how_many = (
        f"none of the {count_words(len(items))} is"
        if full == 0
        else f"{count_words(full)} of the {count_words(len(items))} are"
    )
    flagged = [str(item.recommendation.number) for item in items if not item.supported]
    which = (
        f"recommendations {join_words(flagged)} rest"
        if len(flagged) > 1
        else f"recommendation {flagged[0]} rests"
    )
    return text + (
        f" In {scope}, {how_many} fully supported; {which} partly or wholly on evidence "
        "that is missing or too small to publish here, and each says so."
    )
