"""The audit of a linked table: how far an attacker can narrow each site value.

The attacker holds every published site value of a population in one setting group, the
exact group values (the national report prints them) and the rules. Unknowns are the true
counts of every (site, measure, level); they are non-negative integers that add up to the
exact group values, each question's answers add up to the site's total, a value shown as 0 is
0, a rounded value lies in its rounding interval (and above the suppression threshold), and a
suppressed value is any count. For each published value, and for each value of the STC (which
is never published), two integer programs give the smallest and the largest true value
consistent with all of it. They are solved with HiGHS: the linear relaxation first, warm-started
from the previous target; when its optimum is integral it is the integer optimum, and only
otherwise does the branch-and-bound solver run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import highspy
import numpy as np
from scipy.sparse import coo_matrix

from analysis import config

Variable = tuple[str, str, str]  # (site, item, level)


@dataclass
class Cell:
    """One site value: the variables it adds up, its true value and the rule that fired."""

    site: str
    item: str
    level: str
    parts: tuple[Variable, ...]
    hidden: bool = False  # the STC's values: never published, always protected
    true: int = 0
    rule: str = ""


@dataclass
class LinkedTable:
    """One population in one setting group: variables, within-site links and cells."""

    population: str
    group: str
    round_base: int = config.SDC_ROUND_BASE
    suppress_max: int = config.SDC_SUPPRESS_MAX
    variables: dict[Variable, int] = field(default_factory=dict)
    equalities: list[tuple[tuple[Variable, ...], tuple[Variable, ...]]] = field(
        default_factory=list
    )
    cells: list[Cell] = field(default_factory=list)
    last_audit: dict = field(default_factory=dict)

    def add_variable(self, site: str, item: str, level: str, true: int) -> None:
        self.variables[(site, item, level)] = int(true)

    def true_value(self, variable: Variable) -> int:
        return self.variables[variable]

    def add_equality(self, left: tuple[Variable, ...], right: tuple[Variable, ...]) -> None:
        """Within one site: the sum of ``left`` equals the sum of ``right``."""
        self.equalities.append((left, right))


def rounding_interval(shown: int, base: int, suppress_max: int) -> tuple[int, int]:
    """True counts that round (halves up) to ``shown`` and are not suppressed."""
    low = math.ceil(shown - base / 2)
    high = math.ceil(shown + base / 2) - 1
    return max(low, suppress_max + 1), high


def audit_ranges(
    table: LinkedTable,
    round_base: int,
    min_suppressed: int,
    min_rounded: int,
    passed: set[tuple[str, str, str]] | None = None,
) -> list[Cell]:
    """Cells whose attacker range is too narrow; the others are added to ``passed``.

    Cells already in ``passed`` are not solved again: suppressing or withholding more values
    only removes constraints, so a range can only widen. Each range solved is kept in
    ``last_audit`` as (smallest, largest) or, when the smallest value alone shows the range
    is wide enough, (smallest, None).
    """
    passed = set() if passed is None else passed
    table.round_base = round_base
    index = {v: i for i, v in enumerate(table.variables)}
    n = len(index)
    rows: list[dict[int, float]] = []
    lower: list[float] = []
    upper: list[float] = []

    def add(coefs: dict[int, float], lo: float, hi: float) -> None:
        rows.append(coefs)
        lower.append(lo)
        upper.append(hi)

    group_totals: dict[tuple[str, str], list[int]] = {}
    for (_site, item, level), i in index.items():
        group_totals.setdefault((item, level), []).append(i)
    for (item, level), members in group_totals.items():
        exact = sum(table.variables[(s, item, level)] for s in _sites(table))
        add({i: 1.0 for i in members}, exact, exact)
    for left, right in table.equalities:
        coefs = {index[v]: 1.0 for v in left}
        for v in right:
            coefs[index[v]] = coefs.get(index[v], 0.0) - 1.0
        add(coefs, 0.0, 0.0)
    targets: list[tuple[Cell, int]] = []
    for cell in table.cells:
        coefs = {index[v]: 1.0 for v in cell.parts}
        if cell.hidden or cell.rule == "withheld":
            # never published: as wide as a suppressed value, or as wide as its group's and its
            # site's numbers of records allow
            group = sum(
                table.variables[(site, item, level)]
                for site in _sites(table)
                for _, item, level in cell.parts
            )
            site_total = sum(
                n
                for (site, item, _), n in table.variables.items()
                if site == cell.site and item == "year"
            )
            targets.append((cell, min(min_suppressed, group + 1, site_total + 1)))
        elif cell.rule == "exact":
            add(coefs, 0.0, 0.0)
        elif cell.rule == "rounded":
            shown = (2 * cell.true + round_base) // (2 * round_base) * round_base
            lo, hi = rounding_interval(shown, round_base, table.suppress_max)
            add(coefs, lo, hi)
            targets.append((cell, min_rounded))
        else:  # suppressed: any count
            targets.append((cell, min_suppressed))
    solver = _Solver(_sparse(rows, n), np.array(lower), np.array(upper))
    failures = []
    for cell, needed in targets:
        key = (cell.site, cell.item, cell.level)
        if key in passed:
            continue
        columns = [index[v] for v in cell.parts]
        low = solver.minimum(columns)
        if cell.true - low + 1 >= needed:  # the true value is feasible, so max >= true
            table.last_audit[key] = (low, None)
            passed.add(key)
            continue
        high = solver.maximum(columns)
        table.last_audit[key] = (low, high)
        if high - low + 1 < needed:
            failures.append(cell)
        else:
            passed.add(key)
    return failures


def _sites(table: LinkedTable) -> list[str]:
    return list(dict.fromkeys(site for site, _, _ in table.variables))


def _sparse(rows: list[dict[int, float]], n: int):
    data, r, c = [], [], []
    for k, coefs in enumerate(rows):
        for j, value in coefs.items():
            if value:
                r.append(k)
                c.append(j)
                data.append(value)
    return coo_matrix((data, (r, c)), shape=(len(rows), n)).tocsr()


def _new_highs() -> highspy.Highs:
    """A HiGHS instance; the banner it prints on the first one goes to /dev/null, not the log."""
    import os
    import sys

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


class _Solver:
    """min and max of a sum of variables over {x >= 0 integer : lower <= A x <= upper}."""

    def __init__(self, matrix, lower: np.ndarray, upper: np.ndarray):
        self.n = matrix.shape[1]
        matrix = matrix.tocsc()
        lp = highspy.HighsLp()
        lp.num_col_ = self.n
        lp.num_row_ = matrix.shape[0]
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_ = np.zeros(self.n)
        lp.col_upper_ = np.full(self.n, highspy.kHighsInf)
        lp.row_lower_ = lower
        lp.row_upper_ = upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = matrix.indptr
        lp.a_matrix_.index_ = matrix.indices
        lp.a_matrix_.value_ = matrix.data
        self.lp = lp
        self.relaxed = self._highs(lp)
        self.all_columns = np.arange(self.n, dtype=np.int32)

    @staticmethod
    def _highs(lp) -> highspy.Highs:
        highs = _new_highs()
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("log_to_console", False)
        # thousands of tiny programs: threads only cost synchronisation on a busy machine
        highs.setOptionValue("parallel", "off")
        highs.setOptionValue("threads", 1)
        highs.passModel(lp)
        return highs

    def minimum(self, columns: list[int]) -> int:
        return self._optimum(columns, 1.0)

    def maximum(self, columns: list[int]) -> int:
        return -self._optimum(columns, -1.0)

    def _optimum(self, columns: list[int], sign: float) -> int:
        cost = np.zeros(self.n)
        cost[columns] = sign
        self.relaxed.changeColsCost(self.n, self.all_columns, cost)
        self.relaxed.run()
        self._check(self.relaxed)
        values = np.asarray(self.relaxed.getSolution().col_value)
        nearest = np.rint(values)  # solver values snapped to the integers they stand for
        if np.all(np.abs(values - nearest) < 1e-7):
            return int(np.rint(cost @ nearest))
        integer = self.lp
        integer.col_cost_ = cost
        integer.integrality_ = [highspy.HighsVarType.kInteger] * self.n
        highs = self._highs(integer)
        highs.run()
        self._check(highs)
        integer.integrality_ = []
        return int(np.rint(highs.getInfo().objective_function_value))

    @staticmethod
    def _check(highs: highspy.Highs) -> None:
        status = highs.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:  # the true values are always feasible
            ended = highs.modelStatusToString(status)
            raise RuntimeError(f"disclosure audit: solver ended with {ended}")
