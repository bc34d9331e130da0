import json

import pytest

from analysis.errors import ParameterError
from analysis.pipeline.parameters import coerce_parameters, coerce_value, declared_parameters


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
