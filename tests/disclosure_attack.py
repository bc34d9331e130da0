"""The attacker of the disclosure-control tests: an integer program over everything published.

Written apart from `analysis.statistics.release` on purpose: it reads only what a build
publishes (each site report's export, checked against its pages by the tests) and, as the
national report, the exact national and setting-group counts, which it computes itself from
the data. It knows the rules: a count shown rounded lies within 2 of the shown value and above
7, a count shown as 0 is 0, a suppressed count (*) can be anything, and each question's answers
add up to the site's total. For every published count it solves the smallest and the largest
true value consistent with all of that (the linear relaxation first, with HiGHS; scipy's
``milp`` whenever the relaxation's optimum is not integral).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import highspy
import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import lil_matrix

from analysis import config
from analysis.data import loading

SUPPRESSED_RANGE = 5  # a suppressed value keeps at least 5 possible values
ROUNDED_RANGE = 3  # a rounded value keeps at least 3 possible values

# Each population: (source table, filter, {question: column}); answers as the data hold them.
QUESTIONS = {
    "staff_surveys": ("attend_formulation", "supervision_access", "released_for_support"),
    "cyp_surveys": ("felt_safe", "listened_to", "involved_in_formulation", "has_goals"),
    "admin_cases": ("formulation", "transition_plan", "education_engaged"),
    "staff_interviews": (),
    "cyp_interviews": (),
}
NOT_RECORDED = "not recorded"


def population_records(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Each population's records, answers as text, missing as 'not recorded'."""
    admin = loading.load_admin(data_dir).copy()
    for column in QUESTIONS["admin_cases"]:
        admin[column] = admin[column].map({True: "yes", False: "no"})
    interviews = loading.load_interviews(data_dir)
    frames = {
        "staff_surveys": loading.load_staff_survey(data_dir),
        "cyp_surveys": loading.load_cyp_survey(data_dir),
        "admin_cases": admin,
        "staff_interviews": interviews[interviews["participant_group"] == "staff"],
        "cyp_interviews": interviews[interviews["participant_group"] == "cyp"],
    }
    for key, frame in frames.items():
        frame = frame.copy()
        for column in QUESTIONS[key]:
            frame[column] = frame[column].astype("string").fillna(NOT_RECORDED).str.lower()
        frames[key] = frame
    return frames


@dataclass
class Observation:
    """One published site count: which measure, which site, and how it was shown."""

    population: str
    item: str  # "year" or a question
    level: str  # "1", "2", "3", "Total" or an answer
    site: str
    shown: str  # "*", "0", "25", "not shown", ...


@dataclass
class Breach:
    observation: Observation
    low: int
    high: int
    needed: int

    def __str__(self) -> str:
        o = self.observation
        return (
            f"{o.site} {o.population}/{o.item}={o.level} shown {o.shown!r}: true value "
            f"narrowed to {self.low}..{self.high} ({self.high - self.low + 1} values, "
            f"needs {self.needed})"
        )


def observations_from_exports(book_dir: Path) -> list[Observation]:
    """Every site count printed by every site report, read from each report's export."""
    found = []
    for export_path in sorted((book_dir / "sites").glob("*/release.json")):
        export = json.loads(export_path.read_text(encoding="utf-8"))
        site = export["site"]
        for table in export["tables"]:
            for row in table["rows"]:
                if table["measure"] == "year":
                    level = "Total" if row[0] == "Total" else row[0].removeprefix("Year ")
                else:
                    level = row[0].lower()
                found.append(
                    Observation(table["population"], table["measure"], level, site, row[1])
                )
    return found


@dataclass
class _Problem:
    variables: dict[tuple[str, str, str], int] = field(default_factory=dict)  # (site,item,lvl)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)

    def var(self, site: str, item: str, level: str) -> int:
        return self.variables.setdefault((site, item, level), len(self.variables))


def attack(
    observations: list[Observation],
    data_dir: Path,
    reported_hidden: tuple[str, ...] = (),
) -> tuple[list[Breach], int]:
    """Breaches of the guarantee over a data folder's populations, and how many were attacked.

    ``reported_hidden`` are sites whose values must stay as uncertain as a suppressed value
    (the STC), or as the group totals alone allow when those are smaller.
    """
    sites = loading.load_sites(data_dir)
    return attack_records(observations, population_records(data_dir), sites, reported_hidden)


def attack_records(
    observations: list[Observation],
    records: dict[str, pd.DataFrame],
    sites: pd.DataFrame,
    reported_hidden: tuple[str, ...] = (),
    questions: dict[str, tuple[str, ...]] = QUESTIONS,
) -> tuple[list[Breach], int]:
    """:func:`attack` over given records (answers as text, missing as 'not recorded')."""
    group_of = dict(zip(sites["site_id"], sites["reporting_group"], strict=True))
    years = [str(y) for y in config.YEARS]
    breaches: list[Breach] = []
    attacked = 0
    by_problem: dict[tuple[str, str], list[Observation]] = defaultdict(list)
    for o in observations:
        by_problem[(o.population, group_of[o.site])].append(o)
    for population, group in sorted({(p, g) for p in records for g in set(group_of.values())}):
        members = [s for s in sites["site_id"] if group_of[s] == group]
        frame = records[population]
        frame = frame[frame["site_id"].isin(members)]
        problem = _Problem()
        true: dict[int, int] = {}
        year_counts = frame.groupby(["site_id", "year"]).size()
        for site in members:
            for year in years:
                true[problem.var(site, "year", year)] = int(year_counts.get((site, int(year)), 0))
        answers: dict[str, list[str]] = {}
        for question in questions[population]:
            observed = {o.level for o in observations if o.item == question}
            answers[question] = sorted(set(records[population][question]) | observed)
            counts = frame.groupby(["site_id", question]).size()
            for site in members:
                for answer in answers[question]:
                    true[problem.var(site, question, answer)] = int(counts.get((site, answer), 0))
        # the national report: exact group counts of every measure and level
        for item, level in {(i, lv) for _, i, lv in problem.variables}:
            columns = {problem.var(s, item, level): 1.0 for s in members}
            exact = sum(true[i] for i in columns)
            problem.rows.append((columns, exact, exact))
        # the rules: each question's answers add up to the site's total
        for site in members:
            year_vars = [problem.var(site, "year", y) for y in years]
            for question in questions[population]:
                coefs = {problem.var(site, question, a): 1.0 for a in answers[question]}
                for v in year_vars:
                    coefs[v] = -1.0
                problem.rows.append((coefs, 0.0, 0.0))
        targets: list[tuple[Observation, list[int], int]] = []
        for o in by_problem.get((population, group), []):
            parts = (
                [problem.var(o.site, "year", y) for y in years]
                if o.level == "Total"
                else [problem.var(o.site, o.item, o.level)]
            )
            coefs = dict.fromkeys(parts, 1.0)
            shown = o.shown.replace(",", "")
            if shown == "not shown":
                continue
            if shown == "*":
                targets.append((o, parts, SUPPRESSED_RANGE))
            elif shown == "0":
                problem.rows.append((coefs, 0.0, 0.0))
            else:
                value = int(shown)
                low = max(math.ceil(value - config.SDC_ROUND_BASE / 2), config.SDC_SUPPRESS_MAX + 1)
                high = math.ceil(value + config.SDC_ROUND_BASE / 2) - 1
                problem.rows.append((coefs, low, high))
                targets.append((o, parts, ROUNDED_RANGE))
        for site in members:
            if site not in reported_hidden:
                continue
            site_total = sum(true[problem.var(site, "year", y)] for y in years)
            levels = [("year", y) for y in years] + [("year", "Total")]
            levels += [(q, a) for q in questions[population] for a in answers[q]]
            for item, level in levels:
                parts = (
                    [problem.var(site, "year", y) for y in years]
                    if level == "Total"
                    else [problem.var(site, item, level)]
                )
                keys = [k for k, index in problem.variables.items() if index in parts]
                group_total = sum(true[problem.var(s, i, lv)] for s in members for _, i, lv in keys)
                needed = min(SUPPRESSED_RANGE, group_total + 1, site_total + 1)
                hidden = Observation(population, item, level, site, "(no report)")
                targets.append((hidden, parts, needed))
        attacked += len(targets)
        breaches += _solve_targets(problem, true, targets)
    return breaches, attacked


def _solve_targets(problem: _Problem, true: dict[int, int], targets) -> list[Breach]:
    n = len(problem.variables)
    matrix = lil_matrix((len(problem.rows), n))
    lower, upper = [], []
    for k, (coefs, lo, hi) in enumerate(problem.rows):
        for j, value in coefs.items():
            matrix[k, j] = value
        lower.append(lo)
        upper.append(hi)
    solver = _Optimum(matrix.tocsr(), np.array(lower, float), np.array(upper, float))
    breaches = []
    for observation, parts, needed in targets:
        objective = np.zeros(n)
        objective[parts] = 1.0
        truth = sum(true[p] for p in parts)
        low = solver(objective)
        if truth - low + 1 >= needed:  # the true value is feasible, so the maximum is >= it
            continue
        high = -solver(-objective)
        if high - low + 1 < needed:
            breaches.append(Breach(observation, low, high, needed))
    return breaches


class _Optimum:
    """min c.x over the attacker's integer points: the linear relaxation by HiGHS (warm-started
    across objectives), and scipy's ``milp`` whenever the relaxation's optimum is not integral."""

    def __init__(self, matrix, lower: np.ndarray, upper: np.ndarray):
        self.n = matrix.shape[1]
        self.constraints = LinearConstraint(matrix, lower, upper)
        csc = matrix.tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n, matrix.shape[0]
        lp.col_cost_ = np.zeros(self.n)
        lp.col_lower_, lp.col_upper_ = np.zeros(self.n), np.full(self.n, highspy.kHighsInf)
        lp.row_lower_, lp.row_upper_ = lower, upper
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_, lp.a_matrix_.index_ = csc.indptr, csc.indices
        lp.a_matrix_.value_ = csc.data
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("parallel", "off")
        self.highs.setOptionValue("threads", 1)
        self.highs.passModel(lp)
        self.columns = np.arange(self.n, dtype=np.int32)

    def __call__(self, objective: np.ndarray) -> int:
        self.highs.changeColsCost(self.n, self.columns, objective)
        self.highs.run()
        assert self.highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        x = np.asarray(self.highs.getSolution().col_value)
        if np.all(np.abs(x - np.round(x)) < 1e-7):
            return round(float(objective @ np.round(x)))
        result = milp(
            objective,
            constraints=self.constraints,
            integrality=np.ones(self.n),
            bounds=Bounds(np.zeros(self.n), np.full(self.n, np.inf)),
        )
        assert result.status == 0, result.message  # the true values are always feasible
        return round(result.fun)
