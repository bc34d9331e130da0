"""The two groups every result is reported by: YOI/STC and SCH.

The single secure training centre is always reported together with the young
offender institutions (sites.csv `reporting_group`), so that no figure describes
the STC alone.
"""

from __future__ import annotations

import pandas as pd

from analysis.errors import DataError

REPORTING_GROUPS = ("YOI/STC", "SCH")
GROUP_WORDS = {"YOI/STC": "YOIs and the STC", "SCH": "SCHs"}  # as the report writes them


def groups_in(table: pd.DataFrame) -> list[str]:
    """The reporting groups present in a result table, in report order."""
    present = set(table["reporting_group"].astype(str)) if len(table) else set()
    return [group for group in REPORTING_GROUPS if group in present]


def where_group(group: str, groups: list[str]) -> str:
    """' in SCHs' when several groups are described, else '' (the scope names the setting)."""
    return f" in {GROUP_WORDS[group]}" if len(groups) > 1 else ""


def add_reporting_group(frame: pd.DataFrame, sites: pd.DataFrame) -> pd.DataFrame:
    """`frame` with a `reporting_group` column taken from the site register by `site_id`.

    A site id that is not in the register is a data error (named in the message).
    """
    if "reporting_group" in frame:
        return frame
    groups = sites.set_index("site_id")["reporting_group"]
    mapped = frame["site_id"].map(groups)
    unknown = sorted(set(frame.loc[mapped.isna(), "site_id"].astype(str)))
    if unknown:
        raise DataError(
            f"site_id not in sites.csv for {int(mapped.isna().sum())} row(s): "
            f"{', '.join(unknown[:5])}"
        )
    grouped = pd.Categorical(mapped, categories=REPORTING_GROUPS)
    if pd.isna(grouped).any():
        other = sorted(set(mapped.astype(str)) - set(REPORTING_GROUPS))
        raise DataError(
            f"sites.csv reporting_group must be one of {', '.join(REPORTING_GROUPS)}; "
            f"found {', '.join(other)}"
        )
    result = frame.copy()
    result["reporting_group"] = grouped
    return result
