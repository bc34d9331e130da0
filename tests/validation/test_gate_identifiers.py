"""The PII guard's detectors, the NHS-number check, masking and inert display (no GX)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.validation.display import inert_text, mask_identifier
from analysis.validation.pii import find_identifiers, nhs_number_is_valid


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_valid_nhs_numbers_pass_the_modulus_11_check(number: str):
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize(
    "number",
    ["9434765918", "943476591", "94347659190", "abcdefghij", "", "1000000002"],
)
def test_invalid_nhs_numbers_fail_the_modulus_11_check(number: str):
    assert not nhs_number_is_valid(number)


def test_modulus_11_check_digit_by_hand():
    # 943476591: 9*10+4*9+3*8+4*7+7*6+6*5+5*4+9*3+1*2 = 299; 299 % 11 = 2; 11 - 2 = 9
    assert nhs_number_is_valid("9434765919")
    assert not any(nhs_number_is_valid(f"943476591{digit}") for digit in "012345678")


def test_a_check_digit_of_ten_is_never_valid():
    # first nine digits 000000006: 6 * 2 = 12; 12 % 11 = 1; 11 - 1 = 10, which no digit can be
    assert not any(nhs_number_is_valid(f"000000006{digit}") for digit in "0123456789")
    # whereas 000000001: 1 * 2 = 2; 11 - 2 = 9
    assert nhs_number_is_valid("0000000019")


def test_masking_keeps_the_first_digits_and_the_shape():
    assert mask_identifier("9434765919") == "9434******"
    assert mask_identifier("943 476 5919") == "943 4** ****"
    assert mask_identifier("jo.bloggs@example.org", keep=1) == "j*.******@*******.***"
    assert mask_identifier("AB1") == "AB1"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+SUM(A1)", "'+SUM(A1)"),
        ("@cmd", "'@cmd"),
        ("-2+3", "'-2+3"),
        ("-3", "-3"),
        ("line\nbreak", "line\\nbreak"),
        ("\x1b[31mred", "\\x1b[31mred"),
        ("right\u202eleft", "right\\u202eleft"),
        ("plain text", "plain text"),
    ],
)
def test_examples_are_shown_inert(value: str, shown: str):
    assert inert_text(value) == shown


def test_long_examples_are_cut():
    assert inert_text("x" * 100) == "x" * 59 + "…"


def frame_of(**columns: list) -> pd.DataFrame:
    return pd.DataFrame(columns, dtype="string")


def rules_of(frame: pd.DataFrame) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for failure in find_identifiers(frame, "t", "t.csv", window_end_year=2020):
        found.setdefault(failure.column, set()).add(failure.rule.split(" (")[0])
    return found


def test_each_kind_of_identifier_is_found_whatever_the_column_is_called():
    frame = frame_of(
        notes2=["9434765919", "x", "y", "z", "w"],
        ref=["x", "jo.bloggs@example.org", "y", "z", "w"],
        where=["lives near SW1A 1AA", "x", "y", "z", "w"],
        contact=["x", "y", "call 07700 900123", "z", "w"],
        born=["x", "y", "z", "2006-04-17", "w"],
        who=["John Smith", "Mary Jane Doe", "Ann Lee", "Bob Ray", "Li Wu"],
    )
    assert rules_of(frame) == {
        "notes2": {"no NHS numbers"},
        "ref": {"no email addresses"},
        "where": {"no UK postcodes"},
        "contact": {"no phone numbers"},
        "born": {"no dates of birth"},
        "who": {"no person names"},
    }


def test_ordinary_values_are_not_identifiers():
    frame = frame_of(
        case_id=["C000001", "C000002", "C000003", "C000004", "C000005"],
        site_id=["S01", "S02", "S03", "S04", "S05"],
        admitted=["2019-03-14", "14/03/2019", "2020-12-01", "2018-08-01", "2019-01-01"],
        count=["0", "12", "365", "1234567890", "7"],
        item=["Staff Turnover", "x", "y", "z", "w"],
        text=["[Synthetic] Staff listen to me now.", "x", "y", "z", "w"],
    )
    assert rules_of(frame) == {}


def test_names_must_be_most_values_of_a_column():
    few = frame_of(who=["John Smith", "x", "y", "z", "w", "v"])
    assert rules_of(few) == {}
