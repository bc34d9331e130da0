"""The gate's report: what failed, where, and how each suite fared.

Plain dataclasses, no great_expectations import, so that the CLI and the report can
use them cheaply. Example values in a :class:`Failure` are already inert (see
:mod:`analysis.validation.display`) and masked for identifier rules.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    from rich.console import Console
    from rich.table import Table

MAX_EXAMPLES = 3
MAX_LINES = 5


@dataclass(frozen=True)
class Failure:
    """One broken rule in one place.

    ``failing_rows`` is ``None`` when the rule concerns a whole file or table (a missing
    file, a missing column, a row count) rather than rows. ``lines`` are the first few
    line numbers of failing rows in ``file`` (the header is line 1). A rule across files
    names the other files in ``rule``, or lists them in ``file``.
    """

    dataset: str
    file: str
    column: str
    rule: str
    failing_rows: int | None = None
    examples: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "examples", tuple(self.examples)[:MAX_EXAMPLES])
        object.__setattr__(self, "lines", tuple(self.lines)[:MAX_LINES])

    def where(self) -> str:
        """File, first failing lines and column, e.g. ``sites.csv, line 4, column site_id``."""
        where = self.file
        if self.lines:
            more = self.failing_rows is not None and self.failing_rows > len(self.lines)
            shown = ", ".join(str(line) for line in self.lines) + (", …" if more else "")
            where += f", line{'s' if len(self.lines) > 1 or more else ''} {shown}"
        return where + (f", column {self.column}" if self.column else "")

    def message(self) -> str:
        """One line naming the file, lines, column, rule and row count."""
        count = self.failing_rows
        rows = "" if count is None else f" ({count:,} {'row fails' if count == 1 else 'rows fail'})"
        examples = f"; e.g. {', '.join(self.examples)}" if self.examples else ""
        return f"{self.where()}: {self.rule}{rows}{examples}"


@dataclass(frozen=True)
class SuiteSummary:
    """How many checks of one suite were evaluated, passed and failed."""

    suite: str
    dataset: str
    evaluated: int
    passed: int
    failed: int


@dataclass
class GateReport:
    """The outcome of the data-quality gate over one data folder."""

    passed: bool
    failures: list[Failure] = field(default_factory=list)
    suites: list[SuiteSummary] = field(default_factory=list)

    def to_json_dict(self) -> dict:
        """The report as plain JSON-serialisable data."""
        return {
            "passed": self.passed,
            "failures": [asdict(failure) for failure in self.failures],
            "suites": [asdict(summary) for summary in self.suites],
        }

    def write_json(self, path: Path) -> Path:
        """Write the report to ``path`` (folders are created) and return the path."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json_dict(), indent=2) + "\n", encoding="utf-8")
        return path


FAILURE_COLUMNS = ("dataset", "file", "lines", "column", "rule", "failing rows", "examples")


def _lines_text(failure: Failure) -> str:
    more = failure.failing_rows is not None and failure.failing_rows > len(failure.lines)
    return ", ".join(str(line) for line in failure.lines) + (", …" if more else "")


def failures_frame(report: GateReport) -> pd.DataFrame:
    """One row per failure, columns as in :data:`FAILURE_COLUMNS`."""
    import pandas as pd

    rows = [
        (
            failure.dataset,
            failure.file,
            _lines_text(failure),
            failure.column,
            failure.rule,
            pd.NA if failure.failing_rows is None else failure.failing_rows,
            ", ".join(failure.examples),
        )
        for failure in report.failures
    ]
    frame = pd.DataFrame(rows, columns=list(FAILURE_COLUMNS))
    return frame.astype({"failing rows": "Int64"})


def failures_table(report: GateReport) -> Table:
    """The failures as a rich table whose cells wrap (never cut), one row per failure.

    Cells are ``rich.text.Text`` objects, so square brackets in data are never read as
    rich markup.
    """
    from rich.table import Table
    from rich.text import Text

    title = "Data-quality gate: passed" if report.passed else "Data-quality gate: failures"
    table = Table(title=title, show_lines=True)
    for name in FAILURE_COLUMNS:
        justify = "right" if name == "failing rows" else "left"
        table.add_column(name, justify=justify, overflow="fold")
    for failure in report.failures:
        rows = "" if failure.failing_rows is None else f"{failure.failing_rows:,}"
        cells = (
            failure.dataset,
            failure.file,
            _lines_text(failure),
            failure.column,
            failure.rule,
            rows,
            ", ".join(failure.examples),
        )
        table.add_row(*(Text(cell) for cell in cells))
    return table


def failure_lines(report: GateReport) -> list[str]:
    """The failures as plain, complete lines (for logs and other non-terminal output)."""
    heading = f"Data-quality gate: {len(report.failures)} rule(s) failed" + (
        ":" if report.failures else ""
    )
    return [heading, *(f"- {failure.message()}" for failure in report.failures)]


TABLE_MIN_WIDTH = 120  # narrower terminals get plain lines, which never split a name


def print_failures(report: GateReport, console: Console) -> None:
    """Show the failures: a table on a wide terminal, plain complete lines otherwise.

    Plain lines are written to the console's file directly, so a narrow or unknown width
    (as in CI logs) never wraps or cuts a file name or a rule; table cells wrap.
    """
    if console.is_terminal and console.width >= TABLE_MIN_WIDTH:
        console.print(failures_table(report))
        return
    stream = console.file
    stream.write("\n".join(failure_lines(report)) + "\n")
    stream.flush()


def summary_frame(report: GateReport) -> pd.DataFrame:
    """One row per suite: suite, dataset, evaluated, passed, failed (for the report appendix)."""
    import pandas as pd

    rows = [asdict(summary) for summary in report.suites]
    columns = ["suite", "dataset", "evaluated", "passed", "failed"]
    return pd.DataFrame(rows, columns=columns)
