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
from typing import IO, TYPE_CHECKING

from analysis.config import PROJECT_ROOT

if TYPE_CHECKING:
    from analysis.pipeline.kept_kernels import KeepPolicy, Lease

WARM_UP = (
    "import pandas, numpy, statsmodels.api, seaborn, matplotlib.pyplot, "
    "analysis.data.chapter_context"
)
GATE_WARM_UP = "import pandas, great_expectations, analysis.validation.gate, matplotlib"
WARM_UPS = {"chapters": WARM_UP, "gate": GATE_WARM_UP}  # by the role of a kept kernel


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

    With a `lease` (``build --keep-kernels``) the kernel is started independent of this
    process, with no terminal, and :meth:`release` leaves it running for the next build,
    which takes it with :meth:`adopt` (see :mod:`analysis.pipeline.kept_kernels`).
    """

    def __init__(
        self,
        cwd: Path = PROJECT_ROOT,
        stderr: int | IO | None = subprocess.DEVNULL,
        lease: Lease | None = None,
        keep: KeepPolicy | None = None,
    ):
        from nbclient.util import run_sync

        self.cwd = cwd
        self.stderr = stderr
        self._run_sync = run_sync
        self.lease = lease
        self.keep = keep
        self.km = ipc_kernel_manager()
        environment = dict(os.environ)
        launch = {"cwd": str(cwd), "env": environment, "stderr": stderr}
        if lease is not None:  # outlives this process: no parent watch, no terminal
            launch.update(independent=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run_sync(self.km.start_kernel)(**launch)
        self.pid = self.km.provisioner.pid if self.km.provisioner is not None else None
        self.started = None
        if lease is not None:
            from analysis.pipeline.kept_kernels import process_start_time

            self.started = process_start_time(self.pid)
        self.sockets = str(Path(self.km.ip).parent)
        try:
            self._warm_up(environment)
        except BaseException:
            self.shutdown()  # never leave a half-started kernel running
            raise

    def _warm_up(self, environment: dict[str, str]) -> None:
        lease, keep = self.lease, self.keep
        self._connect(self.km.client())
        warm_up = (
            f"{WARM_UPS[keep.role] if keep is not None else WARM_UP}\n"
            "from analysis.pipeline import kernel_reset\n"
            f"kernel_reset.remember_defaults({environment!r})\n"
        )
        if lease is not None and keep is not None:
            warm_up += (
                f"kernel_reset.stop_when_idle({str(lease.record)!r}, {keep.idle_seconds!r}, "
                f"{self.sockets!r})\n"
            )
            lease.write(self._record("busy"))
        self._execute(warm_up + "kernel_reset.freeze_imported_objects()")

    @classmethod
    def adopt(
        cls, lease: Lease, entry: dict, keep: KeepPolicy, cwd: Path = PROJECT_ROOT
    ) -> WarmKernel:
        """Take over a kernel kept by an earlier build (raises if it does not answer)."""
        from jupyter_client.asynchronous import AsyncKernelClient
        from nbclient.util import run_sync

        kernel = cls.__new__(cls)
        kernel.cwd, kernel.stderr, kernel._run_sync = cwd, subprocess.DEVNULL, run_sync
        kernel.lease, kernel.keep, kernel.km = lease, keep, None
        kernel.pid, kernel.started, kernel.sockets = (
            entry["pid"],
            entry["started"],
            entry["sockets"],
        )
        client = AsyncKernelClient()
        client.load_connection_info(entry["connection"])
        kernel._connect(client, timeout=10)
        lease.write(kernel._record("busy"))
        return kernel

    def _connect(self, client, timeout: float = 120) -> None:
        self.client = client
        client.start_channels()
        client.allow_stdin = False
        try:
            self._run_sync(client.wait_for_ready)(timeout=timeout)
        except BaseException:
            client.stop_channels()
            raise

    def _record(self, state: str) -> dict:
        return {
            "pid": self.pid,
            "started": self.started,
            "sockets": self.sockets,
            "connection": self.client.get_connection_info(session=False)
            | {
                "key": self.client.session.key.decode("ascii"),
                "signature_scheme": self.client.session.signature_scheme,
            },
            "fingerprint": self.keep.fingerprint,
            "role": self.keep.role,
            "idle_seconds": self.keep.idle_seconds,
            "state": state,
        }

    def _execute(self, code: str, timeout: float | None = 300) -> None:
        reply = self._run_sync(self.client.execute_interactive)(
            code, timeout=timeout, output_hook=lambda msg: None
        )
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise RuntimeError(f"the kernel raised {content.get('ename')}: {content.get('evalue')}")

    def run(self, code: str) -> None:
        """Run code in the kernel, without a time limit (raises if it raises)."""
        self._execute(code, timeout=None)

    def reset(self, reads_log: Path, result_memo: Path | None = None) -> None:
        """Forget the previous chapter, log this chapter's reads to `reads_log` and share
        results through `result_memo` (a kept kernel also takes this process's environment
        variables)."""
        environment = dict(os.environ) if self.lease is not None else None
        memo = str(result_memo) if result_memo is not None else ""
        self._execute(
            "%reset -f\n"
            "from analysis.pipeline.kernel_reset import reset_between_chapters\n"
            f"reset_between_chapters({str(reads_log)!r}, {str(self.cwd)!r}, {environment!r}, "
            f"{memo!r})"
        )

    def restart(self) -> None:
        """A fresh kernel, after a chapter failed (its state is not trusted)."""
        lease = self.lease
        self.shutdown()
        if lease is not None:
            from analysis.pipeline.kept_kernels import new_lease

            lease = new_lease(lease.record.parent)
        self.__init__(self.cwd, self.stderr, lease, self.keep)

    def release(self) -> None:
        """At the end of a build: keep a kept kernel running, idle, for the next build (its
        lock released); stop any other kernel."""
        if self.lease is None:
            self.shutdown()
            return
        self.client.stop_channels()
        self.lease.write(self._record("idle"))
        if self.km is not None:
            self.km.cleanup_connection_file()
        self.lease.release()

    def shutdown(self) -> None:
        """Stop the kernel with a shutdown request (killed only if it does not stop in time).

        Not `KernelManager.shutdown_kernel`, which interrupts the kernel first: a kernel
        idle in its event loop then logs "KeyboardInterrupt caught in kernel".
        """
        client = getattr(self, "client", None)
        if client is not None:
            client.stop_channels()
        if self.lease is not None:
            from analysis.pipeline.kept_kernels import stop_kept_kernel

            stop_kept_kernel({"pid": self.pid, "started": self.started, "sockets": self.sockets})
            self.lease.forget()
            if self.km is not None:
                self.km.cleanup_connection_file()
            return
        km = self.km
        if km.has_kernel:
            self._run_sync(km.request_shutdown)()
            self._run_sync(km.finish_shutdown)()
        self._run_sync(km.cleanup_resources)()
        shutil.rmtree(Path(km.ip).parent, ignore_errors=True)


def kept_or_new_kernel(keep: KeepPolicy | None) -> WarmKernel:
    """A kernel of this role kept by an earlier build, if one is free and fits; else a new
    warm kernel (kept at the end of the build if `keep` says so)."""
    from analysis.pipeline.kept_kernels import adoptable_leases, new_lease, stop_kept_kernel

    if keep is None:
        return WarmKernel()
    for lease, entry in adoptable_leases(keep):
        try:
            return WarmKernel.adopt(lease, entry, keep)
        except Exception:  # it does not answer: never use it
            stop_kept_kernel(entry)
            lease.forget()
    lease = new_lease(keep.registry)
    try:
        return WarmKernel(lease=lease, keep=keep)
    except BaseException:
        lease.forget()
        raise
