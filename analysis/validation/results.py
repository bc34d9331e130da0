"""Turn a great_expectations validation result (JSON dict) into Failures and a summary."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from analysis.validation.display import inert_text, mask_identifier
from analysis.validation.failures import MAX_EXAMPLES, Failure, SuiteSummary

COLUMN_SET_TYPES = ("expect_table_columns_to_match_set",)
RULE_COLUMN_PRESENT = "column required by the schema is present"
RULE_NO_EXTRA_COLUMN = "no unexpected extra column"


def _masker(column: str | None, masked_columns: set[str]) -> Callable[[Any], str]:
    if column in masked_columns:
        return lambda value: mask_identifier(value, keep=2)
    return inert_text


def _examples(result: Mapping[str, Any], show: Callable[[Any], str]) -> tuple[str, ...]:
    counts = result.get("partial_unexpected_counts")
    if counts:
        values = [entry["value"] for entry in counts]
    else:
        values = result.get("partial_unexpected_list", [])
    shown: list[str] = []
    for value in values:
        if value is None:
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


def failures_from_result(
    result: Mapping[str, Any], dataset: str, file: str, masked_columns: Iterable[str] = ()
) -> list[Failure]:
    """One Failure per unsuccessful expectation (per missing or extra column for the column set)."""
    masked = set(masked_columns)
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
            examples = _examples(outcome, _masker(kwargs.get("column"), masked))
            failures.append(
                Failure(dataset, file, column, rule, int(outcome["unexpected_count"]), examples)
            )
        else:
            observed = outcome.get("observed_value")
            examples = () if observed is None else (f"observed: {inert_text(observed)}",)
            failures.append(Failure(dataset, file, column, rule, None, examples))
    return failures


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
