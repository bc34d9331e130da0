"""Comparing two results records: exactly the values that differ, and how they are shown."""

from __future__ import annotations

import copy

import pytest

from analysis.pipeline.diff import (
    FIGURES,
    HEADLINES,
    TABLES,
    Change,
    changes_appendix,
    changes_markdown,
    compare_records,
    summary_sentence,
)


@pytest.fixture
def record() -> dict:
    return {
        "format": 1,
        "report": {
            "name": "national",
            "commit": "a" * 40,
            "data_sha256": "d1",
            "built": "2026-01-05",
        },
        "findings": {
            "listened": {
                "topic": 2,
                "key": "listened",
                "name": "children feeling listened to",
                "text": "85% (132 of 156) felt listened to.",
                "numbers": ["85%", "132", "156"],
                "supported": True,
            }
        },
        "published_figures": {"t2": {"As published": "84%", "Recomputed": "85% (132/156)"}},
        "tables": {
            "tbl-safety": {
                "chapter": "topic-2",
                "caption": "Children answering 'a little' or more",
                "columns": ["Question", "Yes", "%"],
                "rows": {
                    "Listen | to me": {"Question": "Listen | to me", "Yes": "132", "%": "85%"}
                },
            }
        },
    }


def test_identical_records_have_no_changes(record):
    assert compare_records(record, copy.deepcopy(record)) == []
    assert summary_sentence([]) == "No headline finding, published figure or table value changed."


def test_each_changed_value_is_listed_once_with_before_and_now(record):
    new = copy.deepcopy(record)
    new["findings"]["listened"].update(
        text="77% (120 of 156) felt listened to.", numbers=["77%", "120", "156"]
    )
    new["published_figures"]["t2"]["Recomputed"] = "77% (120/156)"
    new["tables"]["tbl-safety"]["rows"]["Listen | to me"]["Yes"] = "120"
    assert compare_records(record, new) == [
        Change(
            HEADLINES,
            "sec-summary",
            "Topic 2: children feeling listened to",
            "numbers",
            "85%, 132",
            "77%, 120",
        ),
        Change(FIGURES, "tbl-reproduction", "t2", "Recomputed", "85% (132/156)", "77% (120/156)"),
        Change(
            TABLES,
            "tbl-safety",
            "Children answering 'a little' or more",
            "Listen | to me · Yes",
            "132",
            "120",
        ),
    ]


def test_wording_changes_without_new_numbers_are_listed_as_wording(record):
    new = copy.deepcopy(record)
    new["findings"]["listened"]["text"] = "85% (132 of 156) felt heard."
    [change] = compare_records(record, new)
    assert (change.item, change.old, change.new) == (
        "wording",
        "85% (132 of 156) felt listened to.",
        "85% (132 of 156) felt heard.",
    )


def test_added_rows_and_removed_tables_are_changes(record):
    new = copy.deepcopy(record)
    new["tables"]["tbl-safety"]["rows"]["Safe"] = {"Question": "Safe", "Yes": "*", "%": "–"}
    added = compare_records(record, new)
    assert [(c.item, c.old) for c in added] == [("row Safe", "–")]
    assert added[0].new == "Question: Safe; Yes: *; %: –"
    del new["tables"]["tbl-safety"]
    assert [(c.item, c.old, c.new) for c in compare_records(record, new)] == [
        ("whole table", "table of 1 row", "–")
    ]


def test_markdown_escapes_values_and_links_tables_in_the_book(record):
    new = copy.deepcopy(record)
    new["tables"]["tbl-safety"]["rows"]["Listen | to me"]["Yes"] = "<b>120</b>"
    changes = compare_records(record, new)
    plain = changes_markdown(changes, record, new)
    assert (
        "| Children answering 'a little' or more | Listen \\| to me · Yes | 132 | "
        "&lt;b&gt;120&lt;/b&gt; |" in plain
    )
    assert "@tbl-safety" not in plain
    book = changes_markdown(changes, record, new, references=True)
    assert "(@tbl-safety)" in book


def test_the_appendix_says_when_there_is_nothing_to_compare_with(record):
    text = changes_appendix(None, record)
    assert text.startswith("# Changes since the previous build {#sec-changes}")
    assert "no earlier build of this report to compare with" in text
    assert "|" not in text


def test_the_appendix_names_the_previous_build_and_what_differed(record):
    new = copy.deepcopy(record)
    new["report"]["data_sha256"] = "d2"
    new["published_figures"]["t2"]["Recomputed"] = "77% (120/156)"
    text = changes_appendix(record, new)
    assert (
        "Compared with the previous build (commit aaaaaaa, built 2026-01-05), whose data "
        "differed and whose code was the same: 1 published figure changed."
    ) in text
    assert "| Published figure t2 | Recomputed | 85% (132/156) | 77% (120/156) |" in text
