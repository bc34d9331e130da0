"""The PII guard: refuse data carrying direct identifiers, whatever the column is called.

Every column of every file is scanned as text, after :func:`normalise` has made the
ways of writing the same thing alike: Unicode compatibility forms (full-width digits,
non-breaking and other spaces), every dash as ``-``, every slash as ``/``, digits of other
scripts as 0-9, and invisible characters removed. A column is refused when

- any value holds an NHS number (ten digits passing the modulus-11 check, in groups split
  by spaces, dashes, dots, slashes or underscores, with ``O``/``o`` typed for 0 and
  ``I``/``l`` for 1), an email address, a UK postcode (in either case, with or without its
  space), a phone number, a street address with a postcode or postcode district, or a date
  of birth: a whole value that is a full date from 1900 to the latest plausible birth, or
  such a date in prose beside a person's name or the words *born*, *DOB*, *date of birth*;
- or most of its values look like person names (two or three capitalised words).

The rules are regular expressions written for these shapes, with their false-positive
guards (a check digit, a birth range, a name beside a date); the tests generate variants
of each shape with hypothesis. Examples in a failure are masked (``9434******``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from analysis.validation.display import mask_identifier
from analysis.validation.failures import MAX_EXAMPLES, MAX_LINES, Failure

# -- normalising text -------------------------------------------------------------------------

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d"
SLASHES = "\u2044\u2215\u29f8\uff0f"
DOTS = "\u00b7\u2022\u2024\u2027\u2219\u22c5\u30fb\uff0e"


@functools.cache
def _character_map() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for character in DASHES:
        table[ord(character)] = "-"
    for character in SLASHES:
        table[ord(character)] = "/"
    for character in DOTS:
        table[ord(character)] = "."
    return table


def _normal_character(character: str) -> str:
    category = unicodedata.category(character)
    if category in ("Cf", "Cn", "Co", "Cs"):  # zero-width, soft hyphen, bidi, unassigned
        return ""
    if category in ("Zs", "Zl", "Zp", "Cc"):  # every space, line break and control character
        return " "
    if category == "Pd":  # any other dash
        return "-"
    if category == "Nd" and not character.isascii():  # digits of other scripts
        return str(unicodedata.digit(character))
    return character


def normalise(text: str) -> str:
    """``text`` with the variants that hide an identifier made alike (see the module doc)."""
    if text.isascii():
        return text if text.isprintable() else "".join(map(_normal_character, text))
    text = unicodedata.normalize("NFKC", text).translate(_character_map())
    return "".join(map(_normal_character, text))


# -- NHS numbers ------------------------------------------------------------------------------

LOOK_ALIKES = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})
DIGITISH = r"[0-9OoIl]"
NHS_SEPARATOR = r"[ \-./_|]{1,3}"
DIGIT_RUN = re.compile(rf"{DIGITISH}+(?:{NHS_SEPARATOR}{DIGITISH}+)*")
GROUP = re.compile(rf"{DIGITISH}+")
NHS_HINT = re.compile(r"(?:[0-9][^0-9]{0,7}){7}")  # seven digits, close together
MIN_REAL_DIGITS = 7  # of the ten; the others may be look-alike letters


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
    """NHS numbers in (normalised) text: whole groups of digits adding up to ten digits."""
    found = []
    for run in DIGIT_RUN.finditer(text):
        groups = [
            group
            for group in GROUP.finditer(run.group(0))
            if any(c.isdigit() for c in group.group(0)) or len(group.group(0)) <= 2
        ]
        for first in range(len(groups)):
            length = 0
            for last in range(first, len(groups)):
                length += len(groups[last].group(0))
                if length > 10:
                    break
                if length < 10:
                    continue
                start, end = groups[first].start(), groups[last].end()
                written = run.group(0)[start:end]
                digits = "".join(g.group(0) for g in groups[first : last + 1])
                real = sum(c.isdigit() for c in digits)
                if real >= MIN_REAL_DIGITS and nhs_number_is_valid(digits.translate(LOOK_ALIKES)):
                    found.append(written)
    return found


# -- contacts, postcodes and addresses --------------------------------------------------------

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
POSTCODE_PATTERN = r"(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? {0,2}\d[ABD-HJLNP-UW-Z]{2})"
UK_POSTCODE = re.compile(rf"\b{POSTCODE_PATTERN}\b", re.IGNORECASE)
UK_PHONE = re.compile(
    r"(?<![\w+])(?:\+44[ -]?(?:\(0\)[ -]?)?|\(?0)\d{2,4}\)?(?:[ -]?\d){6,8}(?!\d)"
)
STREET_TYPES = (
    "Road|Rd|Street|St|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Court|Ct|Place|Pl|"
    "Gardens|Terrace|Grove|Park|Square|Sq|Hill|Row|Walk|Mews|View|Rise|Green|Parade"
)
STREET = re.compile(
    rf"(?<![\w.])\d{{1,4}}[A-Za-z]?,? +(?:[A-Z][a-z']+ +){{1,3}}(?:{STREET_TYPES})\b",
)
POSTCODE_DISTRICT = re.compile(r"\b[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\b")


def _postcodes(text: str) -> list[str]:
    """UK postcodes written in one case (``SW1A 1AA``, ``sw1a1aa``), not ``S01 2nd``."""
    found = []
    for match in UK_POSTCODE.finditer(text):
        letters = [c for c in match.group(0) if c.isalpha()]
        if all(c.isupper() for c in letters) or all(c.islower() for c in letters):
            found.append(match.group(0))
    return found


def _addresses(text: str) -> list[str]:
    """Street addresses (``12 Acacia Avenue``) written with a postcode or district after them."""
    found = []
    for street in STREET.finditer(text):
        rest = text[street.end() : street.end() + 80]
        if _postcodes(rest) or POSTCODE_DISTRICT.search(rest):
            found.append(street.group(0))
    return found


# -- dates of birth and names -----------------------------------------------------------------

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTH_NAME = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # noqa: E501
ORDINAL = r"(?:st|nd|rd|th)?"
DATE_PATTERNS = (
    # 14/03/2005, 14.3.05, 14-03-2005, 14 03 2005
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})([./-]| )(?P<m>\d{1,2})\2(?P<y>\d{4}|\d{2})(?![\d])"),
    # 2005-03-14, 2005/3/14
    re.compile(r"(?<![\d.])(?P<y>\d{4})([./-])(?P<m>\d{1,2})\2(?P<d>\d{1,2})(?![\d])"),
    # 14 March 2005, 14th of Mar. 2005, 14 March '05
    re.compile(
        rf"(?<!\d)(?P<d>\d{{1,2}}){ORDINAL}(?: +of)? +(?P<mn>{MONTH_NAME})\.?,? +"
        rf"(?P<y>\d{{4}}|'\d{{2}})(?!\d)",
        re.IGNORECASE,
    ),
    # March 14, 2005, March 14th 2005
    re.compile(
        rf"\b(?P<mn>{MONTH_NAME})\.? +(?P<d>\d{{1,2}}){ORDINAL},? +(?P<y>\d{{4}})(?!\d)",
        re.IGNORECASE,
    ),
)
BIRTH_CUE = re.compile(
    r"\b(?:born|b\.|birth ?date|date of birth|birthday|d\.? ?o\.? ?b\.?)(?![a-z])", re.IGNORECASE
)
NAME_WORD = r"[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)*"
PERSON_NAME = re.compile(rf"(?:(?:Mr|Mrs|Ms|Miss|Dr)\.? )?{NAME_WORD}(?: {NAME_WORD}){{1,2}}")
NAME_IN_PROSE = re.compile(
    rf"\b(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.? +{NAME_WORD}|(?P<first>{NAME_WORD}) +{NAME_WORD})"
)
NAME_BESIDE = re.compile(rf"\b(?P<first>{NAME_WORD})[ ,:;(]{{1,3}}$")
COMMON_CAPITALISED = (
    "I", "A", "An", "The", "This", "That", "These", "Those", "My", "Our", "Your", "His", "Her",
    "Their", "Its", "We", "You", "He", "She", "They", "It", "And", "But", "Or", "So", "If",
    "When", "Then", "Since", "From", "Until", "After", "Before", "On", "In", "At", "By", "For",
    "With", "To", "Of", "Synthetic", "Staff", "Secure", "Young", "Youth", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip
NOT_NAMES = frozenset(COMMON_CAPITALISED + tuple(month.capitalize() for month in MONTHS))

EARLIEST_BIRTH = date(1900, 1, 1)
YOUNGEST_AGE_YEARS = 9  # the secure estate holds children aged 10 and over
NAME_SHARE = 0.5  # a column is a name column when most of its values look like names
MIN_NAME_VALUES = 5


def _date_of(match: re.Match, latest_birth: date) -> date | None:
    """The date a match writes, reading a two-digit year as the latest plausible one."""
    parts = match.groupdict()
    year_text = parts["y"].lstrip("'")
    year = int(year_text)
    if len(year_text) == 2:
        year += 2000 if 2000 + year <= latest_birth.year else 1900
    if parts.get("mn"):
        month = next(i for i, m in enumerate(MONTHS, 1) if m.startswith(parts["mn"].lower()[:3]))
    else:
        month = int(parts["m"])
    try:
        return date(year, month, int(parts["d"]))
    except ValueError:
        return None


def _birth_range_dates(text: str, latest_birth: date) -> list[tuple[re.Match, bool]]:
    """Full dates from 1900 to ``latest_birth`` in text: (match, written with a 4-digit year)."""
    found = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            day = _date_of(match, latest_birth)
            if day is not None and EARLIEST_BIRTH <= day <= latest_birth:
                found.append((match, len(match.group("y").lstrip("'")) == 4))
    return found


def _is_name(match: re.Match) -> bool:
    first = match.group("first")
    return first is None or first not in NOT_NAMES


def _birth_dates(text: str, latest_birth: date) -> list[str]:
    """A whole value that is a date of birth, or a birth date in prose beside a cue or a name."""
    dates = _birth_range_dates(text, latest_birth)
    if not dates:
        return []
    whole = [m.group(0) for m, full_year in dates if full_year and m.group(0) == text.strip()]
    if whole:
        return whole
    cued = BIRTH_CUE.search(text) is not None
    named = any(_is_name(m) for m in NAME_IN_PROSE.finditer(text))
    found = []
    for match, full_year in dates:
        before = NAME_BESIDE.search(text[: match.start()])
        beside = before is not None and before.group("first") not in NOT_NAMES
        if cued or (full_year and (named or beside)):
            found.append(match.group(0))
    return found


# -- the rules --------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentifierRule:
    """One kind of direct identifier: how to find it, how to name it, how much to show."""

    rule: str
    hint: re.Pattern[str]  # cheap pre-filter: normalised values not matching it are skipped
    find: Callable[[str], list[str]]
    keep: int
    share_needed: float = 0.0  # 0: any value is enough; else the share of values needed
    min_values: int = 1


def identifier_rules(latest_birth: date) -> tuple[IdentifierRule, ...]:
    """The identifier rules, with dates of birth up to ``latest_birth``."""
    return (
        IdentifierRule(
            "no NHS numbers (10 digits passing the modulus-11 check, any separators)",
            NHS_HINT,
            _nhs_numbers,
            4,
        ),
        IdentifierRule("no email addresses", EMAIL, EMAIL.findall, 1),
        IdentifierRule("no UK postcodes", UK_POSTCODE, _postcodes, 2),
        IdentifierRule("no phone numbers", UK_PHONE, UK_PHONE.findall, 4),
        IdentifierRule(
            "no home addresses (a street address with a postcode or postcode district)",
            STREET,
            _addresses,
            2,
        ),
        IdentifierRule(
            f"no dates of birth (full dates from {EARLIEST_BIRTH:%Y} to {latest_birth:%Y} on "
            "their own, or in text beside a name or the words born, DOB, date of birth)",
            re.compile(r"\d{1,4}[^\d]{1,12}\d"),
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


def _candidates(values: pd.Series, rules: tuple[IdentifierRule, ...]) -> pd.DataFrame:
    """Distinct values of a column that any rule's hint matches once normalised:
    columns value, normalised, count."""
    counts = values.dropna().astype("string").value_counts(sort=False)
    hint = re.compile("|".join(f"(?:{rule.hint.pattern})" for rule in rules))
    rows = []
    for value, count in counts.items():
        text = normalise(value)
        if hint.search(text) is not None:
            rows.append((value, text, int(count)))
    return pd.DataFrame(rows, columns=["value", "normalised", "count"])


def _column_findings(
    candidates: pd.DataFrame, present: int, rule: IdentifierRule
) -> tuple[int, list[str], set[str]]:
    """Rows whose value holds the identifier, the first identifiers found, and the values.

    ``candidates`` holds the candidate values, their normalised text and their row counts;
    ``present`` is the number of non-missing values of the column.
    """
    rows = 0
    matched_values = 0
    found: list[str] = []
    values: set[str] = set()
    for value, text, count in candidates.itertuples(index=False):
        if rule.hint.search(text) is None:
            continue
        hits = rule.find(text)
        if hits:
            rows += count
            matched_values += 1
            values.add(value)
            found.extend(hit for hit in hits if hit not in found)
    if rows == 0:
        return 0, [], set()
    if rule.share_needed and (
        rows / max(present, 1) < rule.share_needed or matched_values < rule.min_values
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
        candidates = _candidates(frame[column], rules)
        if candidates.empty:
            continue
        for rule in rules:
            rows, found, values = _column_findings(candidates, present, rule)
            if rows:
                examples = tuple(mask_identifier(value, rule.keep) for value in found)
                at = frame[column].isin(values).to_numpy().nonzero()[0][:MAX_LINES]
                where = tuple(lines[p] for p in at if p < len(lines))
                failures.append(
                    Failure(dataset, file, str(column), rule.rule, rows, examples, where)
                )
    return failures
