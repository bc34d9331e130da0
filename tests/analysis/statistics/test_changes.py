"""Changes between the first and last year, named only where the interval excludes zero."""

from __future__ import annotations

import pandas as pd

from analysis.statistics.changes import (
    change_over_years,
    describe_changes,
    describe_group_changes,
    years_span,
)


def _series(*rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["year", "numerator", "denominator"])
    return frame.assign(proportion=frame["numerator"] / frame["denominator"])


def test_a_clear_rise_a_clear_fall_and_no_clear_change():
    rise = change_over_years(_series((1, 48, 105), (2, 35, 51), (3, 47, 65)), "training")
    fall = change_over_years(_series((1, 70, 100), (3, 10, 100)), "siloed working")
    flat = change_over_years(_series((1, 40, 109), (3, 32, 66)), "reflective practice")
    assert (rise.direction, fall.direction, flat.direction) == (1, -1, 0)
    assert rise.verb_phrase() == "rose from 46% to 72%"
    assert flat.verb_phrase() == "showed no clear change (37% to 48%)"
    assert describe_changes([rise, fall, flat]) == (
        "rose for training (46% to 72%); fell for siloed working (70% to 10%); "
        "showed no clear change for reflective practice"
    )


def test_untested_changes_give_the_values_only():
    change = change_over_years(_series((1, 10, 20), (3, 15, 20)), "x", test=False)
    assert change.direction == 0
    assert change.verb_phrase(tested=False) == "went from 50% to 75%"


def test_a_suppressed_year_is_skipped_and_one_year_gives_no_change():
    rows = _series((1, 10, 20), (2, 5, 20), (3, 15, 20))
    rows.loc[rows["year"] == 3, "proportion"] = float("nan")
    change = change_over_years(rows, "x")
    assert (change.first, change.last) == (0.5, 0.25)
    assert years_span(rows) == "between year one and year two"
    assert change_over_years(rows[rows["year"] == 1], "x") is None


def test_group_changes_name_each_setting_group_and_untested_ones_give_values_only():
    yoi = _series((1, 48, 105), (3, 47, 65)).assign(reporting_group="YOI/STC")
    sch = _series((1, 70, 100), (3, 10, 100)).assign(reporting_group="SCH")
    table = pd.concat([yoi, sch], ignore_index=True)
    text = describe_group_changes(table, "the share agreeing")
    assert text == (
        "Between year one and year three, the share agreeing rose from 46% to 72% in YOIs and "
        "the STC and fell from 70% to 10% in SCHs."
    )
    untested = describe_group_changes(sch, "the share agreeing", protect=True)
    assert untested == "Between year one and year three, the share agreeing went from 70% to 10%."
    one_year = describe_group_changes(sch[sch["year"] == 1], "the share agreeing")
    assert one_year.startswith("Fewer than two years")
