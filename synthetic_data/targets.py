"""Read the declarative targets and assumptions of the synthetic data (targets.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

TARGETS_PATH = Path(__file__).resolve().parent / "targets.yaml"


def load_targets(path: Path = TARGETS_PATH) -> dict[str, Any]:
    """The parsed targets.yaml: published targets, resolutions, design and assumptions."""
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
