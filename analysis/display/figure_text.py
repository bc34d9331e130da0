"""What a figure shows, in words and numbers: alt text written from the plotted data.

Every figure function describes the figure it draws with `describe_figure`: alt text
naming each series drawn, its range and its direction, and the rows of data plotted.
`presentation.show_figure` publishes both with the image (output metadata), and the
build writes the alt text into the executed notebook as the cell's `fig-alt` option,
where Quarto and the fallback renderer both read it. A figure that was never described
gets alt text read back from what is drawn on it (`drawn_description`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.display.presentation import format_number

METADATA_KEY = "stairs-report"
_ATTRIBUTE = "_stairs_report_description"
LEVEL_WITHIN = 2.0  # percentage points: a change this small is described as "about level"


@dataclass(frozen=True)
class FigureDescription:
    """Alt text of a figure and the rows of data it plots."""

    alt: str
    data: list[dict] = field(default_factory=list)


def describe_figure(figure, alt: str, data: pd.DataFrame | None = None):
    """Attach alt text (and the plotted data) to `figure`; returns the figure."""
    rows = [] if data is None else _records(data)
    setattr(figure, _ATTRIBUTE, FigureDescription(" ".join(alt.split()), rows))
    return figure


def figure_description(figure) -> FigureDescription:
    """The description attached by `describe_figure`, or one read from the drawn figure."""
    attached = getattr(figure, _ATTRIBUTE, None)
    return attached if attached is not None else FigureDescription(drawn_description(figure))


def _records(data: pd.DataFrame) -> list[dict]:
    def plain(value):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return None
        if hasattr(value, "item"):  # numpy scalars
            value = value.item()
        if isinstance(value, float | int | bool | str):
            return value
        return str(value)

    frame = data.astype(object).where(data.notna(), None)
    return [{str(k): plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


# --------------------------------------------------------------------------- phrases


def percent(value: float) -> str:
    """'56%' from 55.8 (a value already in percent)."""
    return f"{format_number(value)}%"


def direction(first: float, last: float, within: float = LEVEL_WITHIN) -> str:
    """'rising', 'falling' or 'about level' between two values in the same unit."""
    if abs(last - first) < within:
        return "about level"
    return "rising" if last > first else "falling"


def series_phrase(name: str, points: Sequence[tuple[str, float]], unit=percent) -> str:
    """'YOI/STC: 30% in Year 1 to 56% in Year 3, rising' (missing points left out)."""
    shown = [(label, value) for label, value in points if not _missing(value)]
    if not shown:
        return f"{name}: not shown (numbers too small to publish)"
    if len(shown) == 1:
        label, value = shown[0]
        return f"{name}: {unit(value)} in {label}"
    (first_label, first), (last_label, last) = shown[0], shown[-1]
    return (
        f"{name}: {unit(first)} in {first_label} to {unit(last)} in {last_label}, "
        f"{direction(first, last)}"
    )


def values_phrase(name: str, points: Sequence[tuple[str, float]], unit=percent) -> str:
    """'Transition plan: YOI/STC 67%, SCH 69%' (categories rather than a trend)."""
    shown = [f"{label} {unit(value)}" for label, value in points if not _missing(value)]
    return f"{name}: {', '.join(shown) if shown else 'not shown (numbers too small to publish)'}"


def join_phrases(phrases: Sequence[str]) -> str:
    """Phrases as one sentence, separated by semicolons, ending with a full stop."""
    return "; ".join(phrases) + "."


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --------------------------------------------------------------------------- read back


def drawn_description(figure) -> str:
    """Alt text read from a drawn figure: each panel's title, axis labels and series."""
    parts = []
    for ax in figure.axes:
        if not ax.get_visible() or (not ax.axison and not ax.texts):
            continue
        if not ax.axison:
            parts.append(" ".join(t.get_text() for t in ax.texts if t.get_text()))
            continue
        legend = ax.get_legend()
        series = [t.get_text() for t in legend.get_texts()] if legend else []
        what = ax.get_title() or "Chart"
        axes = " against ".join(x for x in (ax.get_ylabel(), ax.get_xlabel()) if x)
        text = f"{what}{' of ' + axes if axes else ''}"
        if series:
            text += f", series: {', '.join(series)}"
        parts.append(text)
    return join_phrases(parts) if parts else "Figure"
