"""Kernels kept between builds: adopted only when they fit, never shared, stopped when idle."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import pytest

from analysis.pipeline.execute import execute_chapter
from analysis.pipeline.kept_kernels import (
    KeepPolicy,
    adoptable_leases,
    process_alive,
    stop_all,
)
from analysis.pipeline.kernels import kept_or_new_kernel
from tests.analysis.pipeline.notebooks import chapter_notebook, printed


def _run(kernel, folder: Path, code: str, value: int = 1) -> str:
    source = chapter_notebook(folder / "chapter.ipynb", code)
    output = folder / f"out-{time.monotonic_ns()}.ipynb"
    execute_chapter("chapter", source, output, {"value": value}, cwd=folder, kernel=kernel)
    return printed(output)


@pytest.fixture(autouse=True)
def light_warm_up(monkeypatch):
    """These tests are about the kernels' lives, not their imports: warm them up lightly."""
    from analysis.pipeline import kernels

    monkeypatch.setitem(kernels.WARM_UPS, "chapters", "import analysis.data.readlog")


@pytest.fixture
def policy(tmp_path):
    keep = KeepPolicy(tmp_path / "kernels", idle_seconds=120, fingerprint="code-1")
    yield keep
    stop_all(keep.registry)


def _records(registry: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(registry.glob("kernel-*.json"))]


def test_a_released_kernel_is_adopted_by_the_next_build_with_a_clean_namespace(tmp_path, policy):
    first = kept_or_new_kernel(policy)
    assert "42" in _run(first, tmp_path, "secret = 42\nprint(secret)")
    pid = first.pid
    first.release()
    assert process_alive(pid)
    [record] = _records(policy.registry)
    assert record["state"] == "idle" and record["pid"] == pid

    second = kept_or_new_kernel(policy)
    try:
        assert second.pid == pid
        printed = _run(second, tmp_path, "print('secret' in globals(), value)", value=7)
        assert printed == "False 7\n"
    finally:
        second.release()


def test_the_kept_kernel_takes_the_environment_of_the_build_that_adopts_it(
    tmp_path, policy, monkeypatch
):
    monkeypatch.setenv("STAIRS_TEST_GONE", "first build")
    first = kept_or_new_kernel(policy)
    first.release()
    monkeypatch.delenv("STAIRS_TEST_GONE")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    second = kept_or_new_kernel(policy)
    try:
        code = (
            "import os\nprint(os.environ.get('STAIRS_TEST_GONE'), os.environ['SOURCE_DATE_EPOCH'])"
        )
        assert _run(second, tmp_path, code) == "None 1700000000\n"
    finally:
        second.release()


def test_a_kernel_in_use_is_never_adopted_by_another_build(tmp_path, policy):
    first = kept_or_new_kernel(policy)
    try:
        second = kept_or_new_kernel(policy)
        try:
            assert second.pid != first.pid
        finally:
            second.release()
    finally:
        first.release()
    assert len(_records(policy.registry)) == 2


def test_kernels_of_other_code_or_left_busy_by_a_dead_build_are_stopped_not_used(tmp_path, policy):
    old = kept_or_new_kernel(policy)
    old_pid = old.pid
    old.release()
    newer = KeepPolicy(policy.registry, policy.idle_seconds, fingerprint="code-2")
    assert list(adoptable_leases(newer)) == []
    assert not process_alive(old_pid)
    assert _records(policy.registry) == []

    busy = kept_or_new_kernel(newer)
    busy_pid = busy.pid
    busy.lease.release()  # the build died while the kernel was running its chapter
    assert _records(policy.registry)[0]["state"] == "busy"
    replacement = kept_or_new_kernel(newer)
    try:
        assert replacement.pid != busy_pid
        assert not process_alive(busy_pid)
    finally:
        replacement.release()


def test_records_are_private_because_they_hold_the_signing_key(tmp_path, policy):
    kernel = kept_or_new_kernel(policy)
    kernel.release()
    record = next(policy.registry.glob("kernel-*.json"))
    assert stat.S_IMODE(record.stat().st_mode) == 0o600
    assert stat.S_IMODE(policy.registry.stat().st_mode) == 0o700
    assert json.loads(record.read_text())["connection"]["key"]


def test_an_idle_kept_kernel_stops_itself_and_removes_its_record_and_sockets(tmp_path):
    policy = KeepPolicy(tmp_path / "kernels", idle_seconds=1.5, fingerprint="code-1")
    kernel = kept_or_new_kernel(policy)
    pid, sockets = kernel.pid, Path(kernel.sockets)
    kernel.release()
    assert _wait_until(lambda: process_alive(pid), False, seconds=20) is False
    assert _records(policy.registry) == []
    assert not sockets.exists()


def test_a_kernel_in_use_outlives_its_idle_time(tmp_path):
    policy = KeepPolicy(tmp_path / "kernels", idle_seconds=1.0, fingerprint="code-1")
    kernel = kept_or_new_kernel(policy)
    try:
        time.sleep(3)  # idle, but its build holds the lock
        assert _run(kernel, tmp_path, "print('alive')") == "alive\n"
    finally:
        kernel.shutdown()
    assert not process_alive(kernel.pid)
    assert _records(policy.registry) == []


def test_stop_kernels_stops_every_free_kept_kernel(tmp_path, policy):
    kernels = [kept_or_new_kernel(policy) for _ in range(2)]
    pids = [kernel.pid for kernel in kernels]
    for kernel in kernels:
        kernel.release()
    assert stop_all(policy.registry) == 2
    assert not any(process_alive(pid) for pid in pids)
    assert list(policy.registry.iterdir()) == []


def _wait_until(probe, value, seconds: float = 10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        current = probe()
        if current == value:
            return current
        time.sleep(0.1)
    return probe()


def test_kernels_started_without_keeping_still_stop_with_their_build(tmp_path):
    kernel = kept_or_new_kernel(None)
    pid = kernel.pid
    kernel.release()
    assert not process_alive(pid)


def test_a_kept_kernel_whose_build_folder_was_removed_still_stops_when_idle(tmp_path):
    import shutil

    policy = KeepPolicy(tmp_path / "_build" / "kernels", idle_seconds=1.5, fingerprint="code-1")
    kernel = kept_or_new_kernel(policy)
    pid = kernel.pid
    kernel.release()
    shutil.rmtree(tmp_path / "_build")
    assert _wait_until(lambda: process_alive(pid), False, seconds=20) is False


def test_a_kernel_whose_warm_up_fails_is_stopped_and_not_recorded(tmp_path, monkeypatch):
    from analysis.pipeline import kept_kernels, kernels

    stopped = []
    real_stop = kept_kernels.stop_kept_kernel
    monkeypatch.setattr(
        kept_kernels, "stop_kept_kernel", lambda entry: stopped.append(entry) or real_stop(entry)
    )
    monkeypatch.setitem(kernels.WARM_UPS, "chapters", "import no_such_module_anywhere")
    policy = KeepPolicy(tmp_path / "kernels", idle_seconds=120, fingerprint="code-1")
    with pytest.raises(RuntimeError, match="no_such_module_anywhere"):
        kept_or_new_kernel(policy)
    assert [entry["pid"] for entry in stopped] and not process_alive(stopped[0]["pid"])
    assert list(policy.registry.glob("kernel-*")) == []


def test_a_record_naming_a_process_that_is_not_the_kernel_never_stops_that_process(
    tmp_path, policy
):
    """A kernel that died left its record; its id now belongs to another process."""
    import json as json_module
    import subprocess
    import sys

    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        policy.registry.mkdir(parents=True)
        record = {
            "pid": other.pid,
            "started": 12345.0,  # not when `other` started
            "sockets": str(tmp_path / "gone"),
            "connection": {},
            "fingerprint": policy.fingerprint,
            "role": policy.role,
            "idle_seconds": 120,
            "state": "idle",
        }
        (policy.registry / "kernel-1.json").write_text(json_module.dumps(record))
        assert list(adoptable_leases(policy)) == []
        assert other.poll() is None  # still running: not stopped
        assert _records(policy.registry) == []  # the stale record is forgotten
    finally:
        other.kill()
        other.wait()
