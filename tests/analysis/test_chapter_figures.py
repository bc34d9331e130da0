"""Every figure the chapter notebooks draw, drawn by their own code and checked as a reader
meets it: alt text that names what is drawn, legends off the data, text legible on a PDF
page and on a phone, trend charts that compare something.

The chapters' code cells run in-process (as `test_topic_chapters` does) with `show_figure`
replaced by a recorder, for the national report and two site reports (a YOI without
interviews and an SCH case-study site), so placeholders are checked as well as charts.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import nbformat
import pytest
import yaml
from PIL import Image

from analysis import config
from analysis.display import figure_text, presentation
from analysis.display.plotting import FIGURE_DPI, PHONE_MIN_PX, PRINT_MIN_PT
from analysis.display.share_figures import NOTHING_TO_SHOW
from analysis.pipeline.notebook_markdown import cell_options

matplotlib.use("Agg")

CHAPTERS = ["topic-1", "topic-2", "topic-3", "topic-4", "topic-5"]
SCOPES = ["", "S03", "S13"]  # national; a YOI without interviews; an SCH case-study site
PHONE_VIEWPORT_PX = 390
PHONE_COLUMN_PX = PHONE_VIEWPORT_PX - 2 * 16  # the page's side padding (checked in the browser)


@dataclass
class Drawn:
    chapter: str
    scope: str
    label: str
    figure: object
    png: bytes

    @property
    def name(self) -> str:
        return f"{self.scope or 'national'} {self.chapter} {self.label}"

    @property
    def alt(self) -> str:
        return figure_text.figure_description(self.figure).alt


def _draw_chapter(chapter: str, site: str) -> list[Drawn]:
    drawn: list[Drawn] = []
    current = {"label": ""}

    def record(figure):
        png = presentation.figure_png(figure)
        drawn.append(Drawn(chapter, site, current["label"], figure, png))

    notebook = nbformat.read(config.CHAPTERS_DIR / f"{chapter}.ipynb", as_version=4)
    namespace: dict = {}
    original = presentation.show_figure
    presentation.show_figure = record
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in notebook.cells:
                if cell.cell_type != "code":
                    continue
                current["label"] = str(cell_options(cell.source).get("label", ""))
                exec(compile(cell.source, f"{chapter}.ipynb", "exec"), namespace)
                if "parameters" in cell.metadata.get("tags", []):
                    namespace["site"] = site
    finally:
        presentation.show_figure = original
    return drawn


@pytest.fixture(scope="module")
def figures() -> list[Drawn]:
    matplotlib.rcParams["figure.max_open_warning"] = 0
    drawn = [d for site in SCOPES for chapter in CHAPTERS for d in _draw_chapter(chapter, site)]
    yield drawn
    import matplotlib.pyplot as plt

    plt.close("all")


def _is_placeholder(figure) -> bool:
    return all(not ax.axison for ax in figure.axes) and any(
        NOTHING_TO_SHOW in t.get_text() for ax in figure.axes for t in ax.texts
    )


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _series_drawn(figure) -> set[str]:
    """What a reader can tell apart in the figure: legend entries, and the rows of
    heatmaps and horizontal bar charts (their category labels)."""
    names = set()
    legends = list(figure.legends) + [ax.get_legend() for ax in figure.axes if ax.get_legend()]
    for legend in legends:
        names |= {_plain(t.get_text()) for t in legend.get_texts()}
    for ax in figure.axes:
        horizontal = any(
            p.get_width() > p.get_height() for p in ax.patches if hasattr(p, "get_width")
        )
        if (ax.collections and ax.collections[0].__class__.__name__ == "QuadMesh") or horizontal:
            names |= {_plain(t.get_text()) for t in ax.get_yticklabels() if t.get_text()}
    return names - {""}


def test_every_chapter_figure_is_drawn(figures):
    national = {d.label for d in figures if not d.scope}
    assert len(national) >= 10
    assert all(label.startswith("fig-") for label in national)


def test_alt_text_names_every_series_drawn(figures):
    missing = []
    for drawn in figures:
        if _is_placeholder(drawn.figure):
            continue
        alt = _plain(drawn.alt)
        missing += [f"{drawn.name}: {s}" for s in _series_drawn(drawn.figure) if s not in alt]
    assert missing == []


def test_alt_text_says_what_kind_of_figure_and_gives_its_values(figures):
    for drawn in figures:
        if _is_placeholder(drawn.figure):
            continue
        assert re.match(r"(Line|Bar|Horizontal bar|Heatmap|Tornado|Scatter)", drawn.alt), drawn.name
        assert re.search(r"\d", drawn.alt), drawn.name


def test_a_placeholder_says_there_is_nothing_to_show_not_what_it_would_have_shown(figures):
    placeholders = [d for d in figures if _is_placeholder(d.figure)]
    assert placeholders, "the site reports draw some placeholders"
    for drawn in placeholders:
        assert drawn.alt.startswith("No chart: nothing to show"), drawn.name
        assert not re.search(r"chart of|Heatmap|line for|bars", drawn.alt), drawn.name


def _data_extents(ax, renderer) -> list:
    """Display-space boxes of what an axes draws: bars, points, lines and interval bars."""
    from matplotlib.transforms import Bbox

    boxes = []
    for patch in ax.patches:
        if patch.get_visible() and patch.get_width() and patch.get_height():
            boxes.append(patch.get_window_extent(renderer))
    for line in ax.get_lines():
        data = line.get_xydata()
        if line.get_visible() and len(data):
            points = ax.transData.transform(data)
            boxes += [Bbox.from_extents(x - 2, y - 2, x + 2, y + 2) for x, y in points]
    for collection in ax.collections:
        name = collection.__class__.__name__
        if name == "LineCollection":
            for segment in collection.get_segments():
                points = ax.transData.transform(segment)
                boxes.append(Bbox.from_extents(*points.min(axis=0), *points.max(axis=0)))
        elif name == "PathCollection":
            points = ax.transData.transform(collection.get_offsets())
            boxes += [Bbox.from_extents(x - 2, y - 2, x + 2, y + 2) for x, y in points]
    return boxes


def test_no_legend_sits_on_the_data(figures):
    covered = []
    for drawn in figures:
        figure = drawn.figure
        renderer = figure.canvas.get_renderer()
        legends = list(figure.legends) + [ax.get_legend() for ax in figure.axes if ax.get_legend()]
        for legend in legends:
            box = legend.get_window_extent(renderer)
            for ax in figure.axes:
                hits = [b for b in _data_extents(ax, renderer) if box.overlaps(b)]
                if hits:
                    covered.append(f"{drawn.name}: legend over {len(hits)} drawn marks")
    assert covered == []


def _pdf_image_width_in() -> float:
    """How wide a figure is printed: the A4 text block (21 cm less the side margins of
    _quarto.yml), times the share of it the PDF template gives images."""
    quarto = yaml.safe_load(config.QUARTO_CONFIG.read_text(encoding="utf-8"))
    typst = quarto["format"]["typst"]
    assert typst["papersize"] == "a4"
    margin_cm = float(str(typst["margin"]["x"]).removesuffix("cm"))
    text_in = (21.0 - 2 * margin_cm) / 2.54
    template = Path(config.PACKAGE_DIR / "rendering" / "book.typ").read_text(encoding="utf-8")
    share = re.search(r"#set image\(width: (\d+)%\)", template)
    return text_in * (int(share.group(1)) / 100 if share else 1.0)


def _smallest_text_pt(figure) -> float:
    from matplotlib.text import Text

    sizes = [
        t.get_fontsize()
        for t in figure.findobj(Text)
        if t.get_visible() and t.get_text().strip() and t.get_alpha() != 0
    ]
    return min(sizes)


def test_text_is_at_least_9_pt_on_the_pdf_page_and_legible_on_a_phone(figures):
    print_width = _pdf_image_width_in()
    small = []
    for drawn in figures:
        width_px = Image.open(io.BytesIO(drawn.png)).size[0]
        natural_in = width_px / FIGURE_DPI
        smallest = _smallest_text_pt(drawn.figure)
        on_page = smallest * print_width / natural_in
        on_phone = smallest * FIGURE_DPI / 72 * min(1.0, PHONE_COLUMN_PX / width_px)
        if on_page < PRINT_MIN_PT:
            small.append(f"{drawn.name}: {on_page:.1f} pt on the PDF page")
        if on_phone < PHONE_MIN_PX:
            small.append(f"{drawn.name}: {on_phone:.1f} px at {PHONE_VIEWPORT_PX} px wide")
    assert small == []


def test_every_trend_figure_compares_at_least_two_series(figures):
    """A single line over the years says no more than the sentence beside it."""
    single = []
    for drawn in figures:
        if drawn.scope or _is_placeholder(drawn.figure):
            continue
        for ax in drawn.figure.axes:
            if not any(t.get_text().startswith("Year") for t in ax.get_xticklabels()):
                continue
            if any(c.__class__.__name__ == "QuadMesh" for c in ax.collections):
                continue  # a heatmap: one row per series
            lines = [
                line
                for line in ax.get_lines()
                if line.get_linestyle() not in ("None", "none", "") and len(line.get_xydata()) > 1
            ]
            if len(lines) < 2:
                single.append(f"{drawn.name}: {len(lines)} line")
    assert single == []
