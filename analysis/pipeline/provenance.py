"""Provenance of a build: git commit, data hashes, parameters, package versions, renderer."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis.config import PROJECT_ROOT
from analysis.pipeline.cache import file_sha256, package_versions

KEY_PACKAGES = (
    "pandas",
    "numpy",
    "statsmodels",
    "seaborn",
    "matplotlib",
    "great-expectations",
    "papermill",
    "pypandoc-binary",
    "typst",
    "stairs-report",
)


def git_state(root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """Current commit and whether the working tree has uncommitted changes."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args], cwd=root, capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return done.stdout.strip()

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit or "unknown (not a git checkout)", "dirty": bool(status)}


def data_file_hashes(data_dir: Path) -> dict[str, str]:
    """SHA-256 of every file in the data folder, by relative path."""
    return {
        str(p.relative_to(data_dir)): file_sha256(p)
        for p in sorted(data_dir.rglob("*"))
        if p.is_file()
    }


def build_time() -> str:
    """UTC build time; honours SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def collect_inputs(data_dir: Path, scope: str, parameters: dict[str, Any], renderer: str) -> dict:
    """The stable part of provenance: what the numbers depend on (no timestamps)."""
    versions = package_versions()
    return {
        "scope": scope,
        "git": git_state(),
        "data_dir": str(data_dir),
        "data_files": data_file_hashes(data_dir),
        "parameters": parameters,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": {name: versions.get(name, "not installed") for name in KEY_PACKAGES},
        "renderer": renderer,
    }
