"""The checks of one data file on its own: readable CSV, value types, codebook codings and
direct identifiers. Their findings depend only on the file's bytes and the code, so the
gate remembers them by the file's hash (:mod:`analysis.validation.memo`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.validation import pii
from analysis.validation.codebook import codebook_failures
from analysis.validation.data_files import DataFiles
from analysis.validation.failures import Failure
from analysis.validation.files import type_failures
from analysis.validation.memo import decode_failures, encode_failures

CODEBOOK = "admin_codebook"


@dataclass
class FileFindings:
    """What the checks of one file found, in the gate's order of reporting."""

    read: list[Failure]  # the file is present, readable, UTF-8, well-formed CSV
    types: list[Failure]  # values parse as their schema types (tables' files only)
    flagged: dict[str, set[int]]  # row positions the type checks reported, by column
    codings: list[Failure]  # the codebook's codings (admin_codebook.csv only)
    broken_codings: set[tuple[str, str]]  # (site, field) pairs whose coding is unusable
    identifiers: list[Failure]  # columns carrying direct identifiers
    columns: int  # columns scanned for identifiers (0 if the file could not be read)
    readable: bool  # the file was read into a table
    ok: bool  # ... and is well formed
    masked: set[str] = field(init=False)  # columns whose examples are masked

    def __post_init__(self) -> None:
        self.masked = {failure.column for failure in self.identifiers}

    def encode(self) -> dict[str, Any]:
        """The findings as JSON values."""
        return {
            "read": encode_failures(self.read),
            "types": encode_failures(self.types),
            "flagged": {column: sorted(rows) for column, rows in self.flagged.items()},
            "codings": encode_failures(self.codings),
            "broken_codings": sorted([site, name] for site, name in self.broken_codings),
            "identifiers": encode_failures(self.identifiers),
            "columns": self.columns,
            "readable": self.readable,
            "ok": self.ok,
        }

    @classmethod
    def decode(cls, value: Mapping[str, Any]) -> FileFindings:
        """Findings from their JSON values."""
        return cls(
            read=decode_failures(value["read"]),
            types=decode_failures(value["types"]),
            flagged={column: set(rows) for column, rows in value["flagged"].items()},
            codings=decode_failures(value["codings"]),
            broken_codings={(site, name) for site, name in value["broken_codings"]},
            identifiers=decode_failures(value["identifiers"]),
            columns=value["columns"],
            readable=value["readable"],
            ok=value["ok"],
        )


def check_file(files: DataFiles, file: str, schema: Mapping[str, Any]) -> FileFindings:
    """Run every check of one file on its own."""
    text = files.text(file)
    table = files.table_of(file)
    flagged: dict[str, set[int]] = {}
    types = type_failures(text, schema["tables"][table]["columns"], flagged) if table else []
    codings, broken = codebook_failures(text, schema) if table == CODEBOOK else ([], set())
    identifiers: list[Failure] = []
    if text.frame is not None:
        end_year = int(str(schema["evaluation_window"]["end"])[:4])
        identifiers = pii.find_identifiers(
            text.frame, text.dataset, text.file, end_year, lines=text.lines
        )
    return FileFindings(
        read=list(text.failures),
        types=types,
        flagged=flagged,
        codings=codings,
        broken_codings=broken,
        identifiers=identifiers,
        columns=0 if text.frame is None else len(text.frame.columns),
        readable=text.frame is not None,
        ok=text.ok,
    )
