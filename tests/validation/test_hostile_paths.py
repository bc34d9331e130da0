"""Identifiers and arguments that become paths never lead a build outside its output folders."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from analysis import config
from analysis.cli import app
from analysis.errors import BuildError, ParameterError
from analysis.pipeline.build import Builder, BuildOptions
from analysis.pipeline.publish import MARKER, book_dir_problem, inside
from analysis.pipeline.rerun import MAX_RUN_NAME, run_name
from analysis.validation.identifiers import is_site_id, site_id_problem

CRAFTED = ("../../ESCAPE", "S01/../../x", "/etc", "S01\n", " S01", "s01", "S1", "S001", "S０１")


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def crafted_data(tmp_path: Path, small_data_dir: Path) -> Path:
    """The small data folder with a crafted site id added to the site register."""
    data = Path(shutil.copytree(small_data_dir, tmp_path / "work" / "data"))
    with (data / "sites.csv").open("a", encoding="utf-8") as register:
        register.write("../../ESCAPE,SCH,SCH,false\n")
    return data


@pytest.mark.parametrize("value", CRAFTED)
def test_crafted_site_ids_are_not_site_ids(value: str):
    assert not is_site_id(value)
    assert "is not a site id" in site_id_problem(value)


@pytest.mark.parametrize("value", ["S01", "S07", "S18", "S99"])
def test_site_ids_of_the_schema_are_site_ids(value: str):
    assert is_site_id(value)
    assert site_id_problem(value) is None


def test_a_crafted_site_id_is_refused_before_the_build_writes_anything(crafted_data: Path):
    root = crafted_data.parent
    book = root / "_book"
    book.mkdir()
    (book / "index.html").write_text("previous report")
    before = tree(root.parent)
    options = BuildOptions(
        data_dir=crafted_data,
        book_dir=book,
        build_dir=root / "_build",
        sites=(None, "../../ESCAPE"),
        jobs=1,
    )
    with pytest.raises(ParameterError, match=r"'\.\./\.\./ESCAPE' is not a site id"):
        Builder(options).run()
    assert tree(root.parent) == before


def test_build_all_sites_refuses_a_crafted_register_with_a_clear_message(crafted_data: Path):
    root = crafted_data.parent
    before = tree(root.parent)
    result = CliRunner().invoke(
        app,
        [
            "build",
            "--all-sites",
            "--data",
            str(crafted_data),
            "--out",
            str(root / "_book"),
            "--build-dir",
            str(root / "_build"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert "is not a site id" in result.output
    assert "Traceback" not in result.output
    assert tree(root.parent) == before


def test_build_site_refuses_path_characters_given_on_the_command_line(tmp_path: Path):
    result = CliRunner().invoke(app, ["build", "--site", "../S01", "--out", str(tmp_path / "book")])
    assert result.exit_code == 2, result.output
    assert "is not a site id" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_site_folder_must_resolve_inside_its_root(tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    book = tmp_path / "_book"
    (book / "sites").mkdir(parents=True)
    (book / "sites" / "S01").symlink_to(outside)  # planted in a published book
    builder = Builder.__new__(Builder)
    builder.options = BuildOptions(data_dir=tmp_path, book_dir=book, build_dir=tmp_path / "b")
    with pytest.raises(BuildError, match="refusing to write outside"):
        builder._book_subdir(book, "S01")
    assert builder._book_subdir(book, "S02") == book / "sites" / "S02"
    assert builder.scope_dir("S02") == tmp_path / "b" / "sites" / "S02"


def test_inside_follows_symbolic_links_and_dot_dot(tmp_path: Path):
    (tmp_path / "root" / "a").mkdir(parents=True)
    (tmp_path / "root" / "link").symlink_to(tmp_path)
    root = tmp_path / "root"
    assert inside(root, root / "a" / "b")
    assert not inside(root, root / ".." / "x")
    assert not inside(root, root / "link" / "x")
    assert not inside(root, root)


def _keep(tmp_path: Path) -> dict[str, Path]:
    data, build = tmp_path / "data", tmp_path / "_build"
    data.mkdir(exist_ok=True)
    return {"the data folder": data, "the build folder": build, "the project": config.PROJECT_ROOT}


@pytest.mark.parametrize(
    "where",
    ["data", "data/book", "_build", "_build/book", "project", "project-parent", "root", "home"],
)
def test_the_book_folder_never_replaces_or_lies_inside_a_folder_to_keep(tmp_path, where):
    book = {
        "data": tmp_path / "data",
        "data/book": tmp_path / "data" / "book",
        "_build": tmp_path / "_build",
        "_build/book": tmp_path / "_build" / "book",
        "project": config.PROJECT_ROOT,
        "project-parent": config.PROJECT_ROOT.parent,
        "root": Path("/"),
        "home": Path.home(),
    }[where]
    assert book_dir_problem(book, _keep(tmp_path)) is not None


def test_the_book_folder_is_new_empty_or_a_book_published_before(tmp_path: Path):
    keep = _keep(tmp_path)
    assert book_dir_problem(tmp_path / "new", keep) is None
    (tmp_path / "empty").mkdir()
    assert book_dir_problem(tmp_path / "empty", keep) is None
    (tmp_path / "published").mkdir()
    (tmp_path / "published" / MARKER).write_text("x")
    (tmp_path / "published" / "anything").write_text("x")
    assert book_dir_problem(tmp_path / "published", keep) is None
    (tmp_path / "older").mkdir()
    (tmp_path / "older" / "index.html").write_text("x")
    assert book_dir_problem(tmp_path / "older", keep) is None
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "thesis.docx").write_text("x")
    assert "other files" in book_dir_problem(tmp_path / "notes", keep)
    (tmp_path / "checkout").mkdir()
    (tmp_path / "checkout" / "index.html").write_text("x")
    (tmp_path / "checkout" / ".git").mkdir()
    assert book_dir_problem(tmp_path / "checkout", keep) is not None
    (tmp_path / "file").write_text("x")
    assert "a file" in book_dir_problem(tmp_path / "file", keep)


def test_build_out_refuses_a_folder_of_other_files_and_leaves_it_intact(tmp_path: Path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "thesis.docx").write_bytes(b"months of work")
    result = CliRunner().invoke(
        app, ["build", "--out", str(notes), "--build-dir", str(tmp_path / "_build")]
    )
    assert result.exit_code == 2, result.output
    assert "refusing to publish the report in" in result.output
    assert (notes / "thesis.docx").read_bytes() == b"months of work"
    assert sorted(os.listdir(tmp_path)) == ["notes"]


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["wtp", "years", "site", "setting_types", "draws"]),
        st.text(max_size=400),
        max_size=5,
    )
)
def test_run_output_names_are_one_safe_file_name_whatever_the_values(raw):
    name = run_name("topic-5", raw) + ".ipynb"
    assert len(name) <= MAX_RUN_NAME + len(".ipynb")
    assert Path(name).name == name and name not in (".", "..")
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    assert inside(Path("/runs"), Path("/runs") / name)


def test_run_output_names_differ_for_different_long_values():
    first = run_name("topic-5", {"wtp": "1" * 300})
    second = run_name("topic-5", {"wtp": "1" * 299 + "2"})
    assert first != second


def test_run_refuses_data_that_fail_the_gate(data_copy: Path, tmp_path: Path):
    economics = data_copy / "economics_inputs.csv"
    lines = economics.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("1450.00", "inf")
    economics.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["run", "topic-5", "--data", str(data_copy), "--out", str(tmp_path / "runs")]
    )
    assert result.exit_code == 1, result.output
    assert "- economics_inputs.csv, line 3, column high: high holds finite numbers" in result.output
    assert not list((tmp_path / "runs").glob("*.ipynb"))
