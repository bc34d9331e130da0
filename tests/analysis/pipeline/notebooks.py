"""A two-cell chapter notebook for the kernel tests: a parameters cell, then `code`."""

from __future__ import annotations

from pathlib import Path

import nbformat


def chapter_notebook(path: Path, code: str) -> Path:
    """Write a notebook whose parameters cell sets `value = 0`, followed by `code`."""
    notebook = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("value = 0")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [parameters, nbformat.v4.new_code_cell(code)]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)
    return path


def printed(path: Path) -> str:
    """What the executed notebook's last cell printed."""
    cell = nbformat.read(path, as_version=4).cells[-1]
    return "".join(output.get("text", "") for output in cell.outputs)
