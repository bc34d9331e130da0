"""Time the probabilistic sensitivity analysis (topic 5) on the bundled economics inputs.

Prints the seconds for a 10,000-draw and a 100,000-draw PSA (draws plus the
acceptability curve over the report's WTP grid, best of three runs) and their
ratio. Target: 10,000 draws in <= 2 s.

    .venv/bin/python benchmarks/psa.py [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import time

from analysis import config
from analysis.data import loading
from analysis.topics import sensitivity


def time_psa(inputs, draws: int, repeats: int = 3) -> float:
    """Best wall-clock seconds over ``repeats`` runs of PSA + acceptability curve."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        psa = sensitivity.run_psa(inputs, draws, config.DEFAULT_PSA_SEED)
        sensitivity.acceptability_curve(psa, sensitivity.wtp_grid(config.DEFAULT_WTP))
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default="", help="data folder (default: bundled data)")
    args = parser.parse_args()
    inputs = loading.load_economics_inputs(loading.resolve_data_dir(args.data_dir))
    small = time_psa(inputs, 10_000)
    large = time_psa(inputs, 100_000)
    print(f"PSA 10,000 draws:  {small:.4f} s (target <= 2 s: {'met' if small <= 2 else 'MISSED'})")
    print(f"PSA 100,000 draws: {large:.4f} s")
    print(f"ratio 100k / 10k:  {large / small:.1f}")


if __name__ == "__main__":
    main()
