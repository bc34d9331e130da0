"""The evaluation's key messages, each tied to the findings and chapter evidence behind it.

The summary chapter opens with these messages (the evaluation's headline findings, in this
report's own words). Each rests on headline findings (``analysis.report.headlines``), whose
verdicts give the message a status by the same rule as the recommendations, and each names
the chapter sections, figures and tables where its evidence is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from analysis.display.presentation import bullet_list
from analysis.report import assessment
from analysis.report.headlines import EVIDENCE, Finding, findings_by_key


@dataclass(frozen=True)
class KeyMessage:
    """One key message: its sentence, the findings it rests on, and where it is shown."""

    key: str
    text: str
    findings: tuple[str, ...]
    sections: tuple[str, ...]  # chapter sections (sec-...) that discuss it


KEY_MESSAGES: tuple[KeyMessage, ...] = (
    KeyMessage(
        "culture_changed",
        "Care in the secure estate moved towards being trauma-informed, developmentally "
        "attuned and psychologically based.",
        ("formulation_coverage", "siloed_to_multiagency", "understanding_behaviour"),
        ("sec-topic-1", "sec-topic-2-interviews"),
    ),
    KeyMessage(
        "harder_in_yoi_stc",
        "The change was widely taken up but is not embedded everywhere. It came harder in "
        "young offender institutions and the secure training centre than in secure "
        "children's homes: they started further from this way of working, had more staff "
        "to bring along, rolled it out unit by unit, and involve more organisations and "
        "leaders.",
        ("formulation_attendance", "organisational_complexity", "practice_under_pressure"),
        ("sec-topic-1", "sec-topic-1-interviews"),
    ),
    KeyMessage(
        "staff_valued",
        "Training, supervision, reflective practice and multi-agency work made staff feel "
        "valued and empowered, and staff who felt valued reported better wellbeing.",
        ("support_access", "valued_empowered", "wellbeing"),
        ("sec-topic-3", "sec-topic-3-interviews"),
    ),
    KeyMessage(
        "formulations_widespread",
        "Multi-agency, co-produced formulations were widely put in place, though not yet for "
        "every child. Children said that taking part gave them a voice.",
        ("formulation_coverage", "children_involved", "voice_in_formulation"),
        ("sec-topic-1", "sec-topic-1-interviews"),
    ),
    KeyMessage(
        "knowing_the_story",
        "Knowing each child's story helped staff understand behaviour, build trust, and "
        "help children manage their emotions, so that situations de-escalated and children "
        "regulated themselves better.",
        ("understanding_behaviour", "trusting_relationships", "self_regulation"),
        ("sec-topic-1-interviews", "sec-topic-2-interviews"),
    ),
    KeyMessage(
        "pessimism_and_hope",
        "Pessimism about children's futures was widespread. There was also hope, built on "
        "helping children make sense of their story and on planned moves back to the "
        "community.",
        ("life_chances", "making_sense_of_story", "transitions"),
        ("sec-topic-4", "sec-topic-4-interviews"),
    ),
    KeyMessage(
        "staff_and_leaders",
        "How many staff could be released, and how firmly and consistently senior leaders "
        "backed the work, decided how far each setting got. Support from the central team and "
        "other settings helped.",
        ("release_barriers", "leadership_support", "leadership_consistency", "central_support"),
        ("sec-topic-1-interviews", "sec-topic-3-interviews"),
    ),
    KeyMessage(
        "keep_resourcing",
        "The change needs continued resources: under pressure, or when a leader changes, "
        "settings slide back towards older ways of working.",
        ("practice_under_pressure", "leadership_consistency", "turnover"),
        ("sec-topic-1-interviews", "sec-topic-2-interviews"),
    ),
)


@dataclass(frozen=True)
class AssessedMessage:
    """A key message in scope: its status and the labels it may cite."""

    message: KeyMessage
    status: str
    labels: tuple[str, ...]


def assess_messages(findings: Iterable[Finding]) -> list[AssessedMessage]:
    """Each key message with a status from its findings' verdicts and its evidence labels.

    Figure and table labels are cited only when a finding that shows them is supported.
    """
    available = findings_by_key(findings)
    assessed = []
    for message in KEY_MESSAGES:
        chosen = [available[k] for k in message.findings if k in available]
        verdicts = [f.assessment for f in chosen if f.assessment is not None]
        labels = list(message.sections)
        for finding in chosen:
            if finding.supported:
                labels += [
                    label for label in EVIDENCE[finding.key] if label.startswith(("fig-", "tbl-"))
                ]
        assessed.append(
            AssessedMessage(message, assessment.combine(verdicts), tuple(dict.fromkeys(labels)))
        )
    return assessed


def key_messages_markdown(items: Iterable[AssessedMessage]) -> str:
    """The key messages as a bullet list, each with its evidence status and references."""
    return bullet_list(
        f"{item.message.text} *Evidence here: {item.status.lower()}* "
        f"({'; '.join('@' + label for label in item.labels)})."
        for item in items
    )
