"""Warm kernels: local IPC sockets, and a shutdown that never interrupts the kernel."""

from __future__ import annotations

from pathlib import Path

from analysis.pipeline.kernels import WarmKernel
from tests.analysis.pipeline.notebooks import chapter_notebook, printed


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


def test_chapters_run_through_the_kernels_one_client_without_a_new_readiness_wait(tmp_path):
    from analysis.pipeline.execute import execute_chapter

    kernel = WarmKernel()
    try:
        opened = []
        kernel.km.client = lambda *args, **kwargs: opened.append(args) or None
        source = chapter_notebook(tmp_path / "chapter.ipynb", "print(value * 2)")
        for value in (1, 2):
            output = tmp_path / f"out-{value}.ipynb"
            execute_chapter(
                "chapter", source, output, {"value": value}, cwd=tmp_path, kernel=kernel
            )
            assert printed(output) == f"{value * 2}\n"
        assert opened == []
    finally:
        kernel.shutdown()


def test_the_warm_up_freezes_the_imported_objects_so_resets_skip_them(tmp_path):
    from analysis.pipeline.execute import execute_chapter

    kernel = WarmKernel()
    try:
        source = chapter_notebook(
            tmp_path / "chapter.ipynb", "import gc\nprint('frozen', gc.get_freeze_count())"
        )
        output = tmp_path / "out.ipynb"
        execute_chapter("chapter", source, output, {"value": 1}, cwd=tmp_path, kernel=kernel)
        frozen = int(printed(output).split()[1])
        assert frozen > 100_000  # pandas, statsmodels and seaborn's objects
    finally:
        kernel.shutdown()
