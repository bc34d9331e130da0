"""The build's data-quality gate, skipped when nothing it checks has changed since it passed.

When something changed, the gate runs with its memo in ``<results>/memo``: only the checks
that read a changed file (or whose suite or code changed) run again.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from analysis.config import EXPECTATIONS_DIR, PACKAGE_DIR
from analysis.errors import ValidationFailed
from analysis.pipeline.cache import code_fingerprint, environment_fingerprint, text_sha256
from analysis.pipeline.provenance import data_file_hashes

SUMMARY_FILE = "summary.json"
KEY_FILE = "gate-key.json"
MEMO_DIR = "memo"
OUTCOME_FILE = "gate-outcome.pickle"  # how a kept kernel hands the gate's outcome back


def gate_key(data_dir: Path, code: str | None = None) -> str:
    """Hash of the data, the suites, the validation code and the environment (`code`: the
    package's code fingerprint, if already known)."""
    suites = data_file_hashes(EXPECTATIONS_DIR) if EXPECTATIONS_DIR.is_dir() else {}
    parts = {
        "data": data_file_hashes(data_dir),
        "suites": suites,
        "code": code or code_fingerprint(PACKAGE_DIR),
        "environment": environment_fingerprint(),
    }
    return text_sha256(json.dumps(parts, sort_keys=True))


def run_gate_cached(
    data_dir: Path, results_dir: Path, parallel: bool = True, code: str | None = None
) -> tuple[float, bool]:
    """Run the gate unless it already passed on exactly these inputs; raise if it fails.

    With ``parallel`` the gate validates the raw submissions in a second process (worth it
    only when no chapters are executing meanwhile). Returns (seconds, cached).
    """
    started = time.perf_counter()
    key = gate_key(data_dir, code)
    key_path = results_dir / KEY_FILE
    if passed_before(results_dir, key):
        return time.perf_counter() - started, True
    key_path.unlink(missing_ok=True)
    report = run_gate_and_summarise(data_dir, results_dir, parallel, code)
    if not report.passed:
        raise ValidationFailed(
            f"data-quality gate failed for {data_dir}: {len(report.failures)} rule(s) broken; "
            "no executed chapter was kept and the published report is unchanged",
            report=report,
        )
    key_path.write_text(json.dumps({"key": key, "passed": True}), encoding="utf-8")
    return time.perf_counter() - started, False


def passed_before(results_dir: Path, key: str) -> bool:
    """True if the gate passed on the inputs `key` (see :func:`gate_key`) and its summary is
    still there."""
    try:
        recorded = json.loads((results_dir / KEY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == {"key": key, "passed": True} and (results_dir / SUMMARY_FILE).exists()


def run_gate_in_kept_kernel(
    keep, data_dir: Path, results_dir: Path, code: str | None = None
) -> tuple[float, bool]:
    """:func:`run_gate_cached` in a kernel kept between builds (``--keep-kernels``), where
    great_expectations is imported already; its error, if any, is raised here as it would be
    in this process. `keep`: the KeepPolicy of the gate's kernel."""
    import pickle

    from analysis.pipeline.kernels import kept_or_new_kernel

    started = time.perf_counter()
    if passed_before(results_dir, gate_key(data_dir, code)):
        return time.perf_counter() - started, True
    results_dir.mkdir(parents=True, exist_ok=True)
    outcome = results_dir / OUTCOME_FILE
    outcome.unlink(missing_ok=True)
    kernel = kept_or_new_kernel(keep)
    try:
        kernel.run(
            "from analysis.pipeline.gate_cache import run_gate_into\n"
            f"run_gate_into({str(outcome)!r}, {str(data_dir)!r}, {str(results_dir)!r}, {code!r})"
        )
        with open(outcome, "rb") as handle:
            error = pickle.load(handle)
    except BaseException:
        kernel.shutdown()  # its state is not trusted
        raise
    finally:
        outcome.unlink(missing_ok=True)
    kernel.release()
    if error is not None:
        raise error
    return time.perf_counter() - started, False


def run_gate_into(outcome: str, data_dir: str, results_dir: str, code: str | None) -> None:
    """In a kept kernel: run the gate; pickle None, or the error it raised, to `outcome`."""
    import pickle

    error = None
    try:
        run_gate_cached(Path(data_dir), Path(results_dir), False, code)
    except Exception as exc:  # handed to the build, which raises it
        error = exc
    with open(outcome, "wb") as handle:
        pickle.dump(error, handle)


def memo_salt(data_dir: Path, code: str | None = None) -> str:
    """What every remembered check result depends on besides its files and suite: the
    package's code, the environment and the data folder (named in some messages)."""
    parts = {
        "code": code or code_fingerprint(PACKAGE_DIR),
        "environment": environment_fingerprint(),
        "data_dir": str(Path(data_dir).resolve()),
    }
    return text_sha256(json.dumps(parts, sort_keys=True))


def run_gate_and_summarise(
    data_dir: Path, results_dir: Path, parallel: bool = True, code: str | None = None
):
    """Run every suite (taking unchanged checks from the memo); write the per-suite summary
    the data-quality appendix shows."""
    from analysis.validation.gate import run_gate, summary_frame
    from analysis.validation.memo import GateMemo

    results_dir.mkdir(parents=True, exist_ok=True)
    memo = GateMemo(results_dir / MEMO_DIR, memo_salt(data_dir, code))
    report = run_gate(data_dir, results_dir, parallel=parallel, memo=memo)
    summary = summary_frame(report)
    payload = {
        "passed": report.passed,
        "suites": json.loads(summary.to_json(orient="records")),
        "failures": len(report.failures),
    }
    (results_dir / SUMMARY_FILE).write_text(
        json.dumps(payload, indent=1, sort_keys=True), encoding="utf-8"
    )
    return report
