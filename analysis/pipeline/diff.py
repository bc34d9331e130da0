"""What changed between two results records: findings, published figures and table values.

The same comparison feeds `stairs-report diff` (a terminal table, or Markdown for a CI job
summary) and the book's appendix "Changes since the previous build".
"""

from __future__ import annotations

from dataclasses import dataclass

HEADLINES = "Headline findings"
FIGURES = "Published figures"
TABLES = "Tables"
SECTIONS = (HEADLINES, FIGURES, TABLES)
ABSENT = "–"
SUMMARY_LABEL = "sec-summary"


@dataclass(frozen=True)
class Change:
    """One value that differs: where it is shown, which item, and its old and new value."""

    section: str  # HEADLINES, FIGURES or TABLES
    label: str  # the book label of what shows it (sec-summary, tbl-...)
    title: str  # the finding, the published figure's id or the table's caption
    item: str  # which numbers, column or cell
    old: str
    new: str


def compare_records(old: dict, new: dict) -> list[Change]:
    """Every finding, published figure and table value that differs, in report order."""
    return [
        *_finding_changes(old.get("findings", {}), new.get("findings", {})),
        *_figure_changes(old.get("published_figures", {}), new.get("published_figures", {})),
        *_table_changes(old.get("tables", {}), new.get("tables", {})),
    ]


def counts(changes: list[Change]) -> dict[str, int]:
    """Changed items per section."""
    return {section: sum(c.section == section for c in changes) for section in SECTIONS}


def report_words(record: dict) -> str:
    """'the national report (commit 1a2b3c4, built 2026-01-05)' from a record's identity."""
    report = record.get("report", {})
    name = report.get("name", "report")
    scenario = report.get("scenario") or {}
    words = "the national report" if name == "national" else f"report {name}"
    if "/" in name:
        slug, _, scope = name.partition("/")
        words = f"scenario {slug} ({'national' if scope == 'national' else 'site ' + scope})"
    if scenario:
        words += " with " + ", ".join(f"{k} = {_value(v)}" for k, v in scenario.items())
    commit = str(report.get("commit", ""))[:7]
    details = [f"commit {commit}{' with local changes' if report.get('dirty') else ''}"]
    if report.get("built"):
        details.append(f"built {report['built']}")
    return f"{words} ({', '.join(details)})" if commit else words


def summary_sentence(changes: list[Change]) -> str:
    """'2 headline findings, 1 published figure and 14 table values changed.'"""
    if not changes:
        return "No headline finding, published figure or table value changed."
    per = counts(changes)
    words = {
        HEADLINES: ("headline finding", "headline findings"),
        FIGURES: ("published figure", "published figures"),
        TABLES: ("table value", "table values"),
    }
    parts = [f"{n} {words[s][n != 1]}" for s, n in per.items() if n]
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{joined} changed."


def changes_markdown(changes: list[Change], old: dict, new: dict, references: bool = False) -> str:
    """The comparison as Markdown: a sentence, then one table row per changed value.

    With `references`, each table is named by its cross-reference (`@tbl-...`), for the
    book; otherwise by its caption, for a job summary or a terminal.
    """
    lines = [f"Comparing {report_words(old)} with {report_words(new)}: {summary_sentence(changes)}"]
    present = set(new.get("tables", {}))
    if changes:
        lines += ["", "| Where | What | Before | Now |", "|---|---|---|---|"]
        for change in changes:
            where = _escape(_where(change))
            if references and change.section == TABLES and change.label in present:
                where += f" (@{change.label})"
            cells = (where, *(_escape(c) for c in (change.item, change.old, change.new)))
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


APPENDIX_HEADING = "# Changes since the previous build {#sec-changes}"


def changes_appendix(old: dict | None, new: dict, table_number: str = "") -> str:
    """The book's appendix: what changed since the record the previous build published.

    `table_number` (e.g. "E.1") numbers the table's caption as the book numbers its tables.
    """
    intro = (
        "This appendix compares the results of this build with those of the previous build of "
        "the same report: every headline finding, published figure and table value that "
        "changed is listed, with its value before and now."
    )
    if old is None:
        body = (
            "There is no earlier build of this report to compare with: this is its first "
            "build, or the previous build's results record was not available. From the next "
            "build on, this appendix lists every value that changed."
        )
    else:
        body = changes_markdown(compare_records(old, new), old, new, references=True)
        body = body.split("\n", 1)[1]  # the table, without the sentence for other readers
        body = f"{previous_build_sentence(old, new)}\n{body}"
        if "|" in body:
            prefix = f"Table {table_number}: " if table_number else ""
            body += f"\n: {prefix}Values that changed since the previous build\n"
    return f"{APPENDIX_HEADING}\n\n{intro}\n\n{body}"


def previous_build_sentence(old: dict, new: dict) -> str:
    """'Compared with the previous build (commit 1a2b3c4, built 2026-01-05), in which the data
    differed and the code was the same: 2 headline findings ... changed.'"""
    before, now = old.get("report", {}), new.get("report", {})
    details = [f"commit {str(before.get('commit', 'unknown'))[:7]}"]
    if before.get("built"):
        details.append(f"built {before['built']}")
    data = "differed" if before.get("data_sha256") != now.get("data_sha256") else "were the same"
    same_code = before.get("commit") == now.get("commit") and not now.get("dirty")
    code = "was the same" if same_code else "differed"
    return (
        f"Compared with the previous build ({', '.join(details)}), whose data {data} and whose "
        f"code {code}: {summary_sentence(compare_records(old, new))}"
    )


def changes_table(changes: list[Change], old: dict, new: dict):
    """The comparison as a rich table, for the terminal."""
    from rich.table import Table
    from rich.text import Text

    table = Table(
        title=f"Comparing {report_words(old)} with {report_words(new)}",
        caption=summary_sentence(changes),
        show_lines=False,
    )
    for column in ("Where", "What", "Before", "Now"):
        table.add_column(column, overflow="fold")
    for change in changes:
        where = _where(change)
        table.add_row(*(Text(cell) for cell in (where, change.item, change.old, change.new)))
    return table


def _where(change: Change) -> str:
    if change.section == FIGURES:
        return f"Published figure {change.title}"
    return change.title


def _escape(text: str) -> str:
    """A table cell's text as inert Markdown (no markup, no cell breaks)."""
    from analysis.display.presentation import escape_markdown

    return escape_markdown(str(text))


def _value(value) -> str:
    if isinstance(value, list):
        return ",".join(_value(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _finding_changes(old: dict, new: dict) -> list[Change]:
    changes = []
    for key in _union(new, old):
        before, after = old.get(key), new.get(key)
        finding = after or before
        title = f"Topic {finding.get('topic', '?')}: {finding.get('name', key)}"
        if before is None or after is None:
            changes.append(
                Change(
                    HEADLINES,
                    SUMMARY_LABEL,
                    title,
                    "finding",
                    before["text"] if before else ABSENT,
                    after["text"] if after else ABSENT,
                )
            )
            continue
        if before.get("numbers") != after.get("numbers"):
            old_numbers, new_numbers = _differing(before["numbers"], after["numbers"])
            changes.append(
                Change(HEADLINES, SUMMARY_LABEL, title, "numbers", old_numbers, new_numbers)
            )
        elif before.get("text") != after.get("text"):
            changes.append(
                Change(HEADLINES, SUMMARY_LABEL, title, "wording", before["text"], after["text"])
            )
    return changes


def _differing(old: list[str], new: list[str]) -> tuple[str, str]:
    """The numbers that differ, position by position (all of them if their count changed)."""
    if len(old) != len(new):
        return ", ".join(old) or ABSENT, ", ".join(new) or ABSENT
    pairs = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    return ", ".join(a for a, _ in pairs), ", ".join(b for _, b in pairs)


def _figure_changes(old: dict, new: dict) -> list[Change]:
    changes = []
    for figure in _union(new, old):
        before, after = old.get(figure, {}), new.get(figure, {})
        for column in _union(after, before):
            if before.get(column) != after.get(column):
                changes.append(
                    Change(
                        FIGURES,
                        "tbl-reproduction",
                        figure,
                        column,
                        before.get(column, ABSENT),
                        after.get(column, ABSENT),
                    )
                )
    return changes


def _table_changes(old: dict, new: dict) -> list[Change]:
    changes = []
    for label in _union(new, old):
        before, after = old.get(label), new.get(label)
        table = after or before
        title = table.get("caption") or label
        if before is None or after is None:
            rows = len(table.get("rows", {}))
            shown = f"table of {rows} row{'s' if rows != 1 else ''}"
            changes.append(
                Change(
                    TABLES,
                    label,
                    title,
                    "whole table",
                    shown if before else ABSENT,
                    shown if after else ABSENT,
                )
            )
            continue
        old_rows, new_rows = before.get("rows", {}), after.get("rows", {})
        for row in _union(new_rows, old_rows):
            old_cells, new_cells = old_rows.get(row), new_rows.get(row)
            if old_cells is None or new_cells is None:
                changes.append(
                    Change(
                        TABLES,
                        label,
                        title,
                        f"row {row}",
                        _row_text(old_cells) if old_cells else ABSENT,
                        _row_text(new_cells) if new_cells else ABSENT,
                    )
                )
                continue
            for column in _union(new_cells, old_cells):
                if old_cells.get(column) != new_cells.get(column):
                    changes.append(
                        Change(
                            TABLES,
                            label,
                            title,
                            f"{row} · {column}",
                            old_cells.get(column, ABSENT),
                            new_cells.get(column, ABSENT),
                        )
                    )
    return changes


def _row_text(cells: dict[str, str]) -> str:
    return "; ".join(f"{column}: {value}" for column, value in cells.items())


def _union(first: dict, second: dict) -> list:
    """Keys of `first` in its order, then those only in `second`."""
    return [*first, *(key for key in second if key not in first)]
