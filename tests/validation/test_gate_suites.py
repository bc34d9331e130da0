"""The committed suites are what the generator makes from schema.yaml, and valid GX suites."""

from __future__ import annotations

import pandas as pd

from analysis import config
from analysis.validation.gx_session import suite_object
from analysis.validation.suites import (
    RAW_TEMPLATE,
    build_suites,
    load_suite,
    read_schema,
    site_submission_suite,
    suite_json,
)


def test_committed_suites_equal_the_generated_ones():
    generated = build_suites()
    committed = sorted(path.stem for path in config.EXPECTATIONS_DIR.glob("*.json"))
    assert committed == sorted(generated)
    for name, suite in generated.items():
        path = config.EXPECTATIONS_DIR / f"{name}.json"
        assert path.read_text(encoding="utf-8") == suite_json(suite), (
            f"{path} is stale: run python -m analysis.validation.suites"
        )


def test_every_table_of_the_schema_has_a_suite_and_every_expectation_has_notes():
    suites = build_suites()
    assert set(read_schema()["tables"]) | {RAW_TEMPLATE} == set(suites)
    for suite in suites.values():
        assert "id" not in suite
        assert all(expectation.get("notes") for expectation in suite["expectations"])


def test_committed_suites_load_as_great_expectations_suites():
    for name in build_suites():
        suite = suite_object(load_suite(name))
        assert suite.name == name
        assert len(suite.expectations) == len(load_suite(name)["expectations"])


def test_site_suite_is_the_template_filled_from_the_site_codebook():
    codebook = pd.DataFrame(
        {
            "site_id": ["S09"] * 4,
            "field": ["case_id", "formulation", "admission_month", "self_harm_incidents"],
            "source_column": ["Ref", "Form", "Admitted", "SH"],
            "kind": ["identifier", "boolean", "month", "integer"],
            "coding": [None, '{"Y": true, "N": false, "9": null}', "%d/%m/%Y", '{"-9": null}'],
        }
    )
    suite = site_submission_suite(load_suite(RAW_TEMPLATE), "S09", codebook)
    by_type = {}
    for expectation in suite["expectations"]:
        by_type.setdefault(expectation["type"], []).append(expectation)
    assert suite["name"] == "raw_admin_submission.S09"
    (columns,) = by_type["expect_table_columns_to_match_set"]
    assert columns["kwargs"]["column_set"] == ["Ref", "Form", "Admitted", "SH"]
    (codes,) = by_type["expect_column_values_to_be_in_set"]
    assert codes["kwargs"] == {"column": "Form", "value_set": ["9", "N", "Y"]}
    assert codes["notes"] == "Form (formulation) uses the site's codes in admin_codebook.csv"
    (dates,) = by_type["expect_column_values_to_match_strftime_format"]
    assert dates["kwargs"] == {"column": "Admitted", "strftime_format": "%d/%m/%Y"}
    (numbers,) = by_type["expect_column_values_to_match_regex"]
    assert numbers["kwargs"]["column"] == "SH"
    assert {
        column["kwargs"]["column"] for column in by_type["expect_column_values_to_not_be_null"]
    } == {
        "Ref",
        "Admitted",
    }  # case_id and admission_month are never missing in schema.yaml
    assert [e["kwargs"]["column"] for e in by_type["expect_column_values_to_be_unique"]] == ["Ref"]
    suite_object(suite)  # a valid GX suite once filled
