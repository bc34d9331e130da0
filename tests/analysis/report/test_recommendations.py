"""The nine recommendations: their evidence exists, and missing evidence is flagged."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import config
from analysis.data.chapter_context import ChapterContext
from analysis.report import assessment, headlines, recommendations
from tests.analysis.shared import notebook_labels

REFERENCE = re.compile(r"@((?:fig|tbl|sec)-[\w-]+)")


@pytest.fixture(scope="module")
def national_findings() -> list[headlines.Finding]:
    return headlines.headline_findings(ChapterContext.load())


def test_there_are_nine_recommendations_numbered_one_to_nine():
    assert [r.number for r in recommendations.RECOMMENDATIONS] == list(range(1, 10))
    assert all(r.title and r.text and r.findings for r in recommendations.RECOMMENDATIONS)


def test_every_recommendation_rests_on_known_findings():
    for rec in recommendations.RECOMMENDATIONS:
        assert set(rec.findings) <= set(headlines.EVIDENCE), rec.number


def test_every_label_a_recommendation_cites_exists_in_a_chapter_notebook():
    defined = notebook_labels()
    for rec in recommendations.RECOMMENDATIONS:
        assert recommendations.cited_labels(rec) - defined == set(), rec.number


def test_figure_and_table_labels_belong_to_the_findings_a_recommendation_rests_on():
    # so that a figure is cited only when a finding that shows it is available in scope
    for rec in recommendations.RECOMMENDATIONS:
        shown = {label for key in rec.findings for label in headlines.EVIDENCE[key]}
        own = {label for label in rec.evidence if not label.startswith("sec-")}
        assert own <= shown, rec.number


def test_recommendations_are_in_the_projects_own_words():
    seed_openings = (
        "To fully realise the opportunities offered",
        "needs senior leadership buy in to establish and model culture change",
        "Formulations should move with children and young people",
        "Strategies for improving the continuity of staff",
    )
    text = " ".join(r.title + " " + r.text for r in recommendations.RECOMMENDATIONS)
    assert not any(opening.lower() in text.lower() for opening in seed_openings)


def test_each_status_follows_from_the_verdicts_on_its_findings(national_findings):
    evidenced = recommendations.recommendations_with_evidence(national_findings)
    by_key = headlines.findings_by_key(national_findings)
    for item in evidenced:
        verdicts = [by_key[key].assessment for key in item.recommendation.findings]
        assert item.assessments == tuple(verdicts)
        assert item.status == assessment.combine(verdicts)
    statuses = {item.recommendation.number: item.status for item in evidenced}
    # Every finding behind recommendation 2 clears its line nationally; one behind 3 does not.
    assert statuses[2] == assessment.STATUS_CONSISTENT
    assert statuses[3] == assessment.STATUS_MIXED
    assert all(any(label.startswith(("fig-", "tbl-")) for label in i.labels) for i in evidenced)


def flipped(ctx: ChapterContext, table: str, frame: pd.DataFrame) -> ChapterContext:
    """The same selection with one table replaced (the context caches its tables)."""
    ctx.__dict__[table] = frame
    return ctx


def _statuses(ctx: ChapterContext) -> dict[int, str]:
    evidenced = recommendations.recommendations_with_evidence(headlines.headline_findings(ctx))
    return {item.recommendation.number: item.status for item in evidenced}


def test_turning_the_leadership_evidence_around_turns_recommendation_two_against():
    ctx = ChapterContext.load()
    interviews = ctx.interviews.copy()
    staff = interviews["participant_group"] == "staff"
    interviews.loc[staff, ["theme_leadership_support", "theme_consistent_leaders"]] = False
    # organisational complexity described by SCH staff, not by YOI/STC staff
    interviews.loc[staff, "theme_org_complexity"] = interviews.loc[staff, "setting_type"].eq("SCH")
    assert _statuses(ChapterContext.load())[2] == assessment.STATUS_CONSISTENT
    assert _statuses(flipped(ctx, "interviews", interviews))[2] == assessment.STATUS_AGAINST


def test_reversing_the_years_of_involvement_makes_recommendation_four_mixed():
    ctx = ChapterContext.load()
    staff = ctx.staff_survey.copy()
    staff["year"] = staff["year"].map({1: 3, 2: 2, 3: 1})
    by_number = {
        item.recommendation.number: item
        for item in recommendations.recommendations_with_evidence(
            headlines.headline_findings(flipped(ctx, "staff_survey", staff))
        )
    }
    involvement = by_number[4].assessments[0]
    assert involvement.verdict == assessment.AGAINST and "-14 points" in involvement.basis
    assert by_number[4].status == assessment.STATUS_MIXED


def test_an_absent_finding_cannot_be_assessed_and_its_exhibits_are_not_cited(national_findings):
    without = [f for f in national_findings if f.key != "transitions"]
    item = recommendations.recommendations_with_evidence(without)[4]  # number 5
    assert item.missing == ("transitions",)
    assert item.assessments[0].verdict == assessment.NO_DATA
    assert item.status == assessment.STATUS_CONSISTENT  # from formulation coverage alone
    assert "tbl-transitions-and-education" not in item.labels


def test_site_without_interviews_cannot_assess_recommendations_on_interview_evidence():
    ctx = ChapterContext.load(site="S03")
    evidenced = recommendations.recommendations_with_evidence(headlines.headline_findings(ctx))
    continuity = evidenced[7]
    assert continuity.recommendation.number == 8
    assert continuity.status == assessment.STATUS_NOT_ASSESSABLE
    assert {a.verdict for a in continuity.assessments} == {assessment.NO_DATA}
    text = recommendations.recommendations_markdown(evidenced, ctx)
    assert "cannot be assessed in this selection" in text
    assert "the data for site S03" in recommendations.describe_support(evidenced, ctx)


def test_disclosure_control_has_a_status_of_its_own():
    # a site report with so few surveys that disclosure control suppresses every share
    site = ChapterContext.load(site="S03")
    site = flipped(site, "staff_survey", site.staff_survey.head(5))
    site = flipped(site, "cyp_survey", site.cyp_survey.head(3))
    by_number = {
        item.recommendation.number: item
        for item in recommendations.recommendations_with_evidence(headlines.headline_findings(site))
    }
    item = by_number[4]  # involvement (staff survey), voice (interviews), listened to (children)
    assert [a.verdict for a in item.assessments] == [
        assessment.WITHHELD,
        assessment.NO_DATA,
        assessment.WITHHELD,
    ]
    assert item.status == assessment.STATUS_WITHHELD


def test_year_three_alone_cannot_assess_change_but_assesses_the_rest():
    ctx = ChapterContext.load(years=[3])
    evidenced = recommendations.recommendations_with_evidence(headlines.headline_findings(ctx))
    by_number = {item.recommendation.number: item for item in evidenced}
    involvement = by_number[4]
    assert involvement.assessments[0].verdict == assessment.NO_DATA
    assert involvement.assessed == 2
    assert "two of its three findings could be assessed" in (
        recommendations.describe_recommendation(involvement, ctx)
    )


@pytest.mark.parametrize("site", ["", "S03", "S07"])
def test_markdown_cross_references_only_labels_available_in_scope(site):
    ctx = ChapterContext.load(site=site)
    for item in recommendations.recommendations_with_evidence(headlines.headline_findings(ctx)):
        cited = set(REFERENCE.findall(recommendations.describe_recommendation(item, ctx)))
        assert cited <= set(item.labels), item.recommendation.number


def test_evidence_table_has_a_row_per_recommendation(national_findings):
    evidenced = recommendations.recommendations_with_evidence(national_findings)
    table = recommendations.evidence_table(evidenced)
    assert len(table) == 9
    assert table["Evidence in this selection"].tolist() == [item.status for item in evidenced]
    assert table["Findings assessed"].iloc[0] == "4 of 4"


def test_recommendations_notebook_is_clean_and_defaults_match_config():
    import nbformat

    from analysis.pipeline.parameters import parameters_cell_defaults

    path = config.CHAPTERS_DIR / "recommendations.ipynb"
    notebook = nbformat.read(path, as_version=4)
    assert notebook.cells[0].source.startswith("# Recommendations {#sec-recommendations}")
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")
    assert parameters_cell_defaults(path)["wtp"] == config.DEFAULT_WTP
