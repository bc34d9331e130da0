"""Regression wrappers that say when they cannot be estimated, instead of crashing.

Each wrapper returns a `ModelResult`: either `estimated=True` with a tidy table of
effects (odds ratios or coefficients, 95% CIs and p-values taken from the
statsmodels results), or `estimated=False` with a reason a reader can be shown,
such as "not estimated (n too small: 12 < 30)".
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import config

# Fewer sites than this give unreliable cluster-robust errors / random-effect variances.
MIN_CLUSTERS = 5
EFFECT_COLUMNS = ["term", "label", "estimate", "ci_low", "ci_high", "p_value"]


@dataclass(frozen=True)
class ModelResult:
    """A fitted model's effects, or why it was not estimated."""

    estimated: bool
    reason: str
    method: str
    formula: str
    n: int
    n_groups: int
    effect: str  # "odds ratio" or "coefficient"
    table: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EFFECT_COLUMNS))
    contrasts: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=EFFECT_COLUMNS))
    notes: tuple[str, ...] = ()
    group_sd: float | None = None

    def effect_of(self, term: str) -> pd.Series:
        """The row of `table` (or `contrasts`) for one term."""
        for frame in (self.table, self.contrasts):
            rows = frame[frame["term"] == term]
            if len(rows):
                return rows.iloc[0]
        raise KeyError(f"no term {term!r} in the model ({self.formula})")


def not_estimated(
    reason: str, method: str, formula: str, n: int, n_groups: int, effect: str
) -> ModelResult:
    """A result that says, in words, why no model was fitted."""
    return ModelResult(False, f"not estimated ({reason})", method, formula, n, n_groups, effect)


def varying_terms(frame: pd.DataFrame, candidates: Mapping[str, str]) -> list[str]:
    """Formula terms whose column takes more than one value in `frame`.

    `candidates` maps a formula term (e.g. "C(year)") to the column it uses ("year");
    a term whose column is constant (one site, one year) cannot be estimated and is left out.
    """
    return [term for term, column in candidates.items() if frame[column].nunique() > 1]


def _check_sample(
    frame: pd.DataFrame, outcome: str, groups: str, min_n: int, binary: bool
) -> str | None:
    n = len(frame)
    if n < min_n:
        return f"n too small: fewer than {min_n}"  # the exact n could disclose a small site
    if frame[outcome].nunique() < 2:
        return "the outcome does not vary"
    if binary:
        smaller = int(min(frame[outcome].sum(), n - frame[outcome].sum()))
        if smaller < 5:
            return f"too few events: {smaller} in the smaller outcome group"
    return None


def _transform(exponentiate: bool):
    def exp(value):
        with np.errstate(over="ignore"):
            return np.exp(value)

    return exp if exponentiate else (lambda value: value)


def _effects(fit, labels: Mapping[str, str], exponentiate: bool) -> pd.DataFrame:
    transform = _transform(exponentiate)
    intervals = fit.conf_int()
    rows = []
    for term in fit.params.index:
        if term not in labels:
            continue
        rows.append(
            {
                "term": term,
                "label": labels[term],
                "estimate": float(transform(fit.params[term])),
                "ci_low": float(transform(intervals.loc[term, 0])),
                "ci_high": float(transform(intervals.loc[term, 1])),
                "p_value": float(fit.pvalues[term]),
            }
        )
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def _contrast_effects(
    fit, contrasts: Mapping[str, tuple[str, Mapping[str, float]]], exponentiate: bool
) -> pd.DataFrame:
    transform = _transform(exponentiate)
    names = list(fit.params.index)
    rows = []
    for term, (label, weights) in contrasts.items():
        if any(name not in names for name in weights):
            continue
        vector = np.array([[weights.get(name, 0.0) for name in names]])
        test = fit.t_test(vector)
        low, high = np.asarray(test.conf_int()).ravel()[:2]
        rows.append(
            {
                "term": term,
                "label": label,
                "estimate": float(transform(np.asarray(test.effect).ravel()[0])),
                "ci_low": float(transform(low)),
                "ci_high": float(transform(high)),
                "p_value": float(np.asarray(test.pvalue).ravel()[0]),
            }
        )
    return pd.DataFrame(rows, columns=EFFECT_COLUMNS)


def _unstable(table: pd.DataFrame) -> bool:
    values = table[["estimate", "ci_low", "ci_high"]].to_numpy(dtype=float)
    return bool(len(values) and (~np.isfinite(values)).any()) or bool(
        len(values) and (np.abs(values) > 1e6).any()
    )


def fit_logistic_gee(
    frame: pd.DataFrame,
    formula: str,
    groups: str,
    labels: Mapping[str, str],
    contrasts: Mapping[str, tuple[str, Mapping[str, float]]] | None = None,
    min_n: int = config.MIN_N_FOR_MODEL,
) -> ModelResult:
    """Logistic model of a 0/1 outcome, clustered by `groups`, as odds ratios.

    With at least MIN_CLUSTERS clusters: GEE, binomial family, exchangeable working
    correlation within cluster, robust (sandwich) errors. With fewer clusters (a
    site report): an ordinary logistic GLM with model-based errors, said in `method`.
    `labels` names the terms to report; `contrasts` adds named sums of terms
    (e.g. the yearly trend in a second group) as {term: (label, {param: weight})}.
    """
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import PerfectSeparationError

    outcome = formula.split("~")[0].strip()
    n, n_groups = len(frame), int(frame[groups].nunique()) if len(frame) else 0
    clustered = n_groups >= MIN_CLUSTERS
    method = (
        "GEE logistic regression (binomial, exchangeable correlation within site, robust errors)"
        if clustered
        else "logistic regression (GLM, model-based errors; too few sites to cluster by site)"
    )
    problem = _check_sample(frame, outcome, groups, min_n, binary=True)
    if problem:
        return not_estimated(problem, method, formula, n, n_groups, "odds ratio")
    data = frame.sort_values(groups).reset_index(drop=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if clustered:
                model = smf.gee(
                    formula,
                    groups=groups,
                    data=data,
                    family=sm.families.Binomial(),
                    cov_struct=sm.cov_struct.Exchangeable(),
                )
            else:
                model = smf.glm(formula, data=data, family=sm.families.Binomial())
            fit = model.fit()
        except PerfectSeparationError:
            return not_estimated(
                "an outcome is perfectly predicted", method, formula, n, n_groups, "odds ratio"
            )
        except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
            return not_estimated(
                f"the model could not be fitted: {exc}", method, formula, n, n_groups, "odds ratio"
            )
    notes = _warning_notes(caught)
    table = _effects(fit, labels, exponentiate=True)
    extra = _contrast_effects(fit, contrasts or {}, exponentiate=True)
    if _unstable(table) or _unstable(extra):
        return not_estimated(
            "estimates unstable: an outcome is (almost) perfectly predicted",
            method,
            formula,
            n,
            n_groups,
            "odds ratio",
        )
    return ModelResult(True, "", method, formula, n, n_groups, "odds ratio", table, extra, notes)


def fit_mixed_model(
    frame: pd.DataFrame,
    formula: str,
    groups: str,
    labels: Mapping[str, str],
    min_n: int = config.MIN_N_FOR_MODEL,
) -> ModelResult:
    """Linear model of a continuous outcome with random intercepts for `groups` (REML).

    With fewer than MIN_CLUSTERS groups (a site report) the random intercept cannot be
    estimated; an ordinary least-squares model is fitted instead, said in `method`.
    """
    import statsmodels.formula.api as smf

    outcome = formula.split("~")[0].strip()
    n, n_groups = len(frame), int(frame[groups].nunique()) if len(frame) else 0
    mixed = n_groups >= MIN_CLUSTERS
    method = (
        "linear mixed model (REML) with random intercepts for site"
        if mixed
        else "ordinary least squares regression (too few sites for site random intercepts)"
    )
    problem = _check_sample(frame, outcome, groups, min_n, binary=False)
    if problem:
        return not_estimated(problem, method, formula, n, n_groups, "coefficient")
    data = frame.sort_values(groups).reset_index(drop=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if mixed:
                fit = _best_mixed_fit(smf.mixedlm(formula, data=data, groups=data[groups]))
            else:
                fit = smf.ols(formula, data=data).fit()
        except (np.linalg.LinAlgError, ValueError) as exc:
            return not_estimated(
                f"the model could not be fitted: {exc}", method, formula, n, n_groups, "coefficient"
            )
    if fit is None:
        return not_estimated(
            "the model did not converge", method, formula, n, n_groups, "coefficient"
        )
    table = _effects(fit, labels, exponentiate=False)
    if _unstable(table):
        return not_estimated("estimates unstable", method, formula, n, n_groups, "coefficient")
    group_sd = math.sqrt(max(float(fit.cov_re.iloc[0, 0]), 0.0)) if mixed else None
    return ModelResult(
        True,
        "",
        method,
        formula,
        n,
        n_groups,
        "coefficient",
        table,
        notes=_warning_notes(caught),
        group_sd=group_sd,
    )


MIXED_OPTIMISERS = ("lbfgs", "bfgs", "powell")


def _best_mixed_fit(model):
    """The REML fit with the highest finite likelihood over a few optimisers, or None.

    A single optimiser sometimes stops at a degenerate point (an infinite likelihood,
    a huge intercept standard error), so each is tried and broken fits are discarded.
    """
    best = None
    for optimiser in MIXED_OPTIMISERS:
        try:
            fit = model.fit(reml=True, method=[optimiser])
        except (np.linalg.LinAlgError, ValueError):
            continue
        usable = (
            fit.converged
            and np.isfinite(fit.llf)
            and np.isfinite(np.asarray(fit.bse_fe)).all()
            and (np.asarray(fit.bse_fe) < 1e6).all()
        )
        if usable and (best is None or fit.llf > best.llf):
            best = fit
    return best


def _warning_notes(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(str(w.message).splitlines()[0] for w in caught))


def effects_display(result: ModelResult, decimals: int = 2) -> pd.DataFrame:
    """The model's reported effects as a table: term, estimate, 95% CI, p."""
    from analysis.display.presentation import format_number
    from analysis.statistics.proportions import format_p_value

    if not result.estimated:
        return pd.DataFrame({"Term": ["(model)"], "Result": [result.reason]})
    shown = pd.concat([result.table, result.contrasts], ignore_index=True)
    heading = "Odds ratio" if result.effect == "odds ratio" else "Coefficient"
    return pd.DataFrame(
        {
            "Term": shown["label"],
            heading: shown["estimate"].map(lambda v: format_number(v, decimals)),
            "95% CI": [
                f"{format_number(lo, decimals)} to {format_number(hi, decimals)}"
                for lo, hi in zip(shown["ci_low"], shown["ci_high"], strict=True)
            ],
            "p": shown["p_value"].map(format_p_value),
        }
    )


def describe_sample(model: ModelResult, unit: str, protect: bool = False) -> str:
    """'a GEE logistic regression (...), fitted to 730 answers from 18 sites'; n released if
    protected."""
    from analysis.display.presentation import format_count
    from analysis.statistics.proportions import release_count

    article = "an" if model.method[:1].lower() in "aeiou" else "a"
    sites = f"{model.n_groups} site" + ("" if model.n_groups == 1 else "s")
    n = format_count(release_count(model.n, protect))
    return f"{article} {model.method}, fitted to {n} {unit} from {sites}"


def describe_effect(row: pd.Series, effect: str, decimals: int = 2) -> str:
    """'OR 1.45 (95% CI 1.10 to 1.91, p = 0.008)' for one row of a result table."""
    from analysis.display.presentation import format_number
    from analysis.statistics.proportions import format_p_value

    name = "OR" if effect == "odds ratio" else "b"
    return (
        f"{name} {format_number(row['estimate'], decimals)} (95% CI "
        f"{format_number(row['ci_low'], decimals)} to "
        f"{format_number(row['ci_high'], decimals)}, {format_p_value(row['p_value'])})"
    )
