"""The results record of a report: what it published, in machine-readable form.

Collected from the executed notebooks after a build, never recomputed: every headline
finding (its sentence and the numbers printed in it, from the summary's hidden findings
output), every published-figure reproduction (the reproduction table) and every cell of every
captioned table of results. A site report's tables and sentences are disclosure-controlled
before they are shown, so its record holds released values only. The record is published beside the
report as `results.json`; `stairs-report diff` and the appendix "Changes since the previous
build" compare two records.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from analysis.errors import BuildError
from analysis.pipeline.book import Book
from analysis.pipeline.notebook_markdown import cell_options
from analysis.report.results_record import FINDINGS_MIME

RECORD_NAME = "results.json"
PREVIOUS_RECORD_NAME = "results-previous.json"  # build folder: what the last render compared with
RECORD_FORMAT = 1
REPRODUCTION_TABLE = "tbl-reproduction"
ROW_KEY_SEPARATOR = " · "
# Chapters whose tables describe the build (commit, file hashes, package versions), not its
# results: the record names the commit and data in its "report" part instead.
NOT_RESULTS = ("reproducibility",)


def build_record(book: Book, project_dir: Path, report: dict[str, Any]) -> dict[str, Any]:
    """The record of one executed report (`report` says which: name, scenario, inputs)."""
    import nbformat

    findings: list[dict] = []
    tables: dict[str, dict] = {}
    for chapter in book.notebooks:
        if chapter.id in NOT_RESULTS:
            continue
        path = project_dir / chapter.build_path
        notebook = nbformat.read(path, as_version=4)
        for cell in notebook.cells:
            if cell.cell_type != "code":
                continue
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                if FINDINGS_MIME in data:
                    findings += _as_list(data[FINDINGS_MIME])
            table = _captioned_table(cell)
            if table is not None:
                label, caption, text = table
                tables[label] = {"chapter": chapter.id, "caption": caption, **parse_table(text)}
    reproduction = tables.pop(REPRODUCTION_TABLE, None)
    return {
        "format": RECORD_FORMAT,
        "report": report,
        "findings": {f["key"]: f for f in findings},
        "published_figures": _published_figures(reproduction),
        "tables": tables,
    }


def report_identity(scope: str, provenance_inputs: dict, scenario: dict | None) -> dict:
    """What a record says about its report: name, scenario, commit, data and build date."""
    from analysis.pipeline.cache import text_sha256
    from analysis.pipeline.provenance import build_time

    data_files = provenance_inputs.get("data_files", {})
    git = provenance_inputs.get("git", {})
    return {
        "name": scope,
        "scenario": scenario or {},
        "commit": git.get("commit", "unknown"),
        "dirty": bool(git.get("dirty", False)),
        "data_sha256": text_sha256(json.dumps(data_files, sort_keys=True)),
        "built": build_time()[:10],
    }


def write_record(record: dict, path: Path) -> None:
    """Write a record in book order: the same results give the same bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def read_record(path: Path) -> dict:
    """A record from a file, or from a folder that holds `results.json`."""
    if path.is_dir():
        path = path / RECORD_NAME
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BuildError(f"no results record at {path} ({exc.strerror})") from None
    except ValueError as exc:
        raise BuildError(f"{path} is not a results record: {exc}") from None
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT:
        raise BuildError(f"{path} is not a results record of format {RECORD_FORMAT}")
    return record


def parse_table(text: str) -> dict[str, Any]:
    """A Markdown pipe table as columns and rows keyed by their leading cells.

    A row's key is its first cell, or as many leading cells as it takes for every row's key
    to be unique (a numbered suffix if even all cells repeat).
    """
    lines = [line for line in text.strip().splitlines() if line.strip().startswith("|")]
    if len(lines) < 2:
        return {"columns": [], "rows": {}}
    columns = _cells(lines[0])
    body = [_cells(line) for line in lines[2:]]
    width = _key_width(body)
    rows: dict[str, dict[str, str]] = {}
    for cells in body:
        key = ROW_KEY_SEPARATOR.join(cells[:width]) or "(row)"
        unique, number = key, 1
        while unique in rows:
            number += 1
            unique = f"{key} ({number})"
        rows[unique] = dict(zip(columns, cells, strict=False))
    return {"columns": columns, "rows": rows}


def _key_width(body: list[list[str]]) -> int:
    widest = max((len(cells) for cells in body), default=1)
    for width in range(1, widest + 1):
        keys = [tuple(cells[:width]) for cells in body]
        if len(set(keys)) == len(keys):
            return width
    return widest


def _cells(line: str) -> list[str]:
    """The cells of a pipe-table row, with Markdown escapes undone (`\\|` stays in its cell)."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    parts = re.split(r"(?<!\\)\|", inner)
    return [_unescape(part.strip()) for part in parts]


def _unescape(text: str) -> str:
    text = re.sub(r"\\(.)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _captioned_table(cell) -> tuple[str, str, str] | None:
    """(label, caption, Markdown) of a cell that shows a captioned table, else None."""
    try:
        options = cell_options(cell.source)
    except Exception:  # a malformed option block is the renderer's error to report
        return None
    label = str(options.get("label", ""))
    if not label.startswith("tbl-") or options.get("include") is False:
        return None
    for output in cell.get("outputs", []):
        text = output.get("data", {}).get("text/markdown", "")
        if isinstance(text, list):
            text = "".join(text)
        if text.lstrip().startswith("|"):
            return label, str(options.get("tbl-cap", "")).strip(), text
    return None


def _published_figures(table: dict | None) -> dict[str, dict[str, str]]:
    """The reproduction table's rows by figure (its first column); empty in site reports."""
    if not table or not table["columns"]:
        return {}
    first = table["columns"][0]
    figures = {}
    for row in table["rows"].values():
        if row.get(first):
            figures[row[first]] = {k: v for k, v in row.items() if k != first}
    return figures


def _as_list(value: Any) -> list[dict]:
    if isinstance(value, str):
        value = json.loads(value)
    return [item for item in value if isinstance(item, dict) and "key" in item]
