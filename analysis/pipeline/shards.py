"""Shards: a deterministic share of a build's reports, so that several machines build them.

`build --all-sites --shard K/N` builds the K-th of N shares of the reports (the national
report and the site reports) into its own book folder, with a record of what it built and
from what (`shard.json`). `stairs-report merge` (:mod:`analysis.pipeline.merge`) checks the
records against each other and assembles the shards into one book.

The shares depend only on the list of reports, their estimated costs and N: the same
inputs give the same shares on every machine. Reports are dealt out longest first, each to
the share with the least work so far (ties to the lowest shard), which keeps the slowest
shard close to the average.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.config import PROJECT_ROOT
from analysis.errors import BuildError, ParameterError
from analysis.pipeline.cache import code_fingerprint, file_sha256, text_sha256
from analysis.pipeline.provenance import data_file_hashes, git_state, reported_packages

SHARD_RECORD = "shard.json"
NATIONAL = "national"
_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Shard:
    """The `index`-th (from 1) of `count` shares."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """`"2/3"` as Shard(2, 3); anything else is refused with an example."""
        match = _SHARD.fullmatch(text)
        index, count = (int(match.group(1)), int(match.group(2))) if match else (0, 0)
        if not match or count < 1 or not 1 <= index <= count:
            raise ParameterError(
                f"--shard must be K/N with 1 <= K <= N (the K-th of N shares), e.g. 2/3; "
                f"got {text!r}"
            )
        return cls(index, count)

    @property
    def label(self) -> str:
        """`2/3`."""
        return f"{self.index}/{self.count}"


def deal(scopes: Sequence[str], cost: Callable[[str], float], count: int) -> list[list[str]]:
    """Every scope in exactly one of `count` shares, each share in the order given."""
    loads = [0.0] * count
    owner: dict[str, int] = {}
    order = sorted(range(len(scopes)), key=lambda i: (-cost(scopes[i]), i))
    for i in order:
        share = min(range(count), key=lambda s: (loads[s], s))
        owner[scopes[i]] = share
        loads[share] += cost(scopes[i])
    return [[scope for scope in scopes if owner[scope] == s] for s in range(count)]


def share_of(scopes: Sequence[str], cost: Callable[[str], float], shard: Shard) -> list[str]:
    """The scopes this shard builds."""
    if len(set(scopes)) != len(scopes):
        raise ParameterError(f"a report is listed twice: {', '.join(scopes)}")
    return deal(scopes, cost, shard.count)[shard.index - 1]


def code_identity() -> dict[str, str]:
    """Hashes of the package code and of the book's sources (book files, notebooks, suites)."""
    sources = sorted(
        [
            *PROJECT_ROOT.glob("_quarto*.yml"),
            *PROJECT_ROOT.glob("*.qmd"),
            *(PROJECT_ROOT / "chapters").glob("*.ipynb"),
            *(PROJECT_ROOT / "expectations").glob("*.json"),
        ]
    )
    listing = "\n".join(f"{p.relative_to(PROJECT_ROOT)}:{file_sha256(p)}" for p in sources)
    return {"code": code_fingerprint(), "sources": text_sha256(listing)}


def build_identity(data_dir: Path, parameters: dict[str, Any], renderer: str) -> dict[str, Any]:
    """What the reports depend on besides their scope: every shard of one build must agree."""
    git = git_state()
    return {
        "commit": git["commit"],
        "dirty": git["dirty"],
        **code_identity(),
        "data_files": data_file_hashes(data_dir),
        "parameters": parameters,
        "renderer": renderer,
        "python": sys.version.split()[0],
        "packages": reported_packages(),
    }


@dataclass(frozen=True)
class ShardRecord:
    """What one shard built, of which reports, and from what inputs (its `shard.json`)."""

    shard: Shard
    scopes: tuple[str, ...]  # the reports this shard built ("national", site ids)
    all_scopes: tuple[str, ...]  # every report of the build, across all shards
    identity: dict[str, Any]  # commit, code, data hashes, parameters, renderer, packages

    def to_json(self) -> str:
        """The record as written into the shard's book folder."""
        payload = {
            "shard": self.shard.index,
            "of": self.shard.count,
            "scopes": list(self.scopes),
            "all_scopes": list(self.all_scopes),
            "identity": self.identity,
        }
        return json.dumps(payload, indent=1, sort_keys=True) + "\n"

    @classmethod
    def read(cls, book_dir: Path) -> ShardRecord:
        """The record in a shard's book folder; a clear error if it is not one."""
        path = book_dir / SHARD_RECORD
        if not book_dir.is_dir():
            raise BuildError(f"refusing to merge: {book_dir} is not a folder")
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
            shard = Shard(int(payload["shard"]), int(payload["of"]))
            return cls(
                shard,
                tuple(str(s) for s in payload["scopes"]),
                tuple(str(s) for s in payload["all_scopes"]),
                dict(payload["identity"]),
            )
        except FileNotFoundError:
            raise BuildError(
                f"refusing to merge: {book_dir} has no {SHARD_RECORD}, so it is not the book "
                "folder of a `stairs-report build --all-sites --shard K/N`"
            ) from None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise BuildError(f"refusing to merge: {path} is unreadable ({exc})") from exc
