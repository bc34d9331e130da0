"""seaborn figures of share tables (proportion with Wilson interval) and theme heatmaps.

The topic modules wrap these with names in the evaluation's words
(`formulations.plot_attendance`, ...). Every function takes an already-released
table (see `proportions.release_shares`), so a site report draws only what may
be published; suppressed values are simply absent from the figure. Each figure
carries alt text written from the values it draws (`figure_text.describe_figure`),
and keeps its legend off the data (above the plot, or below it).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.display.figure_text import (
    describe_figure,
    join_phrases,
    percent,
    series_phrase,
    values_phrase,
)
from analysis.display.plotting import report_palette
from analysis.display.presentation import format_count, format_number

DODGE = 0.3
LABEL_WIDTH = 20  # characters per line of a category label beside horizontal bars
NOTHING_TO_SHOW = "Nothing to show in scope (no data, or numbers too small to publish)"


def message_figure(message: str = NOTHING_TO_SHOW, ax=None):
    """A figure (or panel) that says why there is nothing to plot, instead of failing.

    A whole figure is described as what it is: a note, not a chart.
    """
    import matplotlib.pyplot as plt

    if ax is None:
        figure, ax = plt.subplots(figsize=(6.0, 1.2), layout="constrained")
        describe_figure(figure, f"No chart: {message[:1].lower()}{message[1:]}.")
    else:
        figure = ax.figure
    ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, color="0.3")
    ax.set_axis_off()
    return figure


def has_values(table: pd.DataFrame, column: str = "proportion") -> bool:
    """True when at least one value of `column` can be drawn."""
    return bool(len(table)) and bool(pd.to_numeric(table[column], errors="coerce").notna().any())


def _percent_columns(table: pd.DataFrame) -> pd.DataFrame:
    data = table.copy()
    data["percent"] = data["proportion"].astype(float) * 100
    data["lower"] = data["ci_low"].astype(float) * 100
    data["upper"] = data["ci_high"].astype(float) * 100
    return data


def _error_bars(part: pd.DataFrame) -> list:
    """Distances from each point to its interval ends; never negative (a share of 100%
    can sit a rounding error above the Wilson upper bound)."""
    below = (part["percent"] - part["lower"]).clip(lower=0)
    above = (part["upper"] - part["percent"]).clip(lower=0)
    return [below, above]


def _levels(values: pd.Series, order: Sequence | None) -> list:
    return list(order) if order is not None else list(dict.fromkeys(values.dropna().tolist()))


def legend_above(figure, ax=None, title: str | None = None) -> None:
    """One legend for the figure, above the plotting area (never over the data), in as many
    columns as fit the figure's width."""
    source = ax or figure.axes[0]
    handles, labels = source.get_legend_handles_labels()
    for axis in figure.axes:
        if axis.get_legend() is not None:
            axis.get_legend().remove()
    if not handles:
        return
    renderer = figure.canvas.get_renderer()
    width = figure.get_figwidth() * figure.dpi
    tries = sorted({len(labels), -(-len(labels) // 2), 1}, reverse=True)
    for columns in tries:
        legend = figure.legend(
            handles,
            labels,
            loc="outside upper center",
            ncols=columns,
            title=title,
            frameon=False,
        )
        if columns == 1 or legend.get_window_extent(renderer).width <= 0.98 * width:
            return
        legend.remove()


def points_phrases(
    table: pd.DataFrame, x: str, hue: str | None = None, x_order=None, hue_order=None
) -> list[str]:
    """One phrase per series drawn by `share_points`: its first and last value, direction."""
    if not has_values(table):
        return ["nothing to show (no data, or numbers too small to publish)"]
    data = _percent_columns(table)
    x_levels = [str(v) for v in _levels(table[x], x_order)]
    data[x] = data[x].astype(str)
    levels = _levels(data[hue].astype(str), hue_order) if hue else [None]
    phrases = []
    for level in levels:
        part = data if level is None else data[data[hue].astype(str) == str(level)]
        values = part.set_index(x)["percent"]
        points = [(label, values.get(label)) for label in x_levels if label in values.index]
        phrases.append(series_phrase(str(level) if level is not None else "All", points))
    return phrases


def share_points(
    table: pd.DataFrame,
    x: str,
    hue: str | None = None,
    x_order: Sequence | None = None,
    hue_order: Sequence | None = None,
    xlabel: str = "",
    ylabel: str = "%",
    title: str | None = None,
    ax=None,
):
    """Points (joined across x) with 95% interval bars, one colour per `hue` level.

    Draws on `ax` when given (returning its figure, with no legend of its own: the caller
    adds one for the whole figure, and describes it); else on a new, described figure.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if not has_values(table):
        return message_figure(ax=ax)
    data = _percent_columns(table)
    data[x] = data[x].astype(str)
    x_levels = [str(v) for v in _levels(table[x], x_order)]
    hue_levels = _levels(data[hue].astype(str), hue_order) if hue else [None]
    if hue:
        data[hue] = data[hue].astype(str)
    palette = report_palette(max(len(hue_levels), 1))
    own_figure = ax is None
    if own_figure:
        figure, ax = plt.subplots(layout="constrained")
    else:
        figure = ax.figure
    sns.pointplot(
        data=data,
        x=x,
        y="percent",
        hue=hue,
        order=x_levels,
        hue_order=[str(h) for h in hue_levels] if hue else None,
        palette=palette if hue else None,
        color=None if hue else palette[0],
        dodge=DODGE if hue and len(hue_levels) > 1 else False,
        errorbar=None,
        markers="o",
        ax=ax,
    )
    offsets = np.linspace(-DODGE / 2, DODGE / 2, len(hue_levels)) if len(hue_levels) > 1 else [0.0]
    for colour, offset, level in zip(palette, offsets, hue_levels, strict=False):
        part = data if level is None else data[data[hue] == str(level)]
        part = part[part[x].isin(x_levels) & part["lower"].notna()]
        positions = [x_levels.index(v) + offset for v in part[x]]
        ax.errorbar(
            positions,
            part["percent"],
            yerr=_error_bars(part),
            fmt="none",
            ecolor=colour,
            capsize=3,
            linewidth=1.2,
        )
    ax.set_ylim(0, 100)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if ax.get_legend() is not None:
        ax.get_legend().remove()
    if own_figure:
        if hue:
            legend_above(figure, ax)
        what = sentence_words(ylabel) if ylabel != "%" else "the percentage"
        by = f" by {sentence_words(xlabel or x)}" if (xlabel or x) else ""
        alt = f"Line chart of {what}{by}, with 95% intervals. " + join_phrases(
            points_phrases(table, x, hue, x_order, hue_order)
        )
        describe_figure(figure, alt, table)
    return figure


def share_bars(
    table: pd.DataFrame,
    category: str,
    hue: str | None = None,
    category_order: Sequence | None = None,
    hue_order: Sequence | None = None,
    xlabel: str = "%",
    ylabel: str = "",
    title: str | None = None,
):
    """Horizontal bars of percentages with 95% interval whiskers; legend above the bars."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if not has_values(table):
        return message_figure()
    data = _percent_columns(table)
    data[category] = data[category].astype(str)
    categories = [str(v) for v in _levels(table[category], category_order)]
    hue_levels = [str(h) for h in _levels(data[hue].astype(str), hue_order)] if hue else [None]
    if hue:
        data[hue] = data[hue].astype(str)
    palette = report_palette(len(hue_levels))
    figure, ax = plt.subplots(
        figsize=(6.0, 0.5 * len(categories) * max(len(hue_levels), 1) + 1.6), layout="constrained"
    )
    sns.barplot(
        data=data,
        y=category,
        x="percent",
        hue=hue,
        order=categories,
        hue_order=hue_levels if hue else None,
        palette=palette if hue else None,
        color=None if hue else palette[0],
        errorbar=None,
        orient="h",
        ax=ax,
    )
    width = 0.8 / len(hue_levels)
    for index, level in enumerate(hue_levels):
        part = data if level is None else data[data[hue] == level]
        part = part[part[category].isin(categories) & part["lower"].notna()]
        offset = (index - (len(hue_levels) - 1) / 2) * width if hue else 0.0
        positions = [categories.index(v) + offset for v in part[category]]
        ax.errorbar(
            part["percent"],
            positions,
            xerr=_error_bars(part),
            fmt="none",
            ecolor="0.25",
            capsize=2,
            linewidth=1,
        )
    ax.set_xlim(0, 100)
    ax.set_xlabel(textwrap.fill(xlabel, LABEL_WIDTH * 2))
    ax.set_ylabel(ylabel)
    ax.set_yticks(range(len(categories)), [wrapped(c) for c in categories])
    if title:
        ax.set_title(title)
    if hue:
        legend_above(figure, ax)
    phrases = []
    for name in categories:
        rows = data[data[category] == name]
        if hue:
            values = rows.set_index(hue)["percent"]
            phrases.append(values_phrase(name, [(h, values.get(h)) for h in hue_levels]))
        else:
            phrases.append(f"{name}: {percent(rows['percent'].iloc[0])}")
    series = f", one bar per {hue_levels_words(hue_levels)}" if hue else ""
    alt = (
        f"Horizontal bar chart of {sentence_words(xlabel)}{series}, with 95% intervals. "
        + join_phrases(phrases)
    )
    return describe_figure(figure, alt, table)


def wrapped(label: str, width: int = LABEL_WIDTH) -> str:
    """A category label on lines of at most `width` characters, so the plot keeps its room."""
    return textwrap.fill(str(label), width)


def sentence_words(label: str) -> str:
    """An axis label as words inside a sentence: '% of cases' -> 'the percentage of cases',
    'Formulation meetings' -> 'formulation meetings' (acronyms such as 'QALY' kept)."""
    text = label.strip()
    if text.startswith("%"):
        text = "the percentage" + text[1:]
    first = text.split(" ", 1)[0]
    return text if first.isupper() and len(first) > 1 else text[:1].lower() + text[1:]


def hue_levels_words(levels: Sequence) -> str:
    """'YOI/STC, SCH and All settings'."""
    words = [str(level) for level in levels]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def prevalence_heatmap(
    table: pd.DataFrame, rows: str = "theme_label", columns: str = "year", column_label=None
):
    """Heatmap of % of interviews (rows x columns).

    Suppressed cells (site reports) are marked '*', cells with no interviews '–'.
    """
    import matplotlib.pyplot as plt
    import seaborn as sns

    if table.empty:
        return message_figure()
    data = _percent_columns(table)
    if "suppressed" not in data:
        data["suppressed"] = False
    row_order = list(dict.fromkeys(data[rows]))
    column_order = list(dict.fromkeys(data[columns]))
    grid = (
        data.pivot(index=rows, columns=columns, values="percent")
        .reindex(index=row_order, columns=column_order)
        .astype(float)
    )
    hidden = (
        data.pivot(index=rows, columns=columns, values="suppressed")
        .reindex(index=grid.index, columns=grid.columns)
        .fillna(False)
        .astype(bool)
    )
    labels = [column_label(c) for c in grid.columns] if column_label else list(grid.columns)
    annotations = grid.map(lambda v: "" if pd.isna(v) else format_number(v))
    figure, ax = plt.subplots(figsize=(6.0, 0.55 * len(grid) + 1.6), layout="constrained")
    sns.heatmap(
        grid,
        annot=annotations.to_numpy(),
        fmt="",
        cmap="Blues",
        vmin=0,
        vmax=100,
        cbar=False,
        linewidths=0.5,
        xticklabels=labels,
        ax=ax,
    )
    for i, row in enumerate(grid.index):
        for j, column in enumerate(grid.columns):
            if pd.isna(grid.loc[row, column]):
                mark = "*" if hidden.loc[row, column] else "–"
                ax.text(j + 0.5, i + 0.5, mark, ha="center", va="center", color="0.3")
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.tick_params(axis="y", rotation=0)
    phrases = [
        values_phrase(str(row), list(zip(labels, grid.loc[row].tolist(), strict=True)), percent)
        for row in grid.index
    ]
    alt = (
        f"Heatmap of the percentage of interviews, with rows {hue_levels_words(list(grid.index))} "
        f"and columns {hue_levels_words(labels)}. " + join_phrases(phrases)
    )
    return describe_figure(figure, alt, table)


def count_bars(frame: pd.DataFrame, x: str, y: str, xlabel: str = "", ylabel: str = "", title=None):
    """Vertical bars of counts (e.g. a distribution); missing (suppressed) counts are gaps."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if not has_values(frame, y):
        return message_figure()
    figure, ax = plt.subplots(layout="constrained")
    data = frame.assign(**{y: pd.to_numeric(frame[y], errors="coerce")})
    sns.barplot(
        data=data, x=x, y=y, color=report_palette(1)[0], errorbar=None, ax=ax, order=data[x]
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    shown = data.dropna(subset=[y])
    peak = shown.loc[shown[y].idxmax()]
    counts = ", ".join(
        f"{row[x]}: {format_count(row[y]) if pd.notna(row[y]) else 'not shown'}"
        for _, row in data.iterrows()
    )
    alt = (
        f"Bar chart of {sentence_words(ylabel or y)} by {sentence_words(xlabel or x)}, from "
        f"{data[x].iloc[0]} to "
        f"{data[x].iloc[-1]}; the tallest bar is at {peak[x]} ({format_count(peak[y])}). "
        f"Counts: {counts}."
    )
    return describe_figure(figure, alt, frame)
