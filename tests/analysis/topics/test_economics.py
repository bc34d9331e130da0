"""Economic threshold analysis: hand calculations on a small fixture and the bundled inputs."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import config
from analysis.display.presentation import format_gbp
from analysis.errors import ParameterError
from analysis.topics import economics
from tests.analysis.shared import economic_inputs as fixture_inputs


def test_cost_per_staff_is_the_mid_point_cost():
    assert economics.cost_per_staff(fixture_inputs()) == 1200.0


def test_benefit_midpoint_is_the_sum_of_component_mid_points():
    assert economics.benefit_midpoint(fixture_inputs()) == pytest.approx(1257.30 + 838.20 + 419.10)
    assert economics.benefit_midpoint(fixture_inputs()) == pytest.approx(2514.60)


def test_benefit_range_sums_component_lows_and_highs():
    totals = economics.benefit_range(fixture_inputs())
    assert (totals.low, totals.high) == (pytest.approx(1000.0), pytest.approx(3900.0))


def test_benefit_cost_ratio_is_2514_60_over_1200():
    result = economics.threshold_analysis(fixture_inputs())
    assert result.benefit_cost_ratio == pytest.approx(2514.60 / 1200)
    assert round(result.benefit_cost_ratio, 4) == 2.0955


def test_net_benefit_is_benefits_less_cost():
    result = economics.threshold_analysis(fixture_inputs())
    assert result.net_benefit == pytest.approx(2514.60 - 1200.0)


def test_gross_threshold_is_0_04_qaly_at_30000_and_0_06_at_20000():
    result = economics.threshold_analysis(fixture_inputs(), wtp=30_000, alternative_wtp=20_000)
    assert result.gross_threshold() == pytest.approx(0.04)
    assert result.gross_threshold(20_000) == pytest.approx(0.06)


def test_net_threshold_is_zero_when_savings_exceed_cost():
    result = economics.threshold_analysis(fixture_inputs())
    assert result.net_threshold() == 0.0
    assert "any QALY gain that is not negative" in economics.describe_thresholds(result)


def test_net_threshold_counts_only_the_uncovered_cost():
    # cost 1200, benefits 600: 600 / 30,000 = 0.02 QALY
    assert economics.net_threshold_qaly(1200, 600, 30_000) == pytest.approx(0.02)
    # at the low benefit estimate (1,000): (1200 - 1000) / 30,000
    result = economics.threshold_analysis(fixture_inputs())
    assert result.net_threshold(benefits=result.benefits.low) == pytest.approx(200 / 30_000)


def test_cost_override_scales_low_and_high_in_proportion():
    result = economics.threshold_analysis(fixture_inputs(), cost_per_staff=2400)
    assert (result.cost.low, result.cost.mid, result.cost.high) == (1800.0, 2400.0, 3000.0)
    assert result.gross_threshold() == pytest.approx(0.08)


def test_benefit_selection_keeps_only_named_components():
    result = economics.threshold_analysis(fixture_inputs(), benefit_items=["absence"])
    assert result.benefits.mid == pytest.approx(1257.30)
    assert result.n_benefit_components == 1


def test_threshold_table_has_one_row_per_wtp_and_no_repeated_rows():
    result = economics.threshold_analysis(fixture_inputs())
    table = economics.threshold_table(result)
    assert len(table) == 2 and not table.duplicated().any()
    assert table["Ignoring savings"].tolist() == ["0.04", "0.06"]
    assert [c for c in table.columns if c.startswith("Net of")] == [
        f"Net of {e} savings ({format_gbp(getattr(result.benefits, e))})"
        for e in ("low", "mid", "high")
    ]


def test_the_threshold_table_is_explained_in_a_sentence_computed_from_it():
    result = economics.threshold_analysis(fixture_inputs())
    text = economics.describe_threshold_table(result)
    assert "@tbl-qaly-thresholds" in text
    if all(
        result.net_threshold(result.wtp, getattr(result.benefits, e)) == 0
        for e in ("low", "mid", "high")
    ):
        assert "zero at every benefit estimate" in text


def test_scale_up_multiplies_per_staff_results_by_staff_numbers():
    result = economics.threshold_analysis(fixture_inputs())
    scaled = economics.scale_up(result, staff_per_unit=25, staff_per_setting=200)
    unit = scaled.set_index("level").loc["One unit"]
    assert unit["cost"] == 25 * 1200.0
    assert unit["benefits"] == pytest.approx(25 * 2514.60)
    assert unit["qaly_gross"] == pytest.approx(25 * 0.04)
    assert scaled.set_index("level").loc["One setting", "cost"] == 200 * 1200.0


def test_describe_value_for_money_carries_the_computed_numbers():
    text = economics.describe_value_for_money(economics.threshold_analysis(fixture_inputs()))
    assert "£1,200.00" in text and "£2,514.60" in text and "ratio of 2.10" in text
    assert "more than double" in text


@pytest.mark.parametrize("wtp", [0, -30_000, float("nan"), "lots"])
def test_bad_wtp_is_a_parameter_error(wtp):
    with pytest.raises(ParameterError, match="wtp"):
        economics.threshold_analysis(fixture_inputs(), wtp=wtp)


def test_negative_cost_in_the_data_is_a_parameter_error():
    inputs = fixture_inputs()
    inputs.loc[0, "low"] = -5.0
    with pytest.raises(ParameterError, match=r"negative.*staff support"):
        economics.cost_per_staff(inputs)


def test_negative_cost_override_is_a_parameter_error():
    with pytest.raises(ParameterError, match=r"cost_per_staff.*negative"):
        economics.threshold_analysis(fixture_inputs(), cost_per_staff=-1200)


def test_empty_benefit_component_list_is_a_parameter_error():
    only_cost = fixture_inputs().iloc[:1]
    with pytest.raises(ParameterError, match="benefit component list is empty"):
        economics.benefit_midpoint(only_cost)
    with pytest.raises(ParameterError, match="benefit_items is empty"):
        economics.threshold_analysis(fixture_inputs(), benefit_items=[])


def test_unknown_benefit_component_is_a_parameter_error():
    with pytest.raises(ParameterError, match="unknown benefit component"):
        economics.threshold_analysis(fixture_inputs(), benefit_items=["morale"])


def test_estimates_out_of_order_are_a_parameter_error():
    inputs = fixture_inputs()
    inputs.loc[1, "high"] = 10.0
    with pytest.raises(ParameterError, match=r"low <= mid <= high.*absence"):
        economics.check_inputs(inputs)


def test_bad_staff_numbers_are_parameter_errors():
    result = economics.threshold_analysis(fixture_inputs())
    with pytest.raises(ParameterError, match="staff_per_unit"):
        economics.scale_up(result, staff_per_unit=0)
    with pytest.raises(ParameterError, match="staff_per_setting"):
        economics.scale_up(result, staff_per_unit=30, staff_per_setting=10)


# --- the bundled synthetic inputs reproduce the published figures -----------------------------


@pytest.fixture(scope="module")
def bundled_inputs() -> pd.DataFrame:
    from analysis.data import loading

    return loading.load_economics_inputs(config.DEFAULT_DATA_DIR)


def test_bundled_cost_per_staff_reproduces_published_1200(bundled_inputs):
    assert economics.cost_per_staff(bundled_inputs) == pytest.approx(1200.0)


def test_bundled_benefit_midpoint_reproduces_published_2514_60(bundled_inputs):
    assert economics.benefit_midpoint(bundled_inputs) == pytest.approx(2514.60)


def test_bundled_threshold_at_published_wtp_is_0_04_qaly(bundled_inputs):
    result = economics.threshold_analysis(bundled_inputs, wtp=config.DEFAULT_WTP)
    assert result.gross_threshold() == pytest.approx(0.04)
    assert result.net_threshold() == 0.0


# --- the chapter's parameters -----------------------------------------------------------------


def test_topic5_notebook_parameter_defaults_match_config():
    import nbformat

    from analysis.pipeline.parameters import parameters_cell_defaults

    path = config.CHAPTERS_DIR / "topic-5.ipynb"
    defaults = parameters_cell_defaults(path)
    assert defaults["wtp"] == config.DEFAULT_WTP
    assert defaults["alternative_wtp"] == config.ALTERNATIVE_WTP
    assert defaults["psa_draws"] == config.DEFAULT_PSA_DRAWS
    assert defaults["psa_seed"] == config.DEFAULT_PSA_SEED
    assert defaults["qaly_gain_mean"] == config.DEFAULT_QALY_GAIN_MEAN
    assert defaults["qaly_gain_sd"] == config.DEFAULT_QALY_GAIN_SD
    assert defaults["staff_per_unit"] == config.DEFAULT_STAFF_PER_UNIT
    assert defaults["staff_per_setting"] == config.DEFAULT_STAFF_PER_SETTING
    assert defaults["cost_per_staff"] is None and defaults["benefit_items"] is None
    notebook = nbformat.read(path, as_version=4)
    assert notebook.cells[0].source.startswith("# Topic 5:")
    assert "{#sec-topic-5}" in notebook.cells[0].source
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code")


MONEY = re.compile(r"£([\d,]+)(\.\d+)?")
UNIT_COST_CEILING = 10_000  # per-staff-member amounts stay below this; totals do not


def money_with_pennies_above_unit_costs(text: str) -> list[str]:
    """Amounts of £10,000 or more printed with pennies (pennies are for unit costs only)."""
    return [
        match.group(0)
        for match in MONEY.finditer(text)
        if match.group(2) and float(match.group(1).replace(",", "")) >= UNIT_COST_CEILING
    ]


def test_large_sums_carry_no_pennies_anywhere_in_the_chapter(bundled_inputs):
    from analysis.topics import sensitivity

    result = economics.threshold_analysis(bundled_inputs)
    scaled = economics.scale_up(result)
    owsa = sensitivity.one_way_sensitivity(bundled_inputs)
    psa = sensitivity.run_psa(bundled_inputs, 500, 1)
    tables = [
        economics.inputs_table(bundled_inputs),
        economics.threshold_table(result),
        economics.scale_up_table(scaled, result.wtp),
        sensitivity.owsa_table(owsa),
        sensitivity.psa_summary(psa, result.wtp, result.alternative_wtp),
    ]
    texts = [" ".join(map(str, t.to_numpy().ravel())) + " ".join(t.columns) for t in tables]
    texts += [
        economics.describe_value_for_money(result),
        economics.describe_thresholds(result),
        economics.describe_scale_up(scaled, result.wtp),
        sensitivity.describe_owsa(owsa),
        sensitivity.describe_psa(psa, result.wtp, result.alternative_wtp),
    ]
    assert "£180,000" in texts[2]
    assert [m for text in texts for m in money_with_pennies_above_unit_costs(text)] == []
    assert "£2,514.60" in texts[0]  # unit costs keep their pennies
