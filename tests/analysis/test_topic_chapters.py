"""The topic 1-4 chapter notebooks: conventions, bad parameters, and a clean site-report run.

Notebooks are run in-process (their code cells executed in order, with the parameters
overridden after the `parameters` cell, as papermill does), which is much faster than a
kernel; `make report` runs them with papermill.
"""

from __future__ import annotations

import contextlib
import io
import re

import matplotlib
import nbformat
import pytest

from analysis import config
from analysis.errors import ParameterError

matplotlib.use("Agg")

TOPICS = ["topic-1", "topic-2", "topic-3", "topic-4"]
PARAMETERS = ("data_dir", "site", "years", "setting_types")


def read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(config.CHAPTERS_DIR / f"{name}.ipynb", as_version=4)


def run_in_process(name: str, **overrides) -> dict:
    """Execute a chapter's code cells in order; returns the namespace."""
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in read(name).cells:
            if cell.cell_type != "code":
                continue
            exec(compile(cell.source, f"{name}.ipynb", "exec"), namespace)
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(overrides)
    return namespace


@pytest.mark.parametrize("name", TOPICS)
def test_chapter_follows_the_notebook_conventions(name):
    notebook = read(name)
    first, parameters, context = notebook.cells[:3]
    assert first.cell_type == "markdown"
    assert first.source.startswith("# ") and first.source.endswith(f"{{#sec-{name}}}")
    assert parameters.metadata["tags"] == ["parameters"]
    assert [line.split(" =")[0] for line in parameters.source.splitlines()] == list(PARAMETERS)
    assert "ChapterContext.load(" in context.source and "use_report_style()" in context.source
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
            statements = [
                line
                for line in cell.source.splitlines()
                if not line.startswith(("from ", "import "))
            ]
            assert len(statements) <= 8, cell.source


@pytest.mark.parametrize("name", TOPICS)
def test_every_figure_has_a_label_and_caption_and_every_table_a_caption(name):
    """Alt text is never typed: the figure functions write it from the data (the build sets
    `fig-alt` in the executed notebook; tests/e2e/test_cross_references checks it)."""
    for cell in read(name).cells:
        options = dict(re.findall(r"^#\| ([\w-]+): (.*)$", cell.source, flags=re.MULTILINE))
        if "show_figure(" in cell.source:
            assert options["label"].startswith("fig-")
            assert options["fig-cap"] and "fig-alt" not in options
        if "show_table(" in cell.source:
            assert options["label"].startswith("tbl-") and options["tbl-cap"]


def test_figure_and_table_labels_are_unique_across_the_topic_chapters():
    labels = [
        label
        for name in TOPICS
        for cell in read(name).cells
        for label in re.findall(r"^#\| label: (\S+)$", cell.source, flags=re.MULTILINE)
    ]
    assert len(labels) == len(set(labels))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [({"site": "S99"}, "unknown site 'S99'"), ({"years": [4]}, "subset of 1, 2, 3")],
)
def test_bad_parameters_stop_a_chapter_before_any_computation(overrides, message):
    with pytest.raises(ParameterError, match=message):
        run_in_process("topic-1", **overrides)


@pytest.mark.parametrize("name", TOPICS)
def test_a_chapter_for_the_smallest_site_runs_clean_with_disclosure_control(name):
    namespace = run_in_process(name, site="S17")  # 26 administrative cases
    assert namespace["protect"] is True
    assert namespace["ctx"].site == "S17"


def test_a_chapter_for_the_stc_is_refused():
    """The STC is only ever reported with the YOIs: no chapter of its own."""
    with pytest.raises(ParameterError, match="secure training centre"):
        run_in_process("topic-1", site="S09")
