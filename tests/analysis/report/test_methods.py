from analysis.data.chapter_context import ChapterContext
from analysis.report.methods import case_study_sites, data_sources, describe_data_sources


def test_data_sources_reproduce_the_published_design(bundled_data_dir):
    ctx = ChapterContext.load(data_dir=bundled_data_dir)
    table = data_sources(ctx).set_index("Source")
    assert table.loc["Staff surveys returned"].tolist() == [383, 281, 233, 897]
    assert table.loc["Sites returning staff surveys", ["Year 1", "Year 2", "Year 3"]].tolist() == [
        17,
        16,
        16,
    ]
    assert table.loc["Administrative cases", "Total"] == 1270
    assert table.loc["Staff interviews"].tolist() == [53, 41, 38, 132]
    assert table.loc["Children's interviews"].tolist() == [13, 13, 4, 30]
    assert case_study_sites(ctx).to_dict() == {"SCH": 2, "YOI": 2, "STC": 1}


def test_methods_text_takes_its_counts_from_the_data(bundled_data_dir):
    text = describe_data_sources(ChapterContext.load(data_dir=bundled_data_dir))
    assert "897 staff surveys" in text
    assert "1,270 cases from 18 sites" in text
    ctx = ChapterContext.load(data_dir=bundled_data_dir, years=[3])
    assert "233 staff surveys" in describe_data_sources(ctx)


def test_site_counts_are_protected(bundled_data_dir):
    from analysis.report.methods import protected_data_sources

    ctx = ChapterContext.load(data_dir=bundled_data_dir, site="S07")
    table = protected_data_sources(ctx).set_index("Source")
    for value in table.loc["Children's interviews"]:
        assert value == "*" or value == 0 or value % 5 == 0


def test_methods_place_the_pandemic_in_year_two_with_its_admissions(bundled_data_dir):
    from analysis.report.methods import describe_pandemic

    text = describe_pandemic(ChapterContext.load(data_dir=bundled_data_dir))
    assert "reached England in March 2020, in year two of the evaluation" in text
    assert "evaluation years run from August to July" in text
    assert "part of year two (March to July 2020, 212 admissions)" in text
    assert "third year" not in text


def test_no_chapter_types_when_the_pandemic_came():
    """The pandemic's timing is computed (methods.describe_pandemic), never typed in prose."""
    import re

    import nbformat

    from analysis import config

    typed = []
    for path in sorted(config.CHAPTERS_DIR.glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown" and re.search(r"COVID|pandemic", cell.source, re.I):
                typed.append(f"{path.name}: {cell.source[:80]}")
    assert typed == []


def test_the_rounding_rule_is_stated_in_the_methods():
    import nbformat

    from analysis import config
    from analysis.report.methods import describe_rounding

    assert "rounded half up" in describe_rounding()
    methods = nbformat.read(config.CHAPTERS_DIR / "methods.ipynb", as_version=4)
    assert any("describe_rounding()" in cell.source for cell in methods.cells)
