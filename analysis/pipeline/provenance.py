"""Provenance of a build: git commit, data hashes, parameters, package versions, renderer."""

from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis.config import PROJECT_ROOT
from analysis.errors import ParameterError
from analysis.pipeline.cache import file_sha256, normalise_package_name, package_version

PROJECT = "stairs-report"
NOT_INSTALLED = "not installed"
REQUIREMENT_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def project_dependencies(pyproject: Path = PROJECT_ROOT / "pyproject.toml") -> list[str]:
    """The project's own runtime dependencies (normalised names), as declared in pyproject.toml,
    or, for an installed copy without its sources, in the installed package's metadata."""
    if pyproject.exists():
        with open(pyproject, "rb") as handle:
            requirements = tomllib.load(handle)["project"]["dependencies"]
    else:
        requirements = [r for r in metadata.requires(PROJECT) or [] if "extra ==" not in r]
    names = (REQUIREMENT_NAME.match(r) for r in requirements)
    return sorted({normalise_package_name(m.group(1)) for m in names if m})


def reported_packages() -> dict[str, str]:
    """Version of the project and of every runtime dependency ('not installed' if missing)."""
    return {
        name: package_version(name) or NOT_INSTALLED for name in [PROJECT, *project_dependencies()]
    }


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
    """UTC build time; SOURCE_DATE_EPOCH (seconds since 1970), when set, for reproducible builds.

    Every date a report shows (title page, colophon, PDF metadata, provenance) comes from here.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            moment = datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise ParameterError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got {epoch!r}"
            ) from exc
    else:
        moment = datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def published_record(inputs: dict[str, Any], chapters: list[str], built: str) -> dict[str, Any]:
    """The provenance published beside a report: its inputs, the build time (from
    :func:`build_time`) and its chapters in book order.

    Nothing in it varies between two builds of the same inputs (no durations, completion
    order or cache state), so with SOURCE_DATE_EPOCH set such builds publish the same bytes.
    """
    return {**inputs, "build_time": built, "chapters": list(chapters)}


def record_json(record: dict[str, Any]) -> str:
    """A provenance record as the text written to provenance.json."""
    return json.dumps(record, indent=1, sort_keys=True) + "\n"


def public_path(path: str | Path, root: Path = PROJECT_ROOT) -> str:
    """A path as a published report may show it: relative to the project when inside it,
    else only the folder's or file's name (never the build machine's absolute path)."""
    path = Path(path)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return path.resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return path.name


def _public_value(value: Any) -> Any:
    if isinstance(value, str) and Path(value).is_absolute():
        return public_path(value)
    return value


def collect_inputs(data_dir: Path, scope: str, parameters: dict[str, Any], renderer: str) -> dict:
    """The stable part of provenance: what the numbers depend on (no timestamps).

    Paths are recorded as `public_path` shows them: the record is published with the report.
    """
    return {
        "scope": scope,
        "git": git_state(),
        "data_dir": public_path(data_dir),
        "data_files": data_file_hashes(data_dir),
        "parameters": {name: _public_value(value) for name, value in parameters.items()},
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": reported_packages(),
        "renderer": renderer,
    }
