"""Display helpers used by the chapter notebooks: prose, tables and figures.

Prose and tables are emitted as Markdown outputs, which both Quarto and the
pandoc fallback render as real text and real tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

ROUNDING_RULE = (
    "Numbers are rounded half up, as the published evaluation rounds them "
    "(62.5% is shown as 63%, 37.5% as 38%)."
)
# Digits kept before rounding, so that a value such as 0.145 * 100, held in binary as
# 14.4999999999999982, rounds as the exact 14.5 it stands for.
_GUARD_DIGITS = 9


def round_half_up(value: float, decimals: int = 0) -> Decimal:
    """`value` rounded to `decimals` places, halves away from zero (2.5 -> 3, -2.5 -> -3).

    The single rounding rule of the report: every number it prints goes through here.
    """
    exact = Decimal(repr(round(float(value), decimals + _GUARD_DIGITS)))
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: float, decimals: int = 0, separators: bool = True) -> str:
    """A number rounded half up to `decimals` places, with thousands separators."""
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # no '-0'
    return f"{rounded:,.{decimals}f}" if separators else f"{rounded:.{decimals}f}"


def format_significant(value: float, digits: int = 2) -> str:
    """A number to `digits` significant figures, rounded half up, trailing zeros dropped
    as in the `g` format: 0.00665 -> '0.0067', 0.04 -> '0.04'."""
    if value == 0:
        return "0"
    exponent = Decimal(repr(abs(float(value)))).adjusted()
    decimals = max(digits - 1 - exponent, 0)
    text = format_number(value, decimals, separators=False)
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_count(value: float | int | str | None) -> str:
    """A count with thousands separators; suppressed or missing values pass through."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, str):
        return value
    return format_number(float(value))


def format_percent(value: float | None, decimals: int = 0) -> str:
    """A percentage given as a fraction (0.85 -> '85%'), without spurious decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{format_number(value * 100, decimals)}%"


def format_gbp(value: float, decimals: int = 2) -> str:
    """Pounds sterling with thousands separators: 2514.6 -> '£2,514.60'.

    Pennies (`decimals=2`) are for unit costs only; totals take `decimals=0`.
    """
    text = format_number(abs(value), decimals)
    sign = "-" if value < 0 and text.strip("0.,") else ""
    return f"{sign}£{text}"


NO_ROWS = "No data in this selection"


def markdown_table(frame: pd.DataFrame, index: bool = False) -> str:
    """A pipe table of a DataFrame, with cells escaped so data stay inert text.

    An empty frame becomes one row that says so, so the table keeps its number and caption.
    """
    shown = frame.reset_index() if index else frame
    if shown.empty and len(shown.columns):
        filler = [NO_ROWS] + ["–"] * (len(shown.columns) - 1)
        shown = pd.DataFrame([filler], columns=shown.columns)
    shown = shown.map(_escape_cell)
    shown.columns = [_escape_cell(c) for c in shown.columns]
    return shown.to_markdown(index=False, disable_numparse=True)


def _escape_cell(value: object) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (hasattr(value, "dtype") and str(value.dtype).startswith("int")):
        return f"{int(value):,}"
    if isinstance(value, float) and abs(value) >= 1000:
        return format_number(value, 0 if value.is_integer() else 2)
    text = str(value)
    return escape_markdown(text)


def escape_markdown(text: str) -> str:
    """Escape characters that would let data become markup (HTML, links, emphasis)."""
    replacements = {
        "\\": "\\\\",
        "<": "&lt;",
        ">": "&gt;",
        "|": "\\|",
        "*": "\\*",
        "_": "\\_",
        "[": "\\[",
        "]": "\\]",
        "`": "\\`",
        "@": "\\@",
        "\n": " ",
    }
    return "".join(replacements.get(ch, ch) for ch in text)


def bullet_list(items: Iterable[str]) -> str:
    """Markdown bullet list."""
    return "\n".join(f"- {item}" for item in items)


def show_markdown(text: str) -> None:
    """Emit Markdown (prose with computed numbers) as a cell output."""
    from IPython.display import Markdown, display

    display(Markdown(text))


def show_table(frame: pd.DataFrame, index: bool = False) -> None:
    """Emit a DataFrame as a Markdown table output (caption comes from the cell's tbl-cap)."""
    show_markdown(markdown_table(frame, index=index))


def figure_png(figure) -> bytes:
    """A figure as PNG bytes, whatever the matplotlib backend (deterministic metadata)."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def show_figure(figure) -> None:
    """Display a matplotlib figure once, as a PNG output with its description, and release it.

    The output's metadata carries the alt text written from the plotted data and the data
    rows (`figure_text`); the build turns the alt text into the cell's `fig-alt` option.
    """
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    from analysis.display.figure_text import METADATA_KEY, figure_description

    description = figure_description(figure)
    metadata = {METADATA_KEY: {"fig-alt": description.alt, "data": description.data}}
    display(Image(data=figure_png(figure), format="png"), metadata=metadata)
    plt.close(figure)
