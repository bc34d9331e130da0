"""Warm kernels: one long-lived Jupyter kernel per build worker, reset between chapters.

Starting a kernel and importing pandas, statsmodels and seaborn costs several
seconds per chapter. A build worker starts its kernel once, pre-imports those
libraries, and before each chapter clears the user namespace, closes figures,
restores matplotlib's settings and points the reads log at the chapter. Chapters
share no variables; only imported modules stay loaded. (Quarto keeps kernels
alive between renders for the same reason.)
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from analysis.config import PROJECT_ROOT

WARM_UP = (
    "import pandas, numpy, statsmodels.api, seaborn, matplotlib.pyplot, "
    "analysis.data.chapter_context"
)


class WarmKernel:
    """A started kernel that executes chapter after chapter."""

    def __init__(self, cwd: Path = PROJECT_ROOT):
        from jupyter_client.manager import AsyncKernelManager
        from nbclient.util import run_sync

        self.cwd = cwd
        self._run_sync = run_sync
        self.km = AsyncKernelManager(kernel_name="python3")
        run_sync(self.km.start_kernel)(
            cwd=str(cwd), env=dict(os.environ), stderr=subprocess.DEVNULL
        )
        self._execute(
            f"{WARM_UP}\nfrom analysis.pipeline.kernel_reset import remember_defaults\n"
            "remember_defaults()"
        )

    def _execute(self, code: str) -> None:
        client = self.km.client()
        client.start_channels()
        try:
            self._run_sync(client.wait_for_ready)(timeout=120)
            reply = self._run_sync(client.execute_interactive)(
                code, timeout=300, output_hook=lambda msg: None
            )
        finally:
            client.stop_channels()
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
        self.__init__(self.cwd)

    def shutdown(self) -> None:
        """Stop the kernel."""
        if self.km.has_kernel:
            self._run_sync(self.km.shutdown_kernel)(now=True)
