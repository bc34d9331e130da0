"""The data-quality gate: every suite over one data folder, one report of everything broken.

:func:`run_gate` reads every file of the data contract as text (a missing, empty,
truncated, non-UTF-8 or unreadable file becomes a Failure, not a traceback), refuses
direct identifiers (:mod:`~analysis.validation.pii`), validates each raw site
submission against the template suite filled from its codebook rows, loads each
harmonised table with :mod:`analysis.data.loading` and validates it against its suite (one
great_expectations call per table), runs the cross-table checks, and writes the
validation results (JSON) and offline Data Docs under ``results_dir``.

The gate is incremental when given a :class:`~analysis.validation.memo.GateMemo`: each
check (the checks of one file on its own, one suite's validation, one cross-table check,
one Data Docs page) is kept by the hashes of the files it reads, its suite and the code.
After one file changes only the checks that read it run; files are read, tables loaded
and great_expectations imported only for checks that run (or to name the lines of a
remembered failure), and the report is the one a full run gives.
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
from analysis.config import EXPECTATIONS_DIR
from analysis.validation import cross_table
from analysis.validation.codebook import submission_failures
from analysis.validation.data_docs import ValidationPage, safe_result, write_data_docs
from analysis.validation.data_files import DataFiles
from analysis.validation.display import inert_text, mask_identifier
from analysis.validation.failures import (
    Failure,
    GateReport,
    SuiteSummary,
    failures_frame,
    failures_table,
    summary_frame,
)
from analysis.validation.file_checks import FileFindings, check_file
from analysis.validation.files import TextTable
from analysis.validation.locations import RowSource, admin_rows, file_rows
from analysis.validation.memo import GateMemo, decode_failures, encode_failures, file_digest
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


Located = Callable[[], tuple[pd.DataFrame | None, RowSource | None]]


@dataclass
class _Gate:
    """What the gate has found so far, and the data folder it reads."""

    data_dir: Path
    schema: dict
    memo: GateMemo
    files: DataFiles | None = None
    failures: list[Failure] = field(default_factory=list)
    summaries: list[SuiteSummary] = field(default_factory=list)
    pages: list[ValidationPage] = field(default_factory=list)
    masked: dict[str, set[str]] = field(default_factory=dict)  # dataset -> PII columns
    # cells reported by a text check: dataset -> column -> row positions (not reported again)
    flagged: dict[str, dict[str, set[int]]] = field(default_factory=dict)
    broken_codings: set[tuple[str, str]] = field(default_factory=set)  # (site, field)
    case_id_clashes: list[Failure] = field(default_factory=list)  # a cross-file check, run early
    findings: dict[str, FileFindings] = field(default_factory=dict)  # by file
    table_loaded: dict[str, bool] = field(default_factory=dict)  # validated table: loaded?
    _loads: dict[str, tuple[pd.DataFrame | None, str | None]] = field(default_factory=dict)

    @property
    def data(self) -> DataFiles:
        assert self.files is not None
        return self.files

    def record(
        self, result: dict, suite_name: str, dataset: str, file: str, located: Located
    ) -> None:
        """Keep one GX validation result: its failures, summary and Data Docs page.

        `located` gives the validated frame and where its rows came from; it is called only
        when some expectation failed (to name the failing lines).
        """
        frame, source = located() if _has_failures(result) else (None, None)
        masked = self.masked.get(dataset, set())
        flagged = self.flagged.get(dataset, {})
        self.failures += failures_from_result(result, dataset, file, masked, frame, source, flagged)
        self.summaries.append(summary_of(result, dataset))
        kept = without_full_lists(result)
        shown = safe_result(kept, masked, lambda value: mask_identifier(value, keep=2))
        self.pages.append(ValidationPage(suite_name, dataset, file, shown))

    def loaded(self, table: str) -> tuple[pd.DataFrame | None, str | None]:
        """The harmonised table from analysis.data.loading, or the loader's message (loaded
        once per gate)."""
        if table not in self._loads:
            self._loads[table] = _load(self.data_dir, table)
        return self._loads[table]

    def table(self, table: str) -> pd.DataFrame | None:
        """The harmonised table, if the gate validated it loaded (as the cross-table checks
        see it)."""
        return self.loaded(table)[0] if self.table_loaded.get(table) else None

    def source(self, table: str) -> RowSource:
        """Where the rows of a harmonised table came from."""
        if table == "admin":
            admin = self.table("admin")
            if admin is None:
                return RowSource(ADMIN_FILES)
            codebook = self.data.text(self.data.tables["admin_codebook"]).frame
            return admin_rows(admin, self.data.submission_texts(), codebook)
        return file_rows(self.data.text(self.data.tables[table]))


def _has_failures(result: Mapping[str, Any]) -> bool:
    return not all(entry.get("success") for entry in result.get("results", []))


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


def _load(data_dir: Path, table: str) -> tuple[pd.DataFrame | None, str | None]:
    """The harmonised table from analysis.data.loading, or the loader's message."""
    from analysis.data import loading

    loader: Callable[[Path], pd.DataFrame] = getattr(loading, LOADERS[table])
    try:
        return loader(data_dir), None
    except Exception as error:  # any loader error on bad data is a failure, not a crash
        message = str(error).replace(str(data_dir) + "/", "")
        return None, message


def _with_extra_columns(frame: pd.DataFrame, text: TextTable | None) -> pd.DataFrame:
    """The loaded table plus any column of the file the loader left out (to be reported)."""
    if text is None or text.frame is None:
        return frame
    extra = [column for column in text.frame.columns if column not in frame.columns]
    if not extra or len(text.frame) != len(frame):
        return frame
    return pd.concat([frame, text.frame[extra].set_axis(frame.index)], axis=1)


def _validation(
    frame: pd.DataFrame, suite: dict, parameters: Mapping[str, Any]
) -> tuple[str, dict]:
    """Validate `frame` against `suite` (less what it cannot check here): suite name, result."""
    from analysis.validation.gx_session import validate_frame

    suite = _present_columns_only(_with_parameters(suite, parameters), frame)
    return suite["name"], validate_frame(frame, suite, suite["name"], parameters)


def _suite_digest(name: str) -> str:
    return file_digest(EXPECTATIONS_DIR / f"{name}.json")


def _file_rows_of(text: TextTable) -> Located:
    return lambda: (text.frame, file_rows(text))


def _check_files(gate: _Gate) -> None:
    """Every file on its own (readable CSV, types, codings, identifiers), then the case ids
    across the site submissions; findings in the order they are reported."""
    data = gate.data
    if not data.submissions:
        gate.failures.append(
            Failure(
                "raw_admin_submission",
                f"{data.submission_folder}/",
                "",
                "file is present (one admin/<site_id>.csv per site)",
            )
        )
    for file in data.every:
        gate.findings[file] = gate.memo.check(
            f"file {file}",
            {"files": data.digests([file])},
            lambda file=file: check_file(data, file, gate.schema),
            FileFindings.encode,
            FileFindings.decode,
        )
    found = [gate.findings[file] for file in data.every]
    for findings in found:
        gate.failures += findings.read
    broken = sum(1 for findings in found if findings.read)
    gate.summaries.append(
        SuiteSummary("files", "all files (readable CSV)", len(found), len(found) - broken, broken)
    )
    for table, file in data.tables.items():
        gate.failures += gate.findings[file].types
        gate.flagged[table] = gate.findings[file].flagged
    codebook = gate.findings[data.tables["admin_codebook"]]
    gate.failures += codebook.codings
    gate.broken_codings = codebook.broken_codings
    gate.case_id_clashes = gate.memo.check(
        "cross-table case_ids_unique_across_files",
        {"files": data.digests([data.tables["admin_codebook"], *data.submissions.values()])},
        lambda: cross_table.case_ids_unique_across_files(
            data.submission_texts(), data.text(data.tables["admin_codebook"]).frame
        ),
        encode_failures,
        decode_failures,
    )
    gate.failures += gate.case_id_clashes
    _report_identifiers(gate)


def _report_identifiers(gate: _Gate) -> None:
    """The PII guard's findings over every column of every readable file."""
    scanned = flagged = 0
    for file in gate.data.every:
        findings = gate.findings[file]
        if not findings.readable:
            continue
        gate.failures += findings.identifiers
        gate.masked.setdefault(gate.data.dataset(file), set()).update(findings.masked)
        scanned += findings.columns
        flagged += len(findings.masked)
    gate.summaries.append(
        SuiteSummary("pii_guard", "all files (every column)", scanned, scanned - flagged, flagged)
    )


# -- raw site submissions ---------------------------------------------------------------------


def _submission_check(data: DataFiles, site: str) -> tuple[str, dict]:
    """Name and memo inputs of one site submission's validation."""
    file = data.submissions[site]
    inputs = {
        "files": data.digests([file, data.tables["admin_codebook"]]),
        "suite": _suite_digest(RAW_TEMPLATE),
    }
    return f"suite {RAW_TEMPLATE} ({file})", inputs


def _submission_value(
    data: DataFiles, schema: dict, broken_codings: set[tuple[str, str]], site: str
) -> dict | None:
    """Validate one site's raw submission against its codebook rows (None: nothing to
    validate); the cells its suite cannot judge, the suite's name and the GX result."""
    codebook = data.text(data.tables["admin_codebook"]).frame
    if codebook is None or "site_id" not in codebook:
        return None
    rows = codebook[codebook["site_id"] == site]
    text = data.text(data.submissions[site])
    if text.frame is None or rows.empty:
        return None
    skip = {name for coded_site, name in broken_codings if coded_site == site}
    suite = site_submission_suite(load_suite(RAW_TEMPLATE), site, rows, skip)
    failures = submission_failures(text, rows, schema, skip)
    name, result = _validation(text.frame, suite, {})
    return {"failures": encode_failures(failures), "suite": name, "result": result}


def _submission_values(
    data_dir: Path, schema: dict, broken_codings: set[tuple[str, str]], sites: list[str]
) -> dict[str, dict | None]:
    """Validate some sites' submissions (runs in a worker process)."""
    data = DataFiles.of(data_dir, schema["files"], FLAT_TABLES)
    return {site: _submission_value(data, schema, broken_codings, site) for site in sites}


def _record_submissions(gate: _Gate, values: Mapping[str, dict | None]) -> None:
    for site, value in values.items():
        if value is None:
            continue
        text = gate.data.text(gate.data.submissions[site])
        gate.failures += decode_failures(value["failures"])
        gate.record(value["result"], value["suite"], RAW_TEMPLATE, text.file, _file_rows_of(text))


def _submissions_beside_tables(gate: _Gate, parallel: bool) -> None:
    """Raw submissions, then the harmonised tables; findings keep that order.

    With ``parallel``, when at least two submissions must be validated, a second process
    validates them while this one validates the tables.
    """
    data = gate.data
    checks = {site: _submission_check(data, site) for site in data.submissions}
    missing = [site for site, check in checks.items() if not gate.memo.knows(*check)]
    beside = parallel and len(missing) > 1 and (os.cpu_count() or 1) > 1
    marks = (len(gate.failures), len(gate.summaries), len(gate.pages))
    computed = _submissions_while_checking_tables(gate, missing) if beside else {}

    def value(site: str) -> dict | None:
        if site in computed:
            return computed[site]
        return _submission_value(data, gate.schema, gate.broken_codings, site)

    values = {
        site: gate.memo.check(*check, lambda site=site: value(site))
        for site, check in checks.items()
    }
    if not beside:
        _check_tables(gate)
    ends = (len(gate.failures), len(gate.summaries), len(gate.pages))
    _record_submissions(gate, values)
    for found, mark, end in zip(
        (gate.failures, gate.summaries, gate.pages), marks, ends, strict=True
    ):
        added = found[end:]  # the submissions' findings go before the tables'
        del found[end:]
        found[mark:mark] = added


def _submissions_while_checking_tables(gate: _Gate, sites: list[str]) -> dict[str, dict | None]:
    """Validate `sites`' submissions in a second process while this one checks the tables."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from analysis.interrupts import ignore_interrupts

    arguments = (gate.data_dir, gate.schema, gate.broken_codings, sites)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=ignore_interrupts
    ) as pool:
        future = pool.submit(_submission_values, *arguments)
        _check_tables(gate)
        try:
            return future.result()
        except BrokenProcessPool:  # the worker could not start: validate here instead
            return _submission_values(*arguments)


# -- harmonised tables ------------------------------------------------------------------------


def _table_check(gate: _Gate, table: str, explained: bool) -> tuple[str, dict]:
    """Name and memo inputs of one harmonised table's validation: the files its loader
    reads (and the register, for suites that take its site ids), its suite, and whether
    an earlier check already explains why it might not load."""
    data = gate.data
    if table == "admin":
        files = [data.tables["sites"], data.tables["admin_codebook"], *data.submissions.values()]
        where = ADMIN_FILES
    else:
        files = [data.tables[table]]
        where = data.tables[table]
    if table != "sites" and _takes_parameters(load_suite(table)):
        files.append(data.tables["sites"])
    inputs = {"files": data.digests(files), "suite": _suite_digest(table), "explained": explained}
    return f"suite {table} ({where})", inputs


def _takes_parameters(suite: Mapping[str, Any]) -> bool:
    return any(
        isinstance(value, dict) and SUITE_PARAMETER in value
        for expectation in suite["expectations"]
        for value in expectation["kwargs"].values()
    )


def _parameters(gate: _Gate, table: str) -> dict[str, Any]:
    if table == "sites":
        return {}
    register = gate.table("sites")
    site_ids = None if register is None else sorted(register["site_id"].dropna().astype(str))
    return {SITE_IDS: site_ids}


def _text_of(gate: _Gate, table: str) -> TextTable | None:
    return None if table == "admin" else gate.data.text(gate.data.tables[table])


def _table_value(gate: _Gate, table: str) -> dict:
    """Load and validate one harmonised table (the part of its suite that applies to the
    file's text, if it does not load): whether it loaded, the loader's message, the
    suite's name and the GX result."""
    suite = load_suite(table)
    text = _text_of(gate, table)
    frame, problem = gate.loaded(table)
    parameters = _parameters(gate, table)
    if frame is not None:
        name, result = _validation(_with_extra_columns(frame, text), suite, parameters)
        return {"loaded": True, "problem": None, "suite": name, "result": result}
    if text is not None and text.frame is not None:
        safe = _text_safe(suite, gate.schema["tables"][table]["columns"])
        name, result = _validation(text.frame, safe, parameters)
        return {"loaded": False, "problem": problem, "suite": name, "result": result}
    return {"loaded": False, "problem": problem, "suite": None, "result": None}


def _check_table(gate: _Gate, table: str, explained: bool) -> None:
    """Validate one harmonised table (or take its validation from the memo) and keep it."""
    value = gate.memo.check(
        *_table_check(gate, table, explained), lambda: _table_value(gate, table)
    )
    gate.table_loaded[table] = value["loaded"]
    file = gate.schema["files"][table] if table != "admin" else ADMIN_FILES
    if value["loaded"]:

        def located() -> tuple[pd.DataFrame | None, RowSource | None]:
            frame = gate.table(table)
            text = _text_of(gate, table)
            return _with_extra_columns(frame, text), gate.source(table)

        gate.record(value["result"], value["suite"], table, file, located)
        return
    if not explained:
        message = inert_text(value["problem"], 300)
        gate.failures.append(Failure(table, file, "", f"{RULE_LOADS}: {message}"))
    if value["result"] is not None:
        text = _text_of(gate, table)
        gate.record(value["result"], value["suite"], table, file, _file_rows_of(text))


def _check_tables(gate: _Gate) -> None:
    """The register first (its site ids are the other suites' parameter), then the
    interviews, then every other table read from one file."""

    def explained(table: str) -> bool:
        return any(failure.dataset == table for failure in gate.failures)

    for table in ("sites", "interviews", *FLAT_TABLES):
        if table in gate.table_loaded or not gate.findings[gate.data.tables[table]].readable:
            continue
        _check_table(gate, table, explained(table))


def _check_admin(gate: _Gate) -> None:
    """The harmonised admin table, when every submission, the codebook and the register
    could be read."""
    data = gate.data
    raw_ok = data.submissions and all(gate.findings[f].ok for f in data.submissions.values())
    codebook_ok = gate.findings[data.tables["admin_codebook"]].ok
    if raw_ok and codebook_ok and gate.table_loaded.get("sites"):
        raw_problems = any(
            f.dataset in (RAW_TEMPLATE, "admin_codebook") or f.file.startswith("admin/")
            for f in gate.failures
        )
        _check_table(gate, "admin", raw_problems)


# -- checks across tables ---------------------------------------------------------------------


def _cross_table(gate: _Gate) -> None:
    data = gate.data
    sites, codebook = data.tables["sites"], data.tables["admin_codebook"]
    read_by = {
        "admin": [sites, codebook, *data.submissions.values()],
        **{table: [data.tables[table]] for table in FLAT_TABLES},
    }

    def check(name: str, tables: list[str], compute: Callable[[], list[Failure]], **more):
        files = [file for table in tables for file in read_by[table]]
        inputs = {"files": data.digests(dict.fromkeys(files)), **more}
        return gate.memo.check(
            f"cross-table {name}", inputs, compute, encode_failures, decode_failures
        )

    def settings(table: str) -> list[Failure]:
        return check(
            f"settings_agree_with_register ({table})",
            [table, "sites"],
            lambda: cross_table.settings_agree_with_register(
                {table: (gate.source(table), gate.table(table))}, gate.table("sites")
            ),
        )

    found = [
        check(
            "admin_files_match_codebook",
            ["admin_codebook", "sites"],
            lambda: cross_table.admin_files_match_codebook(
                sorted(data.submissions), data.text(codebook).frame, gate.table("sites")
            ),
            admin_files=sorted(data.submissions),
        ),
        gate.case_id_clashes,
        [
            failure
            for table in ("admin", "staff_survey", "cyp_survey", "interviews")
            for failure in settings(table)
        ],
        check(
            "reporting_groups_follow_settings",
            ["sites"],
            lambda: cross_table.reporting_groups_follow_settings(
                gate.table("sites"), gate.source("sites")
            ),
        ),
        check(
            "interviews_at_case_study_sites",
            ["interviews", "sites"],
            lambda: cross_table.interviews_at_case_study_sites(
                gate.table("interviews"), gate.table("sites"), gate.source("interviews")
            ),
        ),
        check(
            "excerpts_refer_to_interviews",
            ["interview_excerpts", "interviews"],
            lambda: cross_table.excerpts_refer_to_interviews(
                gate.table("interview_excerpts"),
                gate.table("interviews"),
                gate.source("interview_excerpts"),
            ),
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
    if data_docs:
        write_data_docs(gate.pages, results_dir / DATA_DOCS_DIR, gate.memo)
    payload = {
        **report.to_json_dict(),
        "data_dir": str(gate.data_dir),
        "seconds": round(seconds, 2),
        "checks": gate.memo.summary,
        "validations": [
            {"suite": page.name, "dataset": page.dataset, "file": page.file, "result": page.result}
            for page in gate.pages
        ],
    }
    text = json.dumps(payload, indent=1, default=str, ensure_ascii=False)
    (results_dir / RESULTS_FILE).write_text(text + "\n", encoding="utf-8")


def run_gate(
    data_dir: Path,
    results_dir: Path,
    *,
    data_docs: bool = True,
    parallel: bool = True,
    memo: GateMemo | None = None,
) -> GateReport:
    """Run every suite over ``data_dir``; write results and Data Docs under ``results_dir``.

    Writes ``results_dir/validation_results.json`` (with the checks that ran and those
    taken from ``memo``) and, unless ``data_docs`` is False,
    ``results_dir/data_docs/index.html``. Never raises for bad data: every problem found
    is a Failure in the report. With ``parallel``, the raw site submissions are validated
    in a second process while this one validates the harmonised tables. With ``memo``,
    only the checks whose files, suite or code changed run; the report is the same.
    """
    started = time.perf_counter()
    memo = memo if memo is not None else GateMemo(None)
    gate = _Gate(Path(data_dir), read_schema(config.SCHEMA_PATH), memo)
    if not gate.data_dir.is_dir():
        gate.failures.append(Failure("data folder", str(gate.data_dir), "", RULE_DATA_FOLDER))
    else:
        gate.files = DataFiles.of(gate.data_dir, gate.schema["files"], FLAT_TABLES)
        _check_files(gate)
        _submissions_beside_tables(gate, parallel)
        _check_admin(gate)
        _cross_table(gate)
    report = GateReport(not gate.failures, gate.failures, gate.summaries)
    seconds = time.perf_counter() - started
    _write_results(gate, report, Path(results_dir), seconds, data_docs)
    if gate.files is not None:
        memo.forget_unused()
    return report
