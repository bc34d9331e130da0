"""The complete (never submitted) administrative cases behind the per-site submissions.

Everything a site could have recorded about a case is drawn here, with site random
effects and the published formulation figures made exact; `admin_submissions` then
decides what each site actually returned and how it coded it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthetic_data import calendar
from synthetic_data.sampling import choose_exactly, lookup, numbered_ids, pick

AGE_BANDS = ("10-14", "15", "16", "17")
INVOLVEMENT = ("direct", "indirect", "none")
INCIDENTS = {
    "self_harm_incidents": "self_harm",
    "assault_incidents": "assault",
    "restraint_incidents": "restraint",
}


def build_cases(rng: np.random.Generator, targets: dict[str, Any], scale: int) -> pd.DataFrame:
    """One row per case with every field a site might record (dates as datetime64[D])."""
    sites = targets["design"]["sites"]
    assume = targets["assumptions"]["admin"]
    site_ids = np.array(sorted(sites))
    counts = np.array([sites[s]["cases"] * scale for s in site_ids])
    site_of_case = np.repeat(site_ids, counts)
    setting = np.repeat(
        np.array([sites[s]["setting_type"] for s in site_ids], dtype=object), counts
    )
    n = site_of_case.size
    site_effect = dict(
        zip(site_ids, rng.normal(0, assume["site_effect_sd"], site_ids.size), strict=True)
    )
    effect = lookup(site_effect, site_of_case)

    admission = _admission_dates(rng, n, assume["admissions_weight_by_year"])
    year = calendar.evaluation_year(admission.astype("datetime64[M]"))
    median_stay = lookup(assume["median_stay_days"], setting).astype(float)
    stay = np.maximum(2, np.round(median_stay * np.exp(rng.normal(0, 0.6, n)))).astype(int)
    leaving = admission + stay.astype("timedelta64[D]")
    discharged = leaving <= calendar.WINDOW_LAST_DAY
    discharge = np.where(discharged, leaving, np.datetime64("NaT", "D"))
    exposure = np.where(discharged, stay, (calendar.WINDOW_LAST_DAY - admission).astype(int) + 1)

    formulation, formulation_blank = _formulation(
        rng, targets, site_of_case, setting, year, effect, scale
    )
    lag = np.round(7 + rng.gamma(2.0, 12.0, n)).astype(int)
    last_day = np.where(discharged, leaving, calendar.WINDOW_LAST_DAY)
    formulation_date = np.minimum(admission + lag.astype("timedelta64[D]"), last_day)
    formulation_date = np.where(formulation, formulation_date, np.datetime64("NaT", "D"))

    rate_ratio = np.where(formulation, assume["formulation_rate_ratio"], 1.0)
    frailty = rng.gamma(1.5, 1 / 1.5, n) * np.exp(effect)
    incidents = {}
    for column, kind in INCIDENTS.items():
        per_day = lookup(assume["incidents_per_100_days"][kind], setting) / 100
        incidents[column] = rng.poisson(per_day * exposure * frailty * rate_ratio)

    plan_p = lookup(assume["transition_plan_by_year"], year) + 0.1 * formulation
    transition_plan = np.where(discharged, rng.random(n) < plan_p, None)
    education_p = lookup(assume["education_engaged"], setting)
    cases = pd.DataFrame(
        {
            "site_id": site_of_case,
            "setting_type": setting,
            "placement_type": _placement(rng, site_of_case, setting, assume["welfare_share_sch"]),
            "age_band": _age_band(rng, setting, assume["age_band_shares"]),
            "admission_date": admission,
            "discharge_date": discharge,
            "formulation": formulation,
            "formulation_blank": formulation_blank,
            "formulation_date": formulation_date,
            "disciplines_present": np.where(formulation, _disciplines(rng, setting, effect), 0),
            "child_involvement": np.where(
                formulation, _involvement(rng, setting, assume["child_involvement_shares"]), None
            ),
            **incidents,
            "days_in_placement": exposure,
            "transition_plan": transition_plan,
            "education_engaged": rng.random(n) < education_p,
        }
    )
    cases.insert(0, "case_id", _case_ids(rng, n))
    return cases


def _admission_dates(rng: np.random.Generator, n: int, weight_by_year: dict) -> np.ndarray:
    months = calendar.month_of_index(np.arange(calendar.N_MONTHS))
    weights = np.array([weight_by_year[y] for y in calendar.evaluation_year(months)], dtype=float)
    chosen = months[rng.choice(months.size, size=n, p=weights / weights.sum())]
    day = np.floor(rng.random(n) * calendar.days_in_month(chosen)).astype(int)
    return chosen.astype("datetime64[D]") + day.astype("timedelta64[D]")


def _formulation(rng, targets, site_of_case, setting, year, effect, scale):
    """Formulation status: exact published counts at the sites that return the field."""
    published_true, published_answered = targets["published"]["admin"]["formulation"]
    design = targets["design"]["admin"]
    logits = 1.2 + 0.9 * (setting == "SCH") + 0.35 * (year - 1) + effect
    formulation = rng.random(site_of_case.size) < 1 / (1 + np.exp(-logits))
    returning = np.flatnonzero(np.isin(site_of_case, design["formulation_sites"]))
    if returning.size != published_answered * scale + design["formulation_blank"] * scale:
        raise ValueError("targets.yaml: formulation sites' cases do not match the published count")
    blank = np.zeros(site_of_case.size, dtype=bool)
    blank[returning] = choose_exactly(
        rng, design["formulation_blank"] * scale, np.zeros(returning.size)
    )
    answered = returning[~blank[returning]]
    formulation[answered] = choose_exactly(rng, published_true * scale, logits[answered])
    return formulation, blank


def _disciplines(rng, setting, effect) -> np.ndarray:
    base = 4.2 + 1.0 * (setting != "SCH") + effect
    return np.clip(np.round(base + rng.normal(0, 1.3, setting.size)), 1, 12).astype(int)


def _involvement(rng, setting, shares) -> np.ndarray:
    labels = list(INVOLVEMENT)
    sch = pick(
        rng, labels, [shares[x] * (1.4 if x == "direct" else 1) for x in labels], setting.size
    )
    other = pick(
        rng, labels, [shares[x] * (0.7 if x == "direct" else 1) for x in labels], setting.size
    )
    return np.where(setting == "SCH", sch, other)


def _placement(rng, site_of_case, setting, welfare_share) -> np.ndarray:
    site_ids = np.unique(site_of_case)
    share = dict(
        zip(
            site_ids,
            np.clip(rng.beta(2, 2, site_ids.size) + welfare_share - 0.5, 0, 1),
            strict=True,
        )
    )
    p = lookup(share, site_of_case) * (setting == "SCH")
    return np.where(rng.random(setting.size) < p, "welfare", "justice").astype(object)


def _age_band(rng, setting, shares) -> np.ndarray:
    out = np.empty(setting.size, dtype=object)
    for kind, kind_shares in shares.items():
        rows = setting == kind
        out[rows] = pick(rng, AGE_BANDS, [kind_shares[a] for a in AGE_BANDS], int(rows.sum()))
    return out


def _case_ids(rng, n: int) -> np.ndarray:
    """Ids C000001... in random order, so an id reveals neither site nor date."""
    width = max(6, len(str(n)))
    return numbered_ids("C", rng.permutation(n) + 1, width)


def force_mean(
    rng: np.random.Generator, values: np.ndarray, target_mean: float, low: int, high: int
) -> np.ndarray:
    """Nudge integers by one at a time, at random, until their sum is round(target_mean * n)."""
    values = values.copy()
    target = round(target_mean * values.size)
    while (gap := target - int(values.sum())) != 0:
        movable = np.flatnonzero(values < high) if gap > 0 else np.flatnonzero(values > low)
        chosen = rng.choice(movable, size=min(abs(gap), movable.size), replace=False)
        values[chosen] += 1 if gap > 0 else -1
    return values
