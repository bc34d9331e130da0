"""Chapter parameters: read from each notebook's `parameters` cell, typed and checked."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from analysis.errors import ParameterError


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """Names and default values of a notebook's `parameters` cell."""
    return parameters_cell_defaults(notebook)


def coerce_parameters(
    chapter_id: str, raw: dict[str, str], declared: dict[str, Any]
) -> dict[str, Any]:
    """Turn `-p NAME VALUE` strings into values of each parameter's declared type."""
    coerced = {}
    for name, text in raw.items():
        if name not in declared:
            valid = ", ".join(sorted(declared))
            raise ParameterError(
                f"chapter {chapter_id!r} has no parameter {name!r}; valid parameters: {valid}"
            )
        coerced[name] = coerce_value(name, text, declared[name])
    return coerced


def coerce_value(name: str, text: str, default: Any) -> Any:
    """One value, converted to the type of the parameter's default."""
    try:
        if isinstance(default, bool):
            return _as_bool(text)
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, list | tuple):
            return _as_list(text, default)
        if default is None:
            return _literal_or_text(text)
        return str(text)
    except (ValueError, SyntaxError) as exc:
        kind = type(default).__name__
        raise ParameterError(f"parameter {name!r} expects a {kind}, got {text!r}") from exc


def _as_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise ValueError(text)


def _as_list(text: str, default: list | tuple) -> list:
    stripped = text.strip()
    if stripped.startswith("["):
        items = ast.literal_eval(stripped)
    else:
        items = [part.strip() for part in stripped.split(",") if part.strip()]
    element = type(default[0]) if default else str
    return [element(item) for item in items]


def _literal_or_text(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parameters_cell_defaults(notebook: Path) -> dict[str, Any]:
    """Defaults of the `parameters` cell, read without starting papermill (fast path)."""
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            return _assignments(source)
    return {}


def _assignments(source: str) -> dict[str, Any]:
    values = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    try:
                        values[target.id] = ast.literal_eval(node.value)
                    except ValueError:
                        values[target.id] = None
    return values
