"""Verdicts on findings from direction, size and interval, and statuses from verdicts."""

from __future__ import annotations

import pytest

from analysis import config
from analysis.report import assessment as a


def test_a_level_is_consistent_only_when_its_interval_clears_the_line():
    assert a.assess_level(85, 100, 0.5, "most").verdict == a.CONSISTENT
    assert a.assess_level(15, 100, 0.5, "most").verdict == a.AGAINST
    assert a.assess_level(6, 10, 0.5, "most").verdict == a.UNCLEAR  # 60%, but 10 answers
    assert a.assess_level(60, 100, 0.5, "most").verdict == a.CONSISTENT  # same share, more data


def test_a_level_tested_downwards_flips_the_verdict():
    assert a.assess_level(46, 100, 0.9, "patchy", direction=-1).verdict == a.CONSISTENT
    assert a.assess_level(99, 100, 0.9, "patchy", direction=-1).verdict == a.AGAINST


def test_a_difference_needs_its_interval_to_exclude_zero_on_the_claimed_side():
    rise = a.assess_difference((20, 67), (24, 43), "rose", names=("in year one", "in year three"))
    assert rise.verdict == a.CONSISTENT
    assert rise.basis.startswith("30% in year one, 56% in year three: +26 points")
    assert a.assess_difference((24, 43), (20, 67), "rose").verdict == a.AGAINST
    assert a.assess_difference((24, 43), (20, 67), "fell", direction=-1).verdict == a.CONSISTENT
    assert a.assess_difference((10, 20), (11, 20), "rose").verdict == a.UNCLEAR


def test_an_estimate_and_a_point_value():
    assert a.assess_estimate(3.0, 2.5, 3.5, "higher").verdict == a.CONSISTENT
    assert a.assess_estimate(-0.6, -3.7, 2.5, "higher").verdict == a.UNCLEAR
    assert a.assess_estimate(-2.0, -3.0, -1.0, "higher").verdict == a.AGAINST
    assert a.assess_value(2.1, 1.0, "benefits exceed costs", "ratio 2.10").verdict == a.CONSISTENT
    assert a.assess_value(0.8, 1.0, "benefits exceed costs", "ratio 0.80").verdict == a.AGAINST


def test_missing_numbers_cannot_be_assessed():
    assert a.assess_level(0, 0, 0.5, "most").verdict == a.NO_DATA
    assert not a.not_assessable("most", withheld=True).assessable
    assert a.not_assessable("most", withheld=True).verdict == a.WITHHELD


def test_a_claim_in_parts_is_consistent_only_when_every_part_is():
    good, bad = a.assess_level(85, 100, 0.5, "x"), a.assess_level(15, 100, 0.5, "x")
    assert a.all_of([good, good], "x").verdict == a.CONSISTENT
    assert a.all_of([bad, bad], "x").verdict == a.AGAINST
    assert a.all_of([good, bad], "x").verdict == a.UNCLEAR
    assert a.all_of([good, a.not_assessable("x", withheld=True)], "x").verdict == a.WITHHELD


def _verdicts(*names: str) -> list[a.Assessment]:
    return [a.Assessment(name, "claim") for name in names]


@pytest.mark.parametrize(
    "verdicts,status",
    [
        ((a.CONSISTENT, a.CONSISTENT), a.STATUS_CONSISTENT),
        ((a.CONSISTENT, a.NO_DATA), a.STATUS_CONSISTENT),  # only assessable findings count
        ((a.CONSISTENT, a.UNCLEAR), a.STATUS_MIXED),
        ((a.CONSISTENT, a.AGAINST), a.STATUS_MIXED),
        ((a.AGAINST, a.AGAINST), a.STATUS_AGAINST),
        ((a.UNCLEAR, a.UNCLEAR), a.STATUS_INCONCLUSIVE),
        ((a.NO_DATA, a.NO_DATA), a.STATUS_NOT_ASSESSABLE),
        ((a.NO_DATA, a.WITHHELD), a.STATUS_WITHHELD),
        ((), a.STATUS_NOT_ASSESSABLE),
    ],
)
def test_the_status_of_a_recommendation_follows_from_its_verdicts(verdicts, status):
    assert a.combine(_verdicts(*verdicts)) == status


def test_the_rule_states_the_lines_from_config():
    rule = a.describe_rule()
    assert f"{config.MAJORITY_SHARE:.0%}" in rule and f"{config.COMMON_THEME_SHARE:.0%}" in rule
    for status in ("consistent", "mixed", "against", "inconclusive", "withheld by disclosure"):
        assert status in rule
