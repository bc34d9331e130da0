"""Kernels kept between builds (``build --keep-kernels SECONDS``).

A build normally stops its warm kernels when it ends, and the next build starts and warms new
ones (about 3 CPU seconds each: pandas, statsmodels, seaborn). With ``--keep-kernels`` the
workers leave their kernels running, idle, and record how to reach them in
``<build dir>/kernels/``; the next build with the same code and environment adopts them. This is
what Quarto's execute daemon does for renders. Chapters still share nothing: every chapter
starts with the reset of :mod:`analysis.pipeline.kernel_reset`, and the kernel takes the
build's environment variables then.

Safety:
- a kept kernel is used by one build at a time: its worker holds an exclusive lock on the
  kernel's lock file while it uses it;
- a kept kernel whose code or environment fingerprint differs from the build's, whose process
  is gone, that does not answer, or that was in use when its build died, is stopped and
  forgotten, never used (its process is known by id and start time, so a process later given
  the same id is never touched);
- a kept kernel stops by itself after SECONDS without a chapter (its own watchdog, which takes
  the lock first, so it never stops under a build), and removes its record and sockets;
- the records hold the kernel's message-signing key, so they are private to the user (0600),
  as Jupyter's connection files are.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from analysis.config import PROJECT_ROOT
from analysis.pipeline.cache import text_sha256

KERNELS = "kernels"  # the folder of the build folder that records kept kernels


@dataclass(frozen=True)
class KeepPolicy:
    """Whether and where a build's workers keep their kernels."""

    registry: Path  # <build dir>/kernels
    idle_seconds: float  # a kept kernel stops after this long without a chapter
    fingerprint: str  # code and environment the kernels were warmed with
    role: str = "chapters"  # what the kernel is warmed for: "chapters" or "gate"


@dataclass
class Lease:
    """A kept kernel's record, held (locked) by this process."""

    record: Path
    lock: IO[bytes]

    @property
    def lock_path(self) -> Path:
        """The lock file beside the record."""
        return self.record.with_suffix(".lock")

    def write(self, entry: dict) -> None:
        """Write the record privately (it holds the signing key)."""
        _write_private(self.record, entry)

    def read(self) -> dict | None:
        """The record, or None if it is gone or unreadable."""
        try:
            return json.loads(self.record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def forget(self) -> None:
        """Remove the record (the lock file goes with it) and release the lock."""
        self.record.unlink(missing_ok=True)
        self.lock_path.unlink(missing_ok=True)
        self.release()

    def release(self) -> None:
        """Release the lock (the kernel is free for the next build)."""
        with contextlib.suppress(OSError, ValueError):
            fcntl.flock(self.lock, fcntl.LOCK_UN)
            self.lock.close()


def keep_policy(registry: Path, seconds: float, code: str, environment: str) -> KeepPolicy | None:
    """Where kernels are kept and the fingerprint one must match (code, environment,
    interpreter, project), or None if `seconds` is 0 (stop them at the end)."""
    if seconds <= 0:
        return None
    identity = "\n".join([code, environment, sys.executable, str(PROJECT_ROOT)])
    return KeepPolicy(registry, seconds, text_sha256(identity))


def new_lease(registry: Path) -> Lease:
    """A new, locked record for a kernel this process is about to start."""
    registry.mkdir(parents=True, exist_ok=True)
    os.chmod(registry, 0o700)
    for number in range(1, 10_000):
        record = registry / f"kernel-{number}.json"
        lock = _try_lock(record.with_suffix(".lock"))
        if lock is None:
            continue
        if record.exists():  # another kernel's free record: not ours to take here
            Lease(record, lock).release()
            continue
        return Lease(record, lock)
    raise RuntimeError(f"no free kernel record in {registry}")


def adoptable_leases(policy: KeepPolicy):
    """Free records of kept kernels, each locked and checked; the caller tries them in turn.

    Records that can never be used (another fingerprint, a dead process, a kernel left busy
    by a build that died) are stopped and removed on the way.
    """
    if not policy.registry.is_dir():
        return
    for record in sorted(policy.registry.glob("kernel-*.json")):
        lock = _try_lock(record.with_suffix(".lock"))
        if lock is None:
            continue  # in use by another build
        lease = Lease(record, lock)
        entry = lease.read()
        if entry is None:
            lease.forget()
            continue
        if entry.get("role", "chapters") != policy.role:
            lease.release()  # another role's kernel: not ours to judge
            continue
        usable = (
            entry.get("fingerprint") == policy.fingerprint
            and entry.get("state") == "idle"
            and kernel_process(entry) is not None
        )
        if not usable:
            stop_kept_kernel(entry)
            lease.forget()
            continue
        yield lease, entry


def stop_kept_kernel(entry: dict) -> None:
    """Stop a kept kernel's process group (it runs in a session of its own) and remove its
    sockets. Only the recorded process is stopped: same id and same start time."""
    import psutil

    process = kernel_process(entry)
    if process is not None:
        for stop in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(OSError):
                os.killpg(process.pid, stop)
            try:
                process.wait(timeout=5)
                break
            except psutil.TimeoutExpired:
                continue
    sockets = entry.get("sockets")
    if sockets:
        shutil.rmtree(sockets, ignore_errors=True)


def kernel_process(entry: dict):
    """The recorded kernel's process (a psutil.Process) if it still runs, else None.

    A process with the recorded id must also have the recorded start time: an id the system
    has since given to another process is not the kernel, and is never adopted or stopped.
    """
    import psutil

    pid, started = entry.get("pid"), entry.get("started")
    if not isinstance(pid, int) or not isinstance(started, int | float):
        return None
    try:
        process = psutil.Process(pid)
        if process.status() == psutil.STATUS_ZOMBIE or process.create_time() != started:
            return None
    except psutil.Error:
        return None
    return process


def process_start_time(pid: int) -> float:
    """When a process started (to tell it from a later process given the same id)."""
    import psutil

    return psutil.Process(pid).create_time()


def process_alive(pid: object) -> bool:
    """True if a process with this id runs (a zombie does not)."""
    import psutil

    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def stop_all(registry: Path) -> int:
    """Stop every kept kernel of a build folder that no build is using; return how many."""
    stopped = 0
    if not registry.is_dir():
        return 0
    for record in sorted(registry.glob("kernel-*.json")):
        lock = _try_lock(record.with_suffix(".lock"))
        if lock is None:
            continue
        lease = Lease(record, lock)
        entry = lease.read()
        if entry is not None:
            stop_kept_kernel(entry)
            stopped += 1
        lease.forget()
    return stopped


def _try_lock(path: Path) -> IO[bytes] | None:
    handle = open(path, "ab")  # noqa: SIM115 - held for as long as the lease
    try:
        os.chmod(path, 0o600)
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def _write_private(path: Path, entry: dict) -> None:
    partial = path.with_suffix(".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(entry, handle)
    os.replace(partial, path)
