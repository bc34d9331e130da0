"""Identifier patterns of the data contract (``pattern:`` in analysis/schema.yaml).

The gate checks every identifier column against its pattern (a GX expectation generated
from the schema); the build checks site ids again before it names a folder after one,
because a site id read from ``sites.csv`` or given as ``--site`` becomes a path.
"""

from __future__ import annotations

import functools
import re

from analysis.validation.display import inert_text


@functools.cache
def identifier_pattern(table: str, column: str) -> str:
    """The schema's pattern for one identifier column (a regular expression, full match)."""
    from analysis.validation.suites import read_schema

    return read_schema()["tables"][table]["columns"][column]["pattern"]


def is_site_id(value: object) -> bool:
    """True when ``value`` is a site id as the schema defines it (e.g. S07)."""
    return isinstance(value, str) and (
        re.fullmatch(identifier_pattern("sites", "site_id"), value) is not None
    )


def site_id_problem(value: object) -> str | None:
    """Why ``value`` cannot be a site id, or None when it can."""
    if is_site_id(value):
        return None
    pattern = identifier_pattern("sites", "site_id")
    return f"{inert_text(repr(value))} is not a site id (site ids match {pattern}, e.g. S07)"
