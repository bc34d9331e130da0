"""Computed cell options: the alt text each figure's output carries becomes its `fig-alt`.

Quarto reads a figure's alt text only from the `fig-alt` cell option (`#|` comments at the
top of the cell), which a notebook cannot compute. The figure functions write their alt
text from the plotted data into the image output's metadata (`figure_text`); after a
chapter runs, this step writes it into the executed copy's `#| fig-alt:` line, where Quarto
and the fallback renderer both read it. The source notebooks carry no typed alt text.
"""

from __future__ import annotations

import json
import re

from nbformat import NotebookNode

from analysis.display.figure_text import METADATA_KEY

OPTION = re.compile(r"^#\|")
ALT_OPTION = re.compile(r"^#\|\s*fig-alt\s*:")


def figure_alts(cell: NotebookNode) -> list[str]:
    """Alt texts carried by the figure outputs of one code cell, in output order."""
    alts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") not in ("display_data", "execute_result"):
            continue
        if "image/png" not in output.get("data", {}):
            continue
        described = output.get("metadata", {}).get(METADATA_KEY, {})
        if "fig-alt" in described:
            alts.append(str(described["fig-alt"]))
    return alts


def with_alt_option(source: str, alts: list[str]) -> str:
    """`source` with its `#| fig-alt:` option set to `alts` (one text, or one per figure)."""
    lines = [line for line in source.splitlines() if not ALT_OPTION.match(line)]
    last_option = 0
    while last_option < len(lines) and OPTION.match(lines[last_option]):
        last_option += 1
    value = alts[0] if len(alts) == 1 else alts
    option = f"#| fig-alt: {json.dumps(value, ensure_ascii=False)}"
    return "\n".join([*lines[:last_option], option, *lines[last_option:]])


def write_computed_alt_text(notebook: NotebookNode) -> int:
    """Set `fig-alt` on every executed cell whose figures carry alt text; returns how many."""
    changed = 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        alts = figure_alts(cell)
        if alts:
            cell.source = with_alt_option(cell.source, alts)
            changed += 1
    return changed
