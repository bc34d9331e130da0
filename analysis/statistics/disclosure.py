"""Statistical disclosure control (SDC) for every table and figure below national level.

Rules (NHS secondary-care convention; thresholds in :class:`DisclosurePolicy`, defaults from
``analysis.config``):

* counts 1..``suppress_max`` are suppressed and shown as ``symbol``; 0 is shown as 0;
* every other count is rounded to the nearest ``round_base``, halves rounded up;
* in a cross-table, secondary suppression hides further cells so that no suppressed cell can be
  recovered from the row and column totals, even if the totals were published unrounded;
* percentages are computed from the rounded figures; means only where n >= ``min_n_for_mean``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra

from analysis import config
from analysis.errors import ParameterError

__all__ = [
    "DisclosurePolicy",
    "ProtectedProportion",
    "protect_count",
    "protect_frame_counts",
    "protect_mean",
    "protect_proportion",
    "protect_table",
]

TOTAL_LABEL = "Total"


@dataclass(frozen=True)
class DisclosurePolicy:
    """Thresholds of disclosure control; invalid values raise ParameterError."""

    suppress_max: int = config.SDC_SUPPRESS_MAX
    round_base: int = config.SDC_ROUND_BASE
    min_n_for_mean: int = config.SDC_MIN_N_FOR_MEAN
    symbol: str = config.SDC_SYMBOL

    def __post_init__(self) -> None:
        for name in ("suppress_max", "round_base", "min_n_for_mean"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, Integral):
                raise ParameterError(f"DisclosurePolicy.{name} must be an integer, got {value!r}")
        if self.suppress_max < 0:
            raise ParameterError(
                f"DisclosurePolicy.suppress_max must be >= 0, got {self.suppress_max}"
            )
        if self.round_base < 1:
            raise ParameterError(f"DisclosurePolicy.round_base must be >= 1, got {self.round_base}")
        if self.min_n_for_mean < 1:
            raise ParameterError(
                f"DisclosurePolicy.min_n_for_mean must be >= 1, got {self.min_n_for_mean}"
            )
        if not isinstance(self.symbol, str) or not self.symbol:
            raise ParameterError(
                f"DisclosurePolicy.symbol must be a non-empty string, got {self.symbol!r}"
            )


DEFAULT_POLICY = DisclosurePolicy()


@dataclass(frozen=True)
class ProtectedProportion:
    """A publishable numerator/denominator pair and the percentage (0-100) computed from them."""

    numerator: int | str
    denominator: int | str
    percent: float | None
    suppressed: bool

    @property
    def fraction(self) -> float | None:
        """The percentage as a fraction (0-1), as ``presentation.format_percent`` expects."""
        return None if self.percent is None else self.percent / 100


# --- single counts ------------------------------------------------------------------------------


def protect_count(n: int, policy: DisclosurePolicy = DEFAULT_POLICY) -> int | str:
    """The publishable form of one count: 0, the suppression symbol, or a rounded count."""
    count = _as_count(n, "count")
    if count == 0:
        return 0
    if _is_small(count, policy):
        return policy.symbol
    return _round_half_up(count, policy.round_base)


def _round_half_up(count: int, base: int) -> int:
    """Nearest multiple of ``base``, halves upwards, in exact integer arithmetic."""
    return (2 * count + base) // (2 * base) * base


def _is_small(count: int, policy: DisclosurePolicy) -> bool:
    return 1 <= count <= policy.suppress_max


def _as_count(value: object, what: str) -> int:
    """``value`` as a Python int, or ParameterError if it is not a non-negative whole number."""
    if not _is_whole_number(value):
        raise ParameterError(f"{what} must be a non-negative integer, got {value!r}")
    count = int(value)  # type: ignore[arg-type]
    if count < 0:
        raise ParameterError(f"{what} must be a non-negative integer, got {count}")
    return count


def _is_whole_number(value: object) -> bool:
    """An integer, or a float with no fractional part (3.0); booleans are not counts."""
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, Integral):
        return True
    return isinstance(value, Real) and math.isfinite(value) and float(value).is_integer()


def _count_column(values: pd.Series, what: str) -> np.ndarray:
    """A column of counts as int64, or ParameterError naming the column and the bad values."""
    label = f"{what}: column {values.name!r}"
    if pd.api.types.is_bool_dtype(values.dtype):
        raise ParameterError(f"{label} holds booleans, not counts")
    missing = int(values.isna().sum())
    if missing:
        raise ParameterError(f"{label} has {missing} missing value(s); counts must be complete")
    if pd.api.types.is_integer_dtype(values.dtype):
        counts = values.to_numpy(dtype=np.int64)
    else:
        bad = [v for v in values if not _is_whole_number(v)]
        if bad:
            raise ParameterError(
                f"{label} has {len(bad)} value(s) that are not non-negative integers "
                f"(first: {bad[0]!r})"
            )
        counts = np.array([int(v) for v in values], dtype=np.int64)
    negative = counts[counts < 0]
    if negative.size:
        raise ParameterError(
            f"{label} has {negative.size} negative value(s) (first: {int(negative[0])}); "
            "counts must be non-negative integers"
        )
    return counts


# --- proportions and means ----------------------------------------------------------------------


def protect_proportion(
    numerator: int, denominator: int, policy: DisclosurePolicy = DEFAULT_POLICY
) -> ProtectedProportion:
    """Numerator, denominator and percentage as published.

    Suppressed when the numerator or its complement (denominator - numerator) is a small count,
    since either reveals the other. Otherwise the percentage is computed from the rounded
    numerator and denominator, so the published figures agree with each other.
    """
    num = _as_count(numerator, "numerator")
    den = _as_count(denominator, "denominator")
    if num > den:
        raise ParameterError(f"numerator ({num}) must not exceed denominator ({den})")
    shown_den = protect_count(den, policy)
    if _is_small(num, policy) or _is_small(den - num, policy):
        return ProtectedProportion(policy.symbol, shown_den, None, True)
    shown_num = protect_count(num, policy)
    if shown_den == 0:
        return ProtectedProportion(shown_num, shown_den, None, False)
    return ProtectedProportion(shown_num, shown_den, 100 * shown_num / shown_den, False)


def protect_mean(
    values: pd.Series | Sequence[float], policy: DisclosurePolicy = DEFAULT_POLICY
) -> float | None:
    """The mean of the non-missing values, or None when fewer than ``min_n_for_mean`` remain."""
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    try:
        numbers = pd.to_numeric(series.astype(object), errors="raise")
    except (TypeError, ValueError) as error:
        raise ParameterError(f"protect_mean needs numeric values: {error}") from None
    present = numbers.dropna().astype(float)
    if len(present) < policy.min_n_for_mean:
        return None
    return float(present.mean())


# --- long-format frames -------------------------------------------------------------------------


def protect_frame_counts(
    frame: pd.DataFrame,
    count_columns: Sequence[str],
    policy: DisclosurePolicy = DEFAULT_POLICY,
) -> pd.DataFrame:
    """A copy of ``frame`` with each named count column protected cell by cell.

    Primary suppression and rounding only: use it where each row is a group shown on its own
    (a figure's bars, a list of sites). Percentages are the caller's, via protect_proportion.
    """
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"protect_frame_counts needs a DataFrame, got {type(frame).__name__}")
    columns = [count_columns] if isinstance(count_columns, str) else list(count_columns)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ParameterError(
            f"protect_frame_counts: count column(s) {missing} not in the frame "
            f"(columns: {list(frame.columns)})"
        )
    protected = frame.copy()
    for column in columns:
        counts = _count_column(frame[column], "protect_frame_counts")
        shown = [protect_count(int(c), policy) for c in counts]
        protected[column] = pd.Series(shown, index=frame.index, dtype=object)
    return protected


# --- cross-tables -------------------------------------------------------------------------------


def protect_table(
    counts: pd.DataFrame, policy: DisclosurePolicy = DEFAULT_POLICY, totals: bool = True
) -> pd.DataFrame:
    """The publishable form of a rows x columns table of counts.

    Row, column and grand totals are computed from the true counts and protected like any cell.
    Steps: primary suppression of small counts (cells and totals); secondary suppression until
    every suppressed entry lies on a cycle of suppressed entries through the table-with-totals,
    so no suppressed value follows from the totals; rounding of everything not suppressed.
    With ``totals=False`` the Total row and column are dropped from the output, but the table is
    still protected as if they were published (they usually are, somewhere else).
    """
    if not isinstance(counts, pd.DataFrame):
        raise ParameterError(f"protect_table needs a DataFrame, got {type(counts).__name__}")
    for axis, labels in (("row", counts.index), ("column", counts.columns)):
        if TOTAL_LABEL in labels:
            raise ParameterError(
                f"protect_table: the table already has a {TOTAL_LABEL!r} {axis}; "
                "pass the counts without totals"
            )
    body = np.zeros(counts.shape, dtype=np.int64)
    for j in range(counts.shape[1]):
        body[:, j] = _count_column(counts.iloc[:, j], "protect_table")
    extended = _with_totals(body)
    suppressed = (extended >= 1) & (extended <= policy.suppress_max)
    suppressed = _secondary_suppression(extended, suppressed)

    shown = np.empty(extended.shape, dtype=object)
    for position, value in np.ndenumerate(extended):
        shown[position] = (
            policy.symbol if suppressed[position] else _round_half_up(int(value), policy.round_base)
        )
    table = pd.DataFrame(
        shown,
        index=_append_label(counts.index),
        columns=_append_label(counts.columns),
        dtype=object,
    )
    if not totals:
        table = table.iloc[:-1, :-1]
    return table


def _with_totals(body: np.ndarray) -> np.ndarray:
    """The table with a total column, a total row and the grand total in the corner."""
    rows, cols = body.shape
    extended = np.zeros((rows + 1, cols + 1), dtype=np.int64)
    extended[:rows, :cols] = body
    extended[:rows, cols] = body.sum(axis=1)
    extended[rows, :cols] = body.sum(axis=0)
    extended[rows, cols] = body.sum()
    return extended


def _append_label(labels: pd.Index) -> pd.Index:
    if isinstance(labels, pd.MultiIndex):
        total = (TOTAL_LABEL,) + ("",) * (labels.nlevels - 1)
        return pd.MultiIndex.from_tuples([*labels, total], names=labels.names)
    return pd.Index([*labels, TOTAL_LABEL], name=labels.name)


def _secondary_suppression(extended: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    """Suppress more entries until no suppressed entry can be derived from the others.

    First every row and column (totals included) with one suppressed entry gets a second one, to a
    fixed point. That is not always enough: a suppressed entry whose removal disconnects the
    pattern of suppressed entries (a "bridge") still follows from the totals on one side of it.
    So each bridge is then closed into a cycle along the cheapest path of further entries.
    """
    suppressed = suppressed.copy()
    while True:
        _complete_lines(extended, suppressed)
        bridge = _find_bridge(suppressed)
        if bridge is None:
            return suppressed
        _close_cycle(extended, suppressed, bridge)


def _margin_mask(shape: tuple[int, int]) -> np.ndarray:
    margin = np.zeros(shape, dtype=bool)
    margin[-1, :] = True
    margin[:, -1] = True
    return margin


def _complete_lines(extended: np.ndarray, suppressed: np.ndarray) -> None:
    """Give every line (row or column, totals included) 0 or at least 2 suppressed entries.

    A line with a single suppressed entry gets the best unsuppressed non-zero entry: a body cell
    before a total, then one whose crossing line also has a single suppressed entry (fixing two
    lines at once), then the smallest value, then the first position.
    """
    margin = _margin_mask(extended.shape)
    n_rows, n_cols = extended.shape
    lines = [(i, slice(None)) for i in range(n_rows)] + [(slice(None), j) for j in range(n_cols)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if suppressed[line].sum() != 1:
                continue
            is_row = isinstance(line[0], int)
            candidates = []
            for k in range(n_cols if is_row else n_rows):
                position = (line[0], k) if is_row else (k, line[1])
                if suppressed[position] or extended[position] == 0:
                    continue
                crossing = suppressed[:, k] if is_row else suppressed[k, :]
                key = (margin[position], crossing.sum() != 1, extended[position], k)
                candidates.append((key, position))
            if candidates:  # always, since the line's entries must add up
                suppressed[min(candidates)[1]] = True
                changed = True


def _graph(
    edges: list[tuple[int, int]], weights: list[float], n_rows: int, n_cols: int
) -> coo_matrix:
    """Bipartite graph: node i is row i, node n_rows + j is column j; one edge per entry."""
    rows = [i for i, _ in edges]
    cols = [n_rows + j for _, j in edges]
    size = n_rows + n_cols
    return coo_matrix((weights, (rows, cols)), shape=(size, size)).tocsr()


def _find_bridge(suppressed: np.ndarray) -> tuple[int, int] | None:
    """The first suppressed entry that lies on no cycle of suppressed entries, if any."""
    n_rows, n_cols = suppressed.shape
    edges = [(int(i), int(j)) for i, j in zip(*np.nonzero(suppressed), strict=True)]
    for index, (i, j) in enumerate(edges):
        others = edges[:index] + edges[index + 1 :]
        graph = _graph(others, [1.0] * len(others), n_rows, n_cols)
        _, component = connected_components(graph, directed=False)
        if component[i] != component[n_rows + j]:
            return i, j
    return None


def _close_cycle(extended: np.ndarray, suppressed: np.ndarray, bridge: tuple[int, int]) -> None:
    """Suppress the cheapest path of entries joining the two ends of ``bridge`` another way.

    Suppressed entries cost (almost) nothing, body cells their value and totals their value plus
    more than the whole table, so totals are used only when no path through the body exists.
    Zeros are never used. Such a path always exists because each line adds up.
    """
    n_rows, n_cols = extended.shape
    margin = _margin_mask(extended.shape)
    penalty = float(extended[-1, -1]) + 1.0
    edges, weights = [], []
    for (i, j), value in np.ndenumerate(extended):
        if (i, j) == bridge or value == 0:
            continue
        edges.append((i, j))
        if suppressed[i, j]:
            weights.append(1e-6)
        else:
            weights.append(float(value) + (penalty if margin[i, j] else 0.0))
    graph = _graph(edges, weights, n_rows, n_cols)
    start, end = bridge[0], n_rows + bridge[1]
    _, predecessors = dijkstra(graph, directed=False, indices=start, return_predecessors=True)
    if predecessors[end] < 0:  # impossible for a table whose totals add up
        raise RuntimeError(f"disclosure: no path closes the cycle through entry {bridge}")
    node = end
    while node != start:
        previous = int(predecessors[node])
        row, col = (previous, node - n_rows) if previous < n_rows else (node, previous - n_rows)
        suppressed[row, col] = True
        node = previous
