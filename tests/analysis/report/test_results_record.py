"""The summary's findings as data: each sentence with the numbers printed in it."""

from __future__ import annotations

from analysis.report.headlines import Finding
from analysis.report.results_record import findings_record, numbers_in


def test_numbers_are_taken_as_printed_in_order():
    text = (
        "Monetised benefits of £2,514.60 per staff member are 2.1 times the £1,200.00 cost "
        "(net benefit -£1,314.60); 85% (503 of 1,270) at site S07 in mid-2019."
    )
    assert numbers_in(text) == [
        "£2,514.60",
        "2.1",
        "£1,200.00",
        "-£1,314.60",
        "85%",
        "503",
        "1,270",
    ]


def test_cross_references_are_not_numbers():
    assert numbers_in("Seen in 41% of interviews (@fig-themes-2; @sec-topic-2).") == ["41%"]


def test_a_finding_is_recorded_as_published():
    finding = Finding(2, "turnover", "Turnover in 41% (54 of 132) of interviews.", {}, [], True)
    assert findings_record([finding]) == [
        {
            "topic": 2,
            "key": "turnover",
            "name": "staff turnover",
            "text": "Turnover in 41% (54 of 132) of interviews.",
            "numbers": ["41%", "54", "132"],
            "supported": True,
        }
    ]
