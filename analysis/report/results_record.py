"""The summary's headline findings in machine-readable form, for the build's results record.

The summary chapter shows each finding as a sentence; it also emits the same findings as a
hidden JSON output (a MIME type no renderer shows), which the build collects into the
report's results record. Only what the sentence publishes is recorded: its text and the
numbers printed in it, so a site report's record holds released values only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.report.headlines import Finding

FINDINGS_MIME = "application/vnd.stairs-report.findings+json"

# A number as the report prints it: "-£1,314.60", "85%", "1,270", "0.04", "5".
PRINTED_NUMBER = re.compile(
    r"(?<![\w.,£−-])(?:(?<![\w])[-−])?£?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?(?![\w])"
)
CROSS_REFERENCE = re.compile(r"@(?:sec|fig|tbl)-[\w-]+")


def numbers_in(text: str) -> list[str]:
    """The numbers printed in a sentence, in order, as printed (cross-references left out)."""
    return PRINTED_NUMBER.findall(CROSS_REFERENCE.sub("", text))


def findings_record(findings: Iterable[Finding]) -> list[dict]:
    """Each finding as published: topic, key, name, sentence, its numbers, and whether shown."""
    from analysis.report.headlines import FINDING_NAMES

    return [
        {
            "topic": finding.topic,
            "key": finding.key,
            "name": FINDING_NAMES.get(finding.key, finding.key.replace("_", " ")),
            "text": finding.text,
            "numbers": numbers_in(finding.text),
            "supported": finding.supported,
        }
        for finding in findings
    ]


def show_findings_record(findings: Iterable[Finding]) -> None:
    """Emit the findings record as a hidden output of the summary chapter."""
    from IPython.display import display

    display({FINDINGS_MIME: findings_record(findings)}, raw=True)
