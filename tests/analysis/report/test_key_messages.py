"""Every point of the evaluation's summary is a key message whose evidence a chapter shows."""

from __future__ import annotations

import re

import pytest

from analysis.data.chapter_context import ChapterContext
from analysis.report import assessment, headlines, key_messages
from tests.analysis.shared import notebook_labels

# The evaluation's headline findings, point by point, with the key message that restates
# each and the headline finding that shows its evidence in a chapter.
SEED_SUMMARY_POINTS: dict[str, tuple[str, str]] = {
    "culture and practice became more trauma-informed": (
        "culture_changed",
        "siloed_to_multiagency",
    ),
    "changes widely adopted but not yet embedded everywhere": (
        "harder_in_yoi_stc",
        "formulation_attendance",
    ),
    "implementation harder in YOIs and the STC than in SCHs": (
        "harder_in_yoi_stc",
        "formulation_attendance",
    ),
    "YOIs and the STC less familiar with this way of working": (
        "harder_in_yoi_stc",
        "formulation_attendance",
    ),
    "more staff to bring along, unit by unit, more organisations and leaders": (
        "harder_in_yoi_stc",
        "organisational_complexity",
    ),
    "training, supervision, reflective practice and multi-agency working enabled change": (
        "staff_valued",
        "support_access",
    ),
    "staff felt more valued and empowered, which increased wellbeing": (
        "staff_valued",
        "valued_empowered",
    ),
    "formulations widely implemented, not yet universal": (
        "formulations_widespread",
        "formulation_coverage",
    ),
    "co-produced formulations let children's voice be heard": (
        "formulations_widespread",
        "voice_in_formulation",
    ),
    "staff understood behaviour in the light of the child's story": (
        "knowing_the_story",
        "understanding_behaviour",
    ),
    "mutual trust and respect improved relationships": (
        "knowing_the_story",
        "trusting_relationships",
    ),
    "children managed emotions better: self-regulation, de-escalation": (
        "knowing_the_story",
        "self_regulation",
    ),
    "pervasive pessimism about life chances, with hope": ("pessimism_and_hope", "life_chances"),
    "staff available and senior leadership support decided success": (
        "staff_and_leaders",
        "release_barriers",
    ),
    "consistency of leadership across agencies": ("staff_and_leaders", "leadership_consistency"),
    "culture change needs continued resourcing to avoid reverting": (
        "keep_resourcing",
        "practice_under_pressure",
    ),
}
# Qualitative findings the evaluation reports topic by topic, with the finding that shows them.
SEED_QUALITATIVE_THEMES: dict[str, str] = {
    "children's self-regulation and staff de-escalating situations": "self_regulation",
    "staff feeling valued and empowered": "valued_empowered",
    "environmental safety": "environmental_safety",
    "the SCH's seven-year journey and staff retention": "retention_after_embedding",
    "remote working during COVID-19": "remote_working",
    "support from the central implementation team": "central_support",
    "leadership consistency": "leadership_consistency",
    "senior leadership support": "leadership_support",
    "staff turnover as a barrier to relationships": "turnover",
    "children's voice in formulation": "voice_in_formulation",
    "making sense of the child's story as a source of hope": "making_sense_of_story",
    "goals, education and employment": "goals_education",
}


@pytest.fixture(scope="module")
def national_findings() -> list[headlines.Finding]:
    return headlines.headline_findings(ChapterContext.load())


def test_every_seed_summary_point_is_a_key_message_resting_on_its_finding():
    messages = {m.key: m for m in key_messages.KEY_MESSAGES}
    for point, (message, finding) in SEED_SUMMARY_POINTS.items():
        assert finding in messages[message].findings, point
    assert {message for message, _ in SEED_SUMMARY_POINTS.values()} == set(messages)


def test_every_key_message_and_seed_finding_names_evidence_a_chapter_defines():
    defined = notebook_labels()
    for message in key_messages.KEY_MESSAGES:
        assert set(message.sections) <= defined, message.key
        for key in message.findings:
            assert set(headlines.EVIDENCE[key]) <= defined, (message.key, key)
    for theme, key in SEED_QUALITATIVE_THEMES.items():
        assert any(label.startswith(("fig-", "tbl-")) for label in headlines.EVIDENCE[key]), theme


def test_each_message_has_a_status_from_its_findings(national_findings):
    by_key = headlines.findings_by_key(national_findings)
    for item in key_messages.assess_messages(national_findings):
        verdicts = [by_key[k].assessment for k in item.message.findings]
        assert item.status == assessment.combine(verdicts)


def test_the_markdown_cites_only_labels_available_and_says_each_status(national_findings):
    items = key_messages.assess_messages(national_findings)
    text = key_messages.key_messages_markdown(items)
    assert text.count("\n- ") + 1 == len(key_messages.KEY_MESSAGES)
    for item in items:
        assert f"Evidence here: {item.status.lower()}" in text
    cited = set(re.findall(r"@((?:fig|tbl|sec)-[\w-]+)", text))
    assert cited <= {label for item in items for label in item.labels}


def test_a_site_without_interviews_cites_no_interview_exhibits():
    findings = headlines.headline_findings(ChapterContext.load(site="S03"))
    items = {i.message.key: i for i in key_messages.assess_messages(findings)}
    knowing = items["knowing_the_story"]
    assert knowing.status == assessment.STATUS_NOT_ASSESSABLE
    assert not [label for label in knowing.labels if label.startswith(("fig-", "tbl-"))]
