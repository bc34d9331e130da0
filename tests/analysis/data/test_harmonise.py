"""Harmonising per-site submissions: hand-checked fixture, round trips, and clear failures."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.data.harmonise import evaluation_year, harmonise_admin, table_dtypes
from analysis.errors import DataError
from synthetic_data import build_dataset

SITES = pd.DataFrame(
    {
        "site_id": ["S01", "S02"],
        "setting_type": ["SCH", "YOI"],
        "reporting_group": ["SCH", "YOI/STC"],
        "case_study": [False, True],
    }
)


def codebook_rows(*rows: tuple) -> pd.DataFrame:
    coded = [
        (
            site,
            field,
            column,
            kind,
            coding if isinstance(coding, str) or coding is None else json.dumps(coding),
        )
        for site, field, column, kind, coding in rows
    ]
    return pd.DataFrame(coded, columns=["site_id", "field", "source_column", "kind", "coding"])


def hand_codebook() -> pd.DataFrame:
    return codebook_rows(
        ("S01", "case_id", "Ref", "identifier", None),
        ("S01", "admission_month", "Admitted", "month", "%b-%Y"),
        ("S01", "formulation", "Form", "boolean", {"Y": True, "N": False, "U": None}),
        ("S01", "placement_type", "Status", "category", {"J": "justice", "W": "welfare"}),
        ("S01", "self_harm_incidents", "SH", "integer", {"-9": None}),
        ("S02", "case_id", "ID", "identifier", None),
        ("S02", "admission_month", "ADM", "month", "%d/%m/%Y"),
        ("S02", "formulation", "F", "boolean", {"1": True, "0": False}),
        (
            "S02",
            "child_involvement",
            "INV",
            "category",
            {"D": "direct", "I": "indirect", "N": "none"},
        ),
    )


def hand_submissions() -> dict[str, pd.DataFrame]:
    return {
        "S01": pd.DataFrame(
            {
                "Ref": ["C1", "C2", "C3"],
                "Admitted": ["Jul-2019", "Aug-2019", "Aug-2020"],
                "Form": ["Y", "U", " N "],
                "Status": ["J", "W", None],
                "SH": ["2", "-9", "0"],
            }
        ),
        "S02": pd.DataFrame(
            {
                "ID": ["C5", "C4"],
                "ADM": ["01/08/2020", "31/07/2019"],
                "F": ["0", "1"],
                "INV": ["", "I"],
            }
        ),
    }


def test_hand_coded_submissions_harmonise_to_the_hand_worked_tidy_table():
    admin = harmonise_admin(hand_submissions(), hand_codebook(), SITES)
    na = None
    expected = pd.DataFrame(
        {
            "case_id": ["C1", "C2", "C3", "C4", "C5"],
            "site_id": ["S01", "S01", "S01", "S02", "S02"],
            "setting_type": ["SCH", "SCH", "SCH", "YOI", "YOI"],
            # July 2019 closes year 1; August 2019 opens year 2; August 2020 opens year 3
            "year": [1, 2, 3, 1, 3],
            "placement_type": ["justice", "welfare", na, na, na],
            "admission_month": pd.to_datetime(
                ["2019-07-01", "2019-08-01", "2020-08-01", "2019-07-01", "2020-08-01"]
            ),
            "formulation": [True, na, False, True, False],
            "child_involvement": [na, na, na, "indirect", na],
            "self_harm_incidents": [2, na, 0, na, na],
        }
    )
    dtypes = table_dtypes("admin")
    expected = expected.reindex(columns=list(dtypes)).astype(dtypes)
    pd.testing.assert_frame_equal(admin, expected)


@pytest.fixture(scope="module")
def default_dataset():
    return build_dataset()


@pytest.mark.parametrize("site_id", [f"S{i:02d}" for i in range(1, 19)])
def test_each_site_coding_round_trips_to_the_tidy_truth(site_id, default_dataset):
    codebook = default_dataset.tables["admin_codebook"]
    admin = harmonise_admin(
        {site_id: default_dataset.submissions[site_id]},
        codebook[codebook["site_id"] == site_id],
        default_dataset.tables["sites"],
    )
    truth = default_dataset.admin[default_dataset.admin["site_id"] == site_id]
    pd.testing.assert_frame_equal(admin, truth.reset_index(drop=True))


@pytest.mark.parametrize(("seed", "scale"), [(3, 1), (2024, 2)])
def test_whole_dataset_round_trips_for_other_seeds_and_scales(seed, scale):
    dataset = build_dataset(seed=seed, scale=scale)
    admin = harmonise_admin(
        dataset.submissions, dataset.tables["admin_codebook"], dataset.tables["sites"]
    )
    pd.testing.assert_frame_equal(admin, dataset.admin)


def test_month_names_are_read_in_english_whatever_their_case():
    codebook = codebook_rows(
        ("S01", "case_id", "Ref", "identifier", None),
        ("S01", "admission_month", "Admitted", "month", "%B %Y"),
        ("S01", "discharge_month", "Left", "month", "%b-%Y"),
    )
    raw = pd.DataFrame({"Ref": ["C1"], "Admitted": ["september 2019"], "Left": ["MAY-2020"]})
    admin = harmonise_admin({"S01": raw}, codebook, SITES)
    assert admin.loc[0, "admission_month"] == pd.Timestamp("2019-09-01")
    assert admin.loc[0, "discharge_month"] == pd.Timestamp("2020-05-01")


def test_evaluation_year_follows_the_schema_year_bounds():
    months = pd.Series(
        pd.to_datetime(["2018-07-01", "2018-08-01", "2020-07-01", "2020-12-01", "2021-01-01"])
    )
    assert evaluation_year(months).tolist() == [pd.NA, 1, 2, 3, pd.NA]


def _error(submissions=None, codebook=None, sites=SITES) -> str:
    with pytest.raises(DataError) as caught:
        harmonise_admin(
            submissions or hand_submissions(),
            hand_codebook() if codebook is None else codebook,
            sites,
        )
    return str(caught.value)


def test_unknown_raw_code_names_file_column_rule_and_count():
    submissions = hand_submissions()
    submissions["S01"].loc[[0, 2], "Form"] = "X"
    message = _error(submissions)
    assert "admin/S01.csv" in message and "'Form'" in message
    assert "2 value(s)" in message and "'X'" in message and "rule" in message


def test_unparseable_date_names_file_column_format_and_count():
    submissions = hand_submissions()
    submissions["S02"].loc[0, "ADM"] = "2020-08-01"
    message = _error(submissions)
    assert "admin/S02.csv" in message and "'ADM'" in message
    assert "1 date(s)" in message and "%d/%m/%Y" in message


def test_non_integer_count_is_a_data_error():
    submissions = hand_submissions()
    submissions["S01"].loc[1, "SH"] = "2.5"
    message = _error(submissions)
    assert "admin/S01.csv" in message and "'SH'" in message and "whole numbers" in message


def test_column_listed_in_the_codebook_but_not_submitted_is_a_data_error():
    submissions = hand_submissions()
    submissions["S02"] = submissions["S02"].drop(columns="INV")
    assert "admin/S02.csv: column 'INV'" in _error(submissions)


def test_admission_outside_the_evaluation_window_is_a_data_error():
    submissions = hand_submissions()
    submissions["S01"].loc[0, "Admitted"] = "Jul-2018"
    assert "outside the evaluation window" in _error(submissions)


def test_blank_admission_month_is_a_data_error():
    submissions = hand_submissions()
    submissions["S01"].loc[0, "Admitted"] = "  "
    assert "admission_month: 1 blank" in _error(submissions)


def test_case_ids_repeated_across_sites_are_a_data_error():
    submissions = hand_submissions()
    submissions["S02"].loc[0, "ID"] = "C1"
    assert "share a case id" in _error(submissions)


def test_codebook_mapping_to_a_value_outside_the_contract_is_a_data_error():
    codebook = hand_codebook()
    codebook.loc[codebook["source_column"] == "Status", "coding"] = json.dumps(
        {"J": "prison", "W": "welfare"}
    )
    assert "outside the data contract: prison" in _error(codebook=codebook)


def test_codebook_with_the_wrong_kind_for_a_field_is_a_data_error():
    codebook = hand_codebook()
    codebook.loc[codebook["source_column"] == "SH", "kind"] = "category"
    assert "wrong kind" in _error(codebook=codebook)


def test_codebook_naming_an_unknown_field_is_a_data_error():
    codebook = pd.concat(
        [hand_codebook(), codebook_rows(("S01", "shoe_size", "Shoe", "integer", None))]
    )
    assert "unknown field(s) 'shoe_size'" in _error(codebook=codebook)


def test_submission_from_a_site_missing_from_the_register_is_a_data_error():
    assert "not in the site register" in _error(sites=SITES.iloc[:1])


def test_codebook_site_without_a_submission_is_a_data_error():
    submissions = hand_submissions()
    del submissions["S02"]
    assert "admin/S02.csv" in _error(submissions)


def test_no_submissions_at_all_is_a_data_error():
    with pytest.raises(DataError, match="no site submissions"):
        harmonise_admin({}, hand_codebook().iloc[:0], SITES)


def test_harmonised_dtypes_follow_the_loader_conventions(default_dataset):
    admin = harmonise_admin(
        default_dataset.submissions,
        default_dataset.tables["admin_codebook"],
        default_dataset.tables["sites"],
    )
    assert admin["formulation"].dtype == "boolean"
    assert admin["year"].dtype == "Int64"
    assert admin["site_id"].dtype == "string"
    assert np.issubdtype(admin["admission_month"].dtype, np.datetime64)
    assert (admin["admission_month"].dt.day == 1).all()
