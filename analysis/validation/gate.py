"""The data-quality gate: every suite over one data folder, one report of everything broken.

:func:`run_gate` reads every file of the data contract as text (a missing, empty,
truncated, non-UTF-8 or unreadable file becomes a Failure, not a traceback), refuses
direct identifiers (:mod:`~analysis.validation.pii`), validates each raw site
submission against the template suite filled from its codebook rows, loads each
harmonised table with :mod:`analysis.data.loading` and validates it against its suite (one
great_expectations call per table), runs the cross-table checks, and writes the
validation results (JSON) and offline Data Docs under ``results_dir``.

great_expectations is imported only when :func:`run_gate` runs.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config
from analysis.validation import cross_table, pii
from analysis.validation.codebook import codebook_failures, submission_failures
from analysis.validation.data_docs import ValidationPage, safe_result, write_data_docs
from analysis.validation.display import inert_text, mask_identifier
from analysis.validation.failures import (
    Failure,
    GateReport,
    SuiteSummary,
    failures_frame,
    failures_table,
    summary_frame,
)
from analysis.validation.files import TextTable, read_text_table, type_failures
from analysis.validation.locations import RowSource, admin_rows, file_rows
from analysis.validation.results import failures_from_result, summary_of, without_full_lists
from analysis.validation.suites import (
    RAW_TEMPLATE,
    SITE_IDS,
    SUITE_PARAMETER,
    load_suite,
    read_schema,
    site_submission_suite,
)

__all__ = [
    "Failure",
    "GateReport",
    "SuiteSummary",
    "failures_frame",
    "failures_table",
    "run_gate",
    "summary_frame",
]

RESULTS_FILE = "validation_results.json"
DATA_DOCS_DIR = "data_docs"
FLAT_TABLES = (
    "sites",
    "admin_codebook",
    "staff_survey",
    "cyp_survey",
    "interviews",
    "interview_excerpts",
    "economics_inputs",
    "data_dictionary",
)
LOADERS = {
    "sites": "load_sites",
    "admin_codebook": "load_admin_codebook",
    "admin": "load_admin",
    "staff_survey": "load_staff_survey",
    "cyp_survey": "load_cyp_survey",
    "interviews": "load_interviews",
    "interview_excerpts": "load_interview_excerpts",
    "economics_inputs": "load_economics_inputs",
    "data_dictionary": "load_data_dictionary",
}
# Expectations that mean the same on text as on typed values (used when a table fails to load).
TEXT_SAFE_TYPES = (
    "expect_table_columns_to_match_set",
    "expect_table_row_count_to_be_between",
    "expect_column_values_to_be_unique",
    "expect_compound_columns_to_be_unique",
    "expect_column_values_to_not_be_null",
)
TEXT_SAFE_SCHEMA_TYPES = ("string", "category")
RULE_LOADS = "loads into the harmonised table"
ADMIN_FILES = "admin/*.csv"
RULE_DATA_FOLDER = "data folder is present"


@dataclass
class _Gate:
    """What the gate has found so far."""

    data_dir: Path
    schema: dict
    failures: list[Failure] = field(default_factory=list)
    summaries: list[SuiteSummary] = field(default_factory=list)
    pages: list[ValidationPage] = field(default_factory=list)
    masked: dict[str, set[str]] = field(default_factory=dict)  # dataset -> PII columns
    # cells reported by a text check: dataset -> column -> row positions (not reported again)
    flagged: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    broken_codings: set[tuple[str, str]] = field(default_factory=set)  # (site, field)
    case_id_clashes: list[Failure] = field(default_factory=list)  # a cross-file check, run early

    def record(
        self,
        result: dict,
        suite: dict,
        dataset: str,
        file: str,
        masked: set[str],
        frame: pd.DataFrame | None = None,
        source: RowSource | None = None,
    ) -> None:
        """Keep one GX validation result: its failures, summary and Data Docs page."""
        flagged = self.flagged.get(dataset, {})
        self.failures += failures_from_result(result, dataset, file, masked, frame, source, flagged)
        self.summaries.append(summary_of(result, dataset))
        kept = without_full_lists(result)
        shown = safe_result(kept, masked, lambda value: mask_identifier(value, keep=2))
        self.pages.append(ValidationPage(suite["name"], dataset, file, shown))


def _with_parameters(suite: dict, parameters: Mapping[str, Any]) -> dict:
    """The suite without expectations whose suite parameter is unavailable."""
    kept = []
    for expectation in suite["expectations"]:
        needed = [
            value[SUITE_PARAMETER]
            for value in expectation["kwargs"].values()
            if isinstance(value, dict) and SUITE_PARAMETER in value
        ]
        if all(parameters.get(name) is not None for name in needed):
            kept.append(expectation)
    return {**suite, "expectations": kept}


def _columns_of(expectation: Mapping[str, Any]) -> list[str]:
    kwargs = expectation["kwargs"]
    named = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")]
    return [name for name in named + list(kwargs.get("column_list") or []) if name]


def _present_columns_only(suite: dict, frame: pd.DataFrame) -> dict:
    """The suite without column expectations on absent columns (the column set reports them)."""
    present = set(frame.columns)
    kept = [e for e in suite["expectations"] if set(_columns_of(e)) <= present]
    return {**suite, "expectations": kept}


def _text_safe(suite: dict, columns: Mapping[str, Any]) -> dict:
    """The part of a suite that can be checked on the file's text values."""
    kept = [
        expectation
        for expectation in suite["expectations"]
        if expectation["type"] in TEXT_SAFE_TYPES
        or (
            expectation["type"] == "expect_column_values_to_be_in_set"
            and columns.get(expectation["kwargs"].get("column"), {}).get("type")
            in TEXT_SAFE_SCHEMA_TYPES
        )
    ]
    return {**suite, "name": f"{suite['name']}.as_text", "expectations": kept}


def _validate(
    gate: _Gate,
    frame: pd.DataFrame,
    suite: dict,
    dataset: str,
    file: str,
    parameters: Mapping[str, Any],
    source: RowSource | None = None,
) -> None:
    from analysis.validation.gx_session import validate_frame

    suite = _present_columns_only(_with_parameters(suite, parameters), frame)
    result = validate_frame(frame, suite, suite["name"], parameters)
    masked = gate.masked.get(dataset, set())
    gate.record(result, suite, dataset, file, masked, frame, source)


def _scan_identifiers(gate: _Gate, texts: list[TextTable]) -> None:
    """Run the PII guard over every column of every readable file."""
    end_year = int(str(gate.schema["evaluation_window"]["end"])[:4])
    scanned = flagged = 0
    for text in texts:
        if text.frame is None:
            continue
        found = pii.find_identifiers(
            text.frame, text.dataset, text.file, end_year, lines=text.lines
        )
        gate.failures += found
        columns = {failure.column for failure in found}
        gate.masked.setdefault(text.dataset, set()).update(columns)
        scanned += len(text.frame.columns)
        flagged += len(columns)
    gate.summaries.append(
        SuiteSummary("pii_guard", "all files (every column)", scanned, scanned - flagged, flagged)
    )


def _read_files(gate: _Gate) -> tuple[dict[str, TextTable], dict[str, TextTable]]:
    files = gate.schema["files"]
    texts = {
        table: read_text_table(gate.data_dir / files[table], table, files[table])
        for table in FLAT_TABLES
    }
    folder = Path(files["admin_submissions"]).parent
    paths = sorted((gate.data_dir / folder).glob("*.csv"))
    if not paths:
        gate.failures.append(
            Failure(
                "raw_admin_submission",
                f"{folder}/",
                "",
                "file is present (one admin/<site_id>.csv per site)",
            )
        )
    submissions = {
        path.stem: read_text_table(path, RAW_TEMPLATE, f"{folder}/{path.name}") for path in paths
    }
    checked = [*texts.values(), *submissions.values()]
    for text in checked:
        gate.failures += text.failures
    broken = sum(1 for text in checked if text.failures)
    gate.summaries.append(
        SuiteSummary(
            "files", "all files (readable CSV)", len(checked), len(checked) - broken, broken
        )
    )
    for table, text in texts.items():
        flagged = gate.flagged.setdefault(table, {})
        gate.failures += type_failures(text, gate.schema["tables"][table]["columns"], flagged)
    codebook_problems, gate.broken_codings = codebook_failures(texts["admin_codebook"], gate.schema)
    gate.failures += codebook_problems
    gate.case_id_clashes = cross_table.case_ids_unique_across_files(
        submissions, texts["admin_codebook"].frame
    )
    gate.failures += gate.case_id_clashes
    _scan_identifiers(gate, checked)
    return texts, submissions


def _validate_submissions(
    gate: _Gate, submissions: Mapping[str, TextTable], codebook: TextTable
) -> None:
    if codebook.frame is None or "site_id" not in codebook.frame:
        return
    template = load_suite(RAW_TEMPLATE)
    for site, text in submissions.items():
        rows = codebook.frame[codebook.frame["site_id"] == site]
        if text.frame is None or rows.empty:
            continue
        skip = {name for coded_site, name in gate.broken_codings if coded_site == site}
        suite = site_submission_suite(template, site, rows, skip)
        dataset = RAW_TEMPLATE
        gate.masked.setdefault(dataset, set()).update(gate.masked.get(text.dataset, set()))
        gate.failures += submission_failures(text, rows, gate.schema, skip)
        _validate(gate, text.frame, suite, dataset, text.file, {}, file_rows(text))


def _load(gate: _Gate, table: str) -> tuple[pd.DataFrame | None, str | None]:
    """The harmonised table from analysis.data.loading, or the loader's message."""
    from analysis.data import loading

    loader: Callable[[Path], pd.DataFrame] = getattr(loading, LOADERS[table])
    try:
        return loader(gate.data_dir), None
    except Exception as error:  # any loader error on bad data is a failure, not a crash
        message = str(error).replace(str(gate.data_dir) + "/", "")
        return None, message


def _with_extra_columns(frame: pd.DataFrame, text: TextTable | None) -> pd.DataFrame:
    """The loaded table plus any column of the file the loader left out (to be reported)."""
    if text is None or text.frame is None:
        return frame
    extra = [column for column in text.frame.columns if column not in frame.columns]
    if not extra or len(text.frame) != len(frame):
        return frame
    return pd.concat([frame, text.frame[extra].set_axis(frame.index)], axis=1)


def _validate_table(
    gate: _Gate,
    table: str,
    text: TextTable | None,
    parameters: Mapping[str, Any],
    explained: bool,
    source_of: Callable[[pd.DataFrame], RowSource] | None = None,
) -> pd.DataFrame | None:
    """Load and validate one harmonised table; the loaded table, or None.

    ``source_of`` gives where the loaded table's rows came from (by default, the lines
    of ``text``).
    """
    file = gate.schema["files"][table] if table != "admin" else ADMIN_FILES
    suite = load_suite(table)
    frame, problem = _load(gate, table)
    if frame is not None:
        source = source_of(frame) if source_of else (file_rows(text) if text else None)
        checked = _with_extra_columns(frame, text)
        _validate(gate, checked, suite, table, file, parameters, source)
        return frame
    if not explained:
        gate.failures.append(Failure(table, file, "", f"{RULE_LOADS}: {inert_text(problem, 300)}"))
    if text is not None and text.frame is not None:
        columns = gate.schema["tables"][table]["columns"]
        safe = _text_safe(suite, columns)
        _validate(gate, text.frame, safe, table, file, parameters, file_rows(text))
    return None


def _validate_tables(
    gate: _Gate,
    texts: Mapping[str, TextTable],
    submissions: Mapping[str, TextTable],
    raw_failures: Callable[[], list[Failure]] | None = None,
) -> dict[str, pd.DataFrame | None]:
    """Validate every harmonised table; `raw_failures` gives the raw submissions' findings
    when they are computed elsewhere (by default they are already in `gate.failures`)."""

    def explained(table: str) -> bool:
        return any(failure.dataset == table for failure in gate.failures)

    loaded: dict[str, pd.DataFrame | None] = {}
    register = None
    if texts["sites"].frame is not None:
        register = _validate_table(gate, "sites", texts["sites"], {}, explained("sites"))
        loaded["sites"] = register
    site_ids = None if register is None else sorted(register["site_id"].dropna().astype(str))
    parameters: dict[str, Any] = {SITE_IDS: site_ids}
    if texts["interviews"].frame is not None:
        loaded["interviews"] = _validate_table(
            gate, "interviews", texts["interviews"], parameters, explained("interviews")
        )
    for table in FLAT_TABLES:
        if table in loaded or texts[table].frame is None:
            continue
        loaded[table] = _validate_table(gate, table, texts[table], parameters, explained(table))
    raw_ok = submissions and all(text.ok for text in submissions.values())
    codebook = texts["admin_codebook"]
    if raw_ok and codebook.ok and register is not None:
        found = raw_failures() if raw_failures is not None else gate.failures
        raw_problems = any(
            f.dataset in (RAW_TEMPLATE, "admin_codebook") or f.file.startswith("admin/")
            for f in [*found, *gate.failures]
        )

        def source_of(frame: pd.DataFrame) -> RowSource:
            return admin_rows(frame, submissions, codebook.frame)

        loaded["admin"] = _validate_table(gate, "admin", None, parameters, raw_problems, source_of)
    return loaded


def _cross_table(
    gate: _Gate,
    texts: Mapping[str, TextTable],
    submissions: Mapping[str, TextTable],
    loaded: Mapping[str, pd.DataFrame | None],
) -> None:
    register = loaded.get("sites")
    codebook = texts["admin_codebook"].frame
    sources = {table: file_rows(texts[table]) for table in FLAT_TABLES}
    admin = loaded.get("admin")
    if admin is not None:
        sources["admin"] = admin_rows(admin, submissions, codebook)
    found = [
        cross_table.admin_files_match_codebook(sorted(submissions), codebook, register),
        gate.case_id_clashes,
        cross_table.settings_agree_with_register(
            {
                table: (sources.get(table, RowSource(ADMIN_FILES)), loaded.get(table))
                for table in ("admin", "staff_survey", "cyp_survey", "interviews")
            },
            register,
        ),
        cross_table.reporting_groups_follow_settings(register, sources["sites"]),
        cross_table.interviews_at_case_study_sites(
            loaded.get("interviews"), register, sources["interviews"]
        ),
        cross_table.excerpts_refer_to_interviews(
            loaded.get("interview_excerpts"),
            loaded.get("interviews"),
            sources["interview_excerpts"],
        ),
    ]
    for failures in found:
        if failures is not gate.case_id_clashes:
            gate.failures += failures
    failed = sum(1 for failures in found if failures)
    gate.summaries.append(
        SuiteSummary("cross_table", cross_table.DATASET, len(found), len(found) - failed, failed)
    )


def _write_results(
    gate: _Gate, report: GateReport, results_dir: Path, seconds: float, data_docs: bool
) -> None:
    results_dir.mkdir(parents=True, exist_ok=True)
    payload = {
        **report.to_json_dict(),
        "data_dir": str(gate.data_dir),
        "seconds": round(seconds, 2),
        "validations": [
            {"suite": page.name, "dataset": page.dataset, "file": page.file, "result": page.result}
            for page in gate.pages
        ],
    }
    text = json.dumps(payload, indent=1, default=str, ensure_ascii=False)
    (results_dir / RESULTS_FILE).write_text(text + "\n", encoding="utf-8")
    if data_docs:
        write_data_docs(gate.pages, results_dir / DATA_DOCS_DIR)


def _submission_findings(
    data_dir: Path,
    schema: dict,
    masked: dict[str, set[str]],
    broken_codings: set[tuple[str, str]],
    submissions: Mapping[str, TextTable],
    codebook: TextTable,
) -> tuple[list, list, list, dict]:
    """Validate the raw submissions on their own (runs in a worker process)."""
    child = _Gate(data_dir, schema, masked={k: set(v) for k, v in masked.items()})
    child.broken_codings = set(broken_codings)
    _validate_submissions(child, submissions, codebook)
    return child.failures, child.summaries, child.pages, child.masked


def _validate_submissions_beside_tables(
    gate: _Gate,
    texts: dict[str, TextTable],
    submissions: dict[str, TextTable],
    parallel: bool,
) -> dict:
    """Raw submissions then harmonised tables; findings keep that order either way."""
    codebook = texts["admin_codebook"]
    if not parallel or (os.cpu_count() or 1) < 2:
        _validate_submissions(gate, submissions, codebook)
        return _validate_tables(gate, texts, submissions)
    import functools
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    arguments = (
        gate.data_dir,
        gate.schema,
        gate.masked,
        gate.broken_codings,
        submissions,
        codebook,
    )
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        future = pool.submit(_submission_findings, *arguments)

        @functools.cache
        def findings() -> tuple[list, list, list, dict]:
            try:
                return future.result()
            except BrokenProcessPool:  # the worker could not start: validate here instead
                return _submission_findings(*arguments)

        before = (len(gate.failures), len(gate.summaries), len(gate.pages))
        loaded = _validate_tables(gate, texts, submissions, lambda: findings()[0])
        failures, summaries, pages, masked = findings()
    gate.failures[before[0] : before[0]] = failures
    gate.summaries[before[1] : before[1]] = summaries
    gate.pages[before[2] : before[2]] = pages
    for dataset, columns in masked.items():
        gate.masked.setdefault(dataset, set()).update(columns)
    return loaded


def run_gate(
    data_dir: Path, results_dir: Path, *, data_docs: bool = True, parallel: bool = True
) -> GateReport:
    """Run every suite over ``data_dir``; write results and Data Docs under ``results_dir``.

    Writes ``results_dir/validation_results.json`` and, unless ``data_docs`` is False,
    ``results_dir/data_docs/index.html``. Never raises for bad data: every problem found
    is a Failure in the report. With ``parallel``, the raw site submissions are validated
    in a second process while this one validates the harmonised tables.
    """
    started = time.perf_counter()
    gate = _Gate(Path(data_dir), read_schema(config.SCHEMA_PATH))
    if not gate.data_dir.is_dir():
        gate.failures.append(Failure("data folder", str(gate.data_dir), "", RULE_DATA_FOLDER))
    else:
        texts, submissions = _read_files(gate)
        loaded = _validate_submissions_beside_tables(gate, texts, submissions, parallel)
        _cross_table(gate, texts, submissions, loaded)
    report = GateReport(not gate.failures, gate.failures, gate.summaries)
    seconds = time.perf_counter() - started
    _write_results(gate, report, Path(results_dir), seconds, data_docs)
    return report
