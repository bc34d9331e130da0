"""Runs inside a warm kernel: put it back in the state of a freshly started one."""

from __future__ import annotations

import os
import threading
import time

from analysis.data.readlog import READS_LOG_ENV
from analysis.data.result_memo import RESULT_MEMO_ENV

_defaults: dict = {}
_build_environment: dict[str, str] = {}  # the variables the last build gave this kernel


def remember_defaults(environment: dict[str, str] | None = None) -> None:
    """Record matplotlib's settings as the kernel started them, and the build's environment
    the kernel was started with."""
    import matplotlib as mpl

    _defaults.clear()
    _defaults.update(mpl.rcParams.copy())
    _build_environment.clear()
    _build_environment.update(environment or {})


def freeze_imported_objects() -> None:
    """Move every object alive after the warm-up imports out of the garbage collector's view.

    Resetting the namespace between chapters runs full collections; without this each one
    walks every object of pandas, statsmodels and seaborn (about 0.1 s). Frozen objects are
    module state that lives as long as the kernel anyway (CPython's ``gc.freeze``, meant for
    processes that load once and then serve).
    """
    import gc

    gc.collect()
    gc.freeze()


def reset_between_chapters(
    reads_log: str, cwd: str, environment: dict[str, str] | None = None, result_memo: str = ""
) -> None:
    """Close figures, restore matplotlib settings, set the working folder, the reads log and
    the build's folder of shared results (none: ""), and (for a kernel kept from an earlier
    build) take this build's environment variables."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    plt.close("all")
    if _defaults:
        mpl.rcParams.update(_defaults)
    os.chdir(cwd)
    if environment is not None:
        for name in set(_build_environment) - set(environment):
            os.environ.pop(name, None)
        os.environ.update(environment)
        _build_environment.clear()
        _build_environment.update(environment)
    os.environ[READS_LOG_ENV] = reads_log
    if result_memo:
        os.environ[RESULT_MEMO_ENV] = result_memo
    else:
        os.environ.pop(RESULT_MEMO_ENV, None)


def stop_when_idle(record: str, seconds: float, sockets: str) -> None:
    """Start a watchdog that ends this kept kernel after `seconds` without running a cell.

    It first takes the kernel's lock (held by any build using the kernel, so it never stops
    under one), then removes the kernel's record and sockets and exits. If the build folder
    was removed meanwhile, no build can adopt the kernel: it exits too.
    """
    from IPython import get_ipython

    activity = {"last": time.monotonic(), "running": 0}

    def before(*_: object) -> None:
        activity["running"] += 1

    def after(*_: object) -> None:
        activity["running"] = max(0, activity["running"] - 1)
        activity["last"] = time.monotonic()

    shell = get_ipython()
    shell.events.register("pre_run_cell", before)
    shell.events.register("post_run_cell", after)

    def watch() -> None:
        import fcntl
        import shutil
        from pathlib import Path

        lock_path = Path(record).with_suffix(".lock")
        while True:
            time.sleep(min(seconds, 1.0))
            if activity["running"] or time.monotonic() - activity["last"] < seconds:
                continue
            try:
                handle = open(lock_path, "ab")  # noqa: SIM115 - held until the process ends
            except OSError:  # the build folder is gone: no build can adopt this kernel
                handle = None
            if handle is not None:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    handle.close()
                    continue  # a build is using this kernel
            Path(record).unlink(missing_ok=True)
            lock_path.unlink(missing_ok=True)
            shutil.rmtree(sockets, ignore_errors=True)
            os._exit(0)

    threading.Thread(target=watch, name="stop-when-idle", daemon=True).start()
