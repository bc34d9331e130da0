import hashlib
import json
import re
import tomllib
from pathlib import Path

from analysis.config import PROJECT_ROOT
from analysis.pipeline.cache import normalise_package_name
from analysis.pipeline.provenance import (
    build_time,
    collect_inputs,
    data_file_hashes,
    git_state,
    public_path,
)


def test_data_file_hashes_are_sha256_of_each_file(tmp_path):
    (tmp_path / "a.csv").write_bytes(b"x\n1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.csv").write_bytes(b"y\n")
    assert data_file_hashes(tmp_path) == {
        "a.csv": hashlib.sha256(b"x\n1\n").hexdigest(),
        "sub/b.csv": hashlib.sha256(b"y\n").hexdigest(),
    }


def test_build_time_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert build_time() == "1970-01-01T00:00:00Z"


def test_git_state_outside_a_checkout(tmp_path):
    state = git_state(tmp_path)
    assert state["commit"].startswith("unknown")


def test_provenance_shows_a_version_for_every_dependency_in_pyproject(tmp_path):
    with open(PROJECT_ROOT / "pyproject.toml", "rb") as handle:
        requirements = tomllib.load(handle)["project"]["dependencies"]
    declared = {
        normalise_package_name(re.match(r"[A-Za-z0-9._-]+", r).group(0)) for r in requirements
    }
    packages = collect_inputs(tmp_path, "national", {}, "pandoc")["packages"]
    assert declared <= set(packages)
    assert {name: v for name, v in packages.items() if v == "not installed"} == {}
    assert packages["great-expectations"].startswith("1.")


def test_published_paths_are_relative_to_the_project_or_only_a_folder_name(tmp_path):
    inside = PROJECT_ROOT / "synthetic_data" / "data"
    assert public_path(inside) == "synthetic_data/data"
    assert public_path(tmp_path / "extracts") == "extracts"
    assert public_path("relative/folder") == "relative/folder"
    inputs = collect_inputs(tmp_path, "national", {"data_dir": str(inside), "site": ""}, "x")
    assert inputs["data_dir"] == tmp_path.name
    assert inputs["parameters"] == {"data_dir": "synthetic_data/data", "site": ""}
    text = json.dumps(inputs)
    assert str(PROJECT_ROOT) not in text and str(tmp_path) not in text
    assert str(Path.home()) + "/" not in text
