"""Numbers and table cells as the report prints them."""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import pandas as pd

from analysis.config import PACKAGE_DIR
from analysis.display.presentation import (
    ROUNDING_RULE,
    escape_markdown,
    format_count,
    format_gbp,
    format_number,
    format_percent,
    format_significant,
    markdown_table,
    round_half_up,
)


def test_counts_have_thousands_separators_and_suppressed_values_pass_through():
    assert format_count(1270) == "1,270"
    assert format_count(503.0) == "503"
    assert format_count("*") == "*"
    assert format_count(math.nan) == "–"


def test_percentages_have_no_spurious_decimals():
    assert format_percent(503 / 589) == "85%"
    assert format_percent(164 / 210, decimals=1) == "78.1%"
    assert format_percent(None) == "–"


def test_pounds_have_separators_and_pence():
    assert format_gbp(2514.6) == "£2,514.60"
    assert format_gbp(30000, 0) == "£30,000"
    assert format_gbp(-1314.6) == "-£1,314.60"


def test_table_cells_from_the_data_cannot_become_markup():
    assert escape_markdown("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert escape_markdown("[a](javascript:x)") == "\\[a\\](javascript:x)"
    assert escape_markdown("a|b\nc") == "a\\|b c"


def test_markdown_table_formats_numbers_and_escapes_text():
    frame = pd.DataFrame({"site": ["S01 <b>"], "cases": [1270], "formulation": [True]})
    lines = markdown_table(frame).splitlines()
    assert [cell.strip() for cell in lines[0].strip("|").split("|")] == [
        "site",
        "cases",
        "formulation",
    ]
    assert "S01 &lt;b&gt;" in lines[2]
    assert "1,270" in lines[2]
    assert "yes" in lines[2]


def test_an_empty_table_says_so_in_one_row():
    import pandas as pd

    from analysis.display.presentation import NO_ROWS, markdown_table

    text = markdown_table(pd.DataFrame(columns=["Setting", "Yes", "Answered"]))
    lines = text.splitlines()
    assert len(lines) == 3
    assert NO_ROWS in lines[2]


# --------------------------------------------------------------------------- one rounding rule


def test_ties_round_half_up_as_the_published_evaluation_does():
    assert format_percent(40 / 64) == "63%"  # 62.5%
    assert format_percent(15 / 40) == "38%"  # 37.5%
    assert format_percent(0.145) == "15%"  # 14.4999... in binary, 14.5 as a fraction
    assert format_percent(1 / 8, decimals=1) == "12.5%"
    assert format_percent(0.0625, decimals=1) == "6.3%"
    assert format_count(2.5) == "3"
    assert format_count(1269.5) == "1,270"
    assert format_number(0.125, 2) == "0.13"
    assert format_number(-2.5) == "-3"
    assert format_number(-0.4) == "0"
    assert format_gbp(0.125) == "£0.13"
    assert format_gbp(2514.605) == "£2,514.61"
    assert format_significant(0.00665) == "0.0067"
    assert format_significant(0.04) == "0.04"
    assert round_half_up(62.5) == 63 and round_half_up(37.5) == 38


def test_the_rounding_rule_is_stated_with_its_own_examples():
    assert "half up" in ROUNDING_RULE
    assert f"62.5% is shown as {format_percent(0.625)}" in ROUNDING_RULE
    assert f"37.5% as {format_percent(0.375)}" in ROUNDING_RULE


REPORT_STAGES = ("display", "statistics", "topics", "report")
PRECISION = re.compile(r"\.\d+[defgEFG%]?")
FORMAT_STRING = re.compile(r"\{[^{}]*:[^{}]*\.\d+[a-zA-Z%]?\}|%\.\d+[fg]")


def _rounds(node: ast.AST) -> bool:
    """A call of the builtin round() or of a numpy/pandas .round() method."""
    if not isinstance(node, ast.Call):
        return False
    function = node.func
    return (isinstance(function, ast.Name) and function.id == "round") or (
        isinstance(function, ast.Attribute) and function.attr == "round"
    )


def _rounding_outside_the_rule(path: Path) -> list[str]:
    """Places in a module that round a number for print without `round_half_up`: format
    specifications with a precision (f-strings, str.format, % formatting, matplotlib and
    seaborn `fmt=` strings), and round() inside an f-string. (round() elsewhere computes,
    e.g. an integer from a solver's float, and prints nothing.)"""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        where = f"{path.relative_to(PACKAGE_DIR)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg == "fmt"
                    and isinstance(value, ast.Constant)
                    and PRECISION.search(str(value.value))
                ):
                    found.append(f"{where} fmt={value.value!r}")
        if isinstance(node, ast.FormattedValue):
            if any(_rounds(inner) for inner in ast.walk(node.value)):
                found.append(f"{where} round() in an f-string")
            if node.format_spec is not None:
                spec = "".join(
                    part.value for part in node.format_spec.values if isinstance(part, ast.Constant)
                )
                dynamic = any(isinstance(p, ast.FormattedValue) for p in node.format_spec.values)
                if PRECISION.search(spec) or (dynamic and "." in spec):
                    found.append(f"{where} f-string :{spec}")
        if isinstance(node, ast.Constant) and FORMAT_STRING.search(str(node.value)):
            found.append(f"{where} format string {node.value!r}")
    return found


def test_every_number_the_report_prints_is_rounded_by_the_one_rule():
    modules = [
        path
        for stage in REPORT_STAGES
        for path in sorted((PACKAGE_DIR / stage).rglob("*.py"))
        if path != PACKAGE_DIR / "display" / "presentation.py"
    ]
    assert len(modules) > 20
    assert [place for path in modules for place in _rounding_outside_the_rule(path)] == []
