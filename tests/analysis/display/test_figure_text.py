"""Alt text phrases written from plotted values, and alt text read back from a figure."""

from __future__ import annotations

import math

import matplotlib

from analysis.display import figure_text

matplotlib.use("Agg")


def test_a_series_is_described_by_its_first_and_last_value_and_its_direction():
    points = [("Year 1", 29.85), ("Year 2", math.nan), ("Year 3", 55.8)]
    assert figure_text.series_phrase("YOI/STC", points) == (
        "YOI/STC: 30% in Year 1 to 56% in Year 3, rising"
    )
    assert figure_text.series_phrase("SCH", [("Year 1", 90.0), ("Year 3", 89.0)]).endswith(
        "about level"
    )
    assert "falling" in figure_text.series_phrase("A", [("1", 60.0), ("2", 40.0)])
    assert "not shown" in figure_text.series_phrase("B", [("Year 1", math.nan)])


def test_a_described_figure_keeps_its_alt_text_and_its_data_as_plain_values():
    import matplotlib.pyplot as plt
    import pandas as pd

    figure, _ = plt.subplots()
    data = pd.DataFrame({"year": [1, 2], "proportion": [0.5, float("nan")]})
    figure_text.describe_figure(figure, "Line  chart\nof x.", data)
    described = figure_text.figure_description(figure)
    assert described.alt == "Line chart of x."
    assert described.data == [{"year": 1, "proportion": 0.5}, {"year": 2, "proportion": None}]
    plt.close(figure)


def test_an_undescribed_figure_gets_alt_text_read_from_what_is_drawn():
    import matplotlib.pyplot as plt

    figure, ax = plt.subplots()
    ax.plot([1, 2], [3, 4], label="First")
    ax.plot([1, 2], [4, 3], label="Second")
    ax.set_title("Two series")
    ax.set_xlabel("Year")
    ax.set_ylabel("Share")
    ax.legend()
    alt = figure_text.figure_description(figure).alt
    assert alt == "Two series of Share against Year, series: First, Second."
    plt.close(figure)
