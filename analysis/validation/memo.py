"""The gate's memory: results of its checks, kept by the content of what each check read.

A check (one suite's great_expectations validation of one table, the identifier scan of
one file, one cross-table check) is a pure function of the files it reads, its suite and
the code. :class:`GateMemo` keeps each result under a hash of the check's name, those
inputs (the files by the hash of their bytes) and the code, so that after one file changes
only the checks that read it run again; every other result is taken from the memo, and
great_expectations is imported only if some validation must really run. A result is kept
only if JSON gives it back unchanged, so a remembered result is always the one a run would
give.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from analysis.validation.failures import Failure

T = TypeVar("T")
MEMO_DIR = "memo"


def file_digest(path: Path) -> str:
    """Hash of a file's bytes, or of its absence."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        return f"unreadable: {type(error).__name__}"


def encode_failures(failures: list[Failure]) -> list[dict]:
    """Failures as JSON values."""
    return [
        {name: list(value) if isinstance(value, tuple) else value for name, value in row.items()}
        for row in map(asdict, failures)
    ]


def decode_failures(values: list[dict]) -> list[Failure]:
    """Failures from their JSON values."""
    return [Failure(**value) for value in values]


def json_exact(value: Any) -> bool:
    """True when JSON gives back exactly `value` (no tuples, non-text keys or other types)."""
    if value is None or isinstance(value, str | bool | int):
        return True
    if isinstance(value, float):
        return True  # JSON keeps every float, NaN and infinities included
    if isinstance(value, list):
        return all(json_exact(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and json_exact(v) for k, v in value.items())
    return False


@dataclass
class GateMemo:
    """Remembered check results in `folder`, valid for the code and environment in `salt`.

    Without a folder nothing is remembered: every check runs (and is listed in `ran`).
    """

    folder: Path | None
    salt: str = ""
    ran: list[str] = field(default_factory=list)  # checks run in this gate, in order
    reused: list[str] = field(default_factory=list)  # checks taken from the memo
    _used: set[str] = field(default_factory=set)

    def check(
        self,
        name: str,
        inputs: Any,
        compute: Callable[[], T],
        encode: Callable[[T], Any] = lambda value: value,
        decode: Callable[[Any], T] = lambda value: value,
    ) -> T:
        """The result of check `name` on `inputs`: remembered, or computed and remembered.

        `inputs` must identify everything the check reads (None: not rememberable, so the
        check always runs).
        """
        path = self._path(name, inputs)
        if path is None:
            self.ran.append(name)
            return compute()
        self._used.add(path.name)
        try:
            value = decode(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            pass
        else:
            self.reused.append(name)
            return value
        self.ran.append(name)
        value = compute()
        encoded = encode(value)
        if json_exact(encoded):  # only results that JSON keeps exactly are remembered
            text = json.dumps(encoded)  # in the result's own key order, which JSON keeps
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(f".{os.getpid()}.partial")
            partial.write_text(text, encoding="utf-8")
            partial.replace(path)
        return value

    def knows(self, name: str, inputs: Any) -> bool:
        """True when a result of check `name` on `inputs` is remembered."""
        path = self._path(name, inputs)
        return path is not None and path.is_file()

    def _path(self, name: str, inputs: Any) -> Path | None:
        """Where the result of check `name` on `inputs` is kept (None: not rememberable)."""
        if inputs is None or self.folder is None:
            return None
        key = hashlib.sha256(
            json.dumps([self.salt, name, inputs], sort_keys=True, default=str).encode()
        ).hexdigest()
        return self.folder / f"{key}.json"

    @property
    def summary(self) -> dict[str, list[str]]:
        """Which checks ran and which were taken from the memo, in order."""
        return {"ran": list(self.ran), "reused": list(self.reused)}

    def forget_unused(self) -> None:
        """Remove results no check of this gate used (the memo keeps only the latest)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self._used:
                path.unlink(missing_ok=True)
