"""Results computed once per build and shared by every chapter that needs them.

The summary and recommendations chapters both compute every headline finding, and the
summary fits the topic chapters' models again. In a build, the builder names a folder
(``STAIRS_RESULT_MEMO``, one per code and environment fingerprint) and :func:`remembered`
keeps each result there, keyed by what it is computed from: the content of the data
frames it is given, or the bytes of every file of the data folder. The next chapter to ask,
in either worker, reads it instead of computing it. A result also keeps the data files read
while computing it, and a chapter that reads the result records those reads as its own,
so the build still knows which files each chapter depends on.

Outside a build the variable is unset and everything is computed as usual. A stored
result that cannot be read is computed again. Results are pickles, read only from the build
folder, which is trusted as its executed notebooks and kept kernels' records are.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pandas as pd

from analysis.data.readlog import record_read, recording_reads

RESULT_MEMO_ENV = "STAIRS_RESULT_MEMO"

T = TypeVar("T")


def memo_folder() -> Path | None:
    """The folder the build keeps shared results in, or None outside a build."""
    folder = os.environ.get(RESULT_MEMO_ENV)
    return Path(folder) if folder else None


def remembered(name: str, inputs: Iterable[object], compute: Callable[[], T]) -> T:
    """``compute()``, or the result it gave in this build for the same ``inputs``.

    ``inputs`` is everything the result depends on besides the code: data frames (keyed by
    their content), :class:`DataFolder` (the bytes of its files) and plain values (keyed by
    their ``repr``).
    """
    folder = memo_folder()
    if folder is None:
        return compute()
    path = folder / f"{name}-{input_key(name, inputs)}.pickle"
    stored = _load(path)
    if stored is None:
        with _computing(path):
            stored = _load(path)  # computed by another chapter while this one waited
            if stored is None:
                with recording_reads() as reads:
                    result = compute()
                _store(path, (sorted(reads), result))
                return result
    reads, result = stored
    for read in reads:
        record_read(Path(read))
    return result


@contextmanager
def _computing(path: Path) -> Iterator[None]:
    """Hold the result's lock while computing it: a chapter in the other worker that needs the
    same result waits for it rather than computing it too (a lock the system releases if the
    process dies; where there is no flock, both compute)."""
    try:
        import fcntl
    except ImportError:
        fcntl = None
    handle = None
    if fcntl is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(path.with_suffix(".lock"), "ab")  # noqa: SIM115 - held across the yield
        except OSError:
            handle = None
    if handle is None:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


class DataFolder:
    """A data folder as an input of a remembered result: keyed by the bytes of its files."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def fingerprint(self) -> str:
        """Hash of every file's relative path and bytes."""
        files = sorted(p for p in self.path.rglob("*") if p.is_file())
        digest = hashlib.sha256()
        for file in files:
            digest.update(f"{file.relative_to(self.path)}\0{_file_sha256(file)}\n".encode())
        return digest.hexdigest()


_FILE_HASHES: dict[tuple[str, int, int], str] = {}


def _file_sha256(path: Path) -> str:
    """A file's SHA-256, computed once per process while its size and time are unchanged."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _FILE_HASHES:
        with open(path, "rb") as handle:
            _FILE_HASHES[key] = hashlib.file_digest(handle, "sha256").hexdigest()
    return _FILE_HASHES[key]


def input_key(name: str, inputs: Iterable[object]) -> str:
    """A hash of the result's name and the content of its inputs."""
    digest = hashlib.sha256(name.encode())
    for value in inputs:
        digest.update(b"\x1e" + _fingerprint(value).encode())
    return digest.hexdigest()[:32]


def _fingerprint(value: object) -> str:
    if isinstance(value, pd.DataFrame):
        rows = pd.util.hash_pandas_object(value, index=True).to_numpy().tobytes()
        layout = repr([(str(c), str(t)) for c, t in value.dtypes.items()])
        return "frame:" + hashlib.sha256(layout.encode() + rows).hexdigest()
    if isinstance(value, DataFolder):
        return "folder:" + value.fingerprint()
    return f"{type(value).__name__}:{value!r}"


def _load(path: Path) -> tuple[list[str], object] | None:
    try:
        with open(path, "rb") as handle:
            reads, result = pickle.load(handle)
    except Exception:  # missing, damaged or written by other code: compute it again
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used by this build (the builder removes results no build used)
    return reads, result


def _store(path: Path, stored: tuple[list[str], object]) -> None:
    """Write atomically: a chapter in the other worker never reads half a result. Where it
    cannot be written, the next chapter computes it too."""
    written: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
            written = Path(handle.name)
            pickle.dump(stored, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(written, path)
    except OSError:
        if written is not None:
            written.unlink(missing_ok=True)
