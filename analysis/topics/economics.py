"""Economic threshold analysis of supporting staff (topic 5).

The inputs (``economics_inputs.csv``) give, per operational staff member on one
young offender institution (YOI) unit at an early stage of implementation, the
cost of supporting staff and the monetised value of each benefit component
(for example less absenteeism, higher productivity), each as a low, mid-point
and high estimate in GBP.

No QALY gain was measured, so the analysis asks the threshold question: how
large a QALY gain per staff member would make the investment worth it at a
willingness-to-pay (WTP) per QALY?  Two versions are reported:

* gross threshold = cost / WTP, ignoring any monetised savings;
* net threshold = max(0, (cost - benefits) / WTP): the savings pay for part of
  the cost, and only the rest has to be bought with health gain.  When the
  savings are at least the cost, no health gain is needed at all.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from analysis import config
from analysis.display.presentation import format_gbp, format_number, format_significant
from analysis.errors import ParameterError

INPUT_COLUMNS = ("item", "kind", "low", "mid", "high", "description")
ESTIMATES = ("low", "mid", "high")


@dataclass(frozen=True)
class Estimate:
    """A low, mid-point and high estimate of one quantity (GBP)."""

    low: float
    mid: float
    high: float


def item_label(item: str) -> str:
    """Reader-facing name of an input ('reduced_sickness_absence' -> 'Reduced sickness absence')."""
    text = str(item).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def count_words(n: int) -> str:
    """Small counts in words, as prose writes them (4 -> 'four'); 10 and over as digits."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"


# --- checking and selecting inputs -------------------------------------------------------------


def check_inputs(inputs: pd.DataFrame) -> pd.DataFrame:
    """Validated copy of the economics inputs, with float estimates.

    Raises ParameterError for missing columns, unknown kinds, missing or negative
    estimates, estimates out of order (low <= mid <= high), no cost item or no
    benefit component.
    """
    missing = [c for c in INPUT_COLUMNS if c not in inputs.columns]
    if missing:
        raise ParameterError(f"economics inputs lack column(s) {', '.join(missing)}")
    frame = inputs.loc[:, list(INPUT_COLUMNS)].copy()
    frame["item"] = frame["item"].astype(str)
    frame["kind"] = frame["kind"].astype(str).str.strip().str.lower()
    unknown = sorted(set(frame["kind"]) - {"cost", "benefit"})
    if unknown:
        raise ParameterError(
            f"economics inputs: column kind must be 'cost' or 'benefit'; found {unknown}"
        )
    for column in ESTIMATES:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    blank = frame[list(ESTIMATES)].isna().any(axis=1)
    if blank.any():
        raise ParameterError(
            f"economics inputs: {int(blank.sum())} row(s) lack a numeric low/mid/high "
            f"estimate: {', '.join(frame.loc[blank, 'item'])}"
        )
    negative = (frame[list(ESTIMATES)] < 0).any(axis=1)
    if negative.any():
        rows = frame.loc[negative]
        named = ", ".join(f"{r.kind} {r.item!r}" for r in rows.itertuples())
        raise ParameterError(f"economics inputs: estimates must not be negative ({named})")
    disordered = (frame["low"] > frame["mid"]) | (frame["mid"] > frame["high"])
    if disordered.any():
        raise ParameterError(
            "economics inputs: each row needs low <= mid <= high; out of order: "
            + ", ".join(frame.loc[disordered, "item"])
        )
    if not (frame["kind"] == "cost").any():
        raise ParameterError("economics inputs: no cost item (kind == 'cost')")
    if not (frame["kind"] == "benefit").any():
        raise ParameterError(
            "economics inputs: the benefit component list is empty (no row with kind == 'benefit')"
        )
    if frame.loc[frame["kind"] == "cost", "mid"].sum() <= 0:
        raise ParameterError("economics inputs: the mid-point cost per staff member must be > 0")
    return frame.reset_index(drop=True)


def cost_items(inputs: pd.DataFrame) -> pd.DataFrame:
    """The cost rows of checked inputs."""
    frame = check_inputs(inputs)
    return frame.loc[frame["kind"] == "cost"].reset_index(drop=True)


def benefit_components(inputs: pd.DataFrame) -> pd.DataFrame:
    """The benefit rows of checked inputs."""
    frame = check_inputs(inputs)
    return frame.loc[frame["kind"] == "benefit"].reset_index(drop=True)


def select_benefits(inputs: pd.DataFrame, items: Sequence[str] | None) -> pd.DataFrame:
    """Inputs keeping only the named benefit components (None keeps them all)."""
    frame = check_inputs(inputs)
    if items is None:
        return frame
    if isinstance(items, str):
        items = [items]
    wanted = list(dict.fromkeys(str(i) for i in items))
    if not wanted:
        raise ParameterError("benefit_items is empty: name at least one benefit component")
    known = frame.loc[frame["kind"] == "benefit", "item"].tolist()
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise ParameterError(
            f"unknown benefit component(s) {unknown}; known components: {', '.join(known)}"
        )
    keep = (frame["kind"] == "cost") | frame["item"].isin(wanted)
    return frame.loc[keep].reset_index(drop=True)


def override_cost(inputs: pd.DataFrame, cost: float | None) -> pd.DataFrame:
    """Inputs whose mid-point cost per staff member is ``cost`` (None keeps the data's).

    Low and high costs are scaled by the same factor, so the relative
    uncertainty of the cost stays as in the data.
    """
    frame = check_inputs(inputs)
    if cost is None:
        return frame
    value = check_positive(cost, "cost_per_staff")
    is_cost = frame["kind"] == "cost"
    factor = value / frame.loc[is_cost, "mid"].sum()
    frame.loc[is_cost, list(ESTIMATES)] *= factor
    return frame


def check_positive(value: float, name: str) -> float:
    """A finite number > 0, or ParameterError naming the parameter."""
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be a number, got {value!r}") from exc
    if not math.isfinite(number) or number <= 0:
        why = "is negative" if number < 0 else "is not a positive, finite amount"
        raise ParameterError(f"{name} must be a positive number of pounds; {value!r} {why}")
    return number


def check_wtp(wtp: float, name: str = "wtp") -> float:
    """A willingness-to-pay per QALY: a finite number of pounds > 0."""
    return check_positive(wtp, name)


# --- deterministic results ---------------------------------------------------------------------


def cost_per_staff(inputs: pd.DataFrame) -> float:
    """Mid-point cost of supporting one operational staff member (GBP)."""
    return float(cost_items(inputs)["mid"].sum())


def cost_range(inputs: pd.DataFrame) -> Estimate:
    """Low, mid and high cost per staff member (GBP)."""
    rows = cost_items(inputs)
    return Estimate(*(float(rows[e].sum()) for e in ESTIMATES))


def benefit_midpoint(inputs: pd.DataFrame) -> float:
    """Sum of the benefit components' mid-point values per staff member (GBP)."""
    return float(benefit_components(inputs)["mid"].sum())


def benefit_range(inputs: pd.DataFrame) -> Estimate:
    """Low, mid and high totals of the benefit components per staff member (GBP)."""
    rows = benefit_components(inputs)
    return Estimate(*(float(rows[e].sum()) for e in ESTIMATES))


def net_benefit(cost: float, benefits: float) -> float:
    """Monetised benefits less cost (GBP); positive when savings exceed the cost."""
    return benefits - cost


def benefit_cost_ratio(cost: float, benefits: float) -> float:
    """Monetised benefits per pound spent."""
    return benefits / check_positive(cost, "cost")


def gross_threshold_qaly(cost: float, wtp: float) -> float:
    """QALY gain per staff member that alone would justify the cost at this WTP."""
    return cost / check_wtp(wtp)


def net_threshold_qaly(cost: float, benefits: float, wtp: float) -> float:
    """QALY gain still needed once monetised savings are set against the cost (never < 0)."""
    return max(0.0, (cost - benefits) / check_wtp(wtp))


@dataclass(frozen=True)
class ThresholdResult:
    """Deterministic economic results per operational staff member."""

    cost: Estimate
    benefits: Estimate
    wtp: float
    alternative_wtp: float
    n_benefit_components: int

    @property
    def net_benefit(self) -> float:
        return net_benefit(self.cost.mid, self.benefits.mid)

    @property
    def benefit_cost_ratio(self) -> float:
        return benefit_cost_ratio(self.cost.mid, self.benefits.mid)

    def gross_threshold(self, wtp: float | None = None) -> float:
        return gross_threshold_qaly(self.cost.mid, self.wtp if wtp is None else wtp)

    def net_threshold(self, wtp: float | None = None, benefits: float | None = None) -> float:
        saved = self.benefits.mid if benefits is None else benefits
        return net_threshold_qaly(self.cost.mid, saved, self.wtp if wtp is None else wtp)


def threshold_analysis(
    inputs: pd.DataFrame,
    wtp: float = config.DEFAULT_WTP,
    alternative_wtp: float = config.ALTERNATIVE_WTP,
    cost_per_staff: float | None = None,
    benefit_items: Sequence[str] | None = None,
) -> ThresholdResult:
    """Cost, benefits, net benefit, benefit-cost ratio and QALY thresholds."""
    chosen_wtp = check_wtp(wtp, "wtp")
    chosen_alternative = check_wtp(alternative_wtp, "alternative_wtp")
    frame = prepare_inputs(inputs, cost_per_staff, benefit_items)
    return ThresholdResult(
        cost=cost_range(frame),
        benefits=benefit_range(frame),
        wtp=chosen_wtp,
        alternative_wtp=chosen_alternative,
        n_benefit_components=len(benefit_components(frame)),
    )


def prepare_inputs(
    inputs: pd.DataFrame,
    cost_per_staff: float | None = None,
    benefit_items: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Checked inputs after the chapter's cost override and benefit selection."""
    return override_cost(select_benefits(inputs, benefit_items), cost_per_staff)


# --- tables -------------------------------------------------------------------------------------


def inputs_table(inputs: pd.DataFrame) -> pd.DataFrame:
    """The inputs as the report shows them: one row per item, with totals of benefits."""
    frame = check_inputs(inputs)
    shown = frame.assign(kind=frame["kind"].str.capitalize(), item=frame["item"].map(item_label))
    totals = benefit_range(frame)
    total_row = pd.DataFrame(
        [
            {
                "item": "All benefit components",
                "kind": "Benefit (total)",
                "low": totals.low,
                "mid": totals.mid,
                "high": totals.high,
                "description": "Sum of the components above",
            }
        ]
    )
    shown = pd.concat([shown, total_row], ignore_index=True)
    for column in ESTIMATES:
        shown[column] = shown[column].map(format_gbp)
    return shown.rename(
        columns={
            "item": "Item",
            "kind": "Kind",
            "low": "Low",
            "mid": "Mid-point",
            "high": "High",
            "description": "Description",
        }
    )


def threshold_table(result: ThresholdResult) -> pd.DataFrame:
    """QALY gain per staff member needed, one row per WTP: ignoring the savings (the cost
    alone must be bought with health gain), then net of the savings at each benefit estimate.
    """
    rows = []
    for wtp in dict.fromkeys((result.wtp, result.alternative_wtp)):
        row = {
            "WTP per QALY": format_gbp(wtp, 0),
            "Ignoring savings": format_qaly(result.gross_threshold(wtp)),
        }
        for estimate in ESTIMATES:
            benefits = getattr(result.benefits, estimate)
            heading = f"Net of {estimate} savings ({format_gbp(benefits)})"
            row[heading] = format_qaly(result.net_threshold(wtp, benefits))
        rows.append(row)
    return pd.DataFrame(rows)


def describe_threshold_table(result: ThresholdResult) -> str:
    """What the threshold table shows, in one sentence computed from it."""
    nets = {
        estimate: result.net_threshold(result.wtp, getattr(result.benefits, estimate))
        for estimate in ESTIMATES
    }
    zero = [estimate for estimate, value in nets.items() if value == 0]
    text = (
        "Each row of @tbl-qaly-thresholds is one willingness to pay: the gain needed when the "
        "savings are left aside depends only on the cost and the willingness to pay"
    )
    if len(zero) == len(ESTIMATES):
        return text + (
            ", and net of the savings it is zero at every benefit estimate, because even the "
            "low estimate of the savings exceeds the cost."
        )
    if zero:
        return text + (
            f"; net of the savings it is zero wherever the savings exceed the cost (the "
            f"{' and '.join(zero)} estimates) and positive otherwise."
        )
    return text + "; net of the savings it shrinks as the benefit estimate grows."


def format_qaly(value: float) -> str:
    """A QALY amount: below 1 to two significant figures (0.04, 0.0067), else one decimal (6.0)."""
    if value == 0:
        return "0"
    if abs(value) < 0.0001:
        return "less than 0.0001"
    return format_number(value, 1) if abs(value) >= 1 else format_significant(value, 2)


# --- scale-up ----------------------------------------------------------------------------------


def check_staff_count(value: int, name: str) -> int:
    """A whole number of staff, at least one."""
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name} must be a whole number of staff, got {value!r}") from exc
    if not number.is_integer() or number < 1:
        raise ParameterError(f"{name} must be a whole number of staff >= 1, got {value!r}")
    return int(number)


def scale_up(
    result: ThresholdResult,
    staff_per_unit: int = config.DEFAULT_STAFF_PER_UNIT,
    staff_per_setting: int = config.DEFAULT_STAFF_PER_SETTING,
) -> pd.DataFrame:
    """Mid-point cost, benefits, net benefit and QALY thresholds per staff member, unit, setting.

    Scaling is linear in the number of operational staff: it assumes no
    economies of scale and the same per-person cost and benefits everywhere.
    """
    per_unit = check_staff_count(staff_per_unit, "staff_per_unit")
    per_setting = check_staff_count(staff_per_setting, "staff_per_setting")
    if per_setting < per_unit:
        raise ParameterError(
            f"staff_per_setting ({per_setting}) must be at least staff_per_unit ({per_unit})"
        )
    levels = [("One staff member", 1), ("One unit", per_unit), ("One setting", per_setting)]
    return pd.DataFrame(
        [
            {
                "level": level,
                "staff": staff,
                "cost": staff * result.cost.mid,
                "benefits": staff * result.benefits.mid,
                "net_benefit": staff * result.net_benefit,
                "qaly_gross": staff * result.gross_threshold(),
                "qaly_net": staff * result.net_threshold(),
            }
            for level, staff in levels
        ]
    )


def whole_pounds(value: float) -> str:
    """A sum of money without pennies ('£180,000'): pennies are for unit costs only."""
    return format_gbp(value, 0)


def scale_up_table(scaled: pd.DataFrame, wtp: float) -> pd.DataFrame:
    """The scale-up frame formatted for the report."""
    wtp_text = format_gbp(wtp, 0)
    return pd.DataFrame(
        {
            "Level": scaled["level"],
            "Operational staff": scaled["staff"].map("{:,}".format),
            "Cost": scaled["cost"].map(whole_pounds),
            "Monetised benefits": scaled["benefits"].map(whole_pounds),
            "Net benefit": scaled["net_benefit"].map(whole_pounds),
            f"QALYs needed at {wtp_text}, ignoring savings": scaled["qaly_gross"].map(format_qaly),
            f"QALYs needed at {wtp_text}, net of savings": scaled["qaly_net"].map(format_qaly),
        }
    )


# --- prose -------------------------------------------------------------------------------------


def describe_value_for_money(result: ThresholdResult) -> str:
    """Paragraph comparing monetised benefits with the cost at the mid-point."""
    ratio = result.benefit_cost_ratio
    comparison = (
        "more than double"
        if ratio > 2
        else "greater than"
        if ratio > 1
        else "equal to"
        if ratio == 1
        else "less than"
    )
    return (
        f"Supporting one operational staff member on a YOI unit, early in implementation, "
        f"costs {format_gbp(result.cost.mid)} (range {format_gbp(result.cost.low)} to "
        f"{format_gbp(result.cost.high)}). The {count_words(result.n_benefit_components)} "
        f"monetised benefit components add up to {format_gbp(result.benefits.mid)} at their "
        f"mid-points (range "
        f"{format_gbp(result.benefits.low)} to {format_gbp(result.benefits.high)}), "
        f"{comparison} the cost: a net benefit of {format_gbp(result.net_benefit)}, or "
        f"£{format_number(ratio, 2)} of benefit for every pound spent (a benefit-cost ratio of "
        f"{format_number(ratio, 2)})."
    )


def describe_thresholds(result: ThresholdResult) -> str:
    """Paragraph explaining the gross and net QALY thresholds, in the project's words."""
    wtp, alt = result.wtp, result.alternative_wtp
    gross = (
        f"Leaving the monetised savings aside, the support would pay for itself in health "
        f"terms if each staff member gained at least {format_qaly(result.gross_threshold(wtp))} "
        f"QALY at {format_gbp(wtp, 0)} per QALY"
    )
    if alt != wtp:
        gross += f" ({format_qaly(result.gross_threshold(alt))} QALY at {format_gbp(alt, 0)})"
    gross += f": that is the cost, {format_gbp(result.cost.mid)}, divided by the WTP."
    if result.net_threshold() == 0:
        net = (
            " Counting the savings changes the picture. At the mid-point the savings are "
            "larger than the cost, so nothing is left for health gain to pay for: the "
            "threshold falls to zero, and any QALY gain that is not negative would make the "
            "support cost-effective at either WTP."
        )
    else:
        net = (
            f" Counting the savings, only the part of the cost they do not cover, "
            f"{format_gbp(result.cost.mid - result.benefits.mid)}, has to be bought with "
            f"health gain: {format_qaly(result.net_threshold(wtp))} QALY per staff member "
            f"at {format_gbp(wtp, 0)} per QALY."
        )
    low_net = result.net_threshold(wtp, result.benefits.low)
    if low_net > 0:
        net += (
            f" That conclusion rests on the savings being realised: at the low benefit "
            f"estimate ({format_gbp(result.benefits.low)}) a gain of {format_qaly(low_net)} "
            f"QALY per staff member would still be needed at {format_gbp(wtp, 0)}."
        )
    return gross + net


def describe_scale_up(scaled: pd.DataFrame, wtp: float) -> str:
    """Paragraph on the unit and setting totals."""
    unit = scaled.loc[scaled["level"] == "One unit"].iloc[0]
    setting = scaled.loc[scaled["level"] == "One setting"].iloc[0]
    return (
        f"Scaled linearly to a unit of {unit['staff']:,} operational staff, the support costs "
        f"{format_gbp(unit['cost'], 0)} against {format_gbp(unit['benefits'], 0)} of monetised "
        f"benefits; for a setting of {setting['staff']:,} staff, {format_gbp(setting['cost'], 0)} "
        f"against {format_gbp(setting['benefits'], 0)}. Ignoring savings, a setting would need "
        f"{format_qaly(setting['qaly_gross'])} QALYs in total at {format_gbp(wtp, 0)} per QALY. "
        f"The staff numbers are illustrative chapter parameters (`staff_per_unit`, "
        f"`staff_per_setting`), not evaluation data; replace them with local figures."
    )


def describe_scope(ctx) -> str:
    """Where the inputs come from, and what a site or setting filter does (and does not) change."""
    text = (
        "The economic inputs are estimates for one unit of a young offender institution, per "
        "operational staff member, at an early stage of implementation; they come from "
        "`economics_inputs.csv`, not from the surveys or the administrative cases."
    )
    if not ctx.is_national:
        text += (
            f" This is the report for {ctx.scope_label}: the inputs are not broken down by "
            f"site, so the figures below are the national estimates, shown for reference."
        )
    if "YOI" not in ctx.setting_types:
        text += (
            " The setting filter of this run leaves out YOIs, the only setting type the "
            "inputs describe; read the results as a YOI benchmark only."
        )
    return text
