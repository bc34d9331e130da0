"""Reporting groups: the single STC is always reported with the YOIs."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import DataError
from analysis.statistics.reporting_groups import add_reporting_group

SITES = pd.DataFrame(
    {"site_id": ["S01", "S02", "S03"], "reporting_group": ["YOI/STC", "YOI/STC", "SCH"]}
)


def test_add_reporting_group_takes_the_group_from_the_site_register():
    frame = pd.DataFrame({"site_id": ["S03", "S02", "S01"]})
    grouped = add_reporting_group(frame, SITES)
    assert grouped["reporting_group"].astype(str).tolist() == ["SCH", "YOI/STC", "YOI/STC"]
    assert "reporting_group" not in frame  # the input is not changed


def test_a_site_missing_from_the_register_is_a_data_error_naming_it():
    with pytest.raises(DataError, match="S99"):
        add_reporting_group(pd.DataFrame({"site_id": ["S01", "S99"]}), SITES)


def test_a_reporting_group_other_than_yoi_stc_or_sch_is_a_data_error():
    sites = SITES.assign(reporting_group=["YOI", "STC", "SCH"])
    with pytest.raises(DataError, match="STC"):
        add_reporting_group(pd.DataFrame({"site_id": ["S02"]}), sites)
