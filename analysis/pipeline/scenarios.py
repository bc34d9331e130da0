"""Scenario reports: the whole book built with other parameters, beside the national report.

A scenario is a set of parameters (e.g. ``wtp = 20000``) applied to every chapter that
declares them. It is given on the command line (`build -p wtp 20000`) or declared by name in
`scenarios.yaml`, and built into `_book/scenarios/<slug>/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from analysis.config import PROJECT_ROOT
from analysis.errors import ParameterError
from analysis.pipeline.book import Book
from analysis.pipeline.parameters import (
    ParameterSpec,
    check_parameter_values,
    coerce_value,
    format_value,
    user_parameters,
)

SCENARIOS_FILE = PROJECT_ROOT / "scenarios.yaml"
# Set per report with --site and --data, not per scenario.
NOT_SCENARIO_PARAMETERS = ("data_dir", "site")


@dataclass(frozen=True)
class Scenario:
    """A named set of parameter values that differ from the chapters' defaults."""

    slug: str
    parameters: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def differences(self, book: Book) -> list[tuple[str, str, str]]:
        """(parameter, value, default) for each parameter, as a reader would type them."""
        specs = scenario_parameters(book)
        return [
            (name, format_value(value), specs[name].default_text)
            for name, value in sorted(self.parameters.items())
        ]

    def summary(self, book: Book) -> str:
        """One line: 'wtp = 20000 (default 30000); years = 1,3 (default 1,2,3)'."""
        return "; ".join(f"{n} = {v} (default {d})" for n, v, d in self.differences(book))


def scenario_parameters(book: Book) -> dict[str, ParameterSpec]:
    """Every parameter a scenario may set: those any chapter declares, first declaration wins."""
    specs: dict[str, ParameterSpec] = {}
    for chapter in book.notebooks:
        for spec in user_parameters(PROJECT_ROOT / chapter.source):
            if spec.name not in NOT_SCENARIO_PARAMETERS:
                specs.setdefault(spec.name, spec)
    return specs


def slug_for(parameters: dict[str, Any]) -> str:
    """A readable folder name from the parameters: {'wtp': 20000.0} -> 'wtp-20000'."""
    parts = [f"{name}-{format_value(value)}" for name, value in sorted(parameters.items())]
    return slugify("_".join(parts))


def slugify(text: str) -> str:
    """Letters, digits, '-', '_' and '.' only, lower case; anything else becomes '-'."""
    slug = re.sub(r"[^a-z0-9._]+", "-", text.strip().lower()).strip("-._")
    if not slug:
        raise ParameterError(f"scenario name {text!r} gives an empty folder name")
    return slug


def scenario_from_values(
    book: Book, values: dict[str, Any], data_dir: Path, name: str = "", description: str = ""
) -> Scenario:
    """A checked scenario from parameter values (strings from the command line, or YAML)."""
    specs = scenario_parameters(book)
    if not values:
        raise ParameterError("a scenario needs at least one parameter: -p NAME VALUE")
    typed = {}
    for parameter, value in values.items():
        if parameter in NOT_SCENARIO_PARAMETERS:
            option = "--data" if parameter == "data_dir" else "--site"
            raise ParameterError(f"{parameter} is not a scenario parameter; use {option}")
        if parameter not in specs:
            valid = ", ".join(sorted(specs))
            raise ParameterError(
                f"no chapter has a parameter {parameter!r}; scenario parameters: {valid}"
            )
        spec = specs[parameter]
        text = value if isinstance(value, str) else format_value(value)
        typed[parameter] = coerce_value(parameter, text, spec.default, spec.type)
    typed = check_parameter_values(typed, data_dir)
    unchanged = [p for p, v in typed.items() if v == specs[p].default]
    if unchanged and len(unchanged) == len(typed):
        raise ParameterError(
            f"{', '.join(unchanged)} equal(s) the default: that is the national report, "
            "built by `stairs-report build` without -p"
        )
    return Scenario(slugify(name) if name else slug_for(typed), typed, description)


def read_scenarios(book: Book, data_dir: Path, path: Path = SCENARIOS_FILE) -> list[Scenario]:
    """The scenarios declared in `scenarios.yaml`, checked; a clear error names the entry."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read the scenarios file ({exc})") from exc
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: not valid YAML ({exc})") from exc
    entries = content.get("scenarios") if isinstance(content, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ParameterError(f"{path}: expected a list under 'scenarios:'")
    scenarios, seen = [], set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path}, scenario {number}"
        if not isinstance(entry, dict) or not isinstance(entry.get("parameters"), dict):
            raise ParameterError(f"{where}: expected 'name' and a mapping 'parameters'")
        try:
            scenario = scenario_from_values(
                book,
                entry["parameters"],
                data_dir,
                name=str(entry.get("name", "")),
                description=str(entry.get("description", "")),
            )
        except ParameterError as exc:
            raise ParameterError(f"{where}: {exc}") from None
        if scenario.slug in seen:
            raise ParameterError(f"{where}: a second scenario named {scenario.slug!r}")
        seen.add(scenario.slug)
        scenarios.append(scenario)
    return scenarios
