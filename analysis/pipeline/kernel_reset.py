"""Runs inside a warm kernel: put it back in the state of a freshly started one."""

from __future__ import annotations

import os

from analysis.data.readlog import READS_LOG_ENV

_defaults: dict = {}


def remember_defaults() -> None:
    """Record matplotlib's settings as the kernel started them."""
    import matplotlib as mpl

    _defaults.clear()
    _defaults.update(mpl.rcParams.copy())


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


def reset_between_chapters(reads_log: str, cwd: str) -> None:
    """Close figures, restore matplotlib settings, set the working folder and the reads log."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    plt.close("all")
    if _defaults:
        mpl.rcParams.update(_defaults)
    os.chdir(cwd)
    os.environ[READS_LOG_ENV] = reads_log
