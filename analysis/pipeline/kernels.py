"""Warm kernels: one long-lived Jupyter kernel per build worker, reset between chapters.

Starting a kernel and importing pandas, statsmodels and seaborn costs several
seconds per chapter. A build worker starts its kernel once, pre-imports those
libraries, and before each chapter clears the user namespace, closes figures,
restores matplotlib's settings and points the reads log at the chapter. Chapters
share no variables; only imported modules stay loaded. (Quarto keeps kernels
alive between renders for the same reason.)

One client talks to the kernel for its whole life, and papermill executes every chapter
through it (the engine in :mod:`analysis.pipeline.execute`): a new client per chapter would
wait for the kernel to be ready again, and jupyter_client's readiness check ends by
listening 0.2 s for stray messages, twice per chapter.

The kernel talks to this process over local IPC sockets in a private temporary
folder, not over TCP, and is stopped with a shutdown request rather than an
interrupt, so a successful run prints neither a warning about unencrypted TCP
nor a "KeyboardInterrupt caught in kernel" error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import IO

from analysis.config import PROJECT_ROOT

WARM_UP = (
    "import pandas, numpy, statsmodels.api, seaborn, matplotlib.pyplot, "
    "analysis.data.chapter_context"
)


def ipc_kernel_manager():
    """A kernel manager whose kernel listens on IPC sockets in a new private folder."""
    from jupyter_client.manager import AsyncKernelManager

    km = AsyncKernelManager(kernel_name="python3", transport="ipc")
    km.ip = str(Path(tempfile.mkdtemp(prefix="stairs-kernel-")) / "kernel")
    return km


class WarmKernel:
    """A started kernel that executes chapter after chapter.

    `stderr` is where the kernel's own log goes: the build's workers silence it
    (their progress table owns the terminal); `stairs-report run` keeps it, so a
    kernel that fails says why.
    """

    def __init__(self, cwd: Path = PROJECT_ROOT, stderr: int | IO | None = subprocess.DEVNULL):
        from nbclient.util import run_sync

        self.cwd = cwd
        self.stderr = stderr
        self._run_sync = run_sync
        self.km = ipc_kernel_manager()
        run_sync(self.km.start_kernel)(cwd=str(cwd), env=dict(os.environ), stderr=stderr)
        self.client = self.km.client()
        self.client.start_channels()
        self.client.allow_stdin = False
        run_sync(self.client.wait_for_ready)(timeout=120)
        self._execute(
            f"{WARM_UP}\n"
            "from analysis.pipeline import kernel_reset\n"
            "kernel_reset.remember_defaults()\n"
            "kernel_reset.freeze_imported_objects()"
        )

    def _execute(self, code: str) -> None:
        reply = self._run_sync(self.client.execute_interactive)(
            code, timeout=300, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise RuntimeError(
                f"kernel setup failed: {content.get('ename')}: {content.get('evalue')}"
            )

    def reset(self, reads_log: Path) -> None:
        """Forget the previous chapter and log this chapter's reads to `reads_log`."""
        self._execute(
            "%reset -f\n"
            "from analysis.pipeline.kernel_reset import reset_between_chapters\n"
            f"reset_between_chapters({str(reads_log)!r}, {str(self.cwd)!r})"
        )

    def restart(self) -> None:
        """A fresh kernel, after a chapter failed (its state is not trusted)."""
        self.shutdown()
        self.__init__(self.cwd, self.stderr)

    def shutdown(self) -> None:
        """Stop the kernel with a shutdown request (killed only if it does not stop in time).

        Not `KernelManager.shutdown_kernel`, which interrupts the kernel first: a kernel
        idle in its event loop then logs "KeyboardInterrupt caught in kernel".
        """
        km = self.km
        self.client.stop_channels()
        if km.has_kernel:
            self._run_sync(km.request_shutdown)()
            self._run_sync(km.finish_shutdown)()
        self._run_sync(km.cleanup_resources)()
        shutil.rmtree(Path(km.ip).parent, ignore_errors=True)
