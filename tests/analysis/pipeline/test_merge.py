"""Merging shards: one book when they are all shares of one build, a clear refusal otherwise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from analysis.errors import BuildError
from analysis.pipeline.merge import merge_shards
from analysis.pipeline.publish import MARKER
from analysis.pipeline.shards import Shard, ShardRecord, build_identity, deal

SITES = ["S01", "S02", "S04", "S05", "S07"]
SCOPES = ["national", *SITES]


def _cost(scope: str) -> float:
    return 5.0 if scope == "national" else 1.0


@pytest.fixture(scope="module")
def identity(bundled_data_dir) -> dict:
    return build_identity(bundled_data_dir, {"formats": ["html", "pdf"]}, "test renderer")


def _write_report(folder: Path, scope: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(f"<p>{scope}</p>", encoding="utf-8")
    (folder / "report.pdf").write_bytes(f"%PDF {scope}".encode())
    (folder / "provenance.json").write_text(json.dumps({"scope": scope}), encoding="utf-8")


def _make_shards(root: Path, identity: dict, count: int = 3) -> list[Path]:
    folders = []
    for index, share in enumerate(deal(SCOPES, _cost, count), start=1):
        folder = root / f"shard-{index}"
        folder.mkdir(parents=True)
        for scope in share:
            if scope == "national":
                _write_report(folder, scope)
                (folder / "figures").mkdir()
                (folder / "figures" / "fig-1.png").write_bytes(b"png")
            else:
                _write_report(folder / "sites" / scope, scope)
        (folder / "sites").mkdir(exist_ok=True)
        (folder / "sites" / "index.html").write_text("a shard's own index", encoding="utf-8")
        (folder / MARKER).write_text("published by stairs-report\n", encoding="utf-8")
        record = ShardRecord(Shard(index, count), tuple(share), tuple(SCOPES), identity)
        (folder / "shard.json").write_text(record.to_json(), encoding="utf-8")
        folders.append(folder)
    return folders


def _rewrite_record(folder: Path, **changes) -> None:
    payload = json.loads((folder / "shard.json").read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key in payload:
            payload[key] = value
        else:
            payload["identity"][key] = value
    (folder / "shard.json").write_text(json.dumps(payload), encoding="utf-8")


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_shards_of_one_build_merge_into_one_book(tmp_path, identity):
    shards = _make_shards(tmp_path, identity)
    out = tmp_path / "_book"
    summary = merge_shards(list(reversed(shards)), out)
    assert summary.shards == 3 and summary.scopes == tuple(SCOPES)
    files = _files(out)
    for site in SITES:
        assert (out / "sites" / site / "index.html").read_text() == f"<p>{site}</p>"
        assert f"sites/{site}/report.pdf" in files
    assert (out / "index.html").read_text() == "<p>national</p>"
    assert "figures/fig-1.png" in files
    assert "shard.json" not in files
    index = (out / "sites" / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{site}/index.html"' in index for site in SITES)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_missing_shard_is_named(tmp_path, identity):
    shards = _make_shards(tmp_path, identity)
    with pytest.raises(BuildError, match=r"shard 2/3 is missing"):
        merge_shards([shards[0], shards[2]], tmp_path / "_book")


def test_a_shard_given_twice_is_refused(tmp_path, identity):
    shards = _make_shards(tmp_path, identity)
    again = shutil.copytree(shards[0], tmp_path / "downloaded-again")
    with pytest.raises(BuildError, match=r"shard 1/3 is given twice"):
        merge_shards([shards[0], again, shards[1], shards[2]], tmp_path / "_book")


def test_shards_of_different_splits_are_refused(tmp_path, identity):
    three = _make_shards(tmp_path / "three", identity)
    two = _make_shards(tmp_path / "two", identity, count=2)
    with pytest.raises(BuildError, match="different splits"):
        merge_shards([three[0], three[1], two[1]], tmp_path / "_book")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"commit": "0" * 40}, "commit differs"),
        ({"parameters": {"formats": ["html"]}}, "parameters differs"),
        ({"renderer": "Quarto 1.9"}, "renderer differs"),
        ({"all_scopes": ["national", "S01"]}, "reports differs"),
    ],
)
def test_shards_of_different_builds_are_refused_naming_what_differs(
    tmp_path, identity, change, message
):
    shards = _make_shards(tmp_path, identity)
    _rewrite_record(shards[1], **change)
    with pytest.raises(BuildError, match=f"not from the same build: .*{message}"):
        merge_shards(shards, tmp_path / "_book")


def test_different_data_names_the_files_that_differ(tmp_path, identity):
    shards = _make_shards(tmp_path, identity)
    data = dict(identity["data_files"], **{"cyp_survey.csv": "f" * 64})
    _rewrite_record(shards[2], data_files=data)
    with pytest.raises(BuildError, match=r"data files differ: cyp_survey\.csv$"):
        merge_shards(shards, tmp_path / "_book")


def test_code_other_than_this_checkout_is_refused(tmp_path, identity):
    shards = _make_shards(tmp_path, identity)
    for shard in shards:
        _rewrite_record(shard, code="0" * 64)
    with pytest.raises(BuildError, match="this checkout's code differs"):
        merge_shards(shards, tmp_path / "_book")


def test_a_site_in_two_shards_or_in_none_is_refused(tmp_path, identity):
    shards = _make_shards(tmp_path, identity)
    first = json.loads((shards[0] / "shard.json").read_text())
    second = json.loads((shards[1] / "shard.json").read_text())
    moved = second["scopes"][0]
    _rewrite_record(shards[0], scopes=[*first["scopes"], moved])
    _write_report(shards[0] / "sites" / moved, moved)
    with pytest.raises(BuildError, match=rf"in more than one shard: {moved} \(1/3 and 2/3\)"):
        merge_shards(shards, tmp_path / "_book")
    _rewrite_record(shards[0], scopes=first["scopes"])
    _rewrite_record(shards[1], scopes=second["scopes"][1:])
    with pytest.raises(BuildError, match=rf"in no shard: {moved}"):
        merge_shards(shards, tmp_path / "_book")


def test_a_shard_holding_a_report_it_did_not_build_is_refused(tmp_path, identity):
    shards = _make_shards(tmp_path, identity)
    _write_report(shards[1] / "sites" / "S99", "S99")
    with pytest.raises(BuildError, match="holds site reports it did not build: S99"):
        merge_shards(shards, tmp_path / "_book")


def test_national_files_in_a_shard_without_the_national_report_are_refused(tmp_path, identity):
    shards = _make_shards(tmp_path, identity)
    (shards[2] / "index.html").write_text("stale national page", encoding="utf-8")
    with pytest.raises(
        BuildError, match=r"did not build the national report but holds index\.html"
    ):
        merge_shards(shards, tmp_path / "_book")


def test_a_report_without_its_pdf_is_refused(tmp_path, identity):
    shards = _make_shards(tmp_path, identity)
    site = json.loads((shards[1] / "shard.json").read_text())["scopes"][0]
    (shards[1] / "sites" / site / "report.pdf").unlink()
    with pytest.raises(BuildError, match=rf"lacks sites/{site}/report.pdf of the site report"):
        merge_shards(shards, tmp_path / "_book")


def test_a_refused_merge_leaves_the_previous_book_byte_identical(tmp_path, identity):
    shards = _make_shards(tmp_path, identity)
    out = tmp_path / "_book"
    out.mkdir()
    (out / "index.html").write_bytes(b"previous book")
    with pytest.raises(BuildError):
        merge_shards(shards[:2], out)
    assert _files(out) == ["index.html"]
    assert (out / "index.html").read_bytes() == b"previous book"
