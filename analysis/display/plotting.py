"""One figure style for every chapter: a colour-blind-safe palette and shared sizes."""

from __future__ import annotations

from collections.abc import Sequence

# Okabe-Ito, as shipped by seaborn's "colorblind" palette: distinguishable under the
# common colour-vision deficiencies.
PALETTE_NAME = "colorblind"
FIGURE_SIZE = (7.0, 3.8)
FIGURE_DPI = 144


def use_report_style() -> None:
    """Apply the report's seaborn theme and palette (call once per notebook)."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE_NAME)
    mpl.rcParams.update(
        {
            "figure.figsize": FIGURE_SIZE,
            "figure.dpi": FIGURE_DPI,
            "savefig.dpi": FIGURE_DPI,
            "savefig.bbox": "tight",
            "axes.titlesize": 12,
            "axes.labelsize": 11,
            "legend.frameon": False,
            "svg.hashsalt": "stairs-report",
        }
    )


def report_palette(n: int) -> Sequence[tuple[float, float, float]]:
    """The first n colours of the report palette."""
    import seaborn as sns

    return sns.color_palette(PALETTE_NAME, n)
