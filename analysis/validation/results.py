"""Turn a great_expectations validation result (JSON dict) into Failures and a summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.validation.display import inert_text, mask_identifier
from analysis.validation.failures import MAX_EXAMPLES, Failure, SuiteSummary
from analysis.validation.locations import RowSource, first_lines, rows_by_file

COLUMN_SET_TYPES = ("expect_table_columns_to_match_set",)
RULE_COLUMN_PRESENT = "column required by the schema is present"
RULE_NO_EXTRA_COLUMN = "no unexpected extra column"


def _masker(column: str | None, masked_columns: set[str]) -> Callable[[Any], str]:
    if column in masked_columns:
        return lambda value: mask_identifier(value, keep=2)
    return inert_text


def _missing(value: Any) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and value != value)
    )


def _examples(result: Mapping[str, Any], show: Callable[[Any], str]) -> tuple[str, ...]:
    counts = result.get("partial_unexpected_counts")
    if counts:
        values = [entry["value"] for entry in counts]
    else:
        values = result.get("partial_unexpected_list", [])
    shown: list[str] = []
    for value in values:
        if _missing(value):
            continue
        text = show(value)
        if text not in shown:
            shown.append(text)
        if len(shown) == MAX_EXAMPLES:
            break
    return tuple(shown)


def _column_set_failures(entry, dataset: str, file: str) -> list[Failure]:
    kwargs = entry["expectation_config"]["kwargs"]
    expected = list(kwargs.get("column_set") or [])
    observed = list(entry.get("result", {}).get("observed_value") or [])
    failures = [
        Failure(dataset, file, inert_text(column), RULE_COLUMN_PRESENT)
        for column in expected
        if column not in observed
    ]
    failures += [
        Failure(dataset, file, inert_text(column), RULE_NO_EXTRA_COLUMN)
        for column in observed
        if column not in expected
    ]
    return failures


def _exception_message(entry: Mapping[str, Any]) -> str | None:
    info = entry.get("exception_info") or {}
    if info.get("raised_exception"):
        return info.get("exception_message")
    for value in info.values():
        if isinstance(value, Mapping) and value.get("raised_exception"):
            return value.get("exception_message")
    return None


def _row_failures(
    entry: Mapping[str, Any],
    dataset: str,
    file: str,
    column: str,
    rule: str,
    show: Callable[[Any], str],
    located: _Located,
) -> list[Failure]:
    """One Failure per file holding failing rows of one expectation (with their lines)."""
    outcome = entry.get("result", {})
    count = int(outcome["unexpected_count"])
    examples = _examples(outcome, show)
    indices = outcome.get("unexpected_index_list")
    if indices is None or located.frame is None:
        return [Failure(dataset, file, column, rule, count, examples)]
    complete = len(indices) == count
    positions = [int(p) for p in located.frame.index.get_indexer(indices) if p >= 0]
    single = entry["expectation_config"]["kwargs"].get("column")
    already = located.flagged.get(single, set()) if single else set()
    if already:
        positions = [p for p in positions if p not in already]
        if not positions:
            return []
        count = len(positions) if complete else count
    by_file = rows_by_file(located.source, positions)
    failures = []
    for where, rows in by_file.items():
        lines = first_lines(rows)
        rows_here = len(rows) if complete else (count if len(by_file) == 1 else None)
        shown = examples
        if single and single in located.frame:
            values = located.frame[single].take([p for p, _ in rows])
            if pd.api.types.is_datetime64_any_dtype(values):
                values = values.dt.strftime("%Y-%m")  # months, as the schema writes them
            shown = _examples({"partial_unexpected_list": list(values)}, show) or examples
        label = located.source.column_label(where, column) if single else column
        failures.append(Failure(dataset, where, label, rule, rows_here, shown, lines))
    return failures


@dataclass(frozen=True)
class _Located:
    """The validated frame, where its rows came from, and cells already reported."""

    frame: pd.DataFrame | None
    source: RowSource
    flagged: Mapping[str, set[int]]


def failures_from_result(
    result: Mapping[str, Any],
    dataset: str,
    file: str,
    masked_columns: Iterable[str] = (),
    frame: pd.DataFrame | None = None,
    source: RowSource | None = None,
    flagged: Mapping[str, set[int]] | None = None,
) -> list[Failure]:
    """One Failure per unsuccessful expectation (per missing or extra column for the column
    set, and per file for a table built from several files).

    With the validated ``frame`` and the ``source`` of its rows, failures name the lines
    of the failing rows; row positions in ``flagged`` (by column) were reported already by
    an earlier check of the same cells and are left out.
    """
    masked = set(masked_columns)
    located = _Located(frame, source or RowSource(file), flagged or {})
    failures: list[Failure] = []
    for entry in result.get("results", []):
        if entry.get("success"):
            continue
        config = entry["expectation_config"]
        kwargs = config.get("kwargs", {})
        rule = config.get("notes") or config["type"]
        if config["type"] in COLUMN_SET_TYPES:
            failures += _column_set_failures(entry, dataset, file)
            continue
        column = kwargs.get("column") or ", ".join(
            kwargs.get("column_list") or [kwargs.get("column_A", ""), kwargs.get("column_B", "")]
        ).strip(", ")
        error = _exception_message(entry)
        if error:
            failures.append(
                Failure(dataset, file, column, f"{rule} (could not be checked: {error})")
            )
            continue
        outcome = entry.get("result", {})
        if "unexpected_count" in outcome:
            show = _masker(kwargs.get("column"), masked)
            failures += _row_failures(entry, dataset, file, column, rule, show, located)
        else:
            observed = outcome.get("observed_value")
            examples = () if observed is None else (f"observed: {inert_text(observed)}",)
            failures.append(Failure(dataset, file, column, rule, None, examples))
    return failures


FULL_LISTS = ("unexpected_list", "unexpected_index_list", "unexpected_index_query")


def without_full_lists(result: Mapping[str, Any]) -> dict:
    """A validation result without the complete lists of failing values and rows (the
    partial lists stay), as stored in the results file and shown in Data Docs."""
    entries = []
    for entry in result.get("results", []):
        outcome = {k: v for k, v in entry.get("result", {}).items() if k not in FULL_LISTS}
        entries.append({**entry, "result": outcome})
    return {**result, "results": entries}


def summary_of(result: Mapping[str, Any], dataset: str) -> SuiteSummary:
    """Expectations evaluated, passed and failed in one validation result."""
    statistics = result.get("statistics", {})
    return SuiteSummary(
        suite=result.get("suite_name", ""),
        dataset=dataset,
        evaluated=int(statistics.get("evaluated_expectations", 0)),
        passed=int(statistics.get("successful_expectations", 0)),
        failed=int(statistics.get("unsuccessful_expectations", 0)),
    )
