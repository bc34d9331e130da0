"""Incremental execution: a small manifest of content hashes per executed chapter.

A chapter re-executes only when something it depends on changed: its notebook,
its parameters, the `analysis/` code, the data files it read last time (and the
data folder's file list), or the environment (package versions). An entry is
trusted only if the executed notebook on disk still has the hash recorded for it,
so a truncated or corrupted output is rebuilt, never rendered.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from analysis.config import PACKAGE_DIR


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def text_sha256(text: str) -> str:
    """SHA-256 of a text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def code_fingerprint(package_dir: Path = PACKAGE_DIR) -> str:
    """One hash over every source and data file of the analysis package."""
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and path.suffix in (
            ".py",
            ".yaml",
            ".csv",
            ".lua",
            ".css",
            ".typ",
            ".html",
            ".js",
        ):
            digest.update(str(path.relative_to(package_dir)).encode())
            digest.update(file_sha256(path).encode())
    return digest.hexdigest()


def normalise_package_name(name: str) -> str:
    """A distribution name in PEP 503 normal form: 'great_expectations' -> 'great-expectations'."""
    return re.sub(r"[-_.]+", "-", name).lower()


DIST_INFO = re.compile(r"(?P<name>[A-Za-z0-9_.]+?)-(?P<version>[A-Za-z0-9_.!+]+)\.dist-info")


@cache
def package_versions() -> dict[str, str]:
    """Installed distributions and their versions, by PEP 503 normalised name, sorted.

    Name and version come from the `name-version.dist-info` folder names that installers
    write, which is much faster than parsing every package's metadata; any other kind of
    installed distribution (egg-info, eggs) is read from its metadata.
    """
    versions = {}
    for entry in sys.path:
        folder = Path(entry or ".")
        if entry.endswith(".egg"):
            for dist in metadata.distributions(path=[entry]):
                _add_from_metadata(versions, dist)
            continue
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            match = DIST_INFO.fullmatch(name)
            if match:
                versions[normalise_package_name(match["name"])] = match["version"]
            elif name.endswith((".dist-info", ".egg-info")):
                _add_from_metadata(versions, metadata.Distribution.at(folder / name))
    return dict(sorted(versions.items()))


def _add_from_metadata(versions: dict[str, str], dist: metadata.Distribution) -> None:
    name = dist.metadata.get("Name") if dist.metadata else None
    if name:
        versions[normalise_package_name(name)] = dist.version


def package_version(name: str) -> str | None:
    """Installed version of a distribution however its name is written, or None."""
    return package_versions().get(normalise_package_name(name))


def environment_fingerprint() -> str:
    """Hash of the Python version and every installed package version."""
    text = sys.version + json.dumps(package_versions(), sort_keys=True)
    return text_sha256(text)


def data_listing_fingerprint(data_dir: Path) -> str:
    """Hash of the data folder's file names (adding or removing a file changes it)."""
    names = sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if p.is_file())
    return text_sha256("\n".join(names))


@dataclass(frozen=True)
class CacheKey:
    """Everything an executed chapter depends on, except the data files it reads."""

    notebook: str
    parameters: str
    code: str
    environment: str
    data_listing: str

    @classmethod
    def for_chapter(
        cls,
        notebook: Path,
        parameters: dict[str, Any],
        code: str,
        environment: str,
        data_dir: Path,
        data_listing: str | None = None,
    ) -> CacheKey:
        """Build the key of one chapter run (`data_listing`: the data folder's, if known)."""
        return cls(
            notebook=file_sha256(notebook),
            parameters=text_sha256(json.dumps(parameters, sort_keys=True, default=str)),
            code=code,
            environment=environment,
            data_listing=data_listing or data_listing_fingerprint(data_dir),
        )


class Manifest:
    """Cache entries of one report, stored as one JSON file per chapter."""

    def __init__(self, directory: Path):
        self.directory = directory

    def _entry_path(self, chapter_id: str) -> Path:
        return self.directory / f"{chapter_id}.json"

    def is_fresh(self, chapter_id: str, key: CacheKey, output: Path) -> bool:
        """True if `output` is a valid execution of the chapter under `key`."""
        entry = self._read(chapter_id)
        if entry is None or entry.get("key") != key.__dict__:
            return False
        if not output.exists() or file_sha256(output) != entry.get("output_sha256"):
            return False
        for path, recorded in entry.get("reads", {}).items():
            if not Path(path).exists() or file_sha256(Path(path)) != recorded:
                return False
        return True

    def record(
        self, chapter_id: str, key: CacheKey, output: Path, reads: tuple[str, ...], data_dir: Path
    ) -> None:
        """Store the entry for a successful execution (written atomically).

        A chapter that recorded no reads is taken to depend on every data file.
        """
        if not reads:
            reads = tuple(str(p.resolve()) for p in sorted(data_dir.rglob("*")) if p.is_file())
        entry = {
            "key": key.__dict__,
            "output_sha256": file_sha256(output),
            "reads": {path: file_sha256(Path(path)) for path in reads},
        }
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self._entry_path(chapter_id)
        partial = target.with_suffix(".partial")
        partial.write_text(json.dumps(entry, indent=1, sort_keys=True), encoding="utf-8")
        partial.replace(target)

    def _read(self, chapter_id: str) -> dict | None:
        path = self._entry_path(chapter_id)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
