"""Synthetic SECURE STAIRS evaluation data: a generator calibrated to the published figures.

`write_dataset(out_dir, seed, scale)` writes every file of analysis/schema.yaml; the
default seed's output is committed in `synthetic_data/data/`.
"""

from synthetic_data.generate import build_dataset, write_dataset

__all__ = ["build_dataset", "write_dataset"]
