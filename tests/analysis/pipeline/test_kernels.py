"""Warm kernels: local IPC sockets, and a shutdown that never interrupts the kernel."""

from __future__ import annotations

from pathlib import Path

from analysis.pipeline.kernels import WarmKernel


def test_a_warm_kernel_uses_ipc_and_stops_without_an_interrupt_or_a_log_line(tmp_path):
    log = tmp_path / "kernel.log"
    with log.open("w") as stderr:
        kernel = WarmKernel(stderr=stderr)
        interrupts = []

        async def spy(*args, **kwargs):
            interrupts.append(args)

        kernel.km.interrupt_kernel = kernel.km._async_interrupt_kernel = spy
        assert kernel.km.transport == "ipc"
        sockets = Path(kernel.km.ip).parent
        assert sockets.is_dir() and any(sockets.iterdir())
        kernel.reset(tmp_path / "reads")
        kernel.shutdown()
    assert interrupts == []
    assert not kernel.km.has_kernel
    assert not sockets.exists()
    assert log.read_text() == ""
