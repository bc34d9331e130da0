"""data_dictionary.csv, generated from the data contract (analysis/schema.yaml)."""

from __future__ import annotations

from typing import Any

import pandas as pd

SYNTHETIC_NOTE = {
    "interview_excerpts": " Synthetic: invented for this project; not quotes from any person.",
}


def build_data_dictionary(schema: dict[str, Any]) -> pd.DataFrame:
    """One row per column of every table in the schema: type, allowed values, meaning."""
    rows = []
    for table, spec in schema["tables"].items():
        for column, column_spec in spec["columns"].items():
            description = column_spec["description"]
            if column == "text" and table in SYNTHETIC_NOTE:
                description += SYNTHETIC_NOTE[table]
            rows.append(
                {
                    "table": table,
                    "column": column,
                    "type": column_spec["type"],
                    "allowed_values": allowed_values(column_spec, schema),
                    "description": description,
                }
            )
    return pd.DataFrame(rows, columns=["table", "column", "type", "allowed_values", "description"])


def allowed_values(column_spec: dict[str, Any], schema: dict[str, Any]) -> str | None:
    """Allowed values or range of a column in words, or None when anything goes."""
    if "values" in column_spec:
        return "; ".join(map(str, column_spec["values"]))
    if "scale" in column_spec:
        return "; ".join(schema["scales"][column_spec["scale"]])
    if column_spec["type"] == "boolean":
        return "true; false"
    if column_spec["type"] == "month":
        return "YYYY-MM"
    if "format" in column_spec:
        return column_spec["format"]
    low, high = column_spec.get("min"), column_spec.get("max")
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"at least {low}"
    return None
