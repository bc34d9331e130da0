import re
import tomllib
from pathlib import Path

from analysis.config import PROJECT_ROOT
from analysis.pipeline.cache import (
    CacheKey,
    Manifest,
    file_sha256,
    normalise_package_name,
    package_version,
)


def _setup(tmp_path: Path):
    notebook = tmp_path / "chapter.ipynb"
    notebook.write_text("{}")
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_text("x\n1\n")
    (data / "b.csv").write_text("y\n2\n")
    output = tmp_path / "out.ipynb"
    output.write_text('{"cells": []}')
    key = CacheKey.for_chapter(notebook, {"site": ""}, "code", "env", data)
    return notebook, data, output, key


def test_recorded_execution_is_fresh_until_a_file_it_read_changes(tmp_path):
    _notebook, data, output, key = _setup(tmp_path)
    manifest = Manifest(tmp_path / "cache")
    manifest.record("topic-1", key, output, (str(data / "a.csv"),), data)
    assert manifest.is_fresh("topic-1", key, output)
    (data / "b.csv").write_text("y\n3\n")  # not read by this chapter
    assert manifest.is_fresh("topic-1", key, output)
    (data / "a.csv").write_text("x\n9\n")
    assert not manifest.is_fresh("topic-1", key, output)


def test_parameters_notebook_and_code_are_part_of_the_key(tmp_path):
    notebook, data, output, key = _setup(tmp_path)
    manifest = Manifest(tmp_path / "cache")
    manifest.record("topic-1", key, output, (str(data / "a.csv"),), data)
    other_site = CacheKey.for_chapter(notebook, {"site": "S01"}, "code", "env", data)
    other_code = CacheKey.for_chapter(notebook, {"site": ""}, "code2", "env", data)
    other_env = CacheKey.for_chapter(notebook, {"site": ""}, "code", "env2", data)
    assert not manifest.is_fresh("topic-1", other_site, output)
    assert not manifest.is_fresh("topic-1", other_code, output)
    assert not manifest.is_fresh("topic-1", other_env, output)
    notebook.write_text('{"changed": true}')
    changed = CacheKey.for_chapter(notebook, {"site": ""}, "code", "env", data)
    assert not manifest.is_fresh("topic-1", changed, output)


def test_a_truncated_executed_notebook_is_not_trusted(tmp_path):
    _notebook, data, output, key = _setup(tmp_path)
    manifest = Manifest(tmp_path / "cache")
    manifest.record("topic-1", key, output, (), data)
    output.write_text('{"cells": [')
    assert not manifest.is_fresh("topic-1", key, output)


def test_a_corrupted_manifest_entry_means_rebuild(tmp_path):
    _notebook, data, output, key = _setup(tmp_path)
    manifest = Manifest(tmp_path / "cache")
    manifest.record("topic-1", key, output, (), data)
    (tmp_path / "cache" / "topic-1.json").write_text('{"key": ')
    assert not manifest.is_fresh("topic-1", key, output)


def test_chapter_with_no_recorded_reads_depends_on_every_data_file(tmp_path):
    _notebook, data, output, key = _setup(tmp_path)
    manifest = Manifest(tmp_path / "cache")
    manifest.record("intro", key, output, (), data)
    (data / "b.csv").write_text("y\n4\n")
    assert not manifest.is_fresh("intro", key, output)


def test_adding_a_data_file_changes_the_key(tmp_path):
    notebook, data, _output, key = _setup(tmp_path)
    (data / "c.csv").write_text("z\n")
    assert CacheKey.for_chapter(notebook, {"site": ""}, "code", "env", data) != key
    assert file_sha256(data / "c.csv")


def test_package_names_are_normalised_as_pep_503_says():
    assert normalise_package_name("Great_Expectations") == "great-expectations"
    assert normalise_package_name("pypandoc.binary") == "pypandoc-binary"
    assert package_version("great_expectations") == package_version("great-expectations")


def test_every_dependency_in_pyproject_has_its_installed_version():
    with open(PROJECT_ROOT / "pyproject.toml", "rb") as handle:
        requirements = tomllib.load(handle)["project"]["dependencies"]
    names = [re.match(r"[A-Za-z0-9._-]+", r).group(0) for r in requirements]
    assert len(names) >= 10
    assert [name for name in names if package_version(name) is None] == []
