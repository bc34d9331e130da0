import pytest

from analysis.data.chapter_context import (
    ChapterContext,
    check_setting_types,
    check_site,
    check_site_has_a_report,
    check_whole_reporting_groups,
    check_years,
)
from analysis.errors import DataError, ParameterError


def test_years_outside_one_to_three_are_refused():
    with pytest.raises(ParameterError, match="subset of 1, 2, 3"):
        check_years([1, 4])
    with pytest.raises(ParameterError, match="subset of 1, 2, 3"):
        check_years([])


def test_years_are_sorted_and_deduplicated():
    assert check_years(["3", 1, 3]) == (1, 3)


def test_unknown_setting_type_is_named():
    with pytest.raises(ParameterError, match="unknown: PRISON"):
        check_setting_types(["YOI", "prison"])


REGISTER = [("YOI", "YOI/STC"), ("YOI", "YOI/STC"), ("STC", "YOI/STC"), ("SCH", "SCH")]


@pytest.mark.parametrize("chosen", [["YOI"], ["STC"], ["YOI", "SCH"], ["STC", "SCH"]])
def test_a_selection_that_splits_the_yois_from_the_stc_is_refused(chosen):
    """Read beside the national report's YOI/STC figures, it would show the STC alone."""
    with pytest.raises(ParameterError, match="choose all of YOI/STC or none of it"):
        check_whole_reporting_groups(chosen, REGISTER)


@pytest.mark.parametrize("chosen", [["YOI", "STC", "SCH"], ["YOI", "STC"], ["SCH"]])
def test_a_selection_of_whole_reporting_groups_is_accepted(chosen):
    check_whole_reporting_groups(chosen, REGISTER)


def test_loading_a_context_checks_the_groups_against_the_register(bundled_data_dir):
    with pytest.raises(ParameterError, match="cannot take YOI without STC"):
        ChapterContext.load(data_dir=bundled_data_dir, setting_types=["YOI"])
    assert ChapterContext.load(data_dir=bundled_data_dir, setting_types=["SCH"]).is_national


def test_the_stc_has_no_report_of_its_own(bundled_data_dir):
    register = [("S01", "YOI"), ("S09", "STC"), ("S10", "SCH")]
    with pytest.raises(ParameterError, match=r"valid sites: S01, S10$"):
        check_site_has_a_report("S09", register)
    check_site_has_a_report("S01", register)
    check_site_has_a_report(None, register)
    with pytest.raises(ParameterError, match="secure training centre"):
        ChapterContext.load(data_dir=bundled_data_dir, site="S09")


def test_unknown_site_lists_the_valid_ones():
    with pytest.raises(ParameterError, match="valid sites: S01, S02"):
        check_site("S99", ["S01", "S02"])


def test_empty_site_means_the_national_report():
    assert check_site("", ["S01"]) is None
    assert check_site(" s01 ", ["S01"]) == "S01"


def test_context_filters_every_table_to_site_and_years(bundled_data_dir):
    ctx = ChapterContext.load(data_dir=bundled_data_dir, site="S07", years=[1, 3])
    assert not ctx.is_national
    assert ctx.scope_label == "site S07"
    for table in (ctx.admin, ctx.staff_survey, ctx.cyp_survey, ctx.interviews):
        assert set(table["site_id"]) <= {"S07"}
        assert set(table["year"]) <= {1, 3}
    assert set(ctx.interview_excerpts["interview_id"]) <= set(ctx.interviews["interview_id"])


def test_national_context_keeps_every_case(bundled_data_dir):
    ctx = ChapterContext.load(data_dir=bundled_data_dir)
    assert ctx.is_national
    assert len(ctx.admin) == 1270
    assert len(ctx.staff_survey) == 897


def test_missing_data_folder_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        ChapterContext.load(data_dir=tmp_path / "missing")


def test_a_shared_result_records_the_files_of_its_selection_in_every_chapter(
    bundled_data_dir, tmp_path, monkeypatch
):
    from analysis.data.readlog import READS_LOG_ENV
    from analysis.data.result_memo import RESULT_MEMO_ENV

    monkeypatch.setenv(RESULT_MEMO_ENV, str(tmp_path / "shared"))
    calls, reads = [], []
    for chapter in ("computes", "reads"):
        log = tmp_path / f"{chapter}.reads"
        monkeypatch.setenv(READS_LOG_ENV, str(log))
        ctx = ChapterContext.load(data_dir=bundled_data_dir, site="S07")
        assert len(ctx.staff_survey)  # loaded before: its read is logged now, not below
        log.unlink()

        def surveys(c, scale, name=chapter):
            calls.append(name)
            return scale * (len(c.staff_survey) + len(c.cyp_survey))

        assert ctx.remembered("surveys", surveys, 2) > 0
        reads.append({line.rsplit("/", 1)[-1] for line in log.read_text().split()})
    assert calls == ["computes"]
    assert reads[0] == reads[1]
    assert {"staff_survey.csv", "cyp_survey.csv"} <= reads[1]
