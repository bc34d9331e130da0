"""Shared fixtures: the bundled synthetic data, a fresh generation, a copy safe to damage."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
from hypothesis import settings

from analysis import config
from synthetic_data import write_dataset

# Property tests draw the same examples on every run, so a red build is reproducible.
settings.register_profile("deterministic", derandomize=True, database=None)
settings.load_profile("deterministic")


@pytest.fixture(scope="session")
def bundled_data_dir() -> Path:
    """The committed synthetic dataset (synthetic_data/data); read it, never write to it."""
    return config.DEFAULT_DATA_DIR


@pytest.fixture(scope="session")
def generated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset freshly generated with the default seed at scale 1 (shared; do not modify)."""
    out_dir = tmp_path_factory.mktemp("generated") / "data"
    write_dataset(out_dir)
    return out_dir


@pytest.fixture
def writable_data_dir(tmp_path: Path, bundled_data_dir: Path) -> Path:
    """A private copy of the bundled dataset that a test may change or damage."""
    return Path(shutil.copytree(bundled_data_dir, tmp_path / "data"))


@pytest.fixture
def ctrl_c_raises():
    """Python's own Ctrl-C handler, as in a terminal (a test runner may start with SIGINT
    ignored, as background jobs are)."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)
