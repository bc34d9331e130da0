"""The PII guard: refuse data carrying direct identifiers, whatever the column is called.

Every column of every file is scanned as text. A column is refused when its values
look like NHS numbers (10 digits passing the modulus-11 check), dates of birth (full
dates in a plausible birth range), UK postcodes, phone numbers or email addresses (any
value), or person names (two or three capitalised words in most values). Examples in
the failure are masked (``9434******``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from analysis.validation.display import mask_identifier
from analysis.validation.failures import MAX_EXAMPLES, MAX_LINES, Failure

NHS_NUMBER = re.compile(r"(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])")
EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
UK_POSTCODE = re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")
UK_PHONE = re.compile(
    r"(?<![\d+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)\d{2,4}\)?(?:[ -]?\d){6,8}(?!\d)"
)
FULL_DATE = re.compile(
    r"(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})"
    r"|(?P<d2>\d{1,2})[-/.](?P<m2>\d{1,2})[-/.](?P<y2>\d{4})"
)
NAME_WORD = r"[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)*"
PERSON_NAME = re.compile(rf"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.? )?{NAME_WORD}(?: {NAME_WORD}){{1,2}}")

EARLIEST_BIRTH = date(1900, 1, 1)
YOUNGEST_AGE_YEARS = 9  # the secure estate holds children aged 10 and over
NAME_SHARE = 0.5  # a column is a name column when most of its values look like names
MIN_NAME_VALUES = 5


def nhs_number_is_valid(value: str) -> bool:
    """True when ``value`` is ten digits (spaces or dashes allowed) passing the modulus-11 check.

    Weights 10..2 multiply the first nine digits; the check digit is 11 minus the sum
    modulo 11 (11 becomes 0; 10 is never valid).
    """
    digits = re.sub(r"[ -]", "", str(value))
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _nhs_numbers(text: str) -> list[str]:
    return [
        match.group(0) for match in NHS_NUMBER.finditer(text) if nhs_number_is_valid(match.group(0))
    ]


def _birth_dates(text: str, latest_birth: date) -> list[str]:
    match = FULL_DATE.fullmatch(text.strip())
    if match is None:
        return []
    parts = match.groupdict()
    year, month, day = (
        (parts["y1"], parts["m1"], parts["d1"])
        if parts["y1"]
        else (parts["y2"], parts["m2"], parts["d2"])
    )
    try:
        found = date(int(year), int(month), int(day))
    except ValueError:
        return []
    return [text] if EARLIEST_BIRTH <= found <= latest_birth else []


@dataclass(frozen=True)
class IdentifierRule:
    """One kind of direct identifier: how to find it, how to name it, how much to show."""

    rule: str
    hint: re.Pattern[str]  # cheap vectorised pre-filter: values not matching it are skipped
    find: Callable[[str], list[str]]
    keep: int
    share_needed: float = 0.0  # 0: any value is enough; else the share of values needed
    min_values: int = 1


def identifier_rules(latest_birth: date) -> tuple[IdentifierRule, ...]:
    """The identifier rules, with dates of birth up to ``latest_birth``."""
    return (
        IdentifierRule(
            "no NHS numbers (10 digits passing the modulus-11 check)",
            NHS_NUMBER,
            _nhs_numbers,
            4,
        ),
        IdentifierRule("no email addresses", EMAIL, EMAIL.findall, 1),
        IdentifierRule("no UK postcodes", UK_POSTCODE, UK_POSTCODE.findall, 2),
        IdentifierRule("no phone numbers", UK_PHONE, UK_PHONE.findall, 4),
        IdentifierRule(
            f"no dates of birth (full dates from {EARLIEST_BIRTH:%Y} to {latest_birth:%Y})",
            FULL_DATE,
            lambda text: _birth_dates(text, latest_birth),
            2,
        ),
        IdentifierRule(
            "no person names (two or three capitalised words in most values)",
            PERSON_NAME,
            lambda text: [text] if PERSON_NAME.fullmatch(text.strip()) else [],
            1,
            share_needed=NAME_SHARE,
            min_values=MIN_NAME_VALUES,
        ),
    )


def latest_birth_date(window_end_year: int) -> date:
    """The latest plausible date of birth: children in the estate are at least ten."""
    return date(window_end_year - YOUNGEST_AGE_YEARS, 12, 31)


def _candidate_counts(values: pd.Series, rules: tuple[IdentifierRule, ...]) -> pd.Series:
    """Counts of the distinct values of a column that any rule's hint matches."""
    counts = values.dropna().astype("string").value_counts(sort=False)
    hint = re.compile("|".join(f"(?:{rule.hint.pattern})" for rule in rules))
    return counts[[hint.search(value) is not None for value in counts.index]]


def _column_findings(
    counts: pd.Series, present: int, rule: IdentifierRule
) -> tuple[int, list[str], set[str]]:
    """Rows whose value holds the identifier, the first identifiers found, and the values.

    ``counts`` holds the candidate values and their row counts; ``present`` is the
    number of non-missing values of the column.
    """
    if counts.empty:
        return 0, [], set()
    candidates = counts[[rule.hint.search(value) is not None for value in counts.index]]
    rows = 0
    matched_values = 0
    found: list[str] = []
    values: set[str] = set()
    for value, count in candidates.items():
        hits = rule.find(value)
        if hits:
            rows += int(count)
            matched_values += 1
            values.add(value)
            found.extend(hit for hit in hits if hit not in found)
    if rows == 0:
        return 0, [], set()
    if rule.share_needed and (
        rows / counts.sum() < rule.share_needed or matched_values < rule.min_values
    ):
        return 0, [], set()
    return rows, found[:MAX_EXAMPLES], values


def find_identifiers(
    frame: pd.DataFrame,
    dataset: str,
    file: str,
    window_end_year: int,
    columns: Iterable[str] | None = None,
    lines: Sequence[int] = (),
) -> list[Failure]:
    """Failures for every column of ``frame`` that carries direct identifiers.

    ``frame`` should hold the file's values as text; ``columns`` limits the scan;
    ``lines`` gives the file line of each row, to name the first failing lines.
    """
    rules = identifier_rules(latest_birth_date(window_end_year))
    failures = []
    for column in columns if columns is not None else frame.columns:
        present = int(frame[column].notna().sum())
        counts = _candidate_counts(frame[column], rules)
        for rule in rules:
            rows, found, values = _column_findings(counts, present, rule)
            if rows:
                examples = tuple(mask_identifier(value, rule.keep) for value in found)
                at = frame[column].isin(values).to_numpy().nonzero()[0][:MAX_LINES]
                where = tuple(lines[p] for p in at if p < len(lines))
                failures.append(
                    Failure(dataset, file, str(column), rule.rule, rows, examples, where)
                )
    return failures
