"""Shares of respondents or cases, with Wilson intervals, tests of change and recoders.

Every percentage in the evaluation is "positive responses of those who answered":
the recoders here turn an ordered survey scale (schema.yaml `scales`) into a
yes/no flag that keeps non-response as missing, and `share_table` counts the
flags into numerator, denominator, proportion and a Wilson 95% interval.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import yaml

from analysis import config
from analysis.errors import DataError, ParameterError

SHARE_COLUMNS = ["numerator", "denominator", "proportion", "ci_low", "ci_high"]
SUPPRESSED_TEXT = "not shown (too few to publish)"
ALL_GROUPS = "All settings"


# --------------------------------------------------------------------------- recoders


@lru_cache(maxsize=1)
def _schema_scales() -> dict[str, tuple[str, ...]]:
    with open(config.SCHEMA_PATH, encoding="utf-8") as handle:
        schema = yaml.safe_load(handle)
    return {name: tuple(levels) for name, levels in schema["scales"].items()}


def scale_levels(scale: str) -> tuple[str, ...]:
    """The ordered labels of a schema scale, lowest first ('frequency' -> never..always)."""
    scales = _schema_scales()
    if scale not in scales:
        raise ParameterError(f"unknown scale {scale!r}; schema.yaml defines {', '.join(scales)}")
    return scales[scale]


def at_least(values: pd.Series, scale: str, threshold: str) -> pd.Series:
    """True where the answer is `threshold` or higher on `scale`; missing stays missing.

    A label that is not on the scale is a data error, never silently dropped.
    """
    levels = scale_levels(scale)
    if threshold not in levels:
        raise ParameterError(f"{threshold!r} is not a level of scale {scale!r}: {levels}")
    codes, distinct = pd.factorize(values, use_na_sentinel=True)  # each answer once: missing -1
    labels = [str(label) for label in distinct]
    unknown = sorted(set(labels) - set(levels))
    if unknown:
        raise DataError(
            f"column {values.name!r}: {len(unknown)} label(s) not on the {scale!r} scale "
            f"({', '.join(map(repr, unknown[:5]))}); expected one of {', '.join(levels)}"
        )
    rank = {label: position for position, label in enumerate(levels)}
    reached = np.array([rank[label] >= rank[threshold] for label in labels] + [False])
    flags = pd.array(reached[codes], dtype="boolean")
    flags[codes < 0] = pd.NA
    return pd.Series(flags, index=values.index, name=values.name)


def at_least_sometimes(values: pd.Series) -> pd.Series:
    """Frequency item answered sometimes, often or always."""
    return at_least(values, "frequency", "sometimes")


def agree_or_strongly_agree(values: pd.Series) -> pd.Series:
    """Agreement item answered agree or strongly agree."""
    return at_least(values, "agreement", "agree")


def at_least_a_little(values: pd.Series) -> pd.Series:
    """Extent item answered a little, quite a lot or a lot."""
    return at_least(values, "extent", "a little")


def rarely_or_never(values: pd.Series) -> pd.Series:
    """Frequency item answered never or rarely (the complement of at least sometimes)."""
    flags = at_least_sometimes(values)
    return ~flags


# --------------------------------------------------------------------------- shares


@dataclass(frozen=True)
class Share:
    """numerator of denominator, as a proportion with a Wilson interval."""

    numerator: int
    denominator: int
    proportion: float
    ci_low: float
    ci_high: float


def wilson_interval(numerator: int, denominator: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval of a proportion (statsmodels); NaNs when the denominator is 0."""
    from statsmodels.stats.proportion import proportion_confint

    if denominator <= 0:
        return (math.nan, math.nan)
    low, high = proportion_confint(numerator, denominator, alpha=alpha, method="wilson")
    return (float(low), float(high))


def share(numerator: int, denominator: int, alpha: float = 0.05) -> Share:
    """A proportion with its Wilson interval; proportion is NaN for an empty denominator."""
    numerator, denominator = int(numerator), int(denominator)
    if numerator < 0 or denominator < 0 or numerator > denominator:
        raise DataError(
            f"a share needs 0 <= numerator <= denominator, got {numerator}/{denominator}"
        )
    low, high = wilson_interval(numerator, denominator, alpha)
    proportion = numerator / denominator if denominator else math.nan
    return Share(numerator, denominator, proportion, low, high)


def share_of_flags(flags: pd.Series) -> Share:
    """Share of True among the non-missing values of a boolean series."""
    answered = flags.dropna().astype(bool)
    return share(int(answered.sum()), int(answered.size))


def share_table(
    frame: pd.DataFrame,
    flag: str,
    by: Sequence[str] = (),
    total_label: str | None = None,
) -> pd.DataFrame:
    """Share of True in column `flag`, per group of `by`, with Wilson intervals.

    Returns one row per group (sorted) in which someone answered, columns `by` +
    SHARE_COLUMNS. With `total_label` and more than one group, a last row pools all
    groups and carries that label in every `by` column.
    """
    by = list(by)
    rows = []
    groups = frame.groupby(by, sort=True, observed=True) if by else [((), frame)]
    for key, group in groups:
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(by, key, strict=True)), **vars(share_of_flags(group[flag]))})
    rows = [row for row in rows if row["denominator"] > 0]
    if total_label is not None and len(rows) > 1:
        rows.append({**{c: total_label for c in by}, **vars(share_of_flags(frame[flag]))})
    table = pd.DataFrame(rows, columns=[*by, *SHARE_COLUMNS])
    return table.astype({"numerator": "int64", "denominator": "int64"})


# --------------------------------------------------------------------------- tests of change


@dataclass(frozen=True)
class TwoProportionTest:
    """Comparison of two independent proportions (first vs second)."""

    first: Share
    second: Share
    difference: float  # second minus first, as a proportion
    ci_low: float
    ci_high: float
    statistic: float | None
    p_value: float
    method: str


def compare_two_proportions(
    first_numerator: int, first_denominator: int, second_numerator: int, second_denominator: int
) -> TwoProportionTest:
    """Test whether two independent proportions differ (e.g. year one vs year three).

    A two-sided pooled z-test, or Fisher's exact test when an expected cell count is
    below 5; the difference (second minus first) has a Newcombe hybrid-score interval.
    """
    from scipy.stats import fisher_exact
    from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

    first = share(first_numerator, first_denominator)
    second = share(second_numerator, second_denominator)
    if first.denominator == 0 or second.denominator == 0:
        raise DataError("cannot compare proportions: one of the groups has no responses")
    low, high = confint_proportions_2indep(
        second.numerator,
        second.denominator,
        first.numerator,
        first.denominator,
        method="newcomb",
        compare="diff",
    )
    pooled = (first.numerator + second.numerator) / (first.denominator + second.denominator)
    expected = [
        n * p for n in (first.denominator, second.denominator) for p in (pooled, 1 - pooled)
    ]
    if min(expected) < 5:
        table = [
            [first.numerator, first.denominator - first.numerator],
            [second.numerator, second.denominator - second.numerator],
        ]
        p_value = float(fisher_exact(table).pvalue)
        statistic, method = None, "Fisher's exact test"
    else:
        z, p = proportions_ztest(
            [second.numerator, first.numerator], [second.denominator, first.denominator]
        )
        statistic, p_value, method = float(z), float(p), "two-sample z-test of proportions"
    return TwoProportionTest(
        first,
        second,
        second.proportion - first.proportion,
        float(low),
        float(high),
        statistic,
        p_value,
        method,
    )


# --------------------------------------------------------------------------- disclosure


def release_counts(
    frame: pd.DataFrame, count_columns: Sequence[str], protect: bool
) -> pd.DataFrame:
    """Counts fit to publish: unchanged nationally, suppressed/rounded below national level."""
    if not protect:
        return frame.copy()
    from analysis.statistics.disclosure import protect_frame_counts

    return protect_frame_counts(frame, list(count_columns))


def release_cross_table(counts: pd.DataFrame, protect: bool) -> pd.DataFrame:
    """A rows x columns table of counts with a Total row and column, fit to publish.

    Below national level it goes through `analysis.statistics.disclosure.protect_table` (primary and
    secondary suppression, rounding); nationally the counts are shown as they are.
    """
    if protect:
        from analysis.statistics.disclosure import protect_table

        return protect_table(counts)
    table = counts.astype("int64").copy()
    table["Total"] = table.sum(axis=1)
    table.loc["Total"] = table.sum(axis=0)
    return table.astype(object)


def row_percentages(table: pd.DataFrame) -> pd.DataFrame:
    """Each cell of a released cross-table as a proportion of its row's Total.

    Suppressed cells (or rows whose total is suppressed or zero) give NaN; the Total
    row and column are dropped.
    """
    body = table.drop(index="Total", columns="Total", errors="ignore")
    cells = body.apply(numeric_or_nan)
    totals = numeric_or_nan(table["Total"]).reindex(body.index)
    return cells.div(totals.where(totals > 0), axis=0)


def release_count(count: int, protect: bool) -> int | str:
    """One count fit to publish: as it is nationally, suppressed or rounded below."""
    if not protect:
        return int(count)
    from analysis.statistics.disclosure import protect_count

    return protect_count(int(count))


def numeric_or_nan(values: pd.Series) -> pd.Series:
    """Released counts as numbers for plotting: suppressed symbols become NaN."""
    return pd.to_numeric(values, errors="coerce").astype(float)


def release_shares(table: pd.DataFrame, protect: bool) -> pd.DataFrame:
    """A share table fit to publish: unchanged at national level, disclosure-controlled below.

    With `protect`, each row goes through `analysis.statistics.disclosure.protect_proportion`:
    counts are suppressed or rounded, the proportion is what the policy allows, and
    the interval is recomputed from the released (rounded) counts, or left empty
    where the row is suppressed. Adds a boolean column `suppressed`.
    """
    released = table.copy()
    if not protect:
        released["suppressed"] = False
        return released
    from analysis.statistics.disclosure import protect_proportion

    released = released.astype({"numerator": "object", "denominator": "object"})
    released["suppressed"] = False
    for index, row in table.iterrows():
        protected = protect_proportion(int(row["numerator"]), int(row["denominator"]))
        released.at[index, "numerator"] = protected.numerator
        released.at[index, "denominator"] = protected.denominator
        percent = protected.percent
        suppressed = bool(protected.suppressed) or percent is None
        released.at[index, "proportion"] = math.nan if suppressed else percent / 100
        low, high = (math.nan, math.nan)
        if not suppressed and _is_count(protected.numerator) and _is_count(protected.denominator):
            numerator = min(protected.numerator, protected.denominator)
            low, high = wilson_interval(numerator, protected.denominator)
        released.at[index, "ci_low"] = low
        released.at[index, "ci_high"] = high
        released.at[index, "suppressed"] = suppressed
    return released.astype({"suppressed": "bool"})


def _is_count(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


# --------------------------------------------------------------------------- presentation


def share_display(table: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """A share table as readers see it: label columns, 'n of N', % and 95% interval."""
    from analysis.display.presentation import format_count, format_percent

    labels = labels or {}
    label_columns = [c for c in table.columns if c not in {*SHARE_COLUMNS, "suppressed"}]
    shown = table[label_columns].rename(columns=labels).copy()
    shown["Yes"] = table["numerator"].map(format_count)
    shown["Answered"] = table["denominator"].map(format_count)
    shown["%"] = table["proportion"].map(format_percent)
    shown["95% CI"] = [
        "–" if math.isnan(low) else f"{format_percent(low)} to {format_percent(high)}"
        for low, high in zip(table["ci_low"], table["ci_high"], strict=True)
    ]
    return shown.reset_index(drop=True)


def describe_share(row: pd.Series | Share) -> str:
    """'85% (503 of 589; 95% CI 82% to 88%)', or 'suppressed (small numbers)'."""
    from analysis.display.presentation import format_count, format_percent

    values = vars(row) if isinstance(row, Share) else row.to_dict()
    proportion = values["proportion"]
    if proportion is None or (isinstance(proportion, float) and math.isnan(proportion)):
        return SUPPRESSED_TEXT
    text = (
        f"{format_percent(proportion)} ({format_count(values['numerator'])} of "
        f"{format_count(values['denominator'])}"
    )
    if not math.isnan(values["ci_low"]):
        text += (
            f"; 95% CI {format_percent(values['ci_low'])} to {format_percent(values['ci_high'])}"
        )
    return text + ")"


def join_words(parts: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    parts = list(parts)
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def shares_by_year(rows: pd.DataFrame) -> str:
    """'30% (20 of 67; ...) in year one and 56% (24 of 43; ...) in year three'.

    A series that is suppressed in every year is said once, not year by year.
    """
    ordered = rows.sort_values("year")
    if len(ordered) > 1 and ordered["proportion"].isna().all():
        return "not shown for any year (too few to publish)"
    return join_words(
        [f"{describe_share(row)} in {year_words(row['year'])}" for _, row in ordered.iterrows()]
    )


def year_label(year: int) -> str:
    """'Year 1' for evaluation year 1."""
    return f"Year {int(year)}"


YEAR_WORDS = {1: "year one", 2: "year two", 3: "year three"}


def year_words(year: int) -> str:
    """'year one' for evaluation year 1, as the report writes it in prose."""
    return YEAR_WORDS.get(int(year), f"year {int(year)}")


def format_p_value(p_value: float) -> str:
    """p-values as reported: 'p < 0.001' or 'p = 0.042'."""
    from analysis.display.presentation import format_number

    return "p < 0.001" if p_value < 0.001 else f"p = {format_number(p_value, 3)}"
