"""Three shards, each built in its own folders, merge into the single-machine book.

What this proves: `--shard K/3` deals every report of the session's build to exactly one
shard; each shard renders and publishes only its share into its own book folder; and
`merge` assembles the three folders, with the national report and the site index, into a
book that equals the single-machine build file for file (build timestamps aside: the
shards take the reference build's time through SOURCE_DATE_EPOCH, and provenance.json is
compared without its build time and without how long each chapter took on its machine).

To keep the test cheap, each shard's build folder starts as a copy of the reference build's
(so the gate and the executed chapters come from its cache, and each shard renders only its
own reports). That two builds execute chapters into the same notebooks is covered by the
reproducible-build test; here the shards run the whole shard pipeline but the execution.
"""

from __future__ import annotations

import json
import os
import shutil
from calendar import timegm
from datetime import datetime
from pathlib import Path

import pytest

from analysis.config import DEFAULT_DATA_DIR
from analysis.pipeline.build import Builder, BuildOptions
from analysis.pipeline.merge import merge_shards
from analysis.pipeline.shards import Shard, ShardRecord

pytestmark = pytest.mark.e2e

SHARDS = 3


def _scopes(book_dir: Path) -> tuple[str | None, ...]:
    sites = sorted(p.name for p in (book_dir / "sites").iterdir() if p.is_dir())
    return (None, *(site for site in sites if site != "assets"))


def _epoch(build_dir: Path) -> int:
    record = json.loads((build_dir / "national" / "provenance.json").read_text(encoding="utf-8"))
    return timegm(datetime.strptime(record["build_time"], "%Y-%m-%dT%H:%M:%SZ").timetuple())


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


@pytest.fixture(scope="module")
def sharded(built_book, tmp_path_factory):
    """The session's reports built as three shards in separate folders, then merged."""
    root = tmp_path_factory.mktemp("shards")
    scopes = _scopes(built_book.book_dir)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(_epoch(built_book.build_dir))
    folders, summaries = [], []
    try:
        for index in range(1, SHARDS + 1):
            build_dir = root / f"machine-{index}" / "_build"
            shutil.copytree(built_book.build_dir, build_dir)
            options = BuildOptions(
                data_dir=DEFAULT_DATA_DIR,
                book_dir=root / f"machine-{index}" / "_book",
                build_dir=build_dir,
                sites=scopes,
                jobs=2,
                shard=Shard(index, SHARDS),
            )
            summaries.append(Builder(options).run())
            folders.append(options.book_dir)
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    out = root / "merged" / "_book"
    merge_shards(folders, out)
    return scopes, folders, summaries, out


def test_each_shard_builds_only_its_share_and_every_report_once(sharded):
    scopes, folders, summaries, _ = sharded
    records = [ShardRecord.read(folder) for folder in folders]
    shares = [record.scopes for record in records]
    names = ["national" if s is None else s for s in scopes]
    assert sorted(s for share in shares for s in share) == sorted(names)
    assert all(share for share in shares)
    for record, summary in zip(records, summaries, strict=True):
        assert sorted(summary.rendered) == sorted(record.scopes)
        assert {run.scope for run in summary.runs} == set(record.scopes)


def test_merged_book_equals_the_single_machine_build_file_for_file(sharded, built_book):
    *_, merged = sharded
    single, assembled = _files(built_book.book_dir), _files(merged)
    assert sorted(assembled) == sorted(single)
    differing = [name for name in single if single[name] != assembled[name]]
    assert differing == []
