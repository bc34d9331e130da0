"""Where a build keeps the results its chapters share (see :mod:`analysis.data.result_memo`).

One folder per code and environment fingerprint, under the build folder: results written by
other code are removed when a build starts, and results no chapter of a build used are
removed when it ends, so the folder holds what the current data and code give. `run`, whose
runs each take their own parameters, keeps the results used in the last week.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from analysis.pipeline.cache import text_sha256

SHARED_RESULTS = "shared-results"
CLOCK_SLACK_SECONDS = 2.0  # file times may lag the clock the build started by
KEEP_RUN_RESULTS_SECONDS = 7 * 24 * 3600  # `run` keeps the results used in the last week


def shared_results_folder(build_dir: Path, code: str, environment: str) -> Path:
    """The folder for this code and environment (the folders of any other removed)."""
    root = build_dir / SHARED_RESULTS
    name = text_sha256(f"{code}\n{environment}")[:16]
    if root.is_dir():
        for other in root.iterdir():
            if other.name != name:
                shutil.rmtree(other, ignore_errors=True)
    return root / name


def remove_unused_results(folder: Path, since: float) -> int:
    """Remove the results no chapter wrote or read since ``since`` (a ``time.time()``);
    returns how many were removed."""
    if not folder.is_dir():
        return 0
    removed = 0
    for result in folder.iterdir():
        if result.stat().st_mtime < since - CLOCK_SLACK_SECONDS:
            result.unlink(missing_ok=True)
            removed += 1
    return removed
