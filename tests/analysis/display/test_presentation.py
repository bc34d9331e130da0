"""Numbers and table cells as the report prints them."""

from __future__ import annotations

import math

import pandas as pd

from analysis.display.presentation import (
    escape_markdown,
    format_count,
    format_gbp,
    format_percent,
    markdown_table,
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
