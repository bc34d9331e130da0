import re

from analysis.data.chapter_context import ChapterContext
from analysis.report.reproduction import describe_reproduction, display_table, reproduction_table


def test_reproduction_flags_the_inconsistent_rows_and_counts_matches(bundled_data_dir):
    ctx = ChapterContext.load(data_dir=bundled_data_dir)
    figures = reproduction_table(ctx)
    text = describe_reproduction(ctx, figures)
    matches = int((figures["status"] == "matches").sum())
    assert f"{matches} are reproduced exactly" in text
    assert "SCH staff: at least sometimes attend formulation meetings, year 2" in text
    shown = display_table(figures).set_index("Published figure")
    assert shown.loc["Children and young people: had a formulation", "Recomputed"] == (
        "85% (503/589)"
    )
    benefits = "Operational staff member: monetised value of benefits (mid-point estimate)"
    assert shown.loc[benefits, "Recomputed"] == "2,514.60"


def test_each_note_on_an_inconsistent_figure_is_its_own_sentence(bundled_data_dir):
    ctx = ChapterContext.load(data_dir=bundled_data_dir)
    figures = reproduction_table(ctx)
    text = describe_reproduction(ctx, figures)
    flagged = (figures["status"] == "inconsistent in source").sum()
    notes = re.findall(r"(?<=\. )The published figure \*[^*]+\* is inconsistent", text)
    assert len(notes) == flagged >= 2
    assert text.endswith(".")
    assert all(e.endswith(".") for e in figures["explanation"])


def test_the_84_percent_note_states_what_is_known_without_guessing_how_it_was_printed(
    bundled_data_dir,
):
    figures = reproduction_table(ChapterContext.load(data_dir=bundled_data_dir))
    text = describe_reproduction(ChapterContext.load(data_dir=bundled_data_dir), figures)
    assert "132/156 give 84.6%" in text
    assert "truncat" not in text


def test_rows_are_named_as_a_reader_knows_them_and_numbers_carry_separators(bundled_data_dir):
    figures = reproduction_table(ChapterContext.load(data_dir=bundled_data_dir))
    shown = display_table(figures)
    labels = shown.iloc[:, 0]
    assert not labels.isin(figures["id"]).any()
    assert not labels.str.contains("_").any()
    cells = " ".join(shown[["As published", "Recomputed"]].to_numpy().ravel())
    assert re.findall(r"(?<![\d,.])\d{4,}", cells) == []
    assert "1,270" in shown["As published"].tolist()


def test_site_reports_do_not_compare_national_figures(bundled_data_dir):
    ctx = ChapterContext.load(data_dir=bundled_data_dir, site="S01")
    assert reproduction_table(ctx) is None
    assert "national report only" in describe_reproduction(ctx, None)
