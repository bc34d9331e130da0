"""Scenarios: parameters checked against every chapter, readable slugs, scenarios.yaml."""

from __future__ import annotations

import re

import pytest

from analysis.config import DEFAULT_DATA_DIR
from analysis.errors import ParameterError
from analysis.pipeline.book import read_book
from analysis.pipeline.scenarios import (
    SCENARIOS_FILE,
    read_scenarios,
    scenario_from_values,
)


@pytest.fixture(scope="module")
def book():
    return read_book()


def test_values_take_each_parameters_type_and_give_a_readable_slug(book):
    scenario = scenario_from_values(book, {"wtp": "20000"}, DEFAULT_DATA_DIR)
    assert (scenario.slug, scenario.parameters) == ("wtp-20000", {"wtp": 20000.0})
    assert scenario.summary(book) == "wtp = 20000 (default 30000)"
    both = scenario_from_values(book, {"years": "3,1", "wtp": "20000"}, DEFAULT_DATA_DIR)
    assert both.slug == "wtp-20000_years-1-3"
    assert both.parameters == {"years": [1, 3], "wtp": 20000.0}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"colour": "blue"}, "no chapter has a parameter 'colour'; scenario parameters: "),
        ({"site": "S07"}, "site is not a scenario parameter; use --site"),
        ({"data_dir": "/x"}, "data_dir is not a scenario parameter; use --data"),
        ({"wtp": "-5"}, "wtp must be a positive number of pounds"),
        ({"years": "4"}, "years must be a non-empty subset of 1, 2, 3"),
        ({"wtp": "30000"}, "equal\\(s\\) the default: that is the national report"),
        ({}, "at least one parameter"),
    ],
)
def test_bad_scenarios_are_refused_before_anything_is_built(book, values, message):
    with pytest.raises(ParameterError, match=message):
        scenario_from_values(book, values, DEFAULT_DATA_DIR)


def test_the_declared_scenarios_are_valid(book):
    scenarios = read_scenarios(book, DEFAULT_DATA_DIR, SCENARIOS_FILE)
    assert scenarios, "scenarios.yaml declares scenarios"
    assert len({s.slug for s in scenarios}) == len(scenarios)
    for scenario in scenarios:
        assert re.fullmatch(r"[a-z0-9][a-z0-9._-]*", scenario.slug), scenario.slug
        assert scenario.description, scenario.slug


def test_a_bad_entry_in_a_scenarios_file_is_named(book, tmp_path):
    path = tmp_path / "scenarios.yaml"
    path.write_text(
        "scenarios:\n  - name: ok\n    parameters: {wtp: 20000}\n"
        "  - name: bad\n    parameters: {psa_draws: 5}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError, match=r"scenarios.yaml, scenario 2: psa_draws must be"):
        read_scenarios(book, DEFAULT_DATA_DIR, path)
    path.write_text(
        "scenarios:\n  - name: a\n    parameters: {wtp: 1}\n" * 1
        + "  - name: a\n    parameters: {wtp: 2}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParameterError, match="a second scenario named 'a'"):
        read_scenarios(book, DEFAULT_DATA_DIR, path)
