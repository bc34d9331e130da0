"""Change in a share between the first and last year, said in words with its size.

A change is called a rise or a fall only when the 95% interval of the difference
(Newcombe, from ``compare_two_proportions``) excludes zero; otherwise the series is named
among those with no clear change. Below national level, counts are rounded, so no test is
run and the two values are simply given.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.display.presentation import format_percent
from analysis.statistics.proportions import compare_two_proportions, join_words, year_words
from analysis.statistics.reporting_groups import GROUP_WORDS, groups_in


@dataclass(frozen=True)
class Change:
    """A series' share in its first and last year shown, and the direction of the change."""

    name: str
    first: float
    last: float
    direction: int  # +1 rose, -1 fell, 0 no clear change (or not tested)

    @property
    def words(self) -> str:
        """'training (46% to 72%)'."""
        return f"{self.name} ({format_percent(self.first)} to {format_percent(self.last)})"

    def verb_phrase(self, tested: bool = True) -> str:
        """'rose from 46% to 72%', 'fell ...', 'showed no clear change (46% to 52%)'."""
        values = f"{format_percent(self.first)} to {format_percent(self.last)}"
        if not tested:
            return f"went from {values}"
        if self.direction > 0:
            return f"rose from {values}"
        if self.direction < 0:
            return f"fell from {values}"
        return f"showed no clear change ({values})"


def _shown(rows: pd.DataFrame) -> pd.DataFrame:
    shown = rows[pd.to_numeric(rows["proportion"], errors="coerce").notna()]
    return shown.sort_values("year")


def change_over_years(rows: pd.DataFrame, name: str, test: bool = True) -> Change | None:
    """The change in one series (rows with year and share columns), or None with < 2 years."""
    shown = _shown(rows)
    if len(shown) < 2:
        return None
    first, last = shown.iloc[0], shown.iloc[-1]
    direction = 0
    if test:
        result = compare_two_proportions(
            int(first["numerator"]),
            int(first["denominator"]),
            int(last["numerator"]),
            int(last["denominator"]),
        )
        direction = 1 if result.ci_low > 0 else -1 if result.ci_high < 0 else 0
    return Change(name, float(first["proportion"]), float(last["proportion"]), direction)


def years_span(rows: pd.DataFrame) -> str:
    """'between year one and year three' for the first and last year shown."""
    shown = _shown(rows)
    if len(shown) < 2:
        return ""
    return f"between {year_words(shown['year'].iloc[0])} and {year_words(shown['year'].iloc[-1])}"


def describe_changes(changes: list[Change], tested: bool = True) -> str:
    """'rose for training (46% to 72%) and supervision (40% to 62%); no clear change for ...'."""
    rose = [c.words for c in changes if c.direction > 0]
    fell = [c.words for c in changes if c.direction < 0]
    flat = [c.name for c in changes if c.direction == 0]
    if not tested:
        return "went from " + join_words([c.words for c in changes])
    parts = []
    if rose:
        parts.append(f"rose for {join_words(rose)}")
    if fell:
        parts.append(f"fell for {join_words(fell)}")
    if flat:
        parts.append(f"showed no clear change for {join_words(flat)}")
    return "; ".join(parts)


def describe_group_changes(table: pd.DataFrame, measure: str, protect: bool = False) -> str:
    """'Between year one and year three, <measure> rose from 30% to 56% in YOIs and the STC
    and ...': one series per setting group (`reporting_group` column) of a by-year share table.
    """
    groups = groups_in(table)
    parts = []
    for group in groups:
        rows = table[table["reporting_group"] == group]
        change = change_over_years(rows, group, test=not protect)
        if change is not None:
            where = f" in {GROUP_WORDS[group]}" if len(groups) > 1 else ""
            parts.append(change.verb_phrase(tested=not protect) + where)
    if not parts:
        return "Fewer than two years can be shown here, so no change can be seen."
    return f"{years_span(table).capitalize()}, {measure} {join_words(parts)}."
