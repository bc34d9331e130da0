"""Model wrappers: estimates against statsmodels fitted directly, and stated non-estimation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.statistics import models


def binary_frame(n_sites: int = 8, per_site: int = 40, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for site in range(n_sites):
        effect = rng.normal(0, 0.3)
        for _ in range(per_site):
            x = int(rng.integers(0, 3))
            p = 1 / (1 + math.exp(-(-0.5 + 0.6 * x + effect)))
            rows.append({"y": int(rng.random() < p), "x": x, "site": f"S{site:02d}"})
    return pd.DataFrame(rows)


def test_gee_odds_ratio_is_exp_of_the_statsmodels_coefficient():
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    frame = binary_frame()
    result = models.fit_logistic_gee(frame, "y ~ x", groups="site", labels={"x": "per unit"})
    direct = smf.gee(
        "y ~ x",
        groups="site",
        data=frame.sort_values("site").reset_index(drop=True),
        family=sm.families.Binomial(),
        cov_struct=sm.cov_struct.Exchangeable(),
    ).fit()
    assert result.estimated and result.method.startswith("GEE")
    row = result.effect_of("x")
    assert row["estimate"] == pytest.approx(math.exp(direct.params["x"]))
    assert row["ci_low"] == pytest.approx(math.exp(direct.conf_int().loc["x", 0]))
    assert row["p_value"] == pytest.approx(direct.pvalues["x"])


def test_gee_contrast_adds_coefficients_on_the_log_odds_scale():
    frame = binary_frame()
    frame["z"] = (frame["site"] > "S03").astype(int)
    result = models.fit_logistic_gee(
        frame,
        "y ~ x * z",
        groups="site",
        labels={"x": "x", "x:z": "x:z"},
        contrasts={"x_in_z": ("x when z=1", {"x": 1.0, "x:z": 1.0})},
    )
    combined = result.effect_of("x_in_z")["estimate"]
    assert combined == pytest.approx(
        result.effect_of("x")["estimate"] * result.effect_of("x:z")["estimate"]
    )


def test_a_sample_below_the_minimum_is_not_estimated_with_the_reason():
    frame = binary_frame().head(12)
    result = models.fit_logistic_gee(frame, "y ~ x", groups="site", labels={"x": "x"})
    assert not result.estimated
    assert result.reason == "not estimated (n too small: fewer than 30)"
    shown = models.effects_display(result)
    assert shown.iloc[0]["Result"] == result.reason


def test_an_outcome_that_does_not_vary_is_not_estimated():
    frame = binary_frame().assign(y=1)
    result = models.fit_logistic_gee(frame, "y ~ x", groups="site", labels={"x": "x"})
    assert not result.estimated and "does not vary" in result.reason


def test_perfect_separation_is_not_estimated_rather_than_a_nonsense_odds_ratio():
    frame = binary_frame(n_sites=2)
    frame["y"] = (frame["x"] > 0).astype(int)
    result = models.fit_logistic_gee(frame, "y ~ x", groups="site", labels={"x": "x"})
    assert not result.estimated


def test_few_sites_fall_back_to_a_glm_and_say_so():
    frame = binary_frame(n_sites=1, per_site=200)
    result = models.fit_logistic_gee(frame, "y ~ x", groups="site", labels={"x": "x"})
    assert result.estimated and "too few sites" in result.method


def gaussian_frame(n_sites: int = 10, per_site: int = 30, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for site in range(n_sites):
        intercept = rng.normal(0, 1.5)
        for _ in range(per_site):
            x = int(rng.integers(0, 2))
            rows.append({"y": 20 + 2 * x + intercept + rng.normal(0, 3), "x": x, "site": site})
    return pd.DataFrame(rows)


@pytest.mark.filterwarnings("ignore::statsmodels.tools.sm_exceptions.SingularMatrixWarning")
def test_mixed_model_coefficients_equal_statsmodels_mixedlm():
    import statsmodels.formula.api as smf

    frame = gaussian_frame()
    result = models.fit_mixed_model(frame, "y ~ x", groups="site", labels={"x": "x"})
    data = frame.sort_values("site").reset_index(drop=True)
    direct = smf.mixedlm("y ~ x", data=data, groups=data["site"]).fit(reml=True, method=["lbfgs"])
    assert result.estimated and result.effect == "coefficient"
    assert result.effect_of("x")["estimate"] == pytest.approx(direct.params["x"])
    assert result.group_sd == pytest.approx(math.sqrt(direct.cov_re.iloc[0, 0]))


def test_mixed_model_on_one_site_uses_least_squares():
    frame = gaussian_frame(n_sites=1, per_site=60)
    result = models.fit_mixed_model(frame, "y ~ x", groups="site", labels={"x": "x"})
    assert result.estimated and result.method.startswith("ordinary least squares")
    assert result.group_sd is None


def test_varying_terms_leaves_out_constant_columns():
    frame = pd.DataFrame({"a": [1, 2], "b": [3, 3]})
    assert models.varying_terms(frame, {"C(a)": "a", "b": "b"}) == ["C(a)"]


def test_describe_effect_formats_odds_ratio_and_interval():
    row = pd.Series({"estimate": 1.456, "ci_low": 1.1, "ci_high": 1.9, "p_value": 0.0004})
    assert models.describe_effect(row, "odds ratio") == "OR 1.46 (95% CI 1.10 to 1.90, p < 0.001)"


def test_describe_sample_rounds_n_below_national_level_and_minds_its_grammar():
    result = models.ModelResult(
        True, "", "ordinary least squares (one site)", "y ~ x", 39, 1, "coefficient"
    )
    assert models.describe_sample(result, "answers") == (
        "an ordinary least squares (one site), fitted to 39 answers from 1 site"
    )
    assert models.describe_sample(result, "answers", protect=True).endswith(
        "fitted to 40 answers from 1 site"
    )
