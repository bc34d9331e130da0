"""One-way and probabilistic sensitivity analysis of the economic results."""

from __future__ import annotations

import numpy as np
import pytest

from analysis import config
from analysis.errors import ParameterError
from analysis.topics import sensitivity
from tests.analysis.shared import economic_inputs as fixture_inputs

# --- one-way sensitivity ------------------------------------------------------------------------


def test_owsa_moves_one_input_with_others_at_mid_point():
    owsa = sensitivity.one_way_sensitivity(fixture_inputs()).set_index("item")
    base = 2514.60 - 1200.0
    # cost at 1,500: net benefit falls by 300; at 900 it rises by 300
    assert owsa.loc["Staff support", "at_high"] == pytest.approx(base - 300)
    assert owsa.loc["Staff support", "at_low"] == pytest.approx(base + 300)
    # absence at 600 instead of 1,257.30
    assert owsa.loc["Absence", "at_low"] == pytest.approx(base - 657.30)
    assert owsa["base"].tolist() == pytest.approx([base] * 4)


def test_owsa_sorts_largest_swing_first():
    owsa = sensitivity.one_way_sensitivity(fixture_inputs())
    assert owsa["item"].iloc[0] == "Absence"  # swing 1,300
    assert owsa["swing"].is_monotonic_decreasing


def test_owsa_of_benefit_cost_ratio_by_hand():
    owsa = sensitivity.one_way_sensitivity(fixture_inputs(), metric="bcr").set_index("item")
    assert owsa.loc["Staff support", "at_high"] == pytest.approx(2514.60 / 1500)


def test_owsa_unknown_metric_is_a_parameter_error():
    with pytest.raises(ParameterError, match="metric"):
        sensitivity.one_way_sensitivity(fixture_inputs(), metric="icer")


def test_tornado_plot_has_one_row_per_input():
    import matplotlib

    matplotlib.use("Agg")
    fig = sensitivity.plot_tornado(sensitivity.one_way_sensitivity(fixture_inputs()))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Absence", "Productivity", "Staff support", "Turnover"]


# --- distributions ------------------------------------------------------------------------------


def test_gamma_fit_has_documented_mean_and_sd():
    shape, scale = sensitivity.gamma_parameters([900.0], [1200.0], [1500.0])
    sd = 600 / (2 * 1.96)
    assert shape[0] * scale[0] == pytest.approx(1200.0)
    assert np.sqrt(shape[0]) * scale[0] == pytest.approx(sd, rel=1e-6)


def test_gamma_draws_reproduce_documented_means_for_large_n():
    rng = np.random.default_rng(1)
    inputs = fixture_inputs()
    draws = sensitivity.draw_gamma(inputs["low"], inputs["mid"], inputs["high"], 200_000, rng)
    assert draws.mean(axis=0) == pytest.approx(inputs["mid"].to_numpy(), rel=0.01)
    expected_sd = (inputs["high"] - inputs["low"]).to_numpy() / (2 * 1.959964)
    assert draws.std(axis=0) == pytest.approx(expected_sd, rel=0.02)


def test_gamma_95_percent_interval_roughly_matches_low_and_high_for_a_symmetric_range():
    rng = np.random.default_rng(2)
    draws = sensitivity.draw_gamma([900.0], [1200.0], [1500.0], 200_000, rng)[:, 0]
    low, high = np.quantile(draws, [0.025, 0.975])
    assert low == pytest.approx(900, rel=0.03) and high == pytest.approx(1500, rel=0.03)


def test_input_with_no_range_is_held_fixed():
    rng = np.random.default_rng(3)
    draws = sensitivity.draw_gamma([50.0, 0.0], [50.0, 0.0], [50.0, 0.0], 1000, rng)
    assert (draws == [50.0, 0.0]).all()


def test_psa_qaly_gain_reproduces_its_assumed_mean_and_sd():
    psa = sensitivity.run_psa(fixture_inputs(), 200_000, 4, qaly_gain_mean=0.02, qaly_gain_sd=0.01)
    assert psa.qaly.mean() == pytest.approx(0.02, abs=1e-4)
    assert psa.qaly.std() == pytest.approx(0.01, rel=0.01)
    assert psa.cost.mean() == pytest.approx(1200, rel=0.005)
    assert psa.benefits.mean() == pytest.approx(2514.60, rel=0.005)


# --- PSA determinism and probabilities --------------------------------------------------------


def test_psa_with_the_same_seed_is_identical_to_the_last_digit():
    first = sensitivity.run_psa(fixture_inputs(), 1000, 42)
    second = sensitivity.run_psa(fixture_inputs(), 1000, 42)
    for name in ("cost", "benefits", "qaly"):
        np.testing.assert_array_equal(getattr(first, name), getattr(second, name))


def test_psa_with_different_seeds_differs():
    first = sensitivity.run_psa(fixture_inputs(), 1000, 42)
    second = sensitivity.run_psa(fixture_inputs(), 1000, 43)
    assert not np.array_equal(first.benefits, second.benefits)
    assert not np.array_equal(first.qaly, second.qaly)


def test_probability_cost_effective_counts_draws_with_non_negative_net_monetary_benefit():
    psa = sensitivity.run_psa(fixture_inputs(), 2000, 5)
    nmb = 30_000 * psa.qaly - (psa.cost - psa.benefits)
    assert psa.probability_cost_effective(30_000) == np.count_nonzero(nmb >= 0) / 2000


def test_acceptability_curve_savings_only_is_flat_and_equals_share_of_draws_in_surplus():
    psa = sensitivity.run_psa(fixture_inputs(), 2000, 6)
    curve = sensitivity.acceptability_curve(psa, [0, 10_000, 30_000])
    flat = curve[curve["scenario"].str.startswith("Savings only")]["probability"]
    assert flat.nunique() == 1
    assert flat.iloc[0] == np.mean(psa.benefits >= psa.cost)


def test_acceptability_curve_at_zero_wtp_counts_savings_only():
    psa = sensitivity.run_psa(fixture_inputs(), 2000, 7)
    curve = sensitivity.acceptability_curve(psa, [0.0]).set_index("scenario")["probability"]
    assert curve[sensitivity.SCENARIO_BOTH] == curve[sensitivity.SCENARIO_SAVINGS]
    # with no savings and a QALY worth nothing, a positive cost is never covered
    assert curve[sensitivity.SCENARIO_QALY] == 0.0


def test_acceptability_without_savings_rises_with_wtp_and_matches_a_hand_count():
    psa = sensitivity.run_psa(fixture_inputs(), 2000, 7, qaly_gain_mean=0.05, qaly_gain_sd=0.02)
    curve = sensitivity.acceptability_curve(psa, [10_000, 30_000, 60_000])
    qaly_only = curve[curve["scenario"] == sensitivity.SCENARIO_QALY]["probability"].tolist()
    assert qaly_only == sorted(qaly_only)
    assert qaly_only[1] == np.mean(30_000 * psa.qaly >= psa.cost)
    assert psa.probability_cost_effective(30_000, count_savings=False) == qaly_only[1]


def test_format_share_never_rounds_a_few_draws_away():
    assert sensitivity.format_share(0.9996) == "more than 99%"
    assert sensitivity.format_share(0.0004) == "less than 1%"
    assert sensitivity.format_share(1.0) == "100%"
    assert sensitivity.format_share(0.5) == "50%"


@pytest.mark.parametrize("draws", [0, 99, config.MIN_PSA_DRAWS - 1, 150.5, "many"])
def test_psa_with_too_few_draws_is_a_parameter_error(draws):
    with pytest.raises(ParameterError, match="psa_draws"):
        sensitivity.run_psa(fixture_inputs(), draws, 1)


def test_psa_with_minimum_draws_runs():
    assert sensitivity.run_psa(fixture_inputs(), config.MIN_PSA_DRAWS, 1).draws == 100


@pytest.mark.parametrize("seed", [-1, None, 1.5])
def test_psa_with_bad_seed_is_a_parameter_error(seed):
    with pytest.raises(ParameterError, match="psa_seed"):
        sensitivity.run_psa(fixture_inputs(), 1000, seed)


def test_psa_with_negative_qaly_sd_is_a_parameter_error():
    with pytest.raises(ParameterError, match="qaly_gain_sd"):
        sensitivity.run_psa(fixture_inputs(), 1000, 1, qaly_gain_sd=-0.1)


def test_psa_with_bad_wtp_is_a_parameter_error():
    psa = sensitivity.run_psa(fixture_inputs(), 1000, 1)
    with pytest.raises(ParameterError, match="wtp"):
        psa.probability_cost_effective(0)


def test_psa_summary_and_prose_report_the_draws():
    psa = sensitivity.run_psa(fixture_inputs(), 1000, 8)
    summary = sensitivity.psa_summary(psa, 30_000, 20_000)
    assert summary["Quantity"].tolist()[0] == "Cost (£)"
    text = sensitivity.describe_psa(psa, 30_000, 20_000)
    assert "1,000 Monte Carlo draws (seed 8)" in text
    share = sensitivity.format_share(psa.probability_savings_exceed_cost)
    assert f"covered the cost in {share} of draws" in text


def test_ce_plane_and_acceptability_plots_return_figures():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    psa = sensitivity.run_psa(fixture_inputs(), 500, 9)
    assert isinstance(sensitivity.plot_ce_plane(psa, 30_000), Figure)
    curve = sensitivity.acceptability_curve(psa, sensitivity.wtp_grid(30_000))
    assert isinstance(sensitivity.plot_acceptability(curve, 30_000, 20_000), Figure)


def test_the_method_text_states_the_divisor_the_code_uses():
    """The text's 'range divided by X' is the very X the gamma fit divides by."""
    import re

    psa = sensitivity.run_psa(fixture_inputs(), 200, 1)
    stated = re.search(r"range divided by ([\d.]+)", sensitivity.describe_psa_method(psa))
    low, mid, high = np.array([100.0]), np.array([200.0]), np.array([400.0])
    shape, scale = sensitivity.gamma_parameters(low, mid, high)
    divisor = float((high - low)[0] / (np.sqrt(shape) * scale)[0])
    assert float(stated.group(1)) == pytest.approx(divisor, rel=1e-12)


def test_acceptability_curve_labels_both_wtp_lines_and_enlarges_curves_that_coincide():
    """Two curves a fraction of a point apart at the top get a panel where they differ."""
    from analysis.display.presentation import format_gbp

    psa = sensitivity.run_psa(fixture_inputs(), 2000, 20180801, 0.01, 0.01)
    curve = sensitivity.acceptability_curve(psa, sensitivity.wtp_grid(30_000))
    figure = sensitivity.plot_acceptability(curve, 30_000, 20_000)
    labels = {t.get_text() for ax in figure.axes for t in ax.texts}
    assert {format_gbp(30_000, 0), format_gbp(20_000, 0)} <= labels
    wide = curve.pivot(index="wtp", columns="scenario", values="probability")
    both, savings = sensitivity.SCENARIO_BOTH, sensitivity.SCENARIO_SAVINGS
    gap = (wide[both] - wide[savings]).abs().max() * 100
    assert 0 < gap < 2, "the fixture's savings curves lie on top of each other"
    assert len(figure.axes) == 2
    low, high = figure.axes[1].get_ylim()
    assert gap / (high - low) > 0.3, "in the enlarged panel the curves stand apart"


def test_acceptability_curves_that_stand_apart_need_no_second_panel():
    psa = sensitivity.run_psa(fixture_inputs(), 2000, 1, 0.2, 0.2)
    curve = sensitivity.acceptability_curve(psa, sensitivity.wtp_grid(30_000))
    wide = curve.pivot(index="wtp", columns="scenario", values="probability")
    assert all((wide[a] - wide[b]).abs().max() >= 0.02 for a in wide for b in wide if a != b)
    assert len(sensitivity.plot_acceptability(curve, 30_000, 20_000).axes) == 1
