from analysis.data.chapter_context import ChapterContext
from analysis.report.reproduction import describe_reproduction, display_table, reproduction_table


def test_reproduction_flags_the_inconsistent_rows_and_counts_matches(bundled_data_dir):
    ctx = ChapterContext.load(data_dir=bundled_data_dir)
    figures = reproduction_table(ctx)
    text = describe_reproduction(ctx, figures)
    matches = int((figures["status"] == "matches").sum())
    assert f"{matches} are reproduced exactly" in text
    assert "t1_sch_attend_y2" in text
    shown = display_table(figures).set_index("Figure")
    assert shown.loc["t1_admin_formulation", "Recomputed"] == "85% (503/589)"
    assert shown.loc["t5_benefit_midpoint_gbp", "Recomputed"] == "2,514.60"


def test_site_reports_do_not_compare_national_figures(bundled_data_dir):
    ctx = ChapterContext.load(data_dir=bundled_data_dir, site="S01")
    assert reproduction_table(ctx) is None
    assert "national report only" in describe_reproduction(ctx, None)
