"""The checks of one file on its own, and their findings' round trip through the memo."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis.config import SCHEMA_PATH
from analysis.validation.data_files import DataFiles
from analysis.validation.file_checks import FileFindings, check_file
from analysis.validation.gate import FLAT_TABLES
from analysis.validation.suites import read_schema


def files_of(data_dir: Path) -> tuple[DataFiles, dict]:
    schema = read_schema(SCHEMA_PATH)
    return DataFiles.of(data_dir, schema["files"], FLAT_TABLES), schema


def test_findings_name_types_identifiers_and_codings_and_survive_json(data_copy: Path):
    staff = data_copy / "staff_survey.csv"
    frame = pd.read_csv(staff, dtype=str, keep_default_na=False)
    frame.loc[0, "year"] = "four"
    frame.loc[:, "role"] = "943 476 5919"  # an NHS number in every row
    frame.to_csv(staff, index=False, lineterminator="\n")
    codebook = data_copy / "admin_codebook.csv"
    rows = pd.read_csv(codebook, dtype=str, keep_default_na=False)
    rows.loc[rows["field"] == "admission_month", "kind"] = "integer"
    rows.to_csv(codebook, index=False, lineterminator="\n")
    files, schema = files_of(data_copy)

    found = check_file(files, "staff_survey.csv", schema)
    assert [failure.column for failure in found.types] == ["year"]
    assert found.flagged == {"year": {0}}
    assert found.masked == {"role"} and found.readable and found.ok
    coded = check_file(files, "admin_codebook.csv", schema)
    assert coded.codings and {field for _, field in coded.broken_codings} == {"admission_month"}
    for findings in (found, coded):
        again = FileFindings.decode(json.loads(json.dumps(findings.encode())))
        assert again == findings


def test_a_missing_file_is_found_unreadable(data_copy: Path):
    (data_copy / "economics_inputs.csv").unlink()
    files, schema = files_of(data_copy)
    found = check_file(files, "economics_inputs.csv", schema)
    assert [failure.rule for failure in found.read] == ["file is present"]
    assert not found.readable and not found.ok and found.columns == 0
