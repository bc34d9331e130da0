"""The pseudonymous site register (sites.csv)."""

from __future__ import annotations

from typing import Any

import pandas as pd

REPORTING_GROUP = {"YOI": "YOI/STC", "STC": "YOI/STC", "SCH": "SCH"}


def build_sites(targets: dict[str, Any]) -> pd.DataFrame:
    """One row per site: id, setting type, reporting group and case-study flag."""
    register = targets["design"]["sites"]
    rows = [
        {
            "site_id": site_id,
            "setting_type": spec["setting_type"],
            "reporting_group": REPORTING_GROUP[spec["setting_type"]],
            "case_study": bool(spec.get("case_study", False)),
        }
        for site_id, spec in sorted(register.items())
    ]
    return pd.DataFrame(rows)


def site_attribute(targets: dict[str, Any], attribute: str) -> dict[str, Any]:
    """One attribute of every site in the register, e.g. 'cases' or 'staff'."""
    return {site: spec[attribute] for site, spec in targets["design"]["sites"].items()}
