"""The data-quality gate (great_expectations 1.x suites, PII guard, cross-table checks).

Importing this package is cheap: great_expectations is imported only when the gate runs.
Public API: :func:`run_gate`, :class:`GateReport`, :class:`Failure`, :class:`SuiteSummary`,
:func:`failures_table`, :func:`summary_frame` (also importable from
``analysis.validation.gate``).
"""

from __future__ import annotations

from analysis.validation.failures import (
    Failure,
    GateReport,
    SuiteSummary,
    failures_frame,
    failures_table,
    summary_frame,
)

__all__ = [
    "Failure",
    "GateReport",
    "SuiteSummary",
    "failures_frame",
    "failures_table",
    "run_gate",
    "summary_frame",
]


def __getattr__(name: str):
    if name == "run_gate":
        from analysis.validation.gate import run_gate

        return run_gate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
