"""Time the data-quality gate at scale 1 (the bundled data) and scale 100 (127,000 cases).

Each measurement runs in a fresh Python process, so it includes importing
great_expectations, exactly as the gate adds to a cold build. Prints the seconds of
the import, of the gate itself (with and without Data Docs) and in all, at each scale,
with the process's CPU seconds (a figure other load on the machine does not inflate),
and the ratio 100x / 1x. Target: <= 10 s in all at 1x on a 2-core machine.

    .venv/bin/python benchmarks/validate.py [--skip-100x]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from analysis.config import DEFAULT_DATA_DIR, PROJECT_ROOT

TARGET_SECONDS_1X = 10.0

CHILD = """
import json, sys, time
from pathlib import Path
started, cpu_started = time.perf_counter(), time.process_time()
from analysis.validation.gate import run_gate
from analysis.validation.gx_session import context
context()
imported = time.perf_counter()
report = run_gate(Path(sys.argv[1]), Path(sys.argv[2]), data_docs=sys.argv[3] == "docs")
finished = time.perf_counter()
print(json.dumps({"import": imported - started, "gate": finished - imported,
                  "total": finished - started, "cpu": time.process_time() - cpu_started,
                  "passed": report.passed,
                  "failures": len(report.failures)}))
"""


def measure(data_dir: Path, results_dir: Path, data_docs: bool) -> dict:
    """One cold run of the gate in a fresh process: its timings."""
    command = [
        sys.executable,
        "-c",
        CHILD,
        str(data_dir),
        str(results_dir),
        "docs" if data_docs else "no-docs",
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, cwd=PROJECT_ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def report_line(label: str, timing: dict) -> str:
    verdict = "passed" if timing["passed"] else f"FAILED ({timing['failures']} failures)"
    return (
        f"{label:<28} import {timing['import']:5.1f} s  gate {timing['gate']:6.1f} s  "
        f"total {timing['total']:6.1f} s  (CPU {timing['cpu']:5.1f} s)  [{verdict}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-100x", action="store_true", help="measure scale 1 only")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        one = measure(DEFAULT_DATA_DIR, root / "results-1x", data_docs=True)
        one_quick = measure(DEFAULT_DATA_DIR, root / "results-1x-quick", data_docs=False)
        print(report_line("1x, with Data Docs", one))
        print(report_line("1x, without Data Docs", one_quick))
        target = "meets" if one["total"] <= TARGET_SECONDS_1X else "MISSES"
        print(f"1x total {one['total']:.1f} s {target} the {TARGET_SECONDS_1X:.0f} s target")
        if arguments.skip_100x:
            return
        from synthetic_data.generate import write_dataset

        started = time.perf_counter()
        write_dataset(root / "data-100x", scale=100)
        print(f"(generated 100x data in {time.perf_counter() - started:.1f} s)")
        hundred = measure(root / "data-100x", root / "results-100x", data_docs=True)
        print(report_line("100x, with Data Docs", hundred))
        print(
            f"ratio 100x / 1x: gate {hundred['gate'] / one['gate']:.1f}, "
            f"total {hundred['total'] / one['total']:.1f}"
        )


if __name__ == "__main__":
    main()
