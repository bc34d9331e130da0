"""Execute one chapter notebook with papermill into the build folder, never over its source."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis.config import PROJECT_ROOT
from analysis.data.readlog import READS_LOG_ENV
from analysis.errors import BuildError
from analysis.pipeline.kernels import WarmKernel


@dataclass(frozen=True)
class Execution:
    """Outcome of one chapter's execution."""

    chapter_id: str
    output: Path
    seconds: float
    reads: tuple[str, ...]


def execute_chapter(
    chapter_id: str,
    source: Path,
    output: Path,
    parameters: dict[str, Any],
    cwd: Path = PROJECT_ROOT,
    kernel: WarmKernel | None = None,
    result_memo: Path | None = None,
) -> Execution:
    """Run the notebook with injected parameters; write `output` only if every cell succeeds.

    With a warm kernel, the chapter runs in it after a reset; otherwise a kernel is started
    for this chapter alone (its log left on stderr) and stopped afterwards. `result_memo`:
    the build's folder of results shared between chapters (:mod:`analysis.data.result_memo`).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(f".{output.stem}.partial.ipynb")
    reads_log = output.with_name(f".{output.stem}.reads")
    reads_log.unlink(missing_ok=True)
    os.environ[READS_LOG_ENV] = str(reads_log)
    started = time.perf_counter()
    own_kernel = kernel is None
    try:
        kernel = kernel or WarmKernel(cwd, stderr=None)
        kernel.reset(reads_log, result_memo)
        _register_warm_kernel_engine()
        papermill.execute_notebook(
            str(source),
            str(partial),
            parameters=parameters,
            cwd=str(cwd),
            kernel_name="python3",
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            engine_name=WARM_KERNEL_ENGINE,
            kc=kernel.client,
        )
    except PapermillExecutionError as exc:
        partial.unlink(missing_ok=True)
        if not own_kernel:
            kernel.restart()
        raise BuildError(
            f"stage execute, chapter {chapter_id}: cell {exc.exec_count} raised "
            f"{exc.ename}: {exc.evalue}"
        ) from exc
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise BuildError(
            f"stage execute, chapter {chapter_id}: {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        os.environ.pop(READS_LOG_ENV, None)
        if own_kernel and kernel is not None:
            kernel.shutdown()
    _write_computed_options(partial)
    os.replace(partial, output)
    reads = _read_log(reads_log)
    return Execution(chapter_id, output, time.perf_counter() - started, reads)


WARM_KERNEL_ENGINE = "warm-kernel"


def _register_warm_kernel_engine() -> None:
    """Register papermill's nbclient engine, executing through the warm kernel's own client
    (papermill's own engine opens a new client for every notebook, and needs the kernel's
    manager, which a kernel kept from an earlier build does not have here)."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, logger, papermill_engines

    class ClientOfAWarmKernel(PapermillNotebookClient):
        @contextmanager
        def setup_kernel(self, **kwargs):
            yield  # the kernel is started, warm and connected; it outlives this notebook

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls, nb_man, kernel_name, log_output=False, start_timeout=60, kc=None, **kwargs
        ):
            for name in ("input_path", "km", "timeout", "startup_timeout", "execution_timeout"):
                kwargs.pop(name, None)
            client = ClientOfAWarmKernel(
                nb_man,
                kernel_name=kernel_name,
                startup_timeout=start_timeout,
                log=logger,
                log_output=log_output,
                **kwargs,
            )
            client.kc = kc
            return client.execute()

    papermill_engines.register(WARM_KERNEL_ENGINE, WarmKernelEngine)


def _write_computed_options(executed: Path) -> None:
    """Write the alt text the figures computed into their cells' `fig-alt` options."""
    import nbformat

    from analysis.pipeline.figure_options import write_computed_alt_text

    notebook = nbformat.read(executed, as_version=4)
    if write_computed_alt_text(notebook):
        nbformat.write(notebook, executed)


def _read_log(path: Path) -> tuple[str, ...]:
    if not path.exists():
        return ()
    lines = path.read_text(encoding="utf-8").splitlines()
    path.unlink()
    return tuple(sorted(set(lines)))
