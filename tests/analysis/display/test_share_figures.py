"""seaborn share figures: intervals drawn where they are, a message where nothing can be."""

from __future__ import annotations

import math

import matplotlib
import pandas as pd
import pytest

from analysis.display import share_figures
from analysis.statistics import proportions

matplotlib.use("Agg")


def table() -> pd.DataFrame:
    rows = [("A", 1, 20, 67), ("A", 3, 24, 43), ("B", 1, 161, 228), ("B", 3, 120, 140)]
    return pd.DataFrame(
        [{"group": g, "year": f"Year {y}", **vars(proportions.share(n, d))} for g, y, n, d in rows]
    )


def test_share_points_draw_one_point_per_cell_with_wilson_interval_bars():
    figure = share_figures.share_points(table(), x="year", hue="group")
    ax = figure.axes[0]
    bars = [c for c in ax.collections if c.__class__.__name__ == "LineCollection"]
    segments = [s for collection in bars for s in collection.get_segments()]
    tops = sorted(round(max(s[:, 1]), 6) for s in segments)
    expected = sorted(
        round(100 * proportions.share(n, d).ci_high, 6)
        for n, d in [(20, 67), (24, 43), (161, 228), (120, 140)]
    )
    assert tops == pytest.approx(expected)
    assert ax.get_ylim() == (0, 100)


def test_a_table_with_nothing_publishable_gives_a_message_not_an_error():
    hidden = table().assign(proportion=math.nan, ci_low=math.nan, ci_high=math.nan)
    figure = share_figures.share_points(hidden, x="year", hue="group")
    assert figure.axes[0].texts[0].get_text() == share_figures.NOTHING_TO_SHOW
    assert share_figures.share_bars(table().iloc[0:0], category="group").axes[0].texts


def test_prevalence_heatmap_marks_suppressed_cells_and_missing_cells_differently():
    prevalence = pd.DataFrame(
        {
            "theme_label": ["Hope", "Hope", "Pessimism"],
            "year": [1, 2, 1],
            "proportion": [0.5, math.nan, 0.25],
            "ci_low": [0.1, math.nan, 0.1],
            "ci_high": [0.9, math.nan, 0.5],
            "suppressed": [False, True, False],
        }
    )
    figure = share_figures.prevalence_heatmap(prevalence)
    texts = [t.get_text() for t in figure.axes[0].texts]
    assert "*" in texts and "–" in texts and "50" in texts


def test_a_share_of_100_percent_draws_without_negative_error_bars():
    import matplotlib

    matplotlib.use("Agg")
    from analysis.display.share_figures import share_points
    from analysis.statistics.proportions import wilson_interval

    low, high = wilson_interval(40, 40)
    table = pd.DataFrame(
        {"year": [1], "proportion": [1.0], "ci_low": [low], "ci_high": [high - 1e-15]}
    )
    figure = share_points(table, x="year")
    assert figure.axes
