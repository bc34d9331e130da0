"""A release on disk: round trip, and the output checker's log in ACRO's layout."""

from __future__ import annotations

from analysis.statistics.release_files import (
    ACRO_CHECKS,
    disclosure_log,
    read_release,
    write_release,
)
from tests.analysis.shared import three_sch_release


def test_a_written_release_reads_back_the_same(tmp_path):
    release = three_sch_release()
    write_release(release, tmp_path / "release.json")
    again = read_release(tmp_path / "release.json")
    assert again.site_values == release.site_values
    assert again.group_values == release.group_values
    assert again.national_values == release.national_values
    assert again.populations == release.populations


def test_log_lists_each_protected_value_with_its_rule_in_acro_layout():
    release = three_sch_release()
    names = {("people", "year"): "People by year", ("people", "q"): "A question"}
    log = disclosure_log(release, "B", names)
    assert set(log) == {"version", "site", "results"}
    outputs = list(log["results"].values())
    assert [o["files"][0]["name"] for o in outputs] == ["People by year", "A question"]
    question = outputs[1]
    for field in ("uid", "status", "type", "properties", "files", "outcome", "command", "summary"):
        assert field in question
    sdc = question["files"][0]["sdc"]
    assert set(sdc["summary"]) == {"suppressed", *ACRO_CHECKS}
    assert ["yes", "This site"] in sdc["cells"]["threshold"]  # 3 children at B
    assert ["yes", "This site"] in sdc["rules"]["threshold"]
    assert question["status"] == "review"
    assert question["outcome"]["yes"]["This site"] == "threshold"
    # every value of the table appears under exactly one rule or as exact
    ruled = [cell[0] for cells in sdc["rules"].values() for cell in cells]
    exact = [lv for lv, o in question["outcome"].items() if o["This site"] == "ok"]
    assert sorted(ruled + [lv for lv in exact if lv not in ruled]) == sorted(question["outcome"])
