"""Loaders: contract dtypes, the bundled default, and a clear DataError for damaged files."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import config
from analysis.data import loading
from analysis.data.harmonise import read_schema
from analysis.errors import DataError
from synthetic_data import build_dataset

SCHEMA = read_schema()
LOADERS = {
    "sites": loading.load_sites,
    "admin_codebook": loading.load_admin_codebook,
    "admin": loading.load_admin,
    "staff_survey": loading.load_staff_survey,
    "cyp_survey": loading.load_cyp_survey,
    "interviews": loading.load_interviews,
    "interview_excerpts": loading.load_interview_excerpts,
    "economics_inputs": loading.load_economics_inputs,
    "data_dictionary": loading.load_data_dictionary,
}
EXPECTED_DTYPE = {
    "string": "string",
    "category": "string",
    "boolean": "boolean",
    "integer": "Int64",
    "float": "float64",
}


@pytest.mark.parametrize("data_dir", ["", None])
def test_empty_data_dir_means_the_bundled_synthetic_data(data_dir):
    assert loading.resolve_data_dir(data_dir) == config.DEFAULT_DATA_DIR


def test_a_relative_data_folder_is_made_absolute(tmp_path, monkeypatch):
    (tmp_path / "extract").mkdir()
    monkeypatch.chdir(tmp_path)
    assert loading.resolve_data_dir("extract") == tmp_path / "extract"


def test_missing_data_folder_is_a_data_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        loading.resolve_data_dir(tmp_path / "nowhere")


@pytest.mark.parametrize("table", LOADERS)
def test_loaded_columns_and_dtypes_follow_the_contract(table, bundled_data_dir):
    frame = LOADERS[table](bundled_data_dir)
    columns = SCHEMA["tables"][table]["columns"]
    assert list(frame.columns) == list(columns)
    assert len(frame) > 0
    for column, spec in columns.items():
        if spec["type"] == "month":
            assert np.issubdtype(frame[column].dtype, np.datetime64), column
            assert (frame[column].dropna().dt.day == 1).all()
        else:
            assert str(frame[column].dtype) == EXPECTED_DTYPE[spec["type"]], column


@pytest.mark.parametrize("table", [t for t in LOADERS if t != "admin"])
def test_written_tables_load_back_equal_to_the_generated_ones(table, generated_data_dir):
    generated = build_dataset().tables[table]
    pd.testing.assert_frame_equal(LOADERS[table](generated_data_dir), generated)


def test_load_admin_harmonises_all_18_submissions(bundled_data_dir):
    admin = loading.load_admin(bundled_data_dir)
    assert admin["site_id"].nunique() == 18
    assert admin["year"].isin([1, 2, 3]).all()
    pd.testing.assert_frame_equal(admin, build_dataset().admin)


def test_loaders_cache_nothing(writable_data_dir):
    before = loading.load_sites(writable_data_dir)
    path = writable_data_dir / "sites.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("S18,", "S99,"), encoding="utf-8")
    after = loading.load_sites(writable_data_dir)
    assert "S18" in set(before["site_id"]) and "S99" in set(after["site_id"])


def test_missing_file_is_named(writable_data_dir):
    (writable_data_dir / "cyp_survey.csv").unlink()
    with pytest.raises(DataError, match=r"cyp_survey\.csv: file is missing"):
        loading.load_cyp_survey(writable_data_dir)


def test_empty_file_is_named(writable_data_dir):
    (writable_data_dir / "interviews.csv").write_bytes(b"")
    with pytest.raises(DataError, match=r"interviews\.csv: file is empty"):
        loading.load_interviews(writable_data_dir)


def test_header_only_file_is_a_data_error(writable_data_dir):
    path = writable_data_dir / "sites.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="no data rows"):
        loading.load_sites(writable_data_dir)


def test_undecodable_file_is_named(writable_data_dir):
    path = writable_data_dir / "staff_survey.csv"
    path.write_bytes(path.read_bytes() + "S01,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"staff_survey\.csv: not valid UTF-8"):
        loading.load_staff_survey(writable_data_dir)


def test_truncated_file_is_named(writable_data_dir):
    path = writable_data_dir / "staff_survey.csv"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"staff_survey\.csv: file looks truncated"):
        loading.load_staff_survey(writable_data_dir)


def test_file_cut_at_a_line_end_inside_a_row_is_truncated(writable_data_dir):
    path = writable_data_dir / "cyp_survey.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*lines[:-1], lines[-1].rsplit(",", 3)[0]]) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"last row has 6 of 9 fields"):
        loading.load_cyp_survey(writable_data_dir)


def test_truncated_site_submission_is_named(writable_data_dir):
    path = writable_data_dir / "admin" / "S07.csv"
    data = path.read_bytes()
    path.write_bytes(data[:-7])
    with pytest.raises(DataError, match=r"admin/S07\.csv: file looks truncated"):
        loading.load_admin(writable_data_dir)


def test_missing_column_is_named(writable_data_dir):
    path = writable_data_dir / "economics_inputs.csv"
    frame = pd.read_csv(path).drop(columns="mid")
    frame.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(DataError, match=r"economics_inputs\.csv: missing column\(s\) mid"):
        loading.load_economics_inputs(writable_data_dir)


@pytest.mark.parametrize(
    ("file_name", "column", "bad", "rule"),
    [
        ("sites.csv", "case_study", "maybe", "true/false"),
        ("staff_survey.csv", "wellbeing_score", "high", "whole numbers"),
        ("economics_inputs.csv", "low", "cheap", "numbers"),
    ],
)
def test_value_of_the_wrong_type_names_file_column_count_and_rule(
    writable_data_dir, file_name, column, bad, rule
):
    path = writable_data_dir / file_name
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, column] = bad
    frame.to_csv(path, index=False, lineterminator="\n")
    table = next(t for t, f in SCHEMA["files"].items() if f == file_name)
    with pytest.raises(DataError) as caught:
        loading.load_table(writable_data_dir, table)
    message = str(caught.value)
    assert file_name in message and repr(column) in message
    assert "1 invalid value(s)" in message and rule in message


def test_unknown_code_in_a_site_file_fails_the_admin_load(writable_data_dir):
    path = writable_data_dir / "admin" / "S03.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "EDU"] = "7"
    frame.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(DataError, match=r"admin/S03\.csv, column 'EDU'.*1 value"):
        loading.load_admin(writable_data_dir)


def test_unparseable_date_in_a_site_file_fails_the_admin_load(writable_data_dir):
    path = writable_data_dir / "admin" / "S05.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[[0, 1], "AdmissionMonth"] = "2019-13"
    frame.to_csv(path, index=False, lineterminator="\n")
    with pytest.raises(DataError, match=r"admin/S05\.csv, column 'AdmissionMonth'.*2 date"):
        loading.load_admin(writable_data_dir)


def test_a_table_loaded_twice_is_parsed_once_and_returned_as_a_copy(writable_data_dir):
    from analysis.data import loading

    first = loading.load_staff_survey(writable_data_dir)
    first.loc[0, "role"] = "changed by a chapter"
    second = loading.load_staff_survey(writable_data_dir)
    assert second.loc[0, "role"] != "changed by a chapter"
    assert second.equals(loading.load_staff_survey(writable_data_dir))


def test_a_changed_file_is_read_again(writable_data_dir):
    import os

    from analysis.data import loading

    path = writable_data_dir / "cyp_survey.csv"
    before = loading.load_cyp_survey(writable_data_dir)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    assert len(loading.load_cyp_survey(writable_data_dir)) == len(before) - 1


def test_reads_are_recorded_even_when_the_table_is_reused(writable_data_dir, tmp_path, monkeypatch):
    from analysis.data import loading
    from analysis.data.readlog import READS_LOG_ENV

    loading.load_admin(writable_data_dir)
    log = tmp_path / "reads"
    monkeypatch.setenv(READS_LOG_ENV, str(log))
    loading.load_admin(writable_data_dir)
    assert "admin_codebook.csv" in log.read_text()
