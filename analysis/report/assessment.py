"""Whether the data in scope bear out a finding: its direction and size against its claim.

Each headline finding states what the evaluation reported (its *claim*: "most children had a
formulation", "multi-agency working became more common", "a common theme in staff
interviews"). ``assess_*`` turn the numbers in scope into a verdict on that claim from the 95%
interval: *consistent* when the interval lies wholly on the side the claim states, *against*
when it lies wholly on the other side, *unclear* when it straddles the line. A finding whose
numbers are missing in scope cannot be assessed, and one hidden by disclosure control is
*withheld*. ``combine`` turns the verdicts on the findings a recommendation rests on into
the recommendation's status; ``describe_rule`` states the whole rule for the report.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from analysis import config
from analysis.display.presentation import format_number, format_percent
from analysis.statistics.proportions import compare_two_proportions, wilson_interval

CONSISTENT = "consistent"
AGAINST = "against"
UNCLEAR = "unclear"
NO_DATA = "no data"
WITHHELD = "withheld"
ASSESSABLE = (CONSISTENT, AGAINST, UNCLEAR)

# A recommendation's status, from the verdicts on the findings it rests on.
STATUS_CONSISTENT = "Consistent"
STATUS_MIXED = "Mixed"
STATUS_AGAINST = "Against"
STATUS_INCONCLUSIVE = "Inconclusive"
STATUS_NOT_ASSESSABLE = "Cannot be assessed in this selection"
STATUS_WITHHELD = "Withheld by disclosure control"


@dataclass(frozen=True)
class Assessment:
    """The verdict on one finding's claim, and the numbers it rests on."""

    verdict: str  # consistent, against, unclear, no data or withheld
    claim: str  # what was tested, e.g. "more than half of children had a formulation"
    basis: str = ""  # the estimate and interval, e.g. "85% (95% CI 82% to 88%)"

    @property
    def assessable(self) -> bool:
        """True when the numbers in scope allow a verdict (whichever way it goes)."""
        return self.verdict in ASSESSABLE


def not_assessable(claim: str, withheld: bool) -> Assessment:
    """No verdict: the numbers are missing in scope, or hidden by disclosure control."""
    return Assessment(WITHHELD if withheld else NO_DATA, claim)


def _interval_words(estimate: str, low: float, high: float) -> str:
    return f"{estimate} (95% CI {format_percent(low)} to {format_percent(high)})"


def _points(proportion: float) -> str:
    """A difference of proportions in percentage points, signed: '+26', '-59', '0'."""
    text = format_number(proportion * 100)
    return text if text.startswith("-") or text == "0" else f"+{text}"


def _verdict(low: float, high: float, line: float, direction: int) -> str:
    """Consistent when [low, high] lies wholly beyond `line` in `direction` (+1 above, -1 below)."""
    if direction > 0:
        return CONSISTENT if low > line else AGAINST if high < line else UNCLEAR
    return CONSISTENT if high < line else AGAINST if low > line else UNCLEAR


def assess_level(
    numerator: int,
    denominator: int,
    level: float,
    claim: str,
    direction: int = 1,
    name: str = "",
) -> Assessment:
    """A share against a level: consistent when its Wilson interval lies wholly above it
    (or below it, with ``direction=-1``). `name` says whose share it is ('children')."""
    if not denominator:
        return not_assessable(claim, withheld=False)
    low, high = wilson_interval(int(numerator), int(denominator))
    basis = _interval_words(format_percent(numerator / denominator), low, high)
    basis = f"{name} {basis}" if name else basis
    return Assessment(_verdict(low, high, level, direction), claim, basis)


def assess_difference(
    first: tuple[int, int],
    second: tuple[int, int],
    claim: str,
    direction: int = 1,
    names: tuple[str, str] = ("first", "second"),
) -> Assessment:
    """Second share minus first (a change over time, or one group against another):
    consistent when the 95% interval of the difference excludes zero on the claimed side.
    `names` say where each share comes from ('year one', 'SCHs')."""
    if not first[1] or not second[1]:
        return not_assessable(claim, withheld=False)
    test = compare_two_proportions(first[0], first[1], second[0], second[1])
    basis = (
        f"{format_percent(test.first.proportion)} {names[0]}, "
        f"{format_percent(test.second.proportion)} {names[1]}: "
        f"{_points(test.difference)} points "
        f"(95% CI {_points(test.ci_low)} to {_points(test.ci_high)})"
    )
    return Assessment(_verdict(test.ci_low, test.ci_high, 0.0, direction), claim, basis)


def assess_estimate(
    estimate: float, low: float, high: float, claim: str, line: float = 0.0, words: str = ""
) -> Assessment:
    """A model estimate with its interval: consistent when the interval lies above `line`."""
    if any(math.isnan(v) for v in (estimate, low, high)):
        return not_assessable(claim, withheld=False)
    basis = words or (
        f"{format_number(estimate, 2)} (95% CI {format_number(low, 2)} to {format_number(high, 2)})"
    )
    return Assessment(_verdict(low, high, line, 1), claim, basis)


def assess_value(value: float, line: float, claim: str, words: str) -> Assessment:
    """A point value with no interval (a mid-point estimate): consistent above `line`,
    against below it."""
    if value is None or math.isnan(value):
        return not_assessable(claim, withheld=False)
    return Assessment(CONSISTENT if value > line else AGAINST, claim, words)


def all_of(parts: Iterable[Assessment], claim: str) -> Assessment:
    """A claim made of several parts: consistent when every part is, against when every
    part is, unclear otherwise; not assessable when any part is not."""
    parts = list(parts)
    if not parts:
        return not_assessable(claim, withheld=False)
    missing = [p for p in parts if not p.assessable]
    if missing:
        return not_assessable(claim, withheld=any(p.verdict == WITHHELD for p in missing))
    verdicts = {p.verdict for p in parts}
    verdict = verdicts.pop() if len(verdicts) == 1 else UNCLEAR
    return Assessment(verdict, claim, "; ".join(p.basis for p in parts if p.basis))


def combine(assessments: Iterable[Assessment]) -> str:
    """A recommendation's status from the verdicts on the findings it rests on.

    Only findings that can be assessed in scope count. Consistent when all of them are;
    against when all are; inconclusive when all are unclear; mixed otherwise. With none
    assessable: withheld by disclosure control when any was hidden by it, else cannot be
    assessed in this selection.
    """
    assessments = list(assessments)
    verdicts = {a.verdict for a in assessments if a.assessable}
    if not verdicts:
        if any(a.verdict == WITHHELD for a in assessments):
            return STATUS_WITHHELD
        return STATUS_NOT_ASSESSABLE
    if verdicts == {CONSISTENT}:
        return STATUS_CONSISTENT
    if verdicts == {AGAINST}:
        return STATUS_AGAINST
    if verdicts == {UNCLEAR}:
        return STATUS_INCONCLUSIVE
    return STATUS_MIXED


def describe_rule() -> str:
    """The rule behind every verdict and status, as the report states it."""
    majority, common, some = (
        format_percent(config.MAJORITY_SHARE),
        format_percent(config.COMMON_THEME_SHARE),
        format_percent(config.SOME_THEME_SHARE),
    )
    return (
        "Each finding is tested against what the evaluation reported, using the 95% interval "
        "of the estimate in this selection.\n\n"
        '- A reported **level** is tested against a line: "most" means more than '
        f'{majority}, a "common" interview theme at least {common} of interviews, and a '
        f'theme "some" described at least {some}.\n'
        "- A reported **change or difference** (a rise between the first and last year, or "
        "one setting group above the other) is tested against no difference.\n"
        "- A finding is **consistent** when its interval lies wholly on the reported side of "
        "the line, **against** when it lies wholly on the other side, and **unclear** when it "
        "spans the line. Mid-point cost estimates have no interval and are read as they fall.\n\n"
        "A recommendation is **consistent** when every finding it rests on that can be "
        "assessed here is consistent, **against** when every one is against, "
        "**inconclusive** when every one is unclear, and **mixed** otherwise. When none can be "
        "assessed, it is **withheld by disclosure control** if small-number suppression hid "
        "the evidence, and **cannot be assessed in this selection** if the data are not in "
        "scope (no interviews at a site, or a single year for a change)."
    )
