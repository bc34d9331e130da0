"""The nine recommendations: their evidence exists, and missing evidence is flagged."""

from __future__ import annotations

import dataclasses
import re

import pytest

from analysis import config
from analysis.data.chapter_context import ChapterContext
from analysis.report import headlines, recommendations
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


def test_all_recommendations_are_supported_by_the_national_data(national_findings):
    evidenced = recommendations.recommendations_with_evidence(national_findings)
    assert [item.status for item in evidenced] == ["supported"] * 9
    assert all(any(label.startswith(("fig-", "tbl-")) for label in i.labels) for i in evidenced)


def test_a_recommendation_whose_finding_is_unsupported_is_flagged(national_findings):
    weakened = [
        dataclasses.replace(f, supported=False) if f.key == "turnover" else f
        for f in national_findings
    ]
    item = recommendations.recommendations_with_evidence(weakened)[7]  # number 8
    assert item.recommendation.number == 8
    assert item.missing == ("turnover",) and item.status == "not supported by the data in scope"
    assert item.labels == ("sec-topic-2",)
    ctx = ChapterContext.load()
    text = recommendations.describe_recommendation(item, ctx)
    assert "Not supported by the data in this selection" in text
    assert "staff turnover" in text


def test_a_missing_finding_counts_as_missing_evidence(national_findings):
    without = [f for f in national_findings if f.key != "transitions"]
    item = recommendations.recommendations_with_evidence(without)[4]  # number 5
    assert item.status == "partly supported" and item.missing == ("transitions",)
    assert "tbl-transitions-and-education" not in item.labels


def test_site_without_interviews_flags_recommendations_on_interview_evidence():
    ctx = ChapterContext.load(site="S03")
    evidenced = recommendations.recommendations_with_evidence(headlines.headline_findings(ctx))
    turnover = evidenced[7]
    assert turnover.status == "not supported by the data in scope"
    text = recommendations.recommendations_markdown(evidenced, ctx)
    assert "Not supported by the data in this selection" in text
    assert "the data for site S03" in recommendations.describe_support(evidenced, ctx)


def test_year_three_only_flags_recommendations_that_rest_on_change_over_time():
    ctx = ChapterContext.load(years=[3])
    evidenced = recommendations.recommendations_with_evidence(headlines.headline_findings(ctx))
    by_number = {item.recommendation.number: item for item in evidenced}
    assert by_number[6].missing == ("siloed_to_multiagency",)
    assert by_number[6].status == "partly supported"
    assert "Evidence missing in this selection" in recommendations.describe_recommendation(
        by_number[6], ctx
    )
    assert by_number[8].supported


@pytest.mark.parametrize("site", ["", "S03", "S07"])
def test_markdown_cross_references_only_labels_available_in_scope(site):
    ctx = ChapterContext.load(site=site)
    for item in recommendations.recommendations_with_evidence(headlines.headline_findings(ctx)):
        cited = set(REFERENCE.findall(recommendations.describe_recommendation(item, ctx)))
        assert cited <= set(item.labels), item.recommendation.number


def test_evidence_table_has_a_row_per_recommendation(national_findings):
    table = recommendations.evidence_table(
        recommendations.recommendations_with_evidence(national_findings)
    )
    assert len(table) == 9
    assert set(table["Evidence in this selection"]) == {"Supported"}


def test_recommendations_notebook_is_clean_and_defaults_match_config():
    import nbformat

    from analysis.pipeline.parameters import parameters_cell_defaults

    path = config.CHAPTERS_DIR / "recommendations.ipynb"
    notebook = nbformat.read(path, as_version=4)
    assert notebook.cells[0].source.startswith("# Recommendations {#sec-recommendations}")
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")
    assert parameters_cell_defaults(path)["wtp"] == config.DEFAULT_WTP
