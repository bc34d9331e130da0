"""The results record is read from executed notebooks: findings, figures and table cells."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from analysis.display.presentation import markdown_table
from analysis.errors import BuildError
from analysis.pipeline.book import Book, Chapter
from analysis.pipeline.results_record import (
    build_record,
    parse_table,
    read_record,
    write_record,
)
from analysis.report.results_record import FINDINGS_MIME


def test_a_pipe_table_keeps_cells_escaped_for_markdown_as_the_data_had_them():
    frame = pd.DataFrame({"Group": ["YOI | STC", "SCH"], "Share": ["85%", "*"], "n": [1270, 7]})
    parsed = parse_table(markdown_table(frame))
    assert parsed == {
        "columns": ["Group", "Share", "n"],
        "rows": {
            "YOI | STC": {"Group": "YOI | STC", "Share": "85%", "n": "1,270"},
            "SCH": {"Group": "SCH", "Share": "*", "n": "7"},
        },
    }


def test_rows_are_keyed_by_as_many_leading_cells_as_make_them_unique():
    frame = pd.DataFrame({"Year": [1, 1, 2], "Group": ["YOI", "SCH", "YOI"], "n": [5, 6, 7]})
    assert list(parse_table(markdown_table(frame))["rows"]) == ["1 · YOI", "1 · SCH", "2 · YOI"]


def _notebook(path: Path, cells) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells), path)


def test_the_record_holds_findings_figures_and_captioned_tables_only(tmp_path):
    findings = new_code_cell("#| include: false\nshow_findings_record(findings)")
    finding = {"key": "k", "topic": 1, "text": "5 of 9.", "numbers": ["5", "9"]}
    findings.outputs = [new_output("display_data", data={FINDINGS_MIME: [finding]})]
    table = new_code_cell('#| label: tbl-a\n#| tbl-cap: "Shares"\nshow_table(t)')
    table.outputs = [
        new_output("display_data", data={"text/markdown": "| G | n |\n|---|---|\n| YOI | 5 |"})
    ]
    uncaptioned = new_code_cell("show_table(t)")
    uncaptioned.outputs = table.outputs
    figures = new_code_cell("#| label: tbl-reproduction\nshow_table(f)")
    figures.outputs = [
        new_output(
            "display_data",
            data={"text/markdown": "| Figure | Recomputed |\n|---|---|\n| t2_x | 85% |"},
        )
    ]
    provenance = new_code_cell("#| label: tbl-provenance\nshow_table(p)")
    provenance.outputs = [
        new_output("display_data", data={"text/markdown": "| Commit |\n|---|\n| abc |"})
    ]
    _notebook(tmp_path / "chapters" / "summary.ipynb", [findings, table, uncaptioned])
    _notebook(tmp_path / "chapters" / "reproduction.ipynb", [figures])
    _notebook(tmp_path / "chapters" / "reproducibility.ipynb", [provenance])
    book = Book(
        "T",
        "",
        "",
        tuple(
            Chapter(name, Path(f"chapters/{name}.ipynb"))
            for name in ("summary", "reproduction", "reproducibility")
        ),
        {},
    )
    record = build_record(book, tmp_path, {"name": "national"})
    assert record["findings"] == {"k": finding}
    assert record["published_figures"] == {"t2_x": {"Recomputed": "85%"}}
    assert record["tables"] == {
        "tbl-a": {
            "chapter": "summary",
            "caption": "Shares",
            "columns": ["G", "n"],
            "rows": {"YOI": {"G": "YOI", "n": "5"}},
        }
    }
    write_record(record, tmp_path / "out" / "results.json")
    assert read_record(tmp_path / "out") == record


def test_a_file_that_is_not_a_record_is_refused_by_name(tmp_path):
    (tmp_path / "results.json").write_text('{"something": "else"}', encoding="utf-8")
    with pytest.raises(BuildError, match=r"results.json is not a results record"):
        read_record(tmp_path)
    with pytest.raises(BuildError, match="no results record at"):
        read_record(tmp_path / "missing.json")
