"""Dates inside the evaluation window, as numpy datetime64 arrays, and locale-free formatting."""

from __future__ import annotations

import numpy as np

WINDOW_START = np.datetime64("2018-08", "M")
WINDOW_END = np.datetime64("2020-12", "M")
WINDOW_LAST_DAY = np.datetime64("2020-12-31", "D")
N_MONTHS = int((WINDOW_END - WINDOW_START).astype(int)) + 1

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_NAME = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def month_of_index(index: np.ndarray) -> np.ndarray:
    """Calendar months (datetime64[M]) of month indexes counted from the window start."""
    return WINDOW_START + np.asarray(index, dtype="timedelta64[M]")


def evaluation_year(months: np.ndarray) -> np.ndarray:
    """Evaluation year 1-3 of datetime64[M] months (years start in August; year 3 ends Dec 2020)."""
    index = (np.asarray(months, dtype="datetime64[M]") - WINDOW_START).astype(int)
    return np.minimum(index // 12 + 1, 3)


def days_in_month(months: np.ndarray) -> np.ndarray:
    """Number of days of each datetime64[M] month."""
    months = np.asarray(months, dtype="datetime64[M]")
    return ((months + 1).astype("datetime64[D]") - months.astype("datetime64[D]")).astype(int)


def format_dates(dates: np.ndarray, fmt: str) -> np.ndarray:
    """Format datetime64[D] dates (NaT -> None) with a strftime format, month names in English.

    Only the distinct dates are formatted, so large arrays stay fast; %b and %B are
    substituted here so the output does not depend on the machine's locale.
    """
    dates = np.asarray(dates, dtype="datetime64[D]")
    out = np.full(dates.shape, None, dtype=object)
    present = ~np.isnat(dates)
    unique, inverse = np.unique(dates[present], return_inverse=True)
    texts = np.array([_format_one(day.item(), fmt) for day in unique], dtype=object)
    out[present] = texts[inverse]
    return out


def _format_one(day, fmt: str) -> str:
    fmt = fmt.replace("%b", MONTH_ABBR[day.month - 1]).replace("%B", MONTH_NAME[day.month - 1])
    return day.strftime(fmt)
