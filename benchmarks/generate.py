"""Time the synthetic data generator at scale 1 and scale 100 (127,000 cases).

Prints the seconds to generate and write the dataset at each scale (best of a few
runs, into a temporary folder), their ratio, and the time to load and harmonise the
100x admin submissions. Target: scale 100 in <= 10 s on a 2-core machine.

    .venv/bin/python benchmarks/generate.py [--repeats N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from analysis.data import loading
from synthetic_data import write_dataset

TARGET_SECONDS = 10.0


def time_generation(out_dir: Path, scale: int, repeats: int) -> float:
    """Best wall-clock seconds over `repeats` runs of write_dataset at `scale`."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        write_dataset(out_dir, scale=scale)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per scale (best is kept)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        small = time_generation(Path(scratch) / "x1", 1, args.repeats)
        large = time_generation(Path(scratch) / "x100", 100, args.repeats)
        start = time.perf_counter()
        cases = len(loading.load_admin(Path(scratch) / "x100"))
        load = time.perf_counter() - start
    verdict = "met" if large <= TARGET_SECONDS else "MISSED"
    print(f"generate scale 1:   {small:.3f} s")
    print(f"generate scale 100: {large:.3f} s (target <= {TARGET_SECONDS:.0f} s: {verdict})")
    print(f"ratio 100x / 1x:    {large / small:.1f}")
    print(f"load_admin 100x:    {load:.3f} s ({cases:,} cases harmonised)")


if __name__ == "__main__":
    main()
