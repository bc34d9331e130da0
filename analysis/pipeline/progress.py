"""Live progress of a build: which chapter runs, which are cached, how long each took."""

from __future__ import annotations

import time

from rich.console import Console
from rich.live import Live
from rich.table import Table

from analysis.pipeline.build import BuildSummary, ChapterRun


class BuildProgress:
    """A live table on a terminal; one line per finished chapter elsewhere (CI logs)."""

    def __init__(self, console: Console):
        self.console = console
        self.rows: dict[tuple[str, str], ChapterRun] = {}
        self.started: dict[tuple[str, str], float] = {}
        self.live = Live(self._table(), console=console, refresh_per_second=4, transient=True)

    def __enter__(self) -> BuildProgress:
        if self.console.is_terminal:
            self.live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.console.is_terminal:
            self.live.__exit__(*exc)

    def update(self, run: ChapterRun) -> None:
        """Record a chapter's new status."""
        key = (run.scope, run.chapter)
        if run.status == "running":
            self.started[key] = time.perf_counter()
        self.rows[key] = run
        if self.console.is_terminal:
            self.live.update(self._table())
        elif run.status != "running":
            self.console.print(
                f"{run.scope:>9} {run.chapter:<16} {run.status} {run.seconds:5.1f} s"
            )

    def _table(self) -> Table:
        table = Table(title="Chapters", expand=False)
        for column in ("report", "chapter", "status", "seconds"):
            table.add_column(column)
        for (scope, chapter), run in self.rows.items():
            seconds = run.seconds
            if run.status == "running":
                seconds = time.perf_counter() - self.started[(scope, chapter)]
            table.add_row(scope, chapter, run.status, f"{seconds:.1f}")
        return table

    def print_summary(self, summary: BuildSummary) -> None:
        """Totals after the build."""
        executed = len(summary.executed)
        cached = len([r for r in summary.runs if r.status == "cached"])
        gate = "cached" if summary.gate_cached else f"{summary.gate_seconds:.1f} s"
        if summary.speculated:
            gate += f" ({summary.speculated} chapters started meanwhile)"
        rendered = ", ".join(summary.rendered) or "nothing (outputs unchanged)"
        self.console.print(
            f"gate: {gate}; chapters executed: {executed}, cached: {cached}; rendered: {rendered} "
            f"with {summary.renderer.description}"
        )
