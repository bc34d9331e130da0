"""Three shards, each built in its own folders, merge into the single-machine book.

What this proves: `--shard K/3` deals every report of the build to exactly one shard; each
shard renders and publishes only its share into its own book folder; and `merge` assembles
the three folders, with the national report and the site index, into a book that equals a
single-machine `build --all-sites` file for file (build timestamps aside: every build here
has the same SOURCE_DATE_EPOCH, and provenance.json is compared without its build time and
without how long each chapter took on its machine).

To keep the test cheap, every build folder here (the single machine's and each shard's)
starts as a copy of the session's all-sites build folder, so the gate and the executed
chapters come from its cache and each build renders and publishes its reports afresh into
an empty book folder. That two builds execute chapters into the same notebooks is covered by
the reproducible-build test; here the shards run the whole shard pipeline but the execution.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from analysis.config import DEFAULT_DATA_DIR
from analysis.pipeline.build import Builder, BuildOptions, BuildSummary
from analysis.pipeline.merge import merge_shards
from analysis.pipeline.shards import Shard, ShardRecord

pytestmark = pytest.mark.e2e

SHARDS = 3
EPOCH = 1_700_000_000


def _scopes(book_dir: Path) -> tuple[str | None, ...]:
    sites = sorted(p.name for p in (book_dir / "sites").iterdir() if p.is_dir())
    return (None, *(site for site in sites if site != "assets"))


def _without_build_timings(content: bytes) -> bytes:
    """A provenance record without when the build ran and how long each chapter took there
    (or whether it came from that machine's cache): the chapters it lists are kept."""
    record = json.loads(content)
    record.pop("build_time", None)
    chapters = record.get("chapters", [])
    if chapters and isinstance(chapters[0], dict):  # runs, in the order they finished
        chapters = sorted(run["chapter"] for run in chapters)
    record["chapters"] = chapters
    return json.dumps(record, sort_keys=True).encode()


def _files(root: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        content = path.read_bytes()
        if path.name == "provenance.json":
            content = _without_build_timings(content)
        files[path.relative_to(root).as_posix()] = content
    return files


def _build(seed: Path, root: Path, scopes, shard: Shard | None) -> tuple[Path, BuildSummary]:
    """A build whose build folder starts as a copy of `seed`, into an empty book folder."""
    build_dir = root / "_build"
    shutil.copytree(seed, build_dir)
    options = BuildOptions(
        data_dir=DEFAULT_DATA_DIR,
        book_dir=root / "_book",
        build_dir=build_dir,
        sites=scopes,
        jobs=2,
        shard=shard,
    )
    return options.book_dir, Builder(options).run()


@pytest.fixture(scope="module")
def sharded(built_book, tmp_path_factory):
    """One machine's all-sites book, and the same reports as three shards, then merged."""
    root = tmp_path_factory.mktemp("shards")
    scopes = _scopes(built_book.book_dir)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(EPOCH)
    try:
        single, _ = _build(built_book.build_dir, root / "single", scopes, None)
        folders, summaries = [], []
        for index in range(1, SHARDS + 1):
            shard = Shard(index, SHARDS)
            book, summary = _build(built_book.build_dir, root / f"machine-{index}", scopes, shard)
            folders.append(book)
            summaries.append(summary)
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    merged = root / "merged" / "_book"
    merge_shards(folders, merged)
    return scopes, folders, summaries, single, merged


def test_each_shard_builds_only_its_share_and_every_report_once(sharded):
    scopes, folders, summaries, *_ = sharded
    records = [ShardRecord.read(folder) for folder in folders]
    shares = [record.scopes for record in records]
    names = ["national" if s is None else s for s in scopes]
    assert len(names) > SHARDS
    assert sorted(s for share in shares for s in share) == sorted(names)
    assert all(share for share in shares)
    for folder, record, summary in zip(folders, records, summaries, strict=True):
        assert sorted(summary.rendered) == sorted(record.scopes)
        assert {run.scope for run in summary.runs} == set(record.scopes)
        built_sites = {p.name for p in (folder / "sites").iterdir() if p.is_dir()} - {"assets"}
        assert built_sites == set(record.scopes) - {"national"}
        assert (folder / "index.html").exists() == ("national" in record.scopes)


def test_merged_book_equals_the_single_machine_build_file_for_file(sharded):
    *_, single, merged = sharded
    one_machine, assembled = _files(single), _files(merged)
    assert len(one_machine) > 100
    assert sorted(assembled) == sorted(one_machine)
    differing = [name for name in one_machine if one_machine[name] != assembled[name]]
    assert differing == []
