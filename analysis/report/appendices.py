"""Content of the appendices: data quality, reproduction, data dictionary, reproducibility."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.data.chapter_context import ChapterContext
from analysis.display.presentation import format_count

# -- data quality -------------------------------------------------------------------------


def load_gate_summary(validation_dir: str | Path) -> dict | None:
    """The gate's per-suite summary written by the build, or None if the gate has not run."""
    if not validation_dir:
        return None
    path = Path(validation_dir) / "summary.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def suite_table(summary: dict) -> pd.DataFrame:
    """Expectations evaluated, passed and failed per suite."""
    frame = pd.DataFrame(summary["suites"])
    columns = {
        "suite": "Suite",
        "dataset": "Dataset",
        "evaluated": "Expectations run",
        "passed": "Passed",
        "failed": "Failed",
    }
    frame = frame[[c for c in columns if c in frame]].rename(columns=columns)
    return frame


def describe_gate(summary: dict | None, national: bool = True) -> str:
    """One paragraph on what the gate checked and found."""
    if summary is None:
        return (
            "The data-quality gate has not been run for this data folder in this build, so "
            "no results are shown. Run `stairs-report validate --data DIR` to see them."
        )
    table = suite_table(summary)
    evaluated = int(table["Expectations run"].sum())
    failed = int(table["Failed"].sum())
    verdict = (
        "Every expectation passed, so the chapters were allowed to run."
        if summary["passed"]
        else f"{format_count(failed)} expectations failed."
    )
    return (
        f"Before any chapter runs, the build validates every data file against "
        f"{format_count(len(table))} great_expectations suites "
        f"({format_count(evaluated)} expectations in all; @tbl-gate-suites). {verdict} "
        "The suites check the raw site submissions against each site's codebook, the types, "
        "allowed values, ranges, identifiers and missingness of the harmonised tables, "
        "links between tables, and refuse any column that looks like a direct identifier "
        "(names, dates of birth, NHS numbers, postcodes, phone numbers or emails). "
        "The full results (the gate's Data Docs) stay in the build folder for the analyst "
        "and are not published: they count the rows of each site's submission, which below "
        "national level is disclosive."
    )


# -- data dictionary ----------------------------------------------------------------------


def dictionary_table(ctx: ChapterContext) -> pd.DataFrame:
    """The data dictionary: every column of every data file."""
    from analysis.data.loading import load_data_dictionary

    dictionary = load_data_dictionary(ctx.data_dir)
    shown = dictionary[["table", "column", "type", "allowed_values", "description"]]
    return shown.fillna("").rename(
        columns={
            "table": "File",
            "column": "Column",
            "type": "Type",
            "allowed_values": "Allowed values",
            "description": "Description",
        }
    )


# -- reproducibility ----------------------------------------------------------------------


def load_provenance(path: str | Path) -> dict | None:
    """Provenance inputs written by the build, or None for a stand-alone run."""
    if not path:
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def provenance_summary(provenance: dict) -> pd.DataFrame:
    """Commit, scope, data folder, Python and renderer as a two-column table."""
    git = provenance["git"]
    dirty = " (working tree had uncommitted changes)" if git["dirty"] else ""
    rows = [
        ("Report scope", provenance["scope"]),
        ("Git commit", f"{git['commit']}{dirty}"),
        ("Data folder", provenance["data_dir"]),
        ("Parameters", json.dumps(provenance["parameters"], sort_keys=True)),
        ("Python", provenance["python"]),
        ("Platform", provenance["platform"]),
        ("Renderer", provenance["renderer"]),
    ]
    return pd.DataFrame(rows, columns=["Item", "Value"])


def data_hash_table(provenance: dict) -> pd.DataFrame:
    """SHA-256 of every data file (shortened for the page; full hashes in provenance.json)."""
    return pd.DataFrame(
        [(name, digest[:16]) for name, digest in provenance["data_files"].items()],
        columns=["Data file", "SHA-256 (first 16 hex digits)"],
    )


def package_table(provenance: dict) -> pd.DataFrame:
    """Versions of the packages that compute and render the report."""
    return pd.DataFrame(sorted(provenance["packages"].items()), columns=["Package", "Version"])


def describe_provenance(provenance: dict | None) -> str:
    """How to reproduce this exact report."""
    if provenance is None:
        return (
            "This chapter was run on its own, outside `stairs-report build`, so no build "
            "provenance is available. A full build records it in `_build/`."
        )
    count = len(provenance["data_files"])
    return (
        f"This report was computed from {format_count(count)} data files whose SHA-256 hashes "
        "are listed in @tbl-data-hashes, by the code at the git commit in @tbl-provenance, "
        "with the package versions in @tbl-packages. The same inputs and seed give the same "
        "numbers. The complete record, including the build time, is in `provenance.json` "
        "beside the report."
    )
