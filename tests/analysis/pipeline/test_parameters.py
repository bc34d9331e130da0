import csv
import json

import pytest

from analysis.config import DEFAULT_DATA_DIR, PROJECT_ROOT
from analysis.errors import ParameterError
from analysis.pipeline.book import read_book
from analysis.pipeline.parameters import (
    allowed_values,
    chapter_title,
    chapters_and_parameters,
    check_parameter_values,
    coerce_parameters,
    coerce_value,
    declared_parameters,
    parameter_specs,
    shared_parameters,
    user_parameters,
)


@pytest.fixture
def notebook(tmp_path):
    path = tmp_path / "chapter.ipynb"
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
        {
            "cell_type": "code",
            "metadata": {"tags": ["parameters"]},
            "source": 'data_dir = ""\nsite = ""\nyears = [1, 2, 3]\nwtp = 30000.0\ndraws = 500\n',
            "outputs": [],
            "execution_count": None,
        },
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4}
    path.write_text(json.dumps(notebook))
    return path


def test_declared_parameters_read_names_and_defaults(notebook):
    assert declared_parameters(notebook) == {
        "data_dir": "",
        "site": "",
        "years": [1, 2, 3],
        "wtp": 30000.0,
        "draws": 500,
    }


def test_values_take_the_type_of_the_default(notebook):
    declared = declared_parameters(notebook)
    raw = {"wtp": "20000", "years": "1,3", "draws": "1000", "site": "S07"}
    assert coerce_parameters("topic-5", raw, declared) == {
        "wtp": 20000.0,
        "years": [1, 3],
        "draws": 1000,
        "site": "S07",
    }


def test_list_values_accept_python_literals():
    assert coerce_value("years", "[2, 3]", [1, 2, 3]) == [2, 3]


def test_unknown_parameter_lists_the_valid_ones(notebook):
    with pytest.raises(ParameterError, match=r"no parameter 'wpt'; valid parameters: data_dir"):
        coerce_parameters("topic-5", {"wpt": "1"}, declared_parameters(notebook))


def test_badly_typed_value_is_refused_with_its_expected_type():
    with pytest.raises(ParameterError, match=r"'wtp' expects a float, got 'lots'"):
        coerce_value("wtp", "lots", 30000.0)


@pytest.fixture
def described(tmp_path):
    path = tmp_path / "described.ipynb"
    source = (
        'site = ""  # empty: national report\n'
        "years = [1, 2, 3]  # evaluation years to include\n"
        "cost_per_staff: float | None = None  # None: the cost in the data\n"
        "benefit_items: list[str] | None = None\n"
        'validation_dir = ""  # set by the build: the gate\'s folder\n'
    )
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "# Topic 9: A title {#sec-t9}"},
        {
            "cell_type": "code",
            "metadata": {"tags": ["parameters"]},
            "source": source,
            "outputs": [],
            "execution_count": None,
        },
    ]
    path.write_text(
        json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 4})
    )
    return path


def test_specs_take_types_from_annotations_or_defaults_and_descriptions_from_comments(described):
    specs = {spec.name: spec for spec in parameter_specs(described)}
    assert [(s.type, s.description) for s in specs.values()] == [
        ("str", "empty: national report"),
        ("list[int]", "evaluation years to include"),
        ("float | None", "None: the cost in the data"),
        ("list[str] | None", ""),
        ("str", "set by the build: the gate's folder"),
    ]
    assert specs["validation_dir"].set_by_build
    assert [s.name for s in user_parameters(described)] == [
        "site",
        "years",
        "cost_per_staff",
        "benefit_items",
    ]
    assert specs["years"].default_text == "1,2,3"
    assert chapter_title(described) == "Topic 9: A title"


def test_annotated_parameters_with_a_none_default_take_their_annotated_type(described):
    specs = parameter_specs(described)
    declared = {s.name: s.default for s in specs}
    types = {s.name: s.type for s in specs}
    raw = {"cost_per_staff": "1500", "benefit_items": "a,b"}
    assert coerce_parameters("t9", raw, declared, types) == {
        "cost_per_staff": 1500.0,
        "benefit_items": ["a", "b"],
    }
    assert coerce_parameters("t9", {"cost_per_staff": "None"}, declared, types) == {
        "cost_per_staff": None
    }
    with pytest.raises(ParameterError, match=r"'cost_per_staff' expects float \| None"):
        coerce_parameters("t9", {"cost_per_staff": "lots"}, declared, types)


def test_allowed_values_come_from_config_and_the_data():
    assert allowed_values("years") == "one or more of 1, 2, 3"
    assert allowed_values("setting_types") == "whole setting groups: YOI,STC or SCH, or all"
    with open(DEFAULT_DATA_DIR / "sites.csv", encoding="utf-8") as handle:
        sites = [row["site_id"] for row in csv.DictReader(handle) if row["setting_type"] != "STC"]
    assert allowed_values("site").endswith(", ".join(sites))  # not the STC: no report of its own
    assert "S09" not in allowed_values("site")
    with open(DEFAULT_DATA_DIR / "economics_inputs.csv", encoding="utf-8") as handle:
        items = [row["item"] for row in csv.DictReader(handle) if row["kind"] == "benefit"]
    assert allowed_values("benefit_items").endswith(", ".join(items))


def test_every_chapter_in_the_book_declares_described_parameters():
    book = read_book()
    listing = chapters_and_parameters({c.id: PROJECT_ROOT / c.source for c in book.notebooks})
    assert [entry.chapter for entry in listing] == [c.id for c in book.notebooks]
    assert shared_parameters(listing) == ["data_dir", "site", "years", "setting_types"]
    for entry in listing:
        assert entry.title and not entry.title.startswith("{")
        assert [p.name for p in entry.parameters if not p.description] == [], entry.chapter


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"years": [4]}, "years must be a non-empty subset of 1, 2, 3"),
        ({"setting_types": ["XYZ"]}, "setting_types must be a non-empty subset"),
        ({"setting_types": ["STC"]}, "cannot take STC without YOI"),
        ({"site": "S99"}, "unknown site 'S99'"),
        ({"wtp": -1.0}, "wtp must be a positive number of pounds"),
        ({"psa_draws": 5}, "psa_draws must be a whole number >= 100"),
        ({"staff_per_unit": 0}, "staff_per_unit must be a whole number of staff >= 1"),
        ({"benefit_items": ["free_lunches"]}, "unknown benefit component"),
    ],
)
def test_bad_values_are_refused_before_anything_runs(parameters, message):
    with pytest.raises(ParameterError, match=message):
        check_parameter_values(parameters, DEFAULT_DATA_DIR)


def test_good_values_are_normalised_as_the_chapters_do():
    checked = check_parameter_values(
        {"years": [3, 1], "setting_types": ["stc", "yoi"], "site": "s07", "wtp": 20000.0},
        DEFAULT_DATA_DIR,
    )
    expected = {"years": [1, 3], "setting_types": ["STC", "YOI"], "site": "S07", "wtp": 20000.0}
    assert checked == expected
