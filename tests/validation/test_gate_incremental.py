"""The incremental gate: after one file changes, only the checks that read it run again, and
the report is the one a full run gives; with nothing to validate, great_expectations is not
even imported."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.validation.gate import RESULTS_FILE, run_gate
from analysis.validation.memo import GateMemo

SALT = "code and environment of this test"


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def answer_out_of_set(data_dir: Path) -> None:
    path = data_dir / "cyp_survey.csv"
    frame = read(path)
    frame.loc[0, "listened_to"] = "sometimes-ish"
    write(frame, path)


def code_not_in_codebook(data_dir: Path) -> None:
    path = data_dir / "admin" / "S07.csv"
    frame = read(path)
    frame.iloc[0, 1] = "not a code"
    write(frame, path)


# The checks that read each changed file: its own checks and suite, the suites and
# cross-table checks of tables built from it or compared with it, and their Data Docs pages.
CHANGES = {
    "cyp_survey.csv": (
        answer_out_of_set,
        {
            "file cyp_survey.csv",
            "suite cyp_survey (cyp_survey.csv)",
            "cross-table settings_agree_with_register (cyp_survey)",
            "data docs cyp_survey",
        },
    ),
    "admin/S07.csv": (
        code_not_in_codebook,
        {
            "file admin/S07.csv",
            "suite raw_admin_submission (admin/S07.csv)",
            "suite admin (admin/*.csv)",
            "cross-table case_ids_unique_across_files",
            "cross-table settings_agree_with_register (admin)",
            "data docs raw_admin_submission.S07",
        },
    ),
}


@pytest.fixture(scope="module")
def remembered(tmp_path_factory: pytest.TempPathFactory, small_data_dir: Path) -> Path:
    """A memo filled by one gate over the small data (with Data Docs)."""
    root = tmp_path_factory.mktemp("remembered")
    memo = GateMemo(root / "memo", SALT)
    assert run_gate(small_data_dir, root / "results", parallel=False, memo=memo).passed
    assert memo.reused == [] and len(memo.ran) > 30
    return root / "memo"


def results_file(results: Path) -> dict:
    return json.loads((results / RESULTS_FILE).read_text(encoding="utf-8"))


@pytest.mark.parametrize("changed", sorted(CHANGES))
def test_after_one_file_changes_only_the_checks_reading_it_run_and_the_report_is_a_full_runs(
    changed: str, data_copy: Path, remembered: Path, tmp_path: Path
):
    change, reading_it = CHANGES[changed]
    change(data_copy)
    memo = GateMemo(Path(shutil.copytree(remembered, tmp_path / "memo")), SALT)
    incremental = run_gate(data_copy, tmp_path / "incremental", parallel=False, memo=memo)
    everything = GateMemo(None)  # remembers nothing: every check runs
    full = run_gate(data_copy, tmp_path / "full", parallel=False, memo=everything)

    assert set(memo.ran) == reading_it
    assert len(memo.ran) == len(set(memo.ran))
    assert sorted(memo.ran + memo.reused) == sorted(everything.ran)
    assert not incremental.passed
    assert incremental.failures == full.failures
    assert incremental.suites == full.suites
    assert [f.message() for f in incremental.failures] == [f.message() for f in full.failures]
    recorded, expected = results_file(tmp_path / "incremental"), results_file(tmp_path / "full")
    assert recorded["checks"] == memo.summary
    assert (recorded["failures"], recorded["suites"]) == (expected["failures"], expected["suites"])


GATE_IN_NEW_PROCESS = """
import json, sys
from pathlib import Path
from analysis.validation.gate import run_gate
from analysis.validation.memo import GateMemo
memo = GateMemo(Path(sys.argv[3]), sys.argv[4])
report = run_gate(Path(sys.argv[1]), Path(sys.argv[2]), parallel=False, memo=memo)
print(json.dumps({
    "messages": [failure.message() for failure in report.failures],
    "ran": memo.ran,
    "great_expectations": "great_expectations" in sys.modules,
}))
"""


def gate_in_new_process(data_dir: Path, results: Path, memo: Path) -> dict:
    command = [sys.executable, "-c", GATE_IN_NEW_PROCESS, str(data_dir), str(results), str(memo)]
    done = subprocess.run([*command, SALT], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_with_nothing_changed_great_expectations_is_not_imported(
    small_data_dir: Path, remembered: Path, tmp_path: Path
):
    memo = shutil.copytree(remembered, tmp_path / "memo")
    again = gate_in_new_process(small_data_dir, tmp_path / "results", memo)
    assert again == {"messages": [], "ran": [], "great_expectations": False}
    assert (tmp_path / "results" / "data_docs" / "validations").is_dir()


def test_a_failing_file_fails_with_the_same_messages_when_remembered(
    data_copy: Path, remembered: Path, tmp_path: Path
):
    answer_out_of_set(data_copy)
    memo = shutil.copytree(remembered, tmp_path / "memo")
    first = run_gate(data_copy, tmp_path / "first", parallel=False, memo=GateMemo(memo, SALT))
    again = gate_in_new_process(data_copy, tmp_path / "again", memo)
    assert not first.passed
    assert "cyp_survey.csv" in first.failures[0].message()
    assert again == {
        "messages": [failure.message() for failure in first.failures],
        "ran": [],
        "great_expectations": False,
    }
