"""seaborn figures of share tables (proportion with Wilson interval) and theme heatmaps.

The topic modules wrap these with names in the evaluation's words
(`formulations.plot_attendance`, ...). Every function takes an already-released
table (see `proportions.release_shares`), so a site report draws only what may
be published; suppressed values are simply absent from the figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.display.plotting import report_palette
from analysis.display.presentation import format_number

DODGE = 0.3
NOTHING_TO_SHOW = "Nothing to show in scope (no data, or numbers too small to publish)"


def message_figure(message: str = NOTHING_TO_SHOW, ax=None):
    """A figure (or panel) that says why there is nothing to plot, instead of failing."""
    import matplotlib.pyplot as plt

    if ax is None:
        figure, ax = plt.subplots(figsize=(7.0, 1.6))
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

    Draws on `ax` when given (returning its figure), else on a new figure.
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
    if ax is None:
        figure, ax = plt.subplots()
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
    if hue:
        ax.legend(title=None, loc="lower right", fontsize="small")
    figure.tight_layout()
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
    """Horizontal bars of percentages with 95% interval whiskers."""
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
    figure, ax = plt.subplots()
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
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    if hue:
        ax.legend(title=None, loc="lower right")
    figure.tight_layout()
    return figure


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
    grid = data.pivot(index=rows, columns=columns, values="percent").reindex(row_order)
    hidden = (
        data.pivot(index=rows, columns=columns, values="suppressed")
        .reindex(index=grid.index, columns=grid.columns)
        .fillna(False)
        .astype(bool)
    )
    labels = [column_label(c) for c in grid.columns] if column_label else list(grid.columns)
    figure, ax = plt.subplots(figsize=(6.5, 0.45 * len(grid) + 1.6))
    annotations = grid.astype(float).map(lambda v: "" if pd.isna(v) else format_number(v))
    sns.heatmap(
        grid.astype(float),
        annot=annotations.to_numpy(),
        fmt="",
        cmap="Blues",
        vmin=0,
        vmax=100,
        cbar_kws={"label": "% of interviews"},
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
    figure.tight_layout()
    return figure


def count_bars(frame: pd.DataFrame, x: str, y: str, xlabel: str = "", ylabel: str = "", title=None):
    """Vertical bars of counts (e.g. a distribution); missing (suppressed) counts are gaps."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    if not has_values(frame, y):
        return message_figure()
    figure, ax = plt.subplots()
    data = frame.assign(**{y: pd.to_numeric(frame[y], errors="coerce")})
    sns.barplot(
        data=data, x=x, y=y, color=report_palette(1)[0], errorbar=None, ax=ax, order=data[x]
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    figure.tight_layout()
    return figure
