"""The build's gate keeps its memo beside its results: a gate that failed fails again, with
the same message and failures, from the memo (no check runs, great_expectations is not
imported)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import ValidationFailed
from analysis.pipeline.gate_cache import MEMO_DIR, run_gate_cached
from analysis.validation.gate import RESULTS_FILE

CACHED_GATE_IN_NEW_PROCESS = """
import json, sys
from pathlib import Path
from analysis.errors import ValidationFailed
from analysis.pipeline.gate_cache import run_gate_cached
try:
    run_gate_cached(Path(sys.argv[1]), Path(sys.argv[2]), parallel=False)
    outcome = {"error": None, "messages": []}
except ValidationFailed as error:
    outcome = {"error": str(error), "messages": [f.message() for f in error.report.failures]}
outcome["great_expectations"] = "great_expectations" in sys.modules
print(json.dumps(outcome))
"""


def test_a_failed_gate_fails_again_from_its_memo_with_the_same_message(
    writable_data_dir: Path, tmp_path: Path
):
    path = writable_data_dir / "staff_survey.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "year"] = "4"
    frame.to_csv(path, index=False, lineterminator="\n")
    results = tmp_path / "validation"
    with pytest.raises(ValidationFailed) as first:
        run_gate_cached(writable_data_dir, results, parallel=False)
    assert any((results / MEMO_DIR).iterdir())

    command = [sys.executable, "-c", CACHED_GATE_IN_NEW_PROCESS, str(writable_data_dir)]
    done = subprocess.run([*command, str(results)], capture_output=True, text=True, check=True)
    again = json.loads(done.stdout.splitlines()[-1])

    messages = [failure.message() for failure in first.value.report.failures]
    assert any(message.startswith("staff_survey.csv, line 2, column year") for message in messages)
    assert again == {
        "error": str(first.value),
        "messages": messages,
        "great_expectations": False,
    }
    checks = json.loads((results / RESULTS_FILE).read_text(encoding="utf-8"))["checks"]
    assert checks["ran"] == [] and len(checks["reused"]) > 40


def _change_first_answer(data_dir: Path, column: str, value: str) -> None:
    path = data_dir / ("staff_survey.csv" if column == "year" else "cyp_survey.csv")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, column] = value
    frame.to_csv(path, index=False, lineterminator="\n")


def test_the_gate_in_a_kept_kernel_fails_as_in_this_process_and_the_kernel_serves_again(
    writable_data_dir: Path, tmp_path: Path
):
    from analysis.pipeline.gate_cache import run_gate_in_kept_kernel
    from analysis.pipeline.kept_kernels import KeepPolicy, stop_all

    keep = KeepPolicy(tmp_path / "kernels", 120, "code-1", role="gate")
    kept_results, own_results = tmp_path / "kept", tmp_path / "own"
    try:
        seconds, cached = run_gate_in_kept_kernel(keep, writable_data_dir, kept_results)
        assert not cached and seconds > 0
        [record] = [json.loads(p.read_text()) for p in keep.registry.glob("kernel-*.json")]
        assert record["role"] == "gate" and record["state"] == "idle"
        assert run_gate_in_kept_kernel(keep, writable_data_dir, kept_results)[1] is True

        _change_first_answer(writable_data_dir, "year", "4")
        with pytest.raises(ValidationFailed) as in_kernel:
            run_gate_in_kept_kernel(keep, writable_data_dir, kept_results)
        with pytest.raises(ValidationFailed) as here:
            run_gate_cached(writable_data_dir, own_results, parallel=False)
        assert str(in_kernel.value) == str(here.value)
        messages = [failure.message() for failure in here.value.report.failures]
        assert [failure.message() for failure in in_kernel.value.report.failures] == messages
        [again] = [json.loads(p.read_text()) for p in keep.registry.glob("kernel-*.json")]
        assert again["pid"] == record["pid"]  # the same warm kernel, kept for the next build
    finally:
        stop_all(keep.registry)
