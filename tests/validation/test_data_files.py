"""The data folder as the gate sees it: files by name, their hashes, their text on demand."""

from __future__ import annotations

from pathlib import Path

from analysis.config import SCHEMA_PATH
from analysis.validation.data_files import DataFiles
from analysis.validation.gate import FLAT_TABLES
from analysis.validation.suites import RAW_TEMPLATE, read_schema


def test_files_are_named_by_their_path_in_the_folder(small_data_dir: Path):
    files = DataFiles.of(small_data_dir, read_schema(SCHEMA_PATH)["files"], FLAT_TABLES)
    assert files.submissions == {"S02": "admin/S02.csv", "S07": "admin/S07.csv"}
    assert files.every[: len(FLAT_TABLES)] == [files.tables[table] for table in FLAT_TABLES]
    assert files.every[len(FLAT_TABLES) :] == ["admin/S02.csv", "admin/S07.csv"]
    assert files.table_of("cyp_survey.csv") == "cyp_survey" == files.dataset("cyp_survey.csv")
    assert files.table_of("admin/S07.csv") is None
    assert files.dataset("admin/S07.csv") == RAW_TEMPLATE
    text = files.text("admin/S07.csv")
    assert text.ok and text.file == "admin/S07.csv" and files.text("admin/S07.csv") is text


def test_a_changed_byte_changes_the_hash(data_copy: Path):
    schema = read_schema(SCHEMA_PATH)
    before = DataFiles.of(data_copy, schema["files"], FLAT_TABLES).digests(["sites.csv"])
    path = data_copy / "sites.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n", 1))
    after = DataFiles.of(data_copy, schema["files"], FLAT_TABLES)
    assert after.digests(["sites.csv"]) != before
    assert after.digest("missing.csv").startswith("unreadable")
