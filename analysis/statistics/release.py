"""One released set of values per measure across national -> setting group -> site.

Every number a site report publishes comes from a :class:`Release`. A release covers
*populations* (staff surveys, children's surveys, administrative cases, interviews), each
counted by site and year, and *questions* asked of a population, counted by site and answer
(a "not recorded" answer keeps each question's total equal to the population's). National
and setting-group values are exact: the national report prints them. Site values are
protected together, as linked tables, so that the whole set of reports stays safe:

1. primary rules: a count of 1..``suppress_max`` is suppressed; in a question whose site
   total is under ``small_group`` a count of 0 or of everyone (0% or 100% of a small group)
   is suppressed; every other count is rounded to the nearest ``round_base``; 0 is shown;
2. audit: for each population and setting group, an integer program (:mod:`.release_audit`)
   finds, for every published value, the smallest and largest true value consistent with
   everything published (site values, exact group totals, the rules); a suppressed value
   must keep at least ``MIN_SUPPRESSED_RANGE`` possible values, a rounded one at least
   ``MIN_ROUNDED_RANGE``, and every value of the single STC (which has no report) at least
   ``MIN_SUPPRESSED_RANGE``;
3. secondary suppression: for each value that fails the audit, the smallest published value
   of the same measure at another site of the group (and, for a suppressed value, in its own
   line) is suppressed too, and the audit runs again; a measure that cannot be protected in a
   group even when all its values there are suppressed is withheld for that group.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis import config
from analysis.errors import ParameterError
from analysis.statistics.disclosure import DEFAULT_POLICY, DisclosurePolicy, _round_half_up
from analysis.statistics.release_audit import Cell, LinkedTable, audit_ranges

__all__ = [
    "MIN_ROUNDED_RANGE",
    "MIN_SUPPRESSED_RANGE",
    "NOT_RECORDED",
    "TOTAL",
    "Population",
    "Question",
    "Release",
    "ReleasedValue",
    "build_release",
]

TOTAL = "Total"
NOT_RECORDED = "not recorded"
MIN_SUPPRESSED_RANGE = 5  # a suppressed value keeps at least 5 possible values
MIN_ROUNDED_RANGE = 3  # a rounded value keeps at least 3 possible values

# Rules, as named in the disclosure log
RULE_THRESHOLD = "threshold"
RULE_SMALL_GROUP = "small-group-share"
RULE_SECONDARY = "secondary"
RULE_WITHHELD = "withheld"
RULE_ROUNDED = "rounded"


@dataclass(frozen=True)
class Question:
    """A question asked of every record of a population, with its answers in report order."""

    key: str
    title: str
    column: str
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Population:
    """Records counted by site and year (one table, optionally filtered by a column value)."""

    key: str
    title: str
    questions: tuple[Question, ...] = ()

    def items(self) -> list[str]:
        """The measures of this population: 'year' and each question's key."""
        return ["year", *(q.key for q in self.questions)]

    def question(self, key: str) -> Question:
        for question in self.questions:
            if question.key == key:
                return question
        raise ParameterError(f"population {self.key!r} has no question {key!r}")


@dataclass(frozen=True)
class ReleasedValue:
    """One site value as published: a count, 0, the suppression symbol, or withheld (None)."""

    shown: int | str | None
    rule: str  # "exact" (0), "rounded", "threshold", "small-group-share", "secondary", "withheld"

    @property
    def published(self) -> bool:
        return self.shown is not None


@dataclass
class Release:
    """Site values as published, and exact group and national values, for every measure."""

    populations: tuple[Population, ...]
    years: tuple[int, ...]
    sites: pd.DataFrame  # site_id, setting_type, reporting_group
    site_values: dict[tuple[str, str, str, str], ReleasedValue] = field(default_factory=dict)
    group_values: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    national_values: dict[tuple[str, str, str], int] = field(default_factory=dict)
    audit: dict[tuple[str, str], dict] = field(default_factory=dict)

    def population(self, key: str) -> Population:
        for population in self.populations:
            if population.key == key:
                return population
        raise ParameterError(f"no population {key!r} in the release")

    def levels(self, population: str, item: str) -> list[str]:
        """The levels of one measure: years and Total, or a question's answers."""
        if item == "year":
            return [*(str(y) for y in self.years), TOTAL]
        return list(self.population(population).question(item).answers)

    def reporting_group(self, site: str) -> str:
        row = self.sites.loc[self.sites["site_id"] == site]
        if row.empty:
            raise ParameterError(f"site {site!r} is not in the release")
        return str(row["reporting_group"].iloc[0])

    def reported_sites(self) -> list[str]:
        """Sites that get a report of their own: every site except the STC."""
        keep = self.sites["setting_type"] != "STC"
        return self.sites.loc[keep, "site_id"].astype(str).tolist()

    def site_value(self, population: str, item: str, level: str, site: str) -> ReleasedValue:
        return self.site_values[(population, item, level, site)]

    def site_total(self, population: str, site: str) -> ReleasedValue:
        return self.site_value(population, "year", TOTAL, site)


# --- building -----------------------------------------------------------------------------


def build_release(
    records: dict[str, pd.DataFrame],
    populations: Sequence[Population],
    sites: pd.DataFrame,
    years: Iterable[int] = config.YEARS,
    policy: DisclosurePolicy = DEFAULT_POLICY,
    small_group: int = config.SDC_SMALL_GROUP,
) -> Release:
    """The release of every population: exact national and group values, protected site values.

    ``records`` maps each population key to its records (columns ``site_id``, ``year`` and each
    question's column; a missing answer counts as "not recorded"). ``sites`` is the site
    register (``site_id``, ``setting_type``, ``reporting_group``).
    """
    years = tuple(int(y) for y in years)
    register = sites[["site_id", "setting_type", "reporting_group"]].astype(str)
    register = register.reset_index(drop=True)
    release = Release(tuple(populations), years, register)
    for population in populations:
        if population.key not in records:
            raise ParameterError(f"build_release: no records for population {population.key!r}")
        counts = _true_counts(records[population.key], population, register, years)
        for _group, members in register.groupby("reporting_group", sort=False):
            table = _linked_table(population, members, counts, years, policy, small_group)
            _protect(table, policy)
            _record(release, population, table, counts, members, policy.symbol)
        for (item, level), total in _national(counts).items():
            release.national_values[(population.key, item, level)] = total
    return release


def _true_counts(
    frame: pd.DataFrame, population: Population, sites: pd.DataFrame, years: tuple[int, ...]
) -> dict[tuple[str, str, str], int]:
    """Exact count of every (item, level, site), totals included."""
    missing = [c for c in ("site_id", "year") if c not in frame]
    missing += [q.column for q in population.questions if q.column not in frame]
    if missing:
        raise ParameterError(f"population {population.key!r}: missing column(s) {missing}")
    counts: dict[tuple[str, str, str], int] = {}
    site_ids = sites["site_id"].tolist()
    frame = frame[frame["year"].isin(years)]
    by_year = frame.groupby(["site_id", "year"]).size()
    for site in site_ids:
        total = 0
        for year in years:
            n = int(by_year.get((site, year), 0))
            counts[("year", str(year), site)] = n
            total += n
        counts[("year", TOTAL, site)] = total
    for question in population.questions:
        answers = frame[question.column].astype("string").fillna(NOT_RECORDED)
        unknown = sorted(set(answers) - set(question.answers))
        if unknown:
            raise ParameterError(
                f"question {question.key!r}: answers {unknown} are not among {question.answers}"
            )
        by_answer = pd.DataFrame({"site_id": frame["site_id"], "answer": answers})
        sizes = by_answer.groupby(["site_id", "answer"]).size()
        for site in site_ids:
            for answer in question.answers:
                counts[(question.key, answer, site)] = int(sizes.get((site, answer), 0))
    return counts


def _national(counts: dict[tuple[str, str, str], int]) -> dict[tuple[str, str], int]:
    totals: dict[tuple[str, str], int] = {}
    for (item, level, _), n in counts.items():
        totals[(item, level)] = totals.get((item, level), 0) + n
    return totals


def _linked_table(
    population: Population,
    members: pd.DataFrame,
    counts: dict[tuple[str, str, str], int],
    years: tuple[int, ...],
    policy: DisclosurePolicy,
    small_group: int,
) -> LinkedTable:
    """The linked table of one population in one setting group, with the primary rules applied."""
    year_levels = [str(y) for y in years]
    group = str(members["reporting_group"].iloc[0])
    table = LinkedTable(population.key, group, policy.round_base, policy.suppress_max)
    for site, setting in zip(members["site_id"], members["setting_type"], strict=True):
        hidden = setting == "STC"
        for year in year_levels:
            table.add_variable(site, "year", year, counts[("year", year, site)])
        for question in population.questions:
            for answer in question.answers:
                table.add_variable(site, question.key, answer, counts[(question.key, answer, site)])
        total = counts[("year", TOTAL, site)]
        cells = [Cell(site, "year", y, ((site, "year", y),), hidden) for y in year_levels]
        cells.append(
            Cell(site, "year", TOTAL, tuple((site, "year", y) for y in year_levels), hidden)
        )
        for question in population.questions:
            parts = tuple((site, question.key, a) for a in question.answers)
            table.add_equality(parts, tuple((site, "year", y) for y in year_levels))
            cells += [
                Cell(site, question.key, a, ((site, question.key, a),), hidden)
                for a in question.answers
            ]
        for cell in cells:
            value = sum(table.true_value(v) for v in cell.parts)
            cell.true = value
            if 1 <= value <= policy.suppress_max:
                cell.rule = RULE_THRESHOLD
            elif cell.item != "year" and 0 < total < small_group and value in (0, total):
                cell.rule = RULE_SMALL_GROUP
            elif value == 0:
                cell.rule = "exact"
            else:
                cell.rule = RULE_ROUNDED
            table.cells.append(cell)
    return table


def _protect(table: LinkedTable, policy: DisclosurePolicy) -> None:
    """Secondary suppression until the audit passes; withhold what cannot be protected."""
    passed: set[tuple[str, str, str]] = set()
    while True:
        failures = audit_ranges(
            table, policy.round_base, MIN_SUPPRESSED_RANGE, MIN_ROUNDED_RANGE, passed
        )
        if not failures:
            return
        changed = False
        for cell in failures:
            for candidate in _secondary_candidates(table, cell):
                candidate.rule = RULE_SECONDARY
                passed.discard((candidate.site, candidate.item, candidate.level))
                changed = True
        if not changed:
            _withhold(table, failures)


def _unpublished(cell: Cell) -> bool:
    return cell.hidden or cell.rule == RULE_WITHHELD


def _secondary_candidates(table: LinkedTable, failing: Cell) -> list[Cell]:
    """The cheapest further value to suppress in the failing value's column (the same measure
    at the group's other sites) and in its line (the site's other levels of the measure and,
    for an answer, the site's total, which the answers add up to)."""
    open_cells = [
        c for c in table.cells if not _unpublished(c) and c.rule in (RULE_ROUNDED, "exact")
    ]
    chosen = []
    column = [
        c
        for c in open_cells
        if c.item == failing.item and c.level == failing.level and c.site != failing.site
    ]
    if column:
        chosen.append(min(column, key=_cost))
    if not failing.hidden:
        line = [
            c
            for c in open_cells
            if c.site == failing.site
            and c is not failing
            and (c.item == failing.item or (c.item == "year" and c.level == TOTAL))
        ]
        if line:
            chosen.append(min(line, key=_cost))
    return chosen


def _cost(cell: Cell) -> tuple[bool, bool, int, str, str]:
    """Prefer a site's parts to its total (shares need the total), non-zero values, small ones,
    then a fixed order."""
    return (cell.level == TOTAL, cell.true == 0, cell.true, cell.site, cell.level)


def _withhold(table: LinkedTable, failures: list[Cell]) -> None:
    """Withhold, in this group, what cannot be protected even with every value suppressed.

    A suppressed value that stays too narrow withholds its column (the same measure and level
    at every site of the group); a value that is already unpublished withholds the population.
    """
    if any(_unpublished(c) for c in failures):
        if all(c.rule == RULE_WITHHELD for c in table.cells if not c.hidden):
            raise RuntimeError(
                f"disclosure: {table.population} in {table.group} cannot be protected"
            )
        columns = {(c.item, c.level) for c in table.cells}
    else:
        columns = {(c.item, c.level) for c in failures}
    for cell in table.cells:
        if (cell.item, cell.level) in columns and not cell.hidden:
            cell.rule = RULE_WITHHELD


def _record(
    release: Release,
    population: Population,
    table: LinkedTable,
    counts: dict[tuple[str, str, str], int],
    members: pd.DataFrame,
    symbol: str,
) -> None:
    group = table.group
    for cell in table.cells:
        if cell.hidden:
            continue
        if cell.rule == RULE_WITHHELD:
            shown: int | str | None = None
        elif cell.rule == RULE_ROUNDED:
            shown = _round_half_up(cell.true, table.round_base)
        elif cell.rule == "exact":
            shown = 0
        else:
            shown = symbol
        release.site_values[(population.key, cell.item, cell.level, cell.site)] = ReleasedValue(
            shown, cell.rule
        )
    site_ids = set(members["site_id"])
    for (item, level, site), n in counts.items():
        if site in site_ids:
            key = (population.key, item, level, group)
            release.group_values[key] = release.group_values.get(key, 0) + n
    release.audit[(population.key, group)] = table.last_audit
