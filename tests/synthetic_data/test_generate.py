"""write_dataset: the files it writes, the data dictionary, privacy, and bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.data import loading
from analysis.data.harmonise import read_schema
from analysis.errors import DataError, ParameterError
from synthetic_data import generate, write_dataset

SCHEMA = read_schema()


def test_write_dataset_returns_every_contract_file_and_18_site_submissions(tmp_path):
    written = write_dataset(tmp_path / "data")
    names = {p.relative_to(tmp_path / "data").as_posix() for p in written}
    contract = {f for key, f in SCHEMA["files"].items() if key != "admin_submissions"}
    assert contract <= names
    assert {n for n in names if n.startswith("admin/")} == {
        f"admin/S{i:02d}.csv" for i in range(1, 19)
    }
    assert all(p.is_file() for p in written)


def test_data_dictionary_covers_every_column_of_every_table_file(bundled_data_dir):
    dictionary = loading.load_data_dictionary(bundled_data_dir)
    for table, file_name in SCHEMA["files"].items():
        if table == "admin_submissions":
            continue
        header = pd.read_csv(bundled_data_dir / file_name, nrows=0).columns.tolist()
        documented = dictionary.loc[dictionary["table"] == table, "column"].tolist()
        assert header == documented, table
    admin_columns = dictionary.loc[dictionary["table"] == "admin", "column"].tolist()
    assert admin_columns == list(SCHEMA["tables"]["admin"]["columns"])


def test_every_raw_admin_column_is_explained_by_the_codebook(bundled_data_dir):
    codebook = loading.load_admin_codebook(bundled_data_dir)
    for path in sorted((bundled_data_dir / "admin").glob("*.csv")):
        header = pd.read_csv(path, nrows=0).columns.tolist()
        coded = codebook.loc[codebook["site_id"] == path.stem, "source_column"].tolist()
        assert sorted(header) == sorted(coded), path.name


def test_sites_code_their_submissions_differently(bundled_data_dir):
    codebook = loading.load_admin_codebook(bundled_data_dir)
    formats = codebook.loc[codebook["kind"] == "month", "coding"].nunique()
    yes_no = codebook.loc[codebook["field"] == "education_engaged", "coding"].nunique()
    names = codebook.loc[codebook["field"] == "admission_month", "source_column"].nunique()
    assert formats >= 5 and yes_no >= 5 and names >= 5
    returned = codebook.groupby("site_id")["field"].apply(frozenset)
    assert returned.nunique() >= 10  # sites returned different sets of fields


def test_excerpts_are_marked_synthetic_in_the_text_and_the_dictionary(bundled_data_dir):
    excerpts = loading.load_interview_excerpts(bundled_data_dir)
    assert excerpts["text"].str.startswith("[Synthetic] ").all()
    assert excerpts["text"].str.len().max() < 200
    dictionary = loading.load_data_dictionary(bundled_data_dir)
    text_row = dictionary.query("table == 'interview_excerpts' and column == 'text'")
    assert "synthetic" in text_row["description"].item().lower()
    interviews = loading.load_interviews(bundled_data_dir).set_index("interview_id")
    carried = [
        interviews.at[i, t]
        for i, t in zip(excerpts["interview_id"], excerpts["theme"], strict=True)
    ]
    assert all(carried)


DIRECT_IDENTIFIERS = {
    "email": r"[\w.+-]+@[\w-]+\.\w+",
    "UK phone": r"\b0\d{3,4}\s?\d{3}\s?\d{3,4}\b",
    "NHS number": r"\b\d{3}\s?\d{3}\s?\d{4}\b",
    "postcode": r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b",
    "date of birth": r"(?i)\b(dob|date of birth|birth)\b",
    "name column": r"(?i)\b(first|last|sur|full)_?name\b",
}


@pytest.mark.parametrize("kind", DIRECT_IDENTIFIERS)
def test_no_direct_identifiers_anywhere_in_the_bundled_data(kind, bundled_data_dir):
    pattern = re.compile(DIRECT_IDENTIFIERS[kind])
    for path in sorted(bundled_data_dir.rglob("*.csv")):
        text = path.read_text(encoding="utf-8")
        if path.name == "data_dictionary.csv":
            continue  # describes the columns; holds no data
        assert not pattern.search(text), f"{kind} in {path.name}"


def test_case_ids_are_anonymous_sequence_numbers(bundled_data_dir):
    admin = loading.load_admin(bundled_data_dir)
    assert admin["case_id"].str.fullmatch(r"C\d{6}").all()
    assert admin["case_id"].is_unique


def test_bundled_data_stay_small(bundled_data_dir):
    total = sum(p.stat().st_size for p in bundled_data_dir.rglob("*") if p.is_file())
    assert total < 1_000_000


@pytest.mark.parametrize("scale", [0, -1, 1001, 1.5, True, "2"])
def test_bad_scale_is_a_parameter_error(tmp_path, scale):
    with pytest.raises(ParameterError, match="scale"):
        write_dataset(tmp_path / "data", scale=scale)
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("seed", [-1, 2.5, "7", None])
def test_bad_seed_is_a_parameter_error(tmp_path, seed):
    with pytest.raises(ParameterError, match="seed"):
        write_dataset(tmp_path / "data", seed=seed)


def test_unwritable_output_folder_is_a_data_error(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder\n")
    with pytest.raises(DataError, match="not writable"):
        write_dataset(blocker / "data")


def test_output_path_that_is_a_file_is_a_data_error(tmp_path):
    target = tmp_path / "data"
    target.write_text("x\n")
    with pytest.raises(DataError, match="not a folder"):
        write_dataset(target)


def test_refuses_to_replace_a_folder_that_is_not_a_dataset(tmp_path):
    precious = tmp_path / "notes"
    precious.mkdir()
    (precious / "thesis.txt").write_text("keep me\n")
    with pytest.raises(DataError, match="refusing"):
        write_dataset(precious)
    assert (precious / "thesis.txt").read_text() == "keep me\n"


def test_regenerating_replaces_the_dataset_and_leaves_no_temporary_folders(tmp_path):
    target = tmp_path / "data"
    write_dataset(target, seed=1)
    (target / "stale.csv").write_text("old\n")
    write_dataset(target, seed=2)
    assert not (target / "stale.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_a_failure_while_writing_leaves_the_previous_dataset_untouched(tmp_path, monkeypatch):
    target = tmp_path / "data"
    write_dataset(target, seed=1)
    before = {p: p.read_bytes() for p in target.rglob("*.csv")}
    calls = []

    def failing_write(frame, path):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        original(frame, path)

    original = generate._write_csv
    monkeypatch.setattr(generate, "_write_csv", failing_write)
    with pytest.raises(DataError, match="No space left"):
        write_dataset(target, seed=2)
    assert {p: p.read_bytes() for p in target.rglob("*.csv")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_write_dataset_accepts_a_string_path(tmp_path):
    written = write_dataset(str(tmp_path / "as-text"))  # type: ignore[arg-type]
    assert all(isinstance(p, Path) and p.exists() for p in written)
