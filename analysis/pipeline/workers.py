"""Build workers: processes that each keep one warm kernel and execute chapter after chapter.

The build starts them before the data-quality gate, with the chapters that do not read the
gate's results, so that starting the kernels (and importing pandas, statsmodels and seaborn
in them) and executing those chapters overlap with the gate. Every chapter is executed
into a staging folder; the build moves it into place only after the gate passed. If the
gate fails, :meth:`Workers.abandon` cancels what has not started, waits for what runs, and
removes every staged notebook, so nothing executed on unvalidated data is kept.
"""

from __future__ import annotations

import multiprocessing
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.interrupts import ignore_interrupts
from analysis.pipeline.cache import CacheKey
from analysis.pipeline.kept_kernels import KeepPolicy

STAGING = "staging"  # folder of a report's build folder that executed chapters go to first


@dataclass(frozen=True)
class Task:
    """One chapter of one report to execute."""

    scope: str
    chapter: str
    source: Path
    output: Path  # where the executed notebook belongs once accepted
    staged: Path  # where the worker writes it
    parameters: dict[str, Any]
    key: CacheKey
    manifest: Path  # the report's cache folder, where the accepted execution is recorded
    result_memo: Path | None = None  # the build's folder of results chapters share


@dataclass(frozen=True)
class Done:
    """A task's outcome: its execution time and data reads, or the error it raised."""

    task: Task
    seconds: float = 0.0
    reads: tuple[str, ...] = ()
    error: BaseException | None = None


_worker_kernel = None
_keep_policy: KeepPolicy | None = None


def _configure_worker(keep: KeepPolicy | None) -> None:
    """In a new worker: Ctrl-C is the build's to handle, and whether its kernel is kept for
    the next build."""
    global _keep_policy
    ignore_interrupts()
    _keep_policy = keep


def _kernel_of_this_worker():
    """The worker process's warm kernel, started (or adopted) on first use; stopped, or with
    ``--keep-kernels`` left running for the next build, when the worker exits."""
    global _worker_kernel
    if _worker_kernel is None:
        from multiprocessing.util import Finalize

        from analysis.pipeline.kernels import kept_or_new_kernel

        _worker_kernel = kept_or_new_kernel(_keep_policy)
        Finalize(_worker_kernel, _worker_kernel.release, exitpriority=10)
    return _worker_kernel


def _execute(
    chapter: str, source: str, staged: str, parameters: dict, result_memo: str | None
) -> tuple:
    """In a worker: execute one chapter in the warm kernel."""
    from analysis.pipeline.execute import execute_chapter

    kernel = _kernel_of_this_worker()
    memo = Path(result_memo) if result_memo is not None else None
    result = execute_chapter(
        chapter, Path(source), Path(staged), parameters, kernel=kernel, result_memo=memo
    )
    return result.seconds, result.reads


class Workers:
    """Up to `jobs` worker processes, started with the first task submitted (`keep`: leave
    their kernels running for the next build)."""

    def __init__(self, jobs: int, keep: KeepPolicy | None = None):
        self.jobs = max(1, jobs)
        self.keep = keep
        self._pool: ProcessPoolExecutor | None = None
        self._running: dict[Future, Task] = {}
        self._closing: threading.Thread | None = None

    @property
    def started(self) -> bool:
        """True once a worker process has been asked for."""
        return self._pool is not None

    def submit(self, task: Task) -> None:
        """Queue a chapter; the pool starts with the first one."""
        task.staged.unlink(missing_ok=True)
        memo = str(task.result_memo) if task.result_memo is not None else None
        arguments = (task.chapter, str(task.source), str(task.staged), task.parameters, memo)
        if self._pool is None:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=context,
                initializer=_configure_worker,
                initargs=(self.keep,),
            )
        self._running[self._pool.submit(_execute, *arguments)] = task

    @property
    def pending(self) -> int:
        """Tasks submitted and not yet collected."""
        return len(self._running)

    def results(self) -> Iterator[Done]:
        """Each submitted task's outcome, as soon as it is known."""
        while self._running:
            done, _ = wait(list(self._running), return_when=FIRST_COMPLETED)
            for future in done:
                task = self._running.pop(future)
                error = future.exception()
                if error is not None:
                    yield Done(task, error=error)
                else:
                    seconds, reads = future.result()
                    yield Done(task, seconds, tuple(reads))

    def abandon(self) -> list[Task]:
        """Cancel queued tasks, wait for running ones, remove every staged notebook.

        Returns the tasks whose results were thrown away.
        """
        thrown = list(self._running.values())
        for future in self._running:
            future.cancel()
        self.close(wait=True)
        self._running.clear()
        for folder in {_staging_root(task) for task in thrown}:
            shutil.rmtree(folder, ignore_errors=True)
        return thrown

    def close(self, wait: bool = True) -> None:
        """Let the workers stop their kernels and exit (waiting for them, if asked)."""
        if self._closing is not None:
            self._closing.join()
            self._closing = None
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=True)
            if wait:
                self._pool = None

    def close_in_background(self) -> None:
        """Start closing (the workers stop or keep their kernels) and return at once; a later
        :meth:`close` waits for it."""
        if self._pool is not None and self._closing is None:
            pool, self._pool = self._pool, None
            self._closing = threading.Thread(
                target=pool.shutdown, kwargs={"wait": True}, name="stop-workers"
            )
            self._closing.start()


def _staging_root(task: Task) -> Path:
    """The report's staging folder that holds this task's staged notebook."""
    for parent in task.staged.parents:
        if parent.name == STAGING:
            return parent
    return task.staged.parent
