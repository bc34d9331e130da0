"""The CI workflow that rebuilds the report is valid YAML and runs the stages in order."""

import yaml

from analysis.config import PROJECT_ROOT

WORKFLOW = PROJECT_ROOT / ".github" / "workflows" / "report.yml"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_workflow_triggers_on_changes_to_report_inputs():
    triggers = _workflow()[True]  # YAML 1.1 reads the key `on` as True
    for event in ("push", "pull_request"):
        paths = triggers[event]["paths"]
        for watched in ("synthetic_data/**", "chapters/**", "analysis/**", "expectations/**"):
            assert watched in paths
        assert "_quarto.yml" in paths


def test_workflow_runs_tests_then_validate_then_quarto_build_then_upload():
    steps = _workflow()["jobs"]["report"]["steps"]
    names = [s.get("run", "") or s.get("uses", "") for s in steps]
    order = [
        next(i for i, n in enumerate(names) if n == "make test"),
        next(i for i, n in enumerate(names) if "stairs-report validate" in n),
        next(i for i, n in enumerate(names) if n.startswith("quarto-dev/quarto-actions/setup")),
        next(i for i, n in enumerate(names) if "stairs-report build" in n),
        next(i for i, n in enumerate(names) if n.startswith("actions/upload-artifact")),
    ]
    assert order == sorted(order)
