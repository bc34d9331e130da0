"""Headline findings: numbers equal the topic results, follow the data, and respect disclosure."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis import config
from analysis.data.chapter_context import ChapterContext
from analysis.display.presentation import format_count, format_gbp, format_percent
from analysis.report import headlines
from analysis.topics.economics import format_qaly
from tests.analysis.shared import notebook_labels

CHAPTERS = config.CHAPTERS_DIR


@pytest.fixture(scope="module")
def national() -> ChapterContext:
    return ChapterContext.load()


@pytest.fixture(scope="module")
def national_findings(national) -> dict[str, headlines.Finding]:
    return headlines.findings_by_key(headlines.headline_findings(national))


def share_of(finding, *path):
    values = finding.values
    for step in path:
        values = values[step]
    return values["numerator"], values["denominator"]


# --------------------------------------------------------------------------- published figures


def test_formulation_coverage_reproduces_published_503_of_589(national_findings):
    finding = national_findings["formulation_coverage"]
    assert share_of(finding) == (503, 589)
    assert finding.text.startswith("85% (503 of 589) of children")


def test_attendance_reproduces_published_yoi_stc_and_sch_figures(national_findings):
    finding = national_findings["formulation_attendance"]
    assert share_of(finding, "YOI/STC", 1) == (20, 67)
    assert share_of(finding, "YOI/STC", 3) == (24, 43)
    assert share_of(finding, "SCH", 1) == (161, 228)
    assert share_of(finding, "SCH", 2) == (164, 210)  # documented resolution of "164/128"
    assert "30% (20 of 67) in year one" in finding.text


def test_children_involvement_reproduces_published_173_of_225_and_135_of_149(national_findings):
    finding = national_findings["children_involved"]
    assert share_of(finding, 1) == (173, 225)
    assert share_of(finding, 3) == (135, 149)


def test_children_listened_to_reproduces_published_132_of_156(national_findings):
    assert share_of(national_findings["children_listened_to"]) == (132, 156)


def test_enthusiasm_reproduces_published_figures_for_each_year(national_findings):
    finding = national_findings["enthusiasm"]
    assert [share_of(finding, year) for year in (1, 2, 3)] == [(345, 383), (249, 281), (197, 222)]


def test_economic_findings_reproduce_published_cost_benefit_and_threshold(national_findings):
    value = national_findings["value_for_money"].values
    assert value["cost"] == pytest.approx(1200.0)
    assert value["benefits"] == pytest.approx(2514.60)
    threshold = national_findings["qaly_threshold"].values
    assert threshold["gross_threshold"] == pytest.approx(1200.0 / 30_000)
    assert "0.04 QALY" in national_findings["qaly_threshold"].text


# --------------------------------------------------------------------------- equal to the results


def test_findings_equal_independent_hand_calculations_on_the_data(national, national_findings):
    admin, staff, interviews = national.admin, national.staff_survey, national.interviews
    with_field = admin["formulation"].dropna()
    assert share_of(national_findings["formulation_coverage"]) == (
        int(with_field.sum()),
        len(with_field),
    )
    mean = admin["disciplines_present"].dropna().astype(float).mean()
    assert national_findings["disciplines"].values["mean"] == pytest.approx(mean)
    staff_interviews = interviews[interviews["participant_group"] == "staff"]
    leadership = staff_interviews["theme_leadership_support"]
    assert share_of(national_findings["leadership_support"]) == (
        int(leadership.sum()),
        len(leadership),
    )
    release = staff_interviews["theme_release_barriers"]
    assert share_of(national_findings["release_barriers"]) == (int(release.sum()), len(release))
    pessimism = interviews["theme_pessimism"]
    assert share_of(national_findings["life_chances"], "theme_pessimism") == (
        int(pessimism.sum()),
        len(pessimism),
    )
    year3 = staff[staff["year"] == 3]["training_access"].dropna()
    agree = year3.isin(["agree", "strongly agree"])
    assert share_of(national_findings["support_access"], "Training") == (
        int(agree.sum()),
        len(agree),
    )


def formatted_values(values) -> set[str]:
    """Every way the summary may print a number held in a finding's values."""
    shown: set[str] = set()
    for value in _leaves(values):
        if isinstance(value, str) or value is None:
            continue
        number = float(value)
        shown |= {format_count(number), f"{number:.1f}", f"{number:.0f}", format_qaly(number)}
        shown |= {format_gbp(number), format_gbp(number, 0)}
        if 0 <= number <= 1:
            shown.add(format_percent(number))
    return shown


def _leaves(values):
    if isinstance(values, dict):
        for key, value in values.items():
            if isinstance(key, int):
                yield key
            yield from _leaves(value)
    else:
        yield values


NUMBER = re.compile(r"(?<![A-Za-z0-9])£?\d[\d,]*(?:\.\d+)?%?")  # not the digits of S07


def test_every_number_in_the_summary_is_one_of_its_findings_values(national_findings):
    for finding in national_findings.values():
        allowed = formatted_values(finding.values)
        printed = [n.rstrip(",") for n in NUMBER.findall(finding.text)]
        unexplained = [n for n in printed if n not in allowed]
        assert not unexplained, f"{finding.key}: {unexplained} not in {sorted(allowed)}"


def test_every_number_in_a_site_summary_is_one_of_its_findings_values():
    for finding in headlines.headline_findings(ChapterContext.load(site="S07")):
        printed = [n.rstrip(",") for n in NUMBER.findall(finding.text)]
        assert all(n in formatted_values(finding.values) for n in printed), finding.key


# --------------------------------------------------------------------------- follows the data


def test_summary_changes_when_formulation_values_flip_in_one_raw_site_file(writable_data_dir):
    before = headlines.formulation_coverage(ChapterContext.load(data_dir=writable_data_dir))
    path = Path(writable_data_dir) / "admin" / "S02.csv"
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    flipped = raw.index[raw["Formulation completed"] == "Yes"][:20]
    raw.loc[flipped, "Formulation completed"] = "No"
    raw.to_csv(path, index=False)
    after = headlines.formulation_coverage(ChapterContext.load(data_dir=writable_data_dir))
    assert share_of(after) == (share_of(before)[0] - 20, share_of(before)[1])
    assert after.text != before.text
    assert f"({after.values['numerator']} of {after.values['denominator']})" in after.text


def test_summary_changes_when_staff_surveys_are_dropped(writable_data_dir):
    before = headlines.enthusiasm(ChapterContext.load(data_dir=writable_data_dir))
    path = Path(writable_data_dir) / "staff_survey.csv"
    surveys = pd.read_csv(path, dtype=str, keep_default_na=False)
    dropped = surveys[(surveys["year"] == "1") & (surveys["site_id"] == "S02")]
    answered = int((dropped["enthusiastic"] != "").sum())
    surveys.drop(index=dropped.index).to_csv(path, index=False)
    after = headlines.enthusiasm(ChapterContext.load(data_dir=writable_data_dir))
    assert share_of(after, 1)[1] == share_of(before, 1)[1] - answered
    assert answered > 0 and after.text != before.text


# --------------------------------------------------------------------------- site filters


def test_site_findings_too_small_to_publish_say_so_instead_of_crashing():
    findings = headlines.findings_by_key(
        headlines.headline_findings(ChapterContext.load(site="S03"))
    )
    attendance = findings["formulation_attendance"]
    assert not attendance.supported
    assert "not shown for site S03: numbers too small to publish" in attendance.text


def test_site_without_interviews_marks_interview_findings_unsupported():
    findings = headlines.findings_by_key(
        headlines.headline_findings(ChapterContext.load(site="S01"))
    )
    for key in ("siloed_to_multiagency", "leadership_support", "turnover", "life_chances"):
        assert not findings[key].supported
        assert "interviews are in scope (interviews took place at five" in findings[key].text


def test_site_summary_counts_are_rounded_by_disclosure_control():
    findings = headlines.headline_findings(ChapterContext.load(site="S07"))
    for finding in findings:
        if finding.topic == 5:
            continue
        for value in _leaves(finding.values):
            if isinstance(value, int) and value > 3:  # years are 1-3
                assert value % config.SDC_ROUND_BASE == 0, (finding.key, value)


def test_a_single_year_cannot_support_findings_about_change():
    findings = headlines.findings_by_key(
        headlines.headline_findings(ChapterContext.load(years=[3]))
    )
    for key in ("formulation_attendance", "children_involved", "siloed_to_multiagency"):
        assert not findings[key].supported
        assert "no change over time can be seen" in findings[key].text
    assert findings["enthusiasm"].supported


# --------------------------------------------------------------------------- presentation


def test_bullets_cite_figures_and_tables_only_for_supported_findings():
    findings = headlines.headline_findings(ChapterContext.load(site="S03"))
    for finding in findings:
        bullet = headlines.finding_bullet(finding)
        assert f"@sec-topic-{finding.topic}" in bullet
        if not finding.supported:
            assert "@fig-" not in bullet and "@tbl-" not in bullet


def test_topic_summary_is_a_short_bullet_list(national_findings):
    text = headlines.topic_summary(national_findings.values(), 1)
    lines = text.splitlines()
    assert all(line.startswith("- ") for line in lines)
    assert len(lines) == sum(f.topic == 1 for f in national_findings.values())


# --------------------------------------------------------------------------- labels and notebooks


def test_every_evidence_label_exists_in_a_chapter_notebook():
    defined = notebook_labels()
    cited = {label for labels in headlines.EVIDENCE.values() for label in labels}
    assert cited - defined == set()


def test_every_finding_has_evidence_and_a_name():
    keys = {f.key for f in headlines.headline_findings(ChapterContext.load())}
    assert keys == set(headlines.EVIDENCE) == set(headlines.FINDING_NAMES)


def test_summary_notebook_is_clean_and_defaults_match_config():
    import nbformat

    from analysis.pipeline.parameters import parameters_cell_defaults

    path = CHAPTERS / "summary.ipynb"
    notebook = nbformat.read(path, as_version=4)
    assert notebook.cells[0].source.startswith("# Summary of headline findings {#sec-summary}")
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")
    defaults = parameters_cell_defaults(path)
    assert defaults["wtp"] == config.DEFAULT_WTP
    assert defaults["alternative_wtp"] == config.ALTERNATIVE_WTP


def test_findings_shared_between_chapters_equal_those_computed(tmp_path, monkeypatch):
    from analysis.data.result_memo import RESULT_MEMO_ENV

    monkeypatch.delenv(RESULT_MEMO_ENV, raising=False)
    computed = headlines.headline_findings(ChapterContext.load(site="S03"), 25000.0)
    monkeypatch.setenv(RESULT_MEMO_ENV, str(tmp_path / "shared"))
    stored = headlines.headline_findings(ChapterContext.load(site="S03"), 25000.0)
    shared = headlines.headline_findings(ChapterContext.load(site="S03"), 25000.0)
    assert len(list((tmp_path / "shared").glob("headline-findings-*.pickle"))) == 1
    assert repr(shared) == repr(stored) == repr(computed)
