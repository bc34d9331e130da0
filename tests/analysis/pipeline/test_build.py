"""Which scopes a build makes: every site but the STC gets a report; the site book."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.config import DEFAULT_DATA_DIR
from analysis.errors import ParameterError
from analysis.pipeline.book import read_book
from analysis.pipeline.build import SITE_BOOK, Builder, BuildOptions, check_sites, site_ids


def test_every_site_but_the_stc_gets_a_report():
    sites = site_ids(DEFAULT_DATA_DIR)
    assert len(sites) == 17
    assert "S09" not in sites  # the secure training centre


def test_the_stc_is_refused_and_unknown_sites_too():
    with pytest.raises(ParameterError, match="secure training centre"):
        check_sites((None, "S09"), DEFAULT_DATA_DIR)
    with pytest.raises(ParameterError, match="unknown site 'S99'"):
        check_sites(("S99",), DEFAULT_DATA_DIR)
    assert check_sites((None, "S07"), DEFAULT_DATA_DIR) == (None, "S07")


def test_the_builder_makes_relative_folders_absolute(tmp_path, monkeypatch):
    """The kernels run in the project folder, so folders relative to the caller's are made
    absolute before a chapter is given them."""
    monkeypatch.chdir(tmp_path)
    data = Path(os.path.relpath(DEFAULT_DATA_DIR, tmp_path))
    options = Builder(BuildOptions(data, Path("book"), Path("build"))).options
    assert options.data_dir.resolve() == DEFAULT_DATA_DIR.resolve()
    assert options.data_dir.is_absolute()
    assert (options.book_dir, options.build_dir) == (tmp_path / "book", tmp_path / "build")


def test_site_book_has_only_release_chapters():
    book = read_book(SITE_BOOK)
    assert [c.id for c in book.notebooks] == ["site-report", "site-disclosure"]
    assert book.title == read_book().title


def test_the_cli_and_the_build_load_without_pandas_or_great_expectations():
    """A rebuild with nothing changed loads only these (its figure is in benchmarks/)."""
    code = (
        "import sys, analysis.cli, analysis.pipeline.build, analysis.pipeline.gate_cache; "
        "print(sorted({'pandas', 'great_expectations'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
