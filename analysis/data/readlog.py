"""Record which data files a chapter reads, so the build knows what each chapter depends on.

The build sets STAIRS_READS_LOG for each chapter's kernel; loaders call `record_read`.
Outside a build the variable is unset and nothing is written. :func:`recording_reads`
also collects the files read inside a block (a remembered result replays them).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

READS_LOG_ENV = "STAIRS_READS_LOG"

_collectors: list[set[str]] = []  # one per open `recording_reads` block


def record_read(path: Path) -> None:
    """Append a data file's absolute path to the current chapter's reads log, if any."""
    resolved = str(Path(path).resolve())
    for collector in _collectors:
        collector.add(resolved)
    log = os.environ.get(READS_LOG_ENV)
    if not log:
        return
    with open(log, "a", encoding="utf-8") as handle:
        handle.write(f"{resolved}\n")


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """The absolute paths of the data files read inside the block (also logged as usual)."""
    collector: set[str] = set()
    _collectors.append(collector)
    try:
        yield collector
    finally:
        _collectors.pop()  # blocks nest, so the last one opened closes first
