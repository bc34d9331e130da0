"""Fixtures of the data-quality gate tests: a small copy of the bundled data to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.validation.failures import GateReport
from analysis.validation.gate import run_gate

# Two sites in two coding styles keep each gate run short (one GX call per site file).
SMALL_SITES = ("S02", "S07")


@pytest.fixture(scope="session")
def small_data_dir(tmp_path_factory: pytest.TempPathFactory, bundled_data_dir: Path) -> Path:
    """The bundled data with admin submissions (and codebook rows) for two sites only."""
    target = tmp_path_factory.mktemp("small") / "data"
    shutil.copytree(bundled_data_dir, target)
    for path in (target / "admin").glob("*.csv"):
        if path.stem not in SMALL_SITES:
            path.unlink()
    codebook_path = target / "admin_codebook.csv"
    codebook = pd.read_csv(codebook_path, dtype=str, keep_default_na=False)
    codebook[codebook["site_id"].isin(SMALL_SITES)].to_csv(codebook_path, index=False)
    return target


@pytest.fixture
def data_copy(tmp_path: Path, small_data_dir: Path) -> Path:
    """A private copy of the small data folder that a test may damage."""
    return Path(shutil.copytree(small_data_dir, tmp_path / "data"))


@pytest.fixture(scope="session")
def bundled_gate(
    tmp_path_factory: pytest.TempPathFactory, bundled_data_dir: Path
) -> tuple[GateReport, Path]:
    """The gate run once over the bundled data, with Data Docs: (report, results folder)."""
    results = tmp_path_factory.mktemp("gate") / "validation"
    return run_gate(bundled_data_dir, results), results
