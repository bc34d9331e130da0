"""The expectation suites, generated from the data contract (analysis/schema.yaml).

``python -m analysis.validation.suites`` writes one great_expectations 1.x suite per
table to ``expectations/<table>.json`` (GX's ``ExpectationSuite.to_json_dict()`` shape,
without GX's random ``id`` fields, so the files are deterministic). A test checks that
the committed files equal what this module generates.

Harmonised tables get, from schema.yaml: the exact column set, a plausible row count,
a type per column, allowed values, ranges, months inside the evaluation window, no
missing values where ``nullable: false`` (and at least a small share present where
missing values are allowed), unique ids, and site ids known to the site register.
Values known only at run time (the register's site ids, the interview ids) are GX suite
parameters (``{"$PARAMETER": "site_ids"}``) supplied when the suite is validated.

Raw site submissions are coded differently by each site, so
``expectations/raw_admin_submission.json`` is a *template*: each expectation's
``meta.template`` says which codebook rows it applies to (by ``kind``, or ``required``
for fields the schema says are never missing) and its ``{source_column}``/``{field}``
placeholders and ``$PARAMETER`` values are filled from that site's rows of
``admin_codebook.csv`` at run time by :func:`site_submission_suite`.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import config
from analysis.data.harmonise import DERIVED_FIELDS

RAW_TEMPLATE = "raw_admin_submission"
SUITE_PARAMETER = "$PARAMETER"
SITE_IDS = "site_ids"

GX_TYPE = {
    "string": "str",
    "category": "str",
    "integer": "int64",  # matches pandas Int64 and int64 (GX compares dtype.type)
    "float": "float64",
    "boolean": "bool",  # matches pandas boolean and bool
    "month": "datetime64",
}
TYPE_WORDS = {
    "string": "text",
    "category": "text",
    "integer": "integers",
    "float": "numbers",
    "boolean": "true/false values",
    "month": "months (dates)",
}

# Wide bounds: valid for real extracts and for the synthetic data up to --scale 100.
ROW_COUNT_BOUNDS = {
    "sites": (2, 1_000),
    "admin_codebook": (5, 100_000),
    "admin": (100, 1_000_000),
    "staff_survey": (50, 1_000_000),
    "cyp_survey": (10, 500_000),
    "interviews": (5, 100_000),
    "interview_excerpts": (1, 1_000_000),
    "economics_inputs": (2, 200),
    "data_dictionary": (10, 2_000),
}
RAW_ROW_COUNT_BOUNDS = (1, 1_000_000)
UNIQUE_KEYS = {
    "sites": ("site_id",),
    "admin_codebook": ("site_id", "field"),
    "admin": ("case_id",),
    "staff_survey": ("survey_id",),
    "cyp_survey": ("survey_id",),
    "interviews": ("interview_id",),
    "interview_excerpts": ("excerpt_id",),
    "economics_inputs": ("item",),
    "data_dictionary": ("table", "column"),
}
# Columns whose values must exist in another table: (table, column) -> suite parameter.
REFERENCES = {
    **{
        (table, "site_id"): (SITE_IDS, "the site register (sites.csv)")
        for table in ("admin_codebook", "admin", "staff_survey", "cyp_survey", "interviews")
    },
}
# Share of rows that must hold a value in a nullable column (declared missingness limits).
DEFAULT_MIN_PRESENT = 0.05
MIN_PRESENT: dict[tuple[str, str], float] = {}
# Column pairs (table, later, earlier): the later value is never below the earlier one.
ORDERED_PAIRS = (
    ("admin", "discharge_month", "admission_month"),
    ("economics_inputs", "mid", "low"),
    ("economics_inputs", "high", "mid"),
)


def full_match(pattern: str) -> str:
    """A regular expression matching a whole value against ``pattern`` (GX searches)."""
    return rf"^(?:{pattern})\Z"


def read_schema(path: Path = config.SCHEMA_PATH) -> dict[str, Any]:
    """The data contract."""
    import yaml

    with Path(path).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _gx():
    """great_expectations, with the session's context active (GX needs one to build suites)."""
    from analysis.validation.gx_session import context, import_gx

    context()
    return import_gx()


def _window(schema: Mapping[str, Any]) -> tuple[str, str]:
    window = schema["evaluation_window"]
    return window["start"], window["end"]


def _iso_month(month: str) -> str:
    return pd.Timestamp(month).isoformat()


def _list_words(values: list) -> str:
    words = [str(v) for v in values]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _allowed_values(spec: Mapping[str, Any], schema: Mapping[str, Any]) -> list | None:
    if "values" in spec:
        return list(spec["values"])
    if "scale" in spec:
        return list(schema["scales"][spec["scale"]])
    return None


def _range_expectation(gx, column: str, spec: Mapping[str, Any]):
    low, high = spec.get("min"), spec.get("max")
    if low is not None and high is not None and spec["type"] == "integer" and high - low <= 4:
        notes = f"{column} is {_list_words(list(range(low, high + 1)))}"
    elif low is not None and high is not None:
        notes = f"{column} is between {low} and {high}"
    elif low is not None:
        notes = f"{column} is at least {low}"
    else:
        notes = f"{column} is at most {high}"
    return gx.expectations.ExpectColumnValuesToBeBetween(
        column=column, min_value=low, max_value=high, notes=notes
    )


def _column_expectations(gx, schema, table: str, column: str, spec) -> list:
    kinds = gx.expectations
    kind = spec["type"]
    out = [
        kinds.ExpectColumnValuesToBeOfType(
            column=column, type_=GX_TYPE[kind], notes=f"{column} holds {TYPE_WORDS[kind]}"
        )
    ]
    if not spec.get("nullable", True):
        out.append(
            kinds.ExpectColumnValuesToNotBeNull(column=column, notes=f"{column} is never missing")
        )
    else:
        share = MIN_PRESENT.get((table, column), DEFAULT_MIN_PRESENT)
        out.append(
            kinds.ExpectColumnValuesToNotBeNull(
                column=column,
                mostly=share,
                notes=f"{column} is present in at least {share:.0%} of rows",
            )
        )
    allowed = _allowed_values(spec, schema)
    if allowed is not None:
        out.append(
            kinds.ExpectColumnValuesToBeInSet(
                column=column,
                value_set=allowed,
                notes=f"{column} is one of: {', '.join(map(str, allowed))}",
            )
        )
    if "pattern" in spec:
        out.append(
            kinds.ExpectColumnValuesToMatchRegex(
                column=column,
                regex=full_match(spec["pattern"]),
                notes=f"{column} matches the pattern {spec['pattern']} in full",
            )
        )
    if "min" in spec or "max" in spec:
        out.append(_range_expectation(gx, column, spec))
    if kind == "month":
        start, end = _window(schema)
        out.append(
            kinds.ExpectColumnValuesToBeBetween(
                column=column,
                min_value=_iso_month(start),
                max_value=_iso_month(end),
                notes=f"{column} is inside the evaluation window ({start} to {end})",
            )
        )
    if (table, column) in REFERENCES:
        parameter, where = REFERENCES[(table, column)]
        out.append(
            kinds.ExpectColumnValuesToBeInSet(
                column=column,
                value_set={SUITE_PARAMETER: parameter},
                notes=f"{column} is in {where}",
            )
        )
    return out


def _special_expectations(gx, schema, table: str) -> list:
    kinds = gx.expectations
    out = []
    for pair_table, later, earlier in ORDERED_PAIRS:
        if pair_table == table:
            out.append(
                kinds.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=later,
                    column_B=earlier,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                    notes=f"{later} is not below {earlier}",
                )
            )
    columns = schema["tables"][table]["columns"]
    for rule in schema["tables"][table].get("row_rules", []):
        for column in rule["columns"]:
            out.append(
                kinds.ExpectColumnValuesToBeBetween(
                    column=column,
                    min_value=rule["above"],
                    strict_min=True,
                    max_value=columns[column].get("max"),
                    row_condition=rule["where"],
                    condition_parser="pandas",
                    notes=f"{column}: {rule['description']} (rows where {rule['where']})",
                )
            )
    if table == "admin_codebook":
        fields = [
            name for name in schema["tables"]["admin"]["columns"] if name not in DERIVED_FIELDS
        ]
        out.append(
            kinds.ExpectColumnValuesToBeInSet(
                column="field",
                value_set=fields,
                notes="field names a submitted column of the admin table in schema.yaml",
            )
        )
    if table == "interview_excerpts":
        themes = [
            name for name in schema["tables"]["interviews"]["columns"] if name.startswith("theme_")
        ]
        out.append(
            kinds.ExpectColumnValuesToBeInSet(
                column="theme",
                value_set=themes,
                notes="theme names a theme column of interviews.csv",
            )
        )
    if table == "data_dictionary":
        tables = list(schema["tables"])
        out.append(
            kinds.ExpectColumnValuesToBeInSet(
                column="table", value_set=tables, notes="table names a table of schema.yaml"
            )
        )
    return out


def _key_expectation(gx, table: str):
    key = UNIQUE_KEYS[table]
    if len(key) == 1:
        return gx.expectations.ExpectColumnValuesToBeUnique(
            column=key[0], notes=f"{key[0]} is unique"
        )
    return gx.expectations.ExpectCompoundColumnsToBeUnique(
        column_list=list(key), notes=f"each ({', '.join(key)}) appears once"
    )


def table_suite(table: str, schema: Mapping[str, Any]):
    """The GX suite of one harmonised table of the schema."""
    gx = _gx()
    columns = schema["tables"][table]["columns"]
    low, high = ROW_COUNT_BOUNDS[table]
    suite = gx.ExpectationSuite(
        name=table,
        meta={"description": f"Harmonised table `{table}` as declared in analysis/schema.yaml"},
    )
    suite.add_expectation(
        gx.expectations.ExpectTableColumnsToMatchSet(
            column_set=list(columns),
            exact_match=True,
            notes="columns are exactly those of schema.yaml (none missing, none extra)",
        )
    )
    suite.add_expectation(
        gx.expectations.ExpectTableRowCountToBeBetween(
            min_value=low, max_value=high, notes=f"between {low:,} and {high:,} rows"
        )
    )
    suite.add_expectation(_key_expectation(gx, table))
    for column, spec in columns.items():
        for expectation in _column_expectations(gx, schema, table, column, spec):
            suite.add_expectation(expectation)
    for expectation in _special_expectations(gx, schema, table):
        suite.add_expectation(expectation)
    return suite


def raw_submission_template(schema: Mapping[str, Any]):
    """The template suite of a raw site submission (filled per site from the codebook)."""
    gx = _gx()
    kinds = gx.expectations
    parameter = SUITE_PARAMETER

    def template(expectation, *applies_to: str):
        expectation.meta = {"template": {"applies_to": list(applies_to)}}
        return expectation

    low, high = RAW_ROW_COUNT_BOUNDS
    column = "{source_column}"
    expectations = [
        template(
            kinds.ExpectTableColumnsToMatchSet(
                column_set={parameter: "codebook_columns"},
                exact_match=True,
                notes="columns are exactly the site's source columns in admin_codebook.csv",
            ),
            "table",
        ),
        template(
            kinds.ExpectTableRowCountToBeBetween(
                min_value=low, max_value=high, notes=f"between {low:,} and {high:,} rows"
            ),
            "table",
        ),
        template(
            kinds.ExpectColumnValuesToNotBeNull(
                column=column, notes="{source_column} ({field}) is never blank"
            ),
            "required",
        ),
        template(
            kinds.ExpectColumnValuesToBeUnique(
                column=column, notes="{source_column} ({field}) is unique"
            ),
            "kind:identifier",
        ),
        template(
            kinds.ExpectColumnValuesToBeInSet(
                column=column,
                value_set={parameter: "codes"},
                notes="{source_column} ({field}) uses the site's codes in admin_codebook.csv",
            ),
            "kind:category",
            "kind:boolean",
        ),
        template(
            kinds.ExpectColumnValuesToMatchStrftimeFormat(
                column=column,
                strftime_format={parameter: "date_format"},
                notes="{source_column} ({field}) is a date in the site's format {date_format}",
            ),
            "kind:month",
        ),
        template(
            kinds.ExpectColumnValuesToMatchRegex(
                column=column,
                regex={parameter: "integer_pattern"},
                notes="{source_column} ({field}) is a whole number or a missing-value code",
            ),
            "kind:integer",
        ),
    ]
    suite = gx.ExpectationSuite(
        name=RAW_TEMPLATE,
        meta={
            "description": (
                "Template for a raw site submission admin/<site_id>.csv. At run time, "
                "expectations whose meta.template.applies_to lists 'table' are used once, "
                "'kind:<kind>' once per codebook row of that kind, and 'required' once per "
                "codebook row whose field schema.yaml declares nullable: false; "
                "{source_column}, {field} and $PARAMETER values come from the site's "
                "rows of admin_codebook.csv."
            ),
            "required_fields": [
                name
                for name, spec in schema["tables"]["admin"]["columns"].items()
                if not spec.get("nullable", True)
            ],
        },
    )
    for expectation in expectations:
        suite.add_expectation(expectation)
    return suite


def without_ids(value: Any) -> Any:
    """A copy of a GX JSON dict without its (random) ``id`` fields and version stamp."""
    if isinstance(value, dict):
        return {
            key: without_ids(item)
            for key, item in value.items()
            if key != "id" and key != "great_expectations_version"
        }
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


def build_suites(schema: Mapping[str, Any] | None = None) -> dict[str, dict]:
    """Every suite as a deterministic JSON dict, keyed by suite name."""
    schema = schema or read_schema()
    suites = {RAW_TEMPLATE: raw_submission_template(schema)}
    for table in schema["tables"]:
        suites[table] = table_suite(table, schema)
    return {name: without_ids(suite.to_json_dict()) for name, suite in suites.items()}


def suite_json(suite: Mapping[str, Any]) -> str:
    """The text a suite is committed as."""
    return json.dumps(suite, indent=2, ensure_ascii=False) + "\n"


def write_suites(directory: Path = config.EXPECTATIONS_DIR) -> list[Path]:
    """(Re)write ``expectations/<suite>.json`` from the schema; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, suite in build_suites().items():
        path = directory / f"{name}.json"
        path.write_text(suite_json(suite), encoding="utf-8")
        written.append(path)
    return written


def load_suite(name: str, directory: Path = config.EXPECTATIONS_DIR) -> dict:
    """A committed suite as a JSON dict."""
    return json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))


# -- the raw submission template, filled per site -------------------------------------------


def _codes(coding: str | None) -> dict:
    try:
        mapping = json.loads(coding) if coding else {}
    except json.JSONDecodeError:
        return {}
    return mapping if isinstance(mapping, dict) else {}


def _integer_pattern(coding: str | None) -> str:
    tokens = [re.escape(str(token)) for token in _codes(coding)]
    return r"^\s*(?:[0-9]+" + "".join(f"|{token}" for token in tokens) + r")\s*$"


def _parameters(row: Mapping[str, Any]) -> dict[str, Any]:
    coding = None if pd.isna(row.get("coding")) else str(row["coding"])
    return {
        "codes": sorted(_codes(coding)),
        "date_format": coding or "",
        "integer_pattern": _integer_pattern(coding),
    }


def _fill(value: Any, parameters: Mapping[str, Any]) -> Any:
    if isinstance(value, dict) and set(value) == {SUITE_PARAMETER}:
        return parameters[value[SUITE_PARAMETER]]
    return value


def site_submission_suite(
    template: Mapping[str, Any],
    site_id: str,
    codebook: pd.DataFrame,
    skip_fields: frozenset[str] | set[str] = frozenset(),
) -> dict:
    """The raw-submission suite of one site: ``template`` filled from its codebook rows.

    ``codebook`` holds the site's rows of admin_codebook.csv (text columns site_id,
    field, source_column, kind, coding). A month field's coding is its date format; a
    category or boolean field's coding is a JSON map whose keys are the allowed codes;
    an integer field's coding lists the site's missing-value codes. Fields in
    ``skip_fields`` (whose codebook cell is unusable) get no column expectations.
    """
    required = set(template.get("meta", {}).get("required_fields", []))
    rows = codebook.to_dict("records")
    table_parameters = {"codebook_columns": [str(row["source_column"]) for row in rows]}
    expectations = []
    for entry in template["expectations"]:
        applies_to = entry["meta"]["template"]["applies_to"]
        if "table" in applies_to:
            filled = copy.deepcopy(entry)
            filled["kwargs"] = {
                key: _fill(value, table_parameters) for key, value in entry["kwargs"].items()
            }
            expectations.append(filled)
            continue
        for row in rows:
            if row["field"] in skip_fields:
                continue
            matches = f"kind:{row['kind']}" in applies_to or (
                "required" in applies_to and row["field"] in required
            )
            if not matches:
                continue
            parameters = _parameters(row)
            filled = copy.deepcopy(entry)
            kwargs = {key: _fill(value, parameters) for key, value in entry["kwargs"].items()}
            kwargs["column"] = str(row["source_column"])
            filled["kwargs"] = kwargs
            filled["notes"] = entry["notes"].format(
                source_column=row["source_column"],
                field=row["field"],
                date_format=parameters["date_format"],
            )
            filled["meta"] = {"field": str(row["field"]), "site_id": site_id}
            expectations.append(filled)
    return {
        "name": f"{RAW_TEMPLATE}.{site_id}",
        "expectations": expectations,
        "meta": {"template": RAW_TEMPLATE, "site_id": site_id},
    }


if __name__ == "__main__":
    for written_path in write_suites():
        print(written_path.relative_to(config.PROJECT_ROOT))
