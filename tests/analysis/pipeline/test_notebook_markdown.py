"""The fallback renderer's pre-pass, on tiny hand-made executed notebooks."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.errors import BuildError
from analysis.pipeline.book import Book, Chapter
from analysis.pipeline.notebook_markdown import book_markdown, cell_options

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)
TABLE = "| Group | n |\n|:--|--:|\n| SCH | 1,234 |"


def _figure_cell(label: str, caption: str, alt: str) -> nbformat.NotebookNode:
    options = f"#| label: {label}\n#| fig-cap: {json.dumps(caption)}\n#| fig-alt: {json.dumps(alt)}"
    source = f"{options}\nshow_figure(f)"
    cell = new_code_cell(source)
    cell.outputs = [new_output("display_data", data={"image/png": base64.b64encode(PNG).decode()})]
    return cell


def _markdown_output_cell(source: str, text: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.outputs = [new_output("display_data", data={"text/markdown": text})]
    return cell


def _table_cell(label: str, caption: str) -> nbformat.NotebookNode:
    return _markdown_output_cell(
        f'#| label: {label}\n#| tbl-cap: "{caption}"\nshow_table(frame)', TABLE
    )


def _write(folder: Path, name: str, cells: list) -> Path:
    notebook = new_notebook(cells=cells)
    path = folder / f"{name}.ipynb"
    nbformat.write(notebook, path)
    return path


def _assemble(tmp_path: Path, chapters: dict[str, list], appendices: dict[str, list] | None = None):
    entries, sources = [], {}
    for appendix, group in ((False, chapters), (True, appendices or {})):
        for name, cells in group.items():
            sources[name] = _write(tmp_path, name, cells)
            entries.append(Chapter(name, Path(f"chapters/{name}.ipynb"), appendix=appendix))
    book = Book("T", "", "", tuple(entries), {})
    return book_markdown(book, sources)


def test_cell_options_are_read_from_the_leading_hash_pipe_lines_only():
    source = '#| label: fig-x\n#| fig-cap: "A: caption"\nshow_figure(f)\n#| label: ignored'
    assert cell_options(source) == {"label": "fig-x", "fig-cap": "A: caption"}
    assert cell_options("show_figure(f)") == {}


def test_code_inputs_are_hidden_and_markdown_outputs_shown(tmp_path):
    result = _assemble(
        tmp_path,
        {
            "intro": [
                new_markdown_cell("# Introduction {#sec-intro}"),
                new_code_cell("from analysis.data.chapter_context import ChapterContext"),
                _markdown_output_cell(
                    "show_markdown(describe(ctx))", "Computed prose: 1,270 cases."
                ),
            ]
        },
    )
    assert "Computed prose: 1,270 cases." in result.text
    assert "ChapterContext" not in result.text
    assert "show_markdown" not in result.text


def test_streams_plain_text_and_errors_are_not_part_of_the_report(tmp_path):
    cell = new_code_cell("print('debug')")
    cell.outputs = [
        new_output("stream", name="stdout", text="debug output\n"),
        new_output("execute_result", data={"text/plain": "<Figure size 640x480>"}),
        new_output("error", ename="ValueError", evalue="boom", traceback=[]),
    ]
    result = _assemble(tmp_path, {"intro": [new_markdown_cell("# Intro"), cell]})
    assert "debug output" not in result.text
    assert "Figure size" not in result.text
    assert "boom" not in result.text


def test_a_cell_marked_include_false_shows_nothing(tmp_path):
    hidden = _markdown_output_cell("#| include: false\nshow_markdown(x)", "secret working")
    result = _assemble(tmp_path, {"intro": [new_markdown_cell("# Intro"), hidden]})
    assert "secret working" not in result.text


def test_figures_take_label_caption_and_alt_text_and_are_numbered_by_chapter(tmp_path):
    result = _assemble(
        tmp_path,
        {
            "one": [new_markdown_cell("# One {#sec-one}")],
            "two": [
                new_markdown_cell("# Two {#sec-two}"),
                _figure_cell("fig-first", "Staff attending", 'Line chart of "attendance"'),
                _figure_cell("fig-second", "Second figure", "Bar chart"),
            ],
        },
    )
    assert "![Figure 2.1: Staff attending](figures/two-2-1.png)" in result.text
    assert "{#fig-first fig-alt=\"Line chart of 'attendance'\"}" in result.text
    assert "![Figure 2.2: Second figure]" in result.text
    assert result.images["figures/two-2-1.png"] == PNG
    assert result.numbers["fig-second"] == "Figure 2.2"


def test_tables_take_a_numbered_caption_and_their_label_as_id(tmp_path):
    result = _assemble(
        tmp_path,
        {"one": [new_markdown_cell("# One"), _table_cell("tbl-groups", "Cases by group")]},
    )
    assert f"{TABLE}\n\n: Table 1.1: Cases by group {{#tbl-groups}}" in result.text


def test_prose_from_a_table_cell_gets_no_caption(tmp_path):
    cell = _markdown_output_cell(
        '#| label: tbl-groups\n#| tbl-cap: "Cases"\nshow_markdown(note)', "No data in scope."
    )
    result = _assemble(tmp_path, {"one": [new_markdown_cell("# One"), cell]})
    assert "Table 1.1" not in result.text
    assert "tbl-groups" not in result.numbers


def test_cross_references_become_numbered_links_and_unknown_ones_stay_visible(tmp_path):
    result = _assemble(
        tmp_path,
        {
            "one": [
                new_markdown_cell(
                    "# One {#sec-one}\n\nSee @fig-a, @tbl-b and @sec-two; not @fig-missing; "
                    "mail \\@tbl-b."
                ),
                _figure_cell("fig-a", "A", "alt"),
                _table_cell("tbl-b", "B"),
            ],
            "two": [new_markdown_cell("# Two {#sec-two}")],
        },
    )
    assert "See [Figure 1.1](#fig-a), [Table 1.1](#tbl-b) and [Chapter 2](#sec-two)" in result.text
    assert "not ?fig-missing" in result.text
    assert "mail \\@tbl-b." in result.text


def test_preface_is_unnumbered_and_appendices_are_lettered_with_unlisted_sections(tmp_path):
    result = _assemble(
        tmp_path,
        {
            "index": [new_markdown_cell("# About this report")],
            "one": [new_markdown_cell("# One {#sec-one}\n\n## Part")],
        },
        {
            "extra": [
                new_markdown_cell("# Extra {#sec-extra}\n\n## Details"),
                _table_cell("tbl-x", "X"),
            ]
        },
    )
    assert "# About this report {#sec-index .unnumbered}" in result.text
    assert "# One {#sec-one}" in result.text
    assert "## Part\n" in result.text + "\n"
    assert "# Appendix A: Extra {#sec-extra .unnumbered}" in result.text
    assert "## Details {.unnumbered .unlisted}" in result.text
    assert "Table A.1: X" in result.text
    assert result.numbers["sec-extra"] == "Appendix A"


def test_unreadable_cell_options_name_the_chapter_and_cell(tmp_path):
    broken = _markdown_output_cell('#| label: tbl-x\n#| tbl-cap: "a "b" c"\nshow_table(t)', TABLE)
    with pytest.raises(BuildError, match=r"chapter one, cell 2: cannot read its #\| options"):
        _assemble(tmp_path, {"one": [new_markdown_cell("# One"), broken]})


def test_section_references_are_numbered_as_pandoc_numbers_the_sections(tmp_path):
    result = _assemble(
        tmp_path,
        {
            "one": [new_markdown_cell("# One {#sec-one}\n\n## First\n\nSee @sec-two-b.")],
            "two": [
                new_markdown_cell("# Two {#sec-two}\n\n## A {.unnumbered}\n\n## B {#sec-two-b}"),
                _markdown_output_cell("show(x)", "## 1. Named {#sec-named .unnumbered}"),
                new_markdown_cell(
                    "```bash\n## not a heading {#sec-code}\n```\n\n## C {#sec-two-c}"
                ),
            ],
        },
    )
    assert "See [Section 2.1](#sec-two-b)." in result.text
    assert result.numbers["sec-two-c"] == "Section 2.2"
    assert result.numbers["sec-named"] == "1. Named"
    assert "sec-code" not in result.numbers


def test_an_unnumbered_markdown_chapter_takes_no_chapter_number(tmp_path):
    references = tmp_path / "references.qmd"
    references.write_text("# References {#sec-references .unnumbered}\n\n::: {#refs}\n:::\n")
    first = _write(tmp_path, "first", [new_markdown_cell("# First {#sec-first}")])
    last = _write(
        tmp_path, "last", [new_markdown_cell("# Last {#sec-last}\n\nSee @sec-references.")]
    )
    chapters = (
        Chapter("first", Path("chapters/first.ipynb")),
        Chapter("references", Path("references.qmd")),
        Chapter("last", Path("chapters/last.ipynb")),
    )
    book = Book("T", "", "", chapters, {})
    result = book_markdown(book, {"first": first, "references": references, "last": last})
    assert result.numbers["sec-last"] == "Chapter 2"
    assert "# References {#sec-references .unnumbered}" in result.text
    assert "See [References](#sec-references)." in result.text
