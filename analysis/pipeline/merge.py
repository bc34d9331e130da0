"""`stairs-report merge`: the shards of one build assembled into one book.

Each shard is the book folder of one `build --all-sites --shard K/N`. The merge refuses,
naming what differs, unless the shards are all N shares of one build: the same split,
commit, code, data files, parameters, renderer and packages, every report in exactly one
shard, and each shard holding exactly the reports it says it built. It then copies the
national report and every site report into a staging folder, writes the site index, and
publishes the staging folder in place of `--out` (the previous book stays intact on any
failure).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.errors import BuildError
from analysis.pipeline import publish as publishing
from analysis.pipeline.book import read_book
from analysis.pipeline.shards import NATIONAL, SHARD_RECORD, ShardRecord, code_identity
from analysis.pipeline.site_index import write_site_index

SITES = "sites"
SITE_INDEX_FILES = ("index.html", "assets")  # written by the merge itself, not copied
OUTPUTS = {"html": "index.html", "pdf": "report.pdf"}


@dataclass(frozen=True)
class MergeSummary:
    """What a merge assembled."""

    out: Path
    shards: int
    scopes: tuple[str, ...]


def merge_shards(shard_dirs: Sequence[Path], out: Path) -> MergeSummary:
    """Check the shards against each other and assemble them into the book at `out`."""
    if not shard_dirs:
        raise BuildError("refusing to merge: no shard folders given")
    records = {Path(folder): ShardRecord.read(Path(folder)) for folder in shard_dirs}
    _check_split(records)
    _check_same_build(records)
    _check_this_checkout(records)
    _check_every_report_once(records)
    for folder, record in records.items():
        _check_contents(folder, record)
    staged = publishing.staging_dir(out)
    try:
        for folder, record in records.items():
            _copy_reports(folder, record, staged)
        write_site_index(staged, read_book())
        publishing.publish(staged, out)
    except BaseException:
        publishing.discard(staged)
        raise
    first = next(iter(records.values()))
    return MergeSummary(out, len(records), first.all_scopes)


def _names(records: dict[Path, ShardRecord]) -> str:
    return ", ".join(f"{record.shard.label} ({folder})" for folder, record in records.items())


def _check_split(records: dict[Path, ShardRecord]) -> None:
    counts = {record.shard.count for record in records.values()}
    if len(counts) > 1:
        raise BuildError(f"refusing to merge shards of different splits: {_names(records)}")
    count = counts.pop()
    seen: dict[int, Path] = {}
    for folder, record in records.items():
        if record.shard.index in seen:
            raise BuildError(
                f"refusing to merge: shard {record.shard.label} is given twice "
                f"({seen[record.shard.index]} and {folder})"
            )
        seen[record.shard.index] = folder
    missing = [f"{index}/{count}" for index in range(1, count + 1) if index not in seen]
    if missing:
        raise BuildError(
            f"refusing to merge: shard {', '.join(missing)} is missing; given: {_names(records)}"
        )


def _difference(key: str, values: dict[Path, object]) -> str:
    if key == "data_files":
        files = sorted({name for value in values.values() for name in value})  # type: ignore[union-attr]
        differing = [
            name
            for name in files
            if len({str(v.get(name)) for v in values.values()}) > 1  # type: ignore[union-attr]
        ]
        return f"data files differ: {', '.join(differing)}"
    shown = "; ".join(f"{folder}: {_short(value)}" for folder, value in values.items())
    return f"{key} differs ({shown})"


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def _check_same_build(records: dict[Path, ShardRecord]) -> None:
    """Same commit, code, data, parameters, renderer and packages in every shard."""
    identities = {folder: record.identity for folder, record in records.items()}
    identities_plus = {
        folder: {**identity, "reports": list(records[folder].all_scopes)}
        for folder, identity in identities.items()
    }
    keys = sorted({key for identity in identities_plus.values() for key in identity})
    problems = []
    for key in keys:
        values = {folder: identity.get(key) for folder, identity in identities_plus.items()}
        if len({repr(value) for value in values.values()}) > 1:
            problems.append(_difference(key, values))
    if problems:
        raise BuildError(
            "refusing to merge shards that are not from the same build: " + "; ".join(problems)
        )


def _check_this_checkout(records: dict[Path, ShardRecord]) -> None:
    """The merge writes the site index with this checkout's book: it must be the shards' code."""
    record = next(iter(records.values()))
    here = code_identity()
    for key in ("code", "sources"):
        if record.identity.get(key) != here[key]:
            raise BuildError(
                f"refusing to merge: the shards were built from commit "
                f"{record.identity.get('commit')}, and this checkout's {key} differs from "
                "theirs; run the merge from the checkout the shards were built from"
            )


def _check_every_report_once(records: dict[Path, ShardRecord]) -> None:
    expected = next(iter(records.values())).all_scopes
    owners: dict[str, list[str]] = {scope: [] for scope in expected}
    for record in records.values():
        for scope in record.scopes:
            owners.setdefault(scope, []).append(record.shard.label)
    missing = [scope for scope in expected if not owners[scope]]
    twice = {scope: shards for scope, shards in owners.items() if len(shards) > 1}
    unexpected = [scope for scope in owners if scope not in expected]
    problems = []
    if missing:
        problems.append(f"in no shard: {', '.join(missing)}")
    if twice:
        problems.append(
            "in more than one shard: "
            + ", ".join(f"{scope} ({' and '.join(shards)})" for scope, shards in twice.items())
        )
    if unexpected:
        problems.append(f"not a report of this build: {', '.join(unexpected)}")
    if problems:
        raise BuildError(
            "refusing to merge: every report must be in exactly one shard; " + "; ".join(problems)
        )


def _check_contents(folder: Path, record: ShardRecord) -> None:
    """The shard holds exactly the reports it says it built, each with its outputs."""
    sites_dir = folder / SITES
    present = (
        sorted(p.name for p in sites_dir.iterdir() if p.is_dir() and p.name not in SITE_INDEX_FILES)
        if sites_dir.is_dir()
        else []
    )
    declared = sorted(scope for scope in record.scopes if scope != NATIONAL)
    if present != declared:
        extra = sorted(set(present) - set(declared))
        absent = sorted(set(declared) - set(present))
        parts = [f"holds site reports it did not build: {', '.join(extra)}"] if extra else []
        parts += [f"lacks site reports it built: {', '.join(absent)}"] if absent else []
        raise BuildError(
            f"refusing to merge: shard {record.shard.label} ({folder}) {'; '.join(parts)}"
        )
    own = (SITES, SHARD_RECORD, publishing.MARKER)  # the marker is in every published book
    national_files = sorted(p.name for p in folder.iterdir() if p.name not in own)
    if NATIONAL not in record.scopes and national_files:
        raise BuildError(
            f"refusing to merge: shard {record.shard.label} ({folder}) did not build the "
            f"national report but holds {', '.join(national_files[:5])}"
        )
    formats = record.identity.get("parameters", {}).get("formats", [])
    for scope in record.scopes:
        report = folder if scope == NATIONAL else sites_dir / scope
        for format_ in formats:
            output = report / OUTPUTS.get(format_, "")
            if not output.is_file():
                raise BuildError(
                    f"refusing to merge: shard {record.shard.label} ({folder}) lacks "
                    f"{output.relative_to(folder)} of the {_report_words(scope)}"
                )


def _report_words(scope: str) -> str:
    return "national report" if scope == NATIONAL else f"site report {scope}"


def _copy_reports(folder: Path, record: ShardRecord, staged: Path) -> None:
    for scope in record.scopes:
        if scope == NATIONAL:
            for item in folder.iterdir():
                if item.name not in (SITES, SHARD_RECORD):
                    publishing.copy_into(item, staged / item.name)
        else:
            publishing.copy_into(folder / SITES / scope, staged / SITES / scope)
