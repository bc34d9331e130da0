"""One figure style for the whole report: the colour-blind-safe palette, set once."""

from __future__ import annotations

import matplotlib.pyplot as plt
import nbformat
import seaborn as sns
from matplotlib.colors import to_rgb

from analysis.config import PROJECT_ROOT
from analysis.display.plotting import FIGURE_SIZE, report_palette, use_report_style
from analysis.pipeline.book import read_book


def test_report_style_cycles_through_the_colour_blind_palette():
    use_report_style()
    cycle = [to_rgb(c) for c in plt.rcParams["axes.prop_cycle"].by_key()["color"]]
    assert cycle[:8] == [tuple(c) for c in sns.color_palette("colorblind", 8)]
    assert tuple(plt.rcParams["figure.figsize"]) == FIGURE_SIZE


def test_report_palette_is_the_same_palette_in_order():
    assert list(report_palette(3)) == list(sns.color_palette("colorblind", 3))


def test_every_chapter_that_draws_figures_applies_the_report_style():
    unstyled = []
    for chapter in read_book().notebooks:
        notebook = nbformat.read(PROJECT_ROOT / chapter.source, as_version=4)
        code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
        if "show_figure(" in code and "use_report_style()" not in code:
            unstyled.append(chapter.id)
    assert unstyled == []
