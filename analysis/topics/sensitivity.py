"""Deterministic and probabilistic sensitivity analysis of the economic results (topic 5).

One-way sensitivity analysis (OWSA) moves one input from its low to its high
estimate while every other input stays at its mid-point.

The probabilistic sensitivity analysis (PSA) draws every input at once:

* each cost item and each benefit component follows a gamma distribution with
  mean equal to its mid-point and standard deviation (high - low) / (2 x 1.96),
  ``RANGE_IN_SDS`` (the same divisor the chapter's text states),
  i.e. its low and high estimates are read as an approximate 95% interval
  (approximate because the gamma is skewed; the mean is exact). An input whose
  low and high coincide is held fixed. Inputs are drawn independently.
* the QALY gain per staff member, which the evaluation did not measure, is an
  explicit assumption: normal with mean ``qaly_gain_mean`` and standard deviation
  ``qaly_gain_sd`` (a negative draw is a loss of health; sd 0 fixes it).

Draws come from one ``numpy.random.Generator`` seeded with ``seed``, always in
the same order (costs and benefits, then QALYs), so a run is reproducible to
the last digit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis import config
from analysis.display.figure_text import describe_figure, join_phrases
from analysis.display.presentation import format_gbp, format_number, format_percent
from analysis.display.share_figures import legend_above, wrapped
from analysis.errors import ParameterError
from analysis.topics import economics

# The standard normal's 97.5th percentile to the two decimals the method states: a low-to-high
# range read as a 95% interval spans 2 x 1.96 = 3.92 standard deviations.
Z_975 = 1.96
RANGE_IN_SDS = 2 * Z_975


# --- one-way sensitivity analysis ---------------------------------------------------------------

METRICS = {"net_benefit": "Net benefit per staff member (£)", "bcr": "Benefit-cost ratio"}


def _metric(cost: float, benefits: float, metric: str) -> float:
    if metric == "net_benefit":
        return economics.net_benefit(cost, benefits)
    return economics.benefit_cost_ratio(cost, benefits)


def one_way_sensitivity(inputs: pd.DataFrame, metric: str = "net_benefit") -> pd.DataFrame:
    """Result at each input's low and high estimate, all other inputs at their mid-points.

    Returns one row per input (largest swing first) with columns item, kind,
    base, at_low, at_high and swing (= |at_high - at_low|).
    """
    if metric not in METRICS:
        raise ParameterError(f"metric must be one of {', '.join(METRICS)}; got {metric!r}")
    frame = economics.check_inputs(inputs)
    is_cost = (frame["kind"] == "cost").to_numpy()
    mids = frame["mid"].to_numpy()

    def evaluate(values: np.ndarray) -> float:
        return _metric(values[is_cost].sum(), values[~is_cost].sum(), metric)

    base = evaluate(mids)
    rows = []
    for i, row in frame.iterrows():
        results = {}
        for estimate in ("low", "high"):
            values = mids.copy()
            values[i] = row[estimate]
            results[estimate] = evaluate(values)
        rows.append(
            {
                "item": economics.item_label(row["item"]),
                "kind": row["kind"],
                "base": base,
                "at_low": results["low"],
                "at_high": results["high"],
                "swing": abs(results["high"] - results["low"]),
            }
        )
    table = pd.DataFrame(rows)
    return table.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def plot_tornado(owsa: pd.DataFrame, metric: str = "net_benefit"):
    """Tornado plot: bars from the mid-point result to the result at each input's low and high."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    base = float(owsa["base"].iloc[0])
    long = owsa.melt(
        id_vars=["item", "kind"],
        value_vars=["at_low", "at_high"],
        var_name="Input set to",
        value_name="result",
    )
    long["Input set to"] = long["Input set to"].map(
        {"at_low": "low estimate", "at_high": "high estimate"}
    )
    long["change"] = long["result"] - base
    height = max(2.8, 0.5 * len(owsa) + 1.8)
    fig, ax = plt.subplots(figsize=(6.0, height), layout="constrained")
    sns.barplot(
        data=long,
        y="item",
        x="change",
        hue="Input set to",
        order=owsa["item"].tolist(),
        hue_order=["low estimate", "high estimate"],
        dodge=False,
        orient="h",
        ax=ax,
    )
    ax.axvline(0, color="black", linewidth=1)
    money = metric == "net_benefit"
    show = format_gbp if money else (lambda v: format_number(v, 2))
    ax.set_xlabel(f"Change from the mid-point ({show(base)}){', £' if money else ''}")
    ax.set_ylabel("")
    ax.set_yticks(range(len(owsa)), [wrapped(item) for item in owsa["item"]])
    ax.set_title(METRICS[metric])
    legend_above(fig, ax, title="Input set to")
    phrases = [
        f"{row['item']}: {show(row['at_low'])} at its low estimate, {show(row['at_high'])} at "
        f"its high"
        for _, row in owsa.iterrows()
    ]
    alt = (
        f"Tornado chart of the {METRICS[metric].lower()} as each input moves from its low to "
        f"its high estimate, around the mid-point result of {show(base)}; inputs ordered by "
        "how far they move it, largest first. " + join_phrases(phrases)
    )
    return describe_figure(fig, alt, owsa)


def owsa_table(owsa: pd.DataFrame, metric: str = "net_benefit") -> pd.DataFrame:
    """The OWSA frame formatted for the report."""
    fmt = format_gbp if metric == "net_benefit" else (lambda v: format_number(v, 2))
    return pd.DataFrame(
        {
            "Input": owsa["item"],
            "Kind": owsa["kind"].str.capitalize(),
            "At low estimate": owsa["at_low"].map(fmt),
            "At high estimate": owsa["at_high"].map(fmt),
            "Swing": owsa["swing"].map(fmt),
        }
    )


def describe_owsa(owsa: pd.DataFrame) -> str:
    """Which input matters most, and whether any single input turns the net benefit negative."""
    top = owsa.iloc[0]
    lowest = float(owsa[["at_low", "at_high"]].min().min())
    crosses = owsa.loc[(owsa[["at_low", "at_high"]] < 0).any(axis=1), "item"].tolist()
    text = (
        f"The net benefit is most sensitive to {top['item'].lower()} ({top['kind']}): moving it "
        f"from its low to its high estimate shifts the net benefit by "
        f"{format_gbp(top['swing'])}. "
    )
    if crosses:
        text += (
            f"Taken one at a time, the low-to-high range of {', '.join(crosses)} is enough to "
            f"make the net benefit negative (lowest {format_gbp(lowest)})."
        )
    else:
        text += (
            f"No single input, moved alone across its range, makes the net benefit negative "
            f"(the lowest one-way result is {format_gbp(lowest)})."
        )
    return text


# --- probabilistic sensitivity analysis ---------------------------------------------------------


def gamma_parameters(low, mid, high) -> tuple[np.ndarray, np.ndarray]:
    """Shape and scale of gammas with mean ``mid`` and sd (high - low) / (2 x 1.96).

    Entries whose sd or mean is zero get shape = scale = nan (held fixed at ``mid``).
    """
    low, mid, high = (np.asarray(v, dtype=float) for v in (low, mid, high))
    sd = (high - low) / RANGE_IN_SDS
    fixed = (sd <= 0) | (mid <= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        shape = np.where(fixed, np.nan, (mid / sd) ** 2)
        scale = np.where(fixed, np.nan, sd**2 / mid)
    return shape, scale


def draw_gamma(low, mid, high, draws: int, rng: np.random.Generator) -> np.ndarray:
    """``draws`` x k matrix of gamma draws for k inputs (fixed inputs repeat their mid)."""
    shape, scale = gamma_parameters(low, mid, high)
    fixed = np.isnan(shape)
    sample = rng.gamma(np.where(fixed, 1.0, shape), np.where(fixed, 1.0, scale), (draws, len(mid)))
    return np.where(fixed, np.asarray(mid, dtype=float), sample)


def check_draws(draws: int) -> int:
    """A whole number of Monte Carlo draws, at least config.MIN_PSA_DRAWS."""
    try:
        number = float(draws)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"psa_draws must be a whole number, got {draws!r}") from exc
    if not number.is_integer() or number < config.MIN_PSA_DRAWS:
        raise ParameterError(
            f"psa_draws must be a whole number >= {config.MIN_PSA_DRAWS} so the probabilities "
            f"are stable; got {draws!r}"
        )
    return int(number)


def check_seed(seed: int) -> int:
    """A non-negative whole-number seed (required: the PSA must be reproducible)."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ParameterError(f"psa_seed must be a non-negative whole number, got {seed!r}")
    return int(seed)


def check_qaly_assumption(mean: float, sd: float) -> tuple[float, float]:
    """The assumed QALY gain distribution: finite mean, finite sd >= 0."""
    try:
        m, s = float(mean), float(sd)
    except (TypeError, ValueError) as exc:
        raise ParameterError(
            f"qaly_gain_mean and qaly_gain_sd must be numbers, got {mean!r}, {sd!r}"
        ) from exc
    if not (np.isfinite(m) and np.isfinite(s)) or s < 0:
        raise ParameterError(
            f"qaly_gain_mean must be finite and qaly_gain_sd finite and >= 0; got {mean!r}, {sd!r}"
        )
    return m, s


@dataclass(frozen=True)
class PSAResult:
    """Monte Carlo draws per operational staff member."""

    seed: int
    cost: np.ndarray
    benefits: np.ndarray
    qaly: np.ndarray
    qaly_gain_mean: float
    qaly_gain_sd: float

    @property
    def draws(self) -> int:
        return len(self.cost)

    @property
    def net_cost(self) -> np.ndarray:
        """Cost less monetised savings (negative: the support saves more than it costs)."""
        return self.cost - self.benefits

    def net_monetary_benefit(self, wtp: float) -> np.ndarray:
        """WTP x QALY gain - net cost, per draw."""
        return economics.check_wtp(wtp) * self.qaly - self.net_cost

    def probability_cost_effective(self, wtp: float, count_savings: bool = True) -> float:
        """Share of draws whose net monetary benefit is >= 0 at this WTP.

        With ``count_savings=False`` the monetised savings are left out, as if none
        were realised: the QALY gain alone must pay for the cost.
        """
        if count_savings:
            return float(np.mean(self.net_monetary_benefit(wtp) >= 0))
        return float(np.mean(economics.check_wtp(wtp) * self.qaly - self.cost >= 0))

    @property
    def probability_savings_exceed_cost(self) -> float:
        """Share of draws in which the monetised savings alone cover the cost."""
        return float(np.mean(self.net_cost <= 0))


def run_psa(
    inputs: pd.DataFrame,
    draws: int = config.DEFAULT_PSA_DRAWS,
    seed: int = config.DEFAULT_PSA_SEED,
    qaly_gain_mean: float = config.DEFAULT_QALY_GAIN_MEAN,
    qaly_gain_sd: float = config.DEFAULT_QALY_GAIN_SD,
) -> PSAResult:
    """Seeded, vectorised Monte Carlo of cost, monetised benefits and QALY gain per staff member."""
    n = check_draws(draws)
    chosen_seed = check_seed(seed)
    mean, sd = check_qaly_assumption(qaly_gain_mean, qaly_gain_sd)
    frame = economics.check_inputs(inputs)
    rng = np.random.default_rng(chosen_seed)
    values = draw_gamma(frame["low"], frame["mid"], frame["high"], n, rng)
    is_cost = (frame["kind"] == "cost").to_numpy()
    qaly = rng.normal(mean, sd, n) if sd > 0 else np.full(n, mean)
    return PSAResult(
        seed=chosen_seed,
        cost=values[:, is_cost].sum(axis=1),
        benefits=values[:, ~is_cost].sum(axis=1),
        qaly=qaly,
        qaly_gain_mean=mean,
        qaly_gain_sd=sd,
    )


def wtp_grid(wtp: float, max_wtp: float = config.CEAC_MAX_WTP, points: int = 121) -> np.ndarray:
    """WTP values from 0 to max(max_wtp, 2 x wtp), evenly spaced."""
    top = max(float(max_wtp), 2 * economics.check_wtp(wtp))
    return np.linspace(0.0, top, points)


SCENARIO_BOTH = "Savings and assumed QALY gain"
SCENARIO_SAVINGS = "Savings only (no QALY gain)"
SCENARIO_QALY = "Assumed QALY gain only (no savings)"


def acceptability_curve(psa: PSAResult, wtps: Sequence[float]) -> pd.DataFrame:
    """Probability of cost-effectiveness at each WTP, under three readings of the benefits.

    Rows: wtp, scenario, probability. Scenarios: savings and the assumed QALY
    gain together; the savings alone (QALY gain set to zero, so flat in WTP);
    and the assumed QALY gain alone, as if no saving were realised.
    """
    grid = np.asarray(wtps, dtype=float)
    if grid.size == 0 or np.any(grid < 0) or not np.all(np.isfinite(grid)):
        raise ParameterError("the WTP range must hold finite values >= 0")
    both = [float(np.mean(w * psa.qaly - psa.net_cost >= 0)) for w in grid]
    qaly_only = [float(np.mean(w * psa.qaly - psa.cost >= 0)) for w in grid]
    savings = np.full(grid.size, psa.probability_savings_exceed_cost)
    frames = [
        pd.DataFrame({"wtp": grid, "scenario": name, "probability": values})
        for name, values in (
            (SCENARIO_BOTH, both),
            (SCENARIO_SAVINGS, savings),
            (SCENARIO_QALY, qaly_only),
        )
    ]
    return pd.concat(frames, ignore_index=True)


def psa_summary(psa: PSAResult, wtp: float, alternative_wtp: float) -> pd.DataFrame:
    """Mean and 95% interval of each quantity, and probabilities of cost-effectiveness."""
    quantities = {
        "Cost (£)": psa.cost,
        "Monetised benefits (£)": psa.benefits,
        "Net cost (£)": psa.net_cost,
        "QALY gain (assumed)": psa.qaly,
        f"Net monetary benefit at {format_gbp(wtp, 0)} (£)": psa.net_monetary_benefit(wtp),
    }
    rows = []
    for name, values in quantities.items():
        low, high = np.quantile(values, [0.025, 0.975])
        fmt = (
            (lambda v: format_number(v, 3))
            if name.startswith("QALY")
            else (lambda v: format_gbp(v, 0))
        )
        rows.append(
            {
                "Quantity": name,
                "Mean": fmt(values.mean()),
                "2.5%": fmt(low),
                "97.5%": fmt(high),
            }
        )
    return pd.DataFrame(rows)


def describe_psa_method(psa: PSAResult) -> str:
    """The PSA's distributions and its assumed QALY gain, stated with this run's values."""
    return (
        f"Each cost and benefit input is drawn from a gamma distribution whose mean is its "
        f"mid-point and whose standard deviation is its low-to-high range divided by "
        f"{format_number(RANGE_IN_SDS, 2)} (2 × {format_number(Z_975, 2)}), so that the low and "
        f"high estimates lie roughly at the 2.5th and "
        f"97.5th percentiles; inputs are drawn independently, and an input without a range is "
        f"held fixed. The evaluation did not measure any gain in health-related quality of "
        f"life, so the QALY gain per staff member is an assumption of this chapter, not a "
        f"finding: normal with mean {psa.qaly_gain_mean:g} and standard deviation "
        f"{psa.qaly_gain_sd:g} (chapter parameters `qaly_gain_mean`, `qaly_gain_sd`). "
        f"The run uses {psa.draws:,} draws from a random generator seeded with {psa.seed} "
        f"(`psa_draws`, `psa_seed`), so it gives the same numbers every time."
    )


def format_share(value: float) -> str:
    """A probability as a percentage that never rounds a few draws away ('>99%', '<1%')."""
    if 0 < value < 0.005:
        return "less than 1%"
    if 0.995 <= value < 1:
        return "more than 99%"
    return format_percent(value)


def describe_psa(psa: PSAResult, wtp: float, alternative_wtp: float) -> str:
    """Paragraph on the PSA: savings, probability of cost-effectiveness with and without them."""
    return (
        f"Across {psa.draws:,} Monte Carlo draws (seed {psa.seed}), the monetised savings "
        f"alone covered the cost in {format_share(psa.probability_savings_exceed_cost)} of "
        f"draws. Adding the assumed QALY gain (mean {psa.qaly_gain_mean:g}, standard deviation "
        f"{psa.qaly_gain_sd:g} per staff member), the support was cost-effective in "
        f"{format_share(psa.probability_cost_effective(wtp))} of draws at "
        f"{format_gbp(wtp, 0)} per QALY and "
        f"{format_share(psa.probability_cost_effective(alternative_wtp))} at "
        f"{format_gbp(alternative_wtp, 0)}. If no saving were realised, the assumed QALY gain "
        f"alone would make it cost-effective in "
        f"{format_share(psa.probability_cost_effective(wtp, count_savings=False))} of draws at "
        f"{format_gbp(wtp, 0)}: the case for the support rests on the savings. Because the "
        f"QALY gain is an assumption, re-run the chapter with other `qaly_gain_mean` and "
        f"`qaly_gain_sd` values to see how much the conclusion depends on it."
    )


def plot_ce_plane(psa: PSAResult, wtp: float, max_points: int = 5000):
    """Cost-effectiveness plane: QALY gain vs net cost per staff member, with the WTP line."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    shown = min(psa.draws, max_points)  # the first draws are a random subsample already
    frame = pd.DataFrame({"qaly": psa.qaly[:shown], "net_cost": psa.net_cost[:shown]})
    fig, ax = plt.subplots(figsize=(6.0, 3.8), layout="constrained")
    sns.scatterplot(
        data=frame,
        x="qaly",
        y="net_cost",
        s=8,
        alpha=0.35,
        linewidth=0,
        ax=ax,
        label="Monte Carlo draw",
    )
    x_low, x_high = ax.get_xlim()
    xs = np.array([min(x_low, 0.0), max(x_high, 0.0)])
    sns.lineplot(x=xs, y=wtp * xs, color="black", label=f"WTP {format_gbp(wtp, 0)} per QALY", ax=ax)
    ax.axhline(0, color="grey", linewidth=0.8)
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlim(x_low, x_high)
    ax.set_xlabel("QALY gain per staff member (assumed)")
    ax.set_ylabel("Net cost per staff member (£)")
    ax.yaxis.set_major_formatter(lambda v, _pos: format_gbp(v, 0))
    ax.xaxis.set_major_locator(plt.MaxNLocator(5))
    legend_above(fig, ax)
    below = float(np.mean(frame["net_cost"] <= wtp * frame["qaly"]))
    alt = (
        f"Scatter plot of {shown:,} Monte Carlo draws: the assumed QALY gain per staff member "
        f"(from {format_number(frame['qaly'].min(), 3)} to {format_number(frame['qaly'].max(), 3)}"
        f") against the net cost per staff member (from {format_gbp(frame['net_cost'].min(), 0)}"
        f" to {format_gbp(frame['net_cost'].max(), 0)}), with a line through the origin for the "
        f"willingness to pay, WTP {format_gbp(wtp, 0)} per QALY. "
        f"{_capital(format_share(below))} of the draws lie on or below the line, where the "
        "support is "
        "cost-effective; most draws have a negative net cost, because the savings exceed the cost."
    )
    summary = frame.describe().loc[["min", "max", "mean"]].reset_index(names="statistic")
    return describe_figure(fig, alt, summary)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _probability_text(value: float) -> str:
    """A probability as a percentage, with decimals where it sits within a point of 0 or 1."""
    if value is None or np.isnan(value):
        return "–"
    decimals = 2 if (0 < value < 0.01 or 0.99 < value < 1) else 0
    return format_percent(value, decimals)


OVERLAP_POINTS = 0.02  # curves closer than 2 percentage points everywhere look like one


def _overlapping(wide: pd.DataFrame) -> list[str]:
    """The scenarios whose curves lie within OVERLAP_POINTS of another curve at every WTP."""
    close = []
    for name in wide.columns:
        others = [o for o in wide.columns if o != name]
        if any((wide[name] - wide[o]).abs().max() < OVERLAP_POINTS for o in others):
            close.append(name)
    return close


def plot_acceptability(curve: pd.DataFrame, wtp: float, alternative_wtp: float):
    """Cost-effectiveness acceptability curves over the WTP range, with the two WTP lines
    labelled; where curves lie on top of one another, a second panel enlarges the band
    in which they differ."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    scenarios = list(dict.fromkeys(curve["scenario"]))
    wide = curve.pivot(index="wtp", columns="scenario", values="probability")[scenarios]
    close = _overlapping(wide)
    panels = 2 if close else 1
    fig, axes = plt.subplots(
        panels,
        1,
        sharex=True,
        squeeze=False,
        figsize=(6.0, 3.6 + 2.4 * (panels - 1)),
        height_ratios=[3, 2][:panels],
        layout="constrained",
    )
    data = curve.assign(percent=curve["probability"] * 100)
    low_band = high_band = None
    for index, ax in enumerate(axes[:, 0]):
        shown = data if index == 0 else data[data["scenario"].isin(close)]
        sns.lineplot(
            data=shown,
            x="wtp",
            y="percent",
            hue="scenario",
            style="scenario",
            hue_order=scenarios,
            style_order=scenarios,
            linewidth=2,
            ax=ax,
        )
        if index == 0:
            ax.set_ylim(-2, 102)
            ax.set_ylabel("Probability cost-effective")
        else:
            band = wide[close] * 100
            margin = max((band.max().max() - band.min().min()) * 0.15, 0.01)
            low_band = max(band.min().min() - margin, 0)
            high_band = min(band.max().max() + margin, 100)
            ax.set_ylim(low_band, high_band)
            ax.set_ylabel("Probability (enlarged)")
        decimals = 0 if index == 0 else 2
        ax.yaxis.set_major_formatter(lambda v, _pos, d=decimals: f"{format_number(v, d)}%")
        ax.yaxis.set_major_locator(plt.MaxNLocator(4))
        for value, style in ((wtp, "-"), (alternative_wtp, ":")):
            ax.axvline(value, color="0.35", linestyle=style, linewidth=1)
            if index == 0:
                ax.annotate(
                    format_gbp(value, 0),
                    xy=(value, 0.5),
                    xycoords=("data", "axes fraction"),
                    xytext=(-3, 0),
                    textcoords="offset points",
                    rotation=90,
                    ha="right",
                    va="center",
                    color="0.25",
                )
        ax.set_xlabel("Willingness to pay per QALY (£)")
    last = axes[-1, 0]
    last.xaxis.set_major_formatter(lambda v, _pos: format_gbp(v, 0))
    last.xaxis.set_major_locator(plt.MaxNLocator(4))
    legend_above(fig, axes[0, 0])
    top = float(wide.index.max())
    phrases = []
    for name in scenarios:
        values = wide[name]
        if values.max() - values.min() < 1e-12:
            phrases.append(f"{name}: {_probability_text(values.iloc[0])} at every value")
        else:
            trend = "rising" if values.iloc[-1] > values.iloc[0] else "falling"
            phrases.append(
                f"{name}: {_probability_text(values.iloc[0])} at £0 to "
                f"{_probability_text(values.iloc[-1])} at {format_gbp(top, 0)}, {trend}"
            )
    alt = (
        "Line chart of the probability that the support is cost-effective against the "
        f"willingness to pay per QALY, from £0 to {format_gbp(top, 0)}, for "
        f"{len(scenarios)} scenarios. " + join_phrases(phrases) + " Vertical lines mark "
        f"{format_gbp(alternative_wtp, 0)} and {format_gbp(wtp, 0)} per QALY."
    )
    if close:
        alt += (
            f" The lower panel enlarges {format_number(low_band, 2)}% to "
            f"{format_number(high_band, 2)}%, where {' and '.join(close)} lie on top of each "
            "other in the upper panel."
        )
    return describe_figure(fig, alt, curve)
