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

import pandas as pd

if TYPE_CHECKING:
    from rich.table import Table

MAX_EXAMPLES = 3


@dataclass(frozen=True)
class Failure:
    """One broken rule in one place.

    ``failing_rows`` is ``None`` when the rule concerns a whole file or table (a missing
    file, a missing column, a row count) rather than rows.
    """

    dataset: str
    file: str
    column: str
    rule: str
    failing_rows: int | None = None
    examples: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "examples", tuple(self.examples)[:MAX_EXAMPLES])

    def message(self) -> str:
        """One line naming the file, column, rule and row count."""
        where = f"{self.file}" + (f", column {self.column}" if self.column else "")
        rows = "" if self.failing_rows is None else f" ({self.failing_rows} rows fail)"
        examples = f"; e.g. {', '.join(self.examples)}" if self.examples else ""
        return f"{where}: {self.rule}{rows}{examples}"


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


FAILURE_COLUMNS = ("dataset", "file", "column", "rule", "failing rows", "examples")


def failures_frame(report: GateReport) -> pd.DataFrame:
    """One row per failure, columns as in :data:`FAILURE_COLUMNS`."""
    rows = [
        (
            failure.dataset,
            failure.file,
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
    """The failures as a rich table (dataset, file, column, rule, failing rows, examples).

    Cells are ``rich.text.Text`` objects, so square brackets in data are never read as
    rich markup.
    """
    from rich.table import Table
    from rich.text import Text

    title = "Data-quality gate: passed" if report.passed else "Data-quality gate: failures"
    table = Table(title=title, show_lines=False)
    for name in FAILURE_COLUMNS:
        table.add_column(name, justify="right" if name == "failing rows" else "left")
    for failure in report.failures:
        rows = "" if failure.failing_rows is None else f"{failure.failing_rows:,}"
        cells = (failure.dataset, failure.file, failure.column, failure.rule, rows)
        table.add_row(*(Text(cell) for cell in cells), Text(", ".join(failure.examples)))
    return table


def summary_frame(report: GateReport) -> pd.DataFrame:
    """One row per suite: suite, dataset, evaluated, passed, failed (for the report appendix)."""
    rows = [asdict(summary) for summary in report.suites]
    columns = ["suite", "dataset", "evaluated", "passed", "failed"]
    return pd.DataFrame(rows, columns=columns)
