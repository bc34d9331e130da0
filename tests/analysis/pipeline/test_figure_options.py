"""Alt text computed by the figures becomes the executed cell's `fig-alt` option."""

from __future__ import annotations

import yaml
from nbformat.v4 import new_code_cell, new_notebook, new_output

from analysis.display.figure_text import METADATA_KEY
from analysis.pipeline.figure_options import write_computed_alt_text
from analysis.pipeline.notebook_markdown import cell_options


def _figure_cell(source: str, alt: str | None):
    cell = new_code_cell(source)
    metadata = {METADATA_KEY: {"fig-alt": alt, "data": []}} if alt is not None else {}
    cell.outputs = [
        new_output("display_data", data={"image/png": "iVBORw0KGgo="}, metadata=metadata)
    ]
    return cell


def test_the_computed_alt_text_replaces_any_typed_one_and_keeps_the_other_options():
    alt = 'Line chart of "a share": YOI/STC: 30% in Year 1 to 56% in Year 3, rising; £1,200'
    cell = _figure_cell(
        '#| label: fig-x\n#| fig-cap: "A caption"\n#| fig-alt: "typed, stale"\nshow_figure(f)', alt
    )
    notebook = new_notebook(cells=[cell, new_code_cell("x = 1")])
    assert write_computed_alt_text(notebook) == 1
    options = cell_options(notebook.cells[0].source)
    assert options == {"label": "fig-x", "fig-cap": "A caption", "fig-alt": alt}
    assert notebook.cells[0].source.endswith("show_figure(f)")
    assert notebook.cells[1].source == "x = 1"


def test_a_cell_without_options_gets_one_and_several_figures_get_a_list():
    cell = _figure_cell("show_figure(f)\nshow_figure(g)", "first")
    cell.outputs += _figure_cell("", "second").outputs
    notebook = new_notebook(cells=[cell])
    write_computed_alt_text(notebook)
    assert yaml.safe_load(notebook.cells[0].source.splitlines()[0][3:]) == {
        "fig-alt": ["first", "second"]
    }


def test_figures_without_computed_alt_text_are_left_alone():
    cell = _figure_cell('#| fig-alt: "kept"\nshow_figure(f)', None)
    notebook = new_notebook(cells=[cell])
    assert write_computed_alt_text(notebook) == 0
    assert notebook.cells[0].source == '#| fig-alt: "kept"\nshow_figure(f)'
