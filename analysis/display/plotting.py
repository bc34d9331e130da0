"""One figure style for every chapter: a colour-blind-safe palette and shared sizes."""

from __future__ import annotations

from collections.abc import Sequence

# Okabe-Ito, as shipped by seaborn's "colorblind" palette: distinguishable under the
# common colour-vision deficiencies.
PALETTE_NAME = "colorblind"
# Figures are drawn at about the width they are read at (a PDF page's text block, a
# phone's screen), with text large enough for both: at least PRINT_MIN_PT points on the
# PDF page and PHONE_MIN_PX CSS pixels on a 390 px wide phone (checked by the tests).
FIGURE_SIZE = (6.0, 3.4)
FIGURE_DPI = 144
TEXT_PT = 12.0
PRINT_MIN_PT = 9.0
PHONE_MIN_PX = 9.0


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
            "font.size": TEXT_PT,
            "axes.titlesize": TEXT_PT + 1,
            "axes.labelsize": TEXT_PT,
            "xtick.labelsize": TEXT_PT,
            "ytick.labelsize": TEXT_PT,
            "legend.fontsize": TEXT_PT,
            "legend.title_fontsize": TEXT_PT,
            "legend.frameon": False,
            "svg.hashsalt": "stairs-report",
        }
    )


def report_palette(n: int) -> Sequence[tuple[float, float, float]]:
    """The first n colours of the report palette."""
    import seaborn as sns

    return sns.color_palette(PALETTE_NAME, n)
