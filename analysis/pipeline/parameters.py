"""Chapter parameters: read from each notebook's `parameters` cell, typed and checked.

A parameters cell is plain Python: one assignment per parameter, optionally with a
type annotation, and a trailing comment that describes it, e.g.
``cost_per_staff: float | None = None  # None: the cost in the data``.
Parameters whose comment says "set by the build" are filled in by `build` and are not
offered to users.
"""

from __future__ import annotations

import ast
import csv
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analysis import config
from analysis.errors import ParameterError

SET_BY_BUILD = "set by the build"


@dataclass(frozen=True)
class ParameterSpec:
    """One parameter of a chapter, as its parameters cell declares it."""

    name: str
    type: str  # a Python type, e.g. "float", "list[int]", "float | None"
    default: Any
    description: str
    set_by_build: bool = False

    @property
    def default_text(self) -> str:
        """The default as a user would type it on the command line."""
        return format_value(self.default)


def declared_parameters(notebook: Path) -> dict[str, Any]:
    """Names and default values of a notebook's `parameters` cell."""
    return parameters_cell_defaults(notebook)


def parameter_specs(notebook: Path) -> list[ParameterSpec]:
    """Every parameter of a notebook's `parameters` cell, in the order it declares them."""
    source = _parameters_source(notebook)
    if source is None:
        return []
    comments = _line_comments(source)
    specs = []
    for node in ast.parse(source).body:
        for name, annotation, value in _assigned(node):
            description = comments.get(node.lineno, "")
            specs.append(
                ParameterSpec(
                    name=name,
                    type=annotation or _type_of(value),
                    default=value,
                    description=description,
                    set_by_build=SET_BY_BUILD in description.lower(),
                )
            )
    return specs


def user_parameters(notebook: Path) -> list[ParameterSpec]:
    """The parameters a user may set (those the build fills in are left out)."""
    return [spec for spec in parameter_specs(notebook) if not spec.set_by_build]


def allowed_values(name: str, data_dir: Path | None = None) -> str:
    """What a parameter accepts, in words, from the same sources its checks use."""
    fixed = {
        "years": f"one or more of {', '.join(str(y) for y in config.YEARS)}",
        "wtp": "a positive amount in pounds",
        "alternative_wtp": "a positive amount in pounds",
        "cost_per_staff": "None, or a positive amount in pounds",
        "psa_draws": f"a whole number, at least {config.MIN_PSA_DRAWS}",
        "psa_seed": "a whole number, 0 or more",
        "staff_per_unit": "a whole number, at least 1",
        "staff_per_setting": "a whole number, at least 1",
        "data_dir": "a data folder (or use --data)",
    }
    if name in fixed:
        return fixed[name]
    folder = data_dir or config.DEFAULT_DATA_DIR
    register = _rows(folder / "sites.csv")
    if name == "site":
        sites = [
            row["site_id"]
            for row in register
            if row.get("site_id") and row.get("setting_type") not in config.NO_SITE_REPORT
        ]
        listed = ", ".join(sites) if sites else "a site id from sites.csv"
        return f"empty (national report), or one of {listed}"
    if name == "setting_types":
        groups: dict[str, list[str]] = {}
        for row in register:
            members = groups.setdefault(row.get("reporting_group", ""), [])
            if row.get("setting_type") and row["setting_type"] not in members:
                members.append(row["setting_type"])
        order = {kind: i for i, kind in enumerate(config.SETTING_TYPES)}
        ranked = [sorted(m, key=lambda kind: order.get(kind, 99)) for m in groups.values() if m]
        words = [",".join(members) for members in sorted(ranked, key=lambda m: order.get(m[0], 99))]
        if not words:
            return f"one or more of {', '.join(config.SETTING_TYPES)}"
        return f"whole setting groups: {' or '.join(words)}, or all"
    if name == "benefit_items":
        rows = _rows(folder / "economics_inputs.csv")
        items = [row["item"] for row in rows if row.get("kind") == "benefit"]
        return f"None (all), or one or more of {', '.join(items)}" if items else "None"
    return ""


def coerce_parameters(
    chapter_id: str,
    raw: dict[str, str],
    declared: dict[str, Any],
    types: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Turn `-p NAME VALUE` strings into values of each parameter's declared type."""
    coerced = {}
    for name, text in raw.items():
        if name not in declared:
            valid = ", ".join(sorted(declared))
            raise ParameterError(
                f"chapter {chapter_id!r} has no parameter {name!r}; valid parameters: {valid}"
            )
        coerced[name] = coerce_value(name, text, declared[name], (types or {}).get(name))
    return coerced


def coerce_value(name: str, text: str, default: Any, annotation: str | None = None) -> Any:
    """One value, converted to the parameter's annotated type, or to the type of its default."""
    if default is None and annotation:
        return _coerce_annotated(name, text, annotation)
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


def format_value(value: Any) -> str:
    """A parameter value as typed on the command line: lists comma-separated."""
    if isinstance(value, list | tuple):
        return ",".join(format_value(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value == "":
        return '""'
    return str(value)


def _coerce_annotated(name: str, text: str, annotation: str) -> Any:
    """A value for a parameter whose default is None: 'None' keeps it, else the annotated type."""
    if text.strip() in ("None", "none", ""):
        return None
    kinds = [part.strip() for part in annotation.split("|") if part.strip() != "None"]
    kind = kinds[0] if kinds else "str"
    example = {"float": 0.0, "int": 0, "bool": False, "str": ""}.get(kind)
    if kind.startswith("list"):
        element = kind[kind.find("[") + 1 : kind.rfind("]")] if "[" in kind else "str"
        example = [{"float": 0.0, "int": 0}.get(element, "")]
    if example is None:
        return _literal_or_text(text)
    try:
        return coerce_value(name, text, example)
    except ParameterError:
        raise ParameterError(f"parameter {name!r} expects {annotation}, got {text!r}") from None


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


def _type_of(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, list | tuple):
        element = type(value[0]).__name__ if value else "str"
        return f"list[{element}]"
    return type(value).__name__


def _parameters_source(notebook: Path) -> str | None:
    import json

    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"]
            return "".join(source) if isinstance(source, list) else source
    return None


def parameters_cell_defaults(notebook: Path) -> dict[str, Any]:
    """Defaults of the `parameters` cell, read without starting papermill (fast path)."""
    source = _parameters_source(notebook)
    if source is None:
        return {}
    return {name: value for node in ast.parse(source).body for name, _, value in _assigned(node)}


def _assigned(node: ast.stmt) -> list[tuple[str, str | None, Any]]:
    """(name, annotation, default) of an assignment statement; [] for anything else."""
    if isinstance(node, ast.Assign):
        targets, annotation = node.targets, None
    elif isinstance(node, ast.AnnAssign) and node.value is not None:
        targets, annotation = [node.target], ast.unparse(node.annotation)
    else:
        return []
    try:
        value = ast.literal_eval(node.value)
    except ValueError:
        value = None
    return [(t.id, annotation, value) for t in targets if isinstance(t, ast.Name)]


def _line_comments(source: str) -> dict[int, str]:
    """Trailing comments by line number."""
    comments = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string.lstrip("#").strip()
    return comments


def _rows(path: Path) -> list[dict[str, str]]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error):
        return []


@dataclass(frozen=True)
class ChapterParameters:
    """A chapter's id, title and the parameters a user may set."""

    chapter: str
    title: str
    parameters: tuple[ParameterSpec, ...]


def chapters_and_parameters(notebooks: dict[str, Path]) -> list[ChapterParameters]:
    """Every chapter (id -> notebook, in book order) with its title and user parameters."""
    return [
        ChapterParameters(chapter_id, chapter_title(path), tuple(user_parameters(path)))
        for chapter_id, path in notebooks.items()
    ]


def shared_parameters(listing: list[ChapterParameters]) -> list[str]:
    """Names of the parameters every chapter takes (with the same type and default)."""
    if not listing:
        return []
    signatures = [{(p.name, p.type, repr(p.default)) for p in c.parameters} for c in listing]
    common = set.intersection(*signatures)
    return [p.name for p in listing[0].parameters if (p.name, p.type, repr(p.default)) in common]


def chapter_title(notebook: Path) -> str:
    """The text of a notebook's first heading, without its attributes."""
    import json
    import re

    for cell in json.loads(notebook.read_text(encoding="utf-8")).get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell["source"]
        text = "".join(source) if isinstance(source, list) else source
        match = re.search(r"^#\s+(.*?)\s*(\{[^}]*\})?\s*$", text, re.M)
        if match:
            return match.group(1)
    return notebook.stem


def check_parameter_values(parameters: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    """The values checked (and normalised) as the chapters will check them, before any runs.

    A bad value is refused here with the same message the chapter would give, before a
    kernel starts or the gate runs.
    """
    from analysis.data.chapter_context import (
        check_setting_types,
        check_site,
        check_site_has_a_report,
        check_whole_reporting_groups,
        check_years,
    )

    checked = dict(parameters)
    register = _rows(data_dir / "sites.csv") if {"setting_types", "site"} & set(checked) else []
    if "years" in checked:
        checked["years"] = list(check_years(checked["years"]))
    if "setting_types" in checked:
        checked["setting_types"] = list(check_setting_types(checked["setting_types"]))
        check_whole_reporting_groups(
            checked["setting_types"],
            [(row.get("setting_type", ""), row.get("reporting_group", "")) for row in register],
        )
    if checked.get("site"):
        known = [row["site_id"] for row in register if row.get("site_id")]
        checked["site"] = check_site(checked["site"], known)
        check_site_has_a_report(
            checked["site"],
            [(row.get("site_id", ""), row.get("setting_type", "")) for row in register],
        )
        checked["site"] = checked["site"] or ""
    economic = {"wtp", "alternative_wtp", "cost_per_staff", "psa_draws", "psa_seed"}
    if economic & set(checked) or {"staff_per_unit", "staff_per_setting"} & set(checked):
        _check_economic_values(checked)
    if checked.get("benefit_items") is not None:
        _check_benefit_items(checked["benefit_items"], data_dir)
    return checked


def _check_economic_values(checked: dict[str, Any]) -> None:
    from analysis.topics import economics, sensitivity

    for name in ("wtp", "alternative_wtp"):
        if name in checked:
            economics.check_wtp(checked[name], name)
    if checked.get("cost_per_staff") is not None:
        economics.check_positive(checked["cost_per_staff"], "cost_per_staff")
    if "psa_draws" in checked:
        sensitivity.check_draws(checked["psa_draws"])
    if "psa_seed" in checked:
        sensitivity.check_seed(checked["psa_seed"])
    for name in ("staff_per_unit", "staff_per_setting"):
        if name in checked:
            economics.check_staff_count(checked[name], name)


def _check_benefit_items(items: list[str], data_dir: Path) -> None:
    rows = _rows(data_dir / "economics_inputs.csv")
    known = [row["item"] for row in rows if row.get("kind") == "benefit"]
    if not items:
        raise ParameterError("benefit_items is empty: name at least one benefit component")
    unknown = [item for item in items if known and item not in known]
    if unknown:
        raise ParameterError(
            f"unknown benefit component(s) {unknown}; known components: {', '.join(known)}"
        )
