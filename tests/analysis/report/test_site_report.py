"""A site report shows only released values: shares from rounded counts, bands, notes."""

from __future__ import annotations

import json

import nbformat

from analysis.config import PROJECT_ROOT, SDC_SYMBOL
from analysis.report import site_report
from analysis.report.site_release import POPULATIONS
from tests.analysis.shared import three_sch_release


def test_shares_come_from_released_counts_and_small_groups_are_banded():
    assert site_report.share_text(10, 40) == "25%"
    assert site_report.share_text(SDC_SYMBOL, 40) == SDC_SYMBOL
    assert site_report.share_text(15, 15) == site_report.BAND_HIGH
    assert site_report.share_text(0, 10) == site_report.BAND_LOW
    assert site_report.share_text(0, 40) == "0%"
    assert site_report.share_text(None, 40) == site_report.NOT_SHOWN


def test_tables_show_the_site_value_as_released_and_exact_group_and_national_values():
    release = three_sch_release()
    table = site_report.site_table(release, "B", "people", "q")
    row = table.frame.set_index("Answer").loc["yes"]
    assert row["This site"] == SDC_SYMBOL  # 3 children
    assert row["This site (%)"] == SDC_SYMBOL
    assert row["National (%)"] == f"{55 / 146:.0%}"
    year = site_report.site_table(release, "A", "people", "year").frame.set_index("Year")
    assert year.loc["Total", "SCHs"] == "146"


def test_export_holds_every_table_as_printed():
    release = three_sch_release()
    export = site_report.published_numbers(release, "A")
    assert export["site"] == "A"
    assert [t["measure"] for t in export["tables"]] == ["year", "q"]
    json.dumps(export)  # serialisable as published


def test_site_notebook_captions_every_released_table():
    notebook = nbformat.read(PROJECT_ROOT / "chapters" / "site-report.ipynb", as_version=4)
    sources = "\n".join(cell.source for cell in notebook.cells)
    for population in POPULATIONS:
        captions = [f"{population.title}, by evaluation year"]
        captions += [q.title for q in population.questions]
        for caption in captions:
            assert f'#| tbl-cap: "{caption}"' in sources
