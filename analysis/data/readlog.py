"""Record which data files a chapter reads, so the build knows what each chapter depends on.

The build sets STAIRS_READS_LOG for each chapter's kernel; loaders call `record_read`.
Outside a build the variable is unset and nothing is written.
"""

from __future__ import annotations

import os
from pathlib import Path

READS_LOG_ENV = "STAIRS_READS_LOG"


def record_read(path: Path) -> None:
    """Append a data file's absolute path to the current chapter's reads log, if any."""
    log = os.environ.get(READS_LOG_ENV)
    if not log:
        return
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(f"{Path(path).resolve()}\n")
