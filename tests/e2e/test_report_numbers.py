"""Numbers as the built report prints them: each summary finding's cited figure or table
holds its numbers, and money is shown with pennies only where they matter."""

from __future__ import annotations

import re

import pytest

from analysis.config import DEFAULT_DATA_DIR
from analysis.data.chapter_context import ChapterContext
from analysis.display.presentation import format_count, format_gbp, format_percent
from analysis.report import headlines
from analysis.topics.economics import format_qaly
from tests.e2e.report_content import (
    executed_notebooks,
    figure_outputs,
    shown_outputs,
    table_cells,
)

pytestmark = pytest.mark.e2e

MONEY_KEYS = ("cost", "benefits")
QALY_KEYS = ("gross_threshold", "gross_threshold_alternative", "net_threshold")
UNIT_COST_CEILING = 10_000  # per-staff-member amounts stay below this; totals do not


def _numbers(values) -> list:
    """The numbers a finding states: its shares (counts and percentage) and, for value for
    money, the amounts and thresholds taken from the inputs (not those derived from them)."""
    if not isinstance(values, dict):
        return []
    if {"numerator", "denominator", "proportion"} <= set(values):
        return [("share", values)] if values["proportion"] is not None else []
    if {"estimate", "ci_low", "ci_high"} <= set(values):
        return [("estimate", values)]
    found = []
    for key, value in values.items():
        if key in MONEY_KEYS:
            found.append(("text", format_gbp(value)))
        elif key in QALY_KEYS:
            found.append(("text", format_qaly(value)))
        else:
            found += _numbers(value)
    return found


def _in_table(number, rows: list[list[str]]) -> bool:
    kind, value = number
    if kind == "text":
        return any(value in row for row in rows)
    if kind == "estimate":
        return any(_estimate_in_row(value, row) for row in rows)
    numerator, denominator = format_count(value["numerator"]), format_count(value["denominator"])
    percent = format_percent(value["proportion"])
    wanted = {numerator, denominator, percent}
    in_one_cell = f"{percent} ({numerator}/{denominator})"  # the theme and by-year tables
    return any(wanted <= set(row) or in_one_cell in row for row in rows)


def _estimate_in_row(value: dict, row: list[str]) -> bool:
    """A model row showing the estimate and its interval (to the table's 2 decimals)."""
    numbers = [float(n) for cell in row for n in re.findall(r"-?\d+\.\d+", cell)]
    return all(
        any(abs(n - value[key]) < 0.005 for n in numbers)
        for key in ("estimate", "ci_low", "ci_high")
    )


def _in_figure(number, records: list[dict]) -> bool:
    kind, value = number
    if kind != "share":
        return False
    return any(
        record.get("numerator") == value["numerator"]
        and record.get("denominator") == value["denominator"]
        for record in records
    )


@pytest.fixture(scope="module")
def evidence(built_book) -> dict:
    """What each labelled figure and table of the national report shows."""
    notebooks = executed_notebooks(built_book.build_dir)
    shown: dict = {}
    for item in shown_outputs(notebooks):
        if item.kind == "table":
            shown[item.label] = ("table", table_cells(item.markdown)[1:])
    for _, options, carried in figure_outputs(notebooks):
        shown[options["label"]] = ("figure", carried.get("data", []))
    return shown


def test_each_finding_cites_only_figures_and_tables_that_show_its_numbers(evidence):
    findings = headlines.headline_findings(ChapterContext.load(data_dir=DEFAULT_DATA_DIR))
    problems = []
    for finding in findings:
        numbers = _numbers(finding.values)
        cited = headlines.cited_labels(finding)
        for label in cited:
            kind, rows = evidence[label]
            holds = _in_table if kind == "table" else _in_figure
            if not any(holds(number, rows) for number in numbers):
                problems.append(f"{finding.key}: {label} shows none of its numbers")
        for number in numbers if cited else []:
            if not any(
                (_in_table if evidence[label][0] == "table" else _in_figure)(
                    number, evidence[label][1]
                )
                for label in cited
            ):
                problems.append(f"{finding.key}: {number[1]} is in none of {cited}")
    assert problems == []
    assert sum(bool(headlines.cited_labels(f)) for f in findings) >= 10


def _printed_texts(built_book, scope: str) -> list[str]:
    notebooks = executed_notebooks(built_book.build_dir, scope)
    texts = [
        output.get("data", {}).get("text/markdown", "")
        for notebook in notebooks.values()
        for cell in notebook.cells
        for output in cell.get("outputs", [])
    ]
    return texts + [carried.get("fig-alt", "") for _, _, carried in figure_outputs(notebooks)]


def test_large_sums_of_money_carry_no_pennies_anywhere_in_the_report(built_book):
    amounts = [
        match.group(0)
        for text in _printed_texts(built_book, "national")
        for match in re.finditer(r"£([\d,]+)(\.\d+)?", text)
    ]
    assert any(float(a[1:].replace(",", "")) >= UNIT_COST_CEILING for a in amounts)
    with_pennies = [
        a for a in amounts if "." in a and float(a[1:].replace(",", "")) >= UNIT_COST_CEILING
    ]
    assert with_pennies == []
