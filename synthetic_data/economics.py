"""economics_inputs.csv, straight from the declarative targets."""

from __future__ import annotations

from typing import Any

import pandas as pd

COLUMNS = ["item", "kind", "low", "mid", "high", "description"]


def build_economics_inputs(targets: dict[str, Any]) -> pd.DataFrame:
    """One row per cost or monetised benefit component, checked against the published totals."""
    inputs = pd.DataFrame(targets["economics"], columns=COLUMNS)
    published = targets["published"]["economics"]
    benefits = round(float(inputs.loc[inputs["kind"] == "benefit", "mid"].sum()), 2)
    cost = round(float(inputs.loc[inputs["kind"] == "cost", "mid"].sum()), 2)
    if benefits != published["benefits_mid_total"] or cost != published["cost_per_staff_mid"]:
        raise ValueError(
            f"targets.yaml economics: benefit mids sum to {benefits} and cost mid is {cost}; "
            f"published {published['benefits_mid_total']} and {published['cost_per_staff_mid']}"
        )
    return inputs
