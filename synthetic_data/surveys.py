"""Staff and children's surveys, with the published counts exact and realistic structure.

Each respondent has latent scores (site random effect plus year trend plus noise); items
are cut from them, so access to training, supervision and reflective practice, feeling
valued and wellbeing move together.  Items with a published figure get exactly the
published number of answers and positive answers (chosen with odds that follow the
latent scores); other cells are drawn at random.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthetic_data.sampling import (
    allocate,
    blank_out,
    choose_exactly,
    lookup,
    numbered_ids,
    ordinal,
    pick,
)
from synthetic_data.sites import REPORTING_GROUP

FREQUENCY = ("never", "rarely", "sometimes", "often", "always")
AGREEMENT = ("strongly disagree", "disagree", "neither", "agree", "strongly agree")
EXTENT = ("not at all", "a little", "quite a lot", "a lot")
YES_NO = ("yes", "no", "not sure")
GROUPS = ("YOI/STC", "SCH")
STAFF_ITEMS = (
    "role", "attend_formulation", "cyp_involved", "enthusiastic", "training_access",
    "supervision_access", "reflective_practice_access", "released_for_support", "feel_valued",
    "multiagency_working", "wellbeing_score", "intention_to_leave",
)  # fmt: skip
AGREE_CUTS = (-1.8, -0.9, -0.1, 1.1)
# How answers on either side of a published cut split over the finer labels.
GRADE_SHARES = {
    FREQUENCY[:2]: (0.35, 0.65),
    FREQUENCY[2:]: (0.4, 0.35, 0.25),
    AGREEMENT[:3]: (0.15, 0.35, 0.5),
    AGREEMENT[3:]: (0.55, 0.45),
    EXTENT[:1]: (1.0,),
    EXTENT[1:]: (0.35, 0.4, 0.25),
}


def build_staff_survey(rng: np.random.Generator, targets: dict[str, Any], scale: int):
    """staff_survey.csv rows (one per returned survey), sorted by survey_id."""
    published = targets["published"]["staff_survey"]
    design = targets["design"]["staff_survey"]
    assume = targets["assumptions"]["staff_survey"]
    sites = targets["design"]["sites"]
    rows = _staff_rows(rng, sites, design, scale)
    n = len(rows)
    site_ids = sorted(sites)
    site_effect = dict(
        zip(site_ids, rng.normal(0, assume["site_effect_sd"], len(site_ids)), strict=True)
    )
    effect = rows["site_id"].map(site_effect).to_numpy()
    group, year = rows["group"].to_numpy(), rows["year"].to_numpy()
    trend = np.zeros(n)
    for name, by_year in assume["support_by_year"].items():
        trend[group == name] = lookup(by_year, year[group == name])
    support = trend + effect + rng.normal(0, 1, n)
    access = {
        item: support + rng.normal(0, 0.8, n) + shift
        for item, shift in (("training_access", 0.3), ("supervision_access", 0.0),
                            ("reflective_practice_access", -0.2))
    }  # fmt: skip
    valued = 0.6 * support + 0.25 * access["reflective_practice_access"] + rng.normal(0, 0.7, n)
    wellbeing = 0.45 * support + 0.45 * valued + rng.normal(0, 0.8, n)
    multiagency = (
        lookup(assume["multiagency_by_year"], year) + 0.4 * support + effect + rng.normal(0, 0.9, n)
    )
    survey = rows[["survey_id", "site_id", "year", "setting_type"]].copy()
    survey["role"] = _roles(rng, group, assume["role_shares"])
    clinical = np.isin(survey["role"], ["health", "social care", "other"]).astype(float)
    survey["attend_formulation"], attends = _attendance(
        rng, rows, published, design, assume, 0.7 * support + 0.8 * clinical + effect, scale
    )
    survey["cyp_involved"] = _cyp_involved(
        rng, rows, published, design, assume, attends, support + 0.6 * (group == "SCH"), scale
    )
    survey["enthusiastic"] = _enthusiasm(rng, year, published["enthusiastic"], wellbeing, scale)
    for item, latent in access.items():
        survey[item] = ordinal(latent, AGREE_CUTS, AGREEMENT)
    survey["released_for_support"] = ordinal(
        0.7 * support + rng.normal(0, 0.8, n) - 0.2, (-1.2, -0.4, 0.6, 1.6), FREQUENCY
    )
    survey["feel_valued"] = ordinal(valued, (-1.5, -0.7, 0.0, 1.1), AGREEMENT)
    survey["multiagency_working"] = ordinal(multiagency, AGREE_CUTS, AGREEMENT)
    survey["wellbeing_score"] = np.clip(np.round(23.5 + 3.2 * wellbeing), 7, 35).astype(int)
    survey["intention_to_leave"] = ordinal(
        -0.7 * wellbeing + rng.normal(0, 0.9, n), (-0.9, 0.1, 0.8, 1.8), AGREEMENT
    )
    for item in STAFF_ITEMS:
        if item not in ("attend_formulation", "cyp_involved", "enthusiastic"):
            survey[item] = blank_out(rng, survey[item].to_numpy(), assume["item_missing_share"])
    return survey.sort_values("survey_id", ignore_index=True)


def _staff_rows(rng, sites: dict, design: dict, scale: int) -> pd.DataFrame:
    """Which site and year each returned survey comes from."""
    parts = []
    for year in (1, 2, 3):
        absent = set(design["sites_not_returning"][year])
        for group in GROUPS:
            members = [
                s
                for s in sorted(sites)
                if REPORTING_GROUP[sites[s]["setting_type"]] == group and s not in absent
            ]
            size = np.array([sites[s]["staff"] for s in members]) * rng.lognormal(
                0, 0.3, len(members)
            )
            counts = allocate(rng, design["surveys"][group][year] * scale, size, minimum=1)
            parts.append(
                pd.DataFrame({"site_id": np.repeat(members, counts), "year": year, "group": group})
            )
    rows = pd.concat(parts, ignore_index=True)
    rows["setting_type"] = rows["site_id"].map({s: v["setting_type"] for s, v in sites.items()})
    order = rng.permutation(len(rows))
    rows = rows.iloc[np.lexsort((order, rows["site_id"], rows["year"]))].reset_index(drop=True)
    rows["survey_id"] = numbered_ids("SS", np.arange(1, len(rows) + 1), 6)
    return rows


def _roles(rng, group: np.ndarray, shares: dict) -> np.ndarray:
    out = np.empty(group.size, dtype=object)
    for name, role_shares in shares.items():
        rows = group == name
        out[rows] = pick(rng, list(role_shares), list(role_shares.values()), int(rows.sum()))
    return out


def _graded(latent: np.ndarray, answered: np.ndarray, positive: np.ndarray, low, high):
    """Labels for a dichotomised item: within the positive and the other answers, higher
    latent scores get the higher labels, in the shares of GRADE_SHARES."""
    out = np.full(latent.size, None, dtype=object)
    for rows, labels in ((answered & positive, high), (answered & ~positive, low)):
        if rows.any():
            rank = (np.argsort(np.argsort(latent[rows])) + 0.5) / rows.sum()
            cuts = np.cumsum(GRADE_SHARES[tuple(labels)])[:-1]
            out[rows] = np.asarray(labels, dtype=object)[np.searchsorted(cuts, rank)]
    return out


def _respond(rng, k_answered, k_positive, answer_logits, positive_logits):
    """Exactly k_answered answers and k_positive positive answers among them."""
    answered = choose_exactly(rng, k_answered, answer_logits)
    positive = np.zeros(answered.size, dtype=bool)
    positive[answered] = choose_exactly(rng, k_positive, positive_logits[answered])
    return answered, positive


def _attendance(rng, rows, published, design, assume, latent, scale):
    """attend_formulation: published cells exact, the others drawn."""
    labels = np.full(len(rows), None, dtype=object)
    attends = np.zeros(len(rows), dtype=bool)
    for group in GROUPS:
        for year in (1, 2, 3):
            cell = np.flatnonzero((rows["group"] == group).to_numpy() & (rows["year"] == year))
            target = published["attend_formulation"][group].get(year)
            if target is not None:
                k_pos, k_ans = target[0] * scale, target[1] * scale
            else:
                k_ans = design["attend_answered"][group][year] * scale
                k_pos = int(rng.binomial(k_ans, assume["attend_untargeted"][group][year]))
            answered, positive = _respond(rng, k_ans, k_pos, np.zeros(cell.size), latent[cell])
            labels[cell] = _graded(latent[cell], answered, positive, FREQUENCY[:2], FREQUENCY[2:])
            attends[cell] = positive
    return labels, attends


def _cyp_involved(rng, rows, published, design, assume, attends, latent, scale):
    """cyp_involved: answered more often by staff who attend formulation meetings."""
    labels = np.full(len(rows), None, dtype=object)
    for year in (1, 2, 3):
        cell = np.flatnonzero((rows["year"] == year).to_numpy())
        target = published["cyp_involved"].get(year)
        if target is not None:
            k_pos, k_ans = target[0] * scale, target[1] * scale
        else:
            k_ans = design["cyp_involved_answered"][year] * scale
            k_pos = int(rng.binomial(k_ans, assume["cyp_involved_untargeted"][year]))
        answered, positive = _respond(rng, k_ans, k_pos, 1.5 * attends[cell], latent[cell])
        labels[cell] = _graded(latent[cell], answered, positive, FREQUENCY[:2], FREQUENCY[2:])
    return labels


def _enthusiasm(rng, year, targets: dict, wellbeing, scale):
    labels = np.full(year.size, None, dtype=object)
    for y, (k_pos, k_ans) in targets.items():
        cell = np.flatnonzero(year == y)
        answered, positive = _respond(
            rng, k_ans * scale, k_pos * scale, np.zeros(cell.size), 1.2 * wellbeing[cell]
        )
        labels[cell] = _graded(wellbeing[cell], answered, positive, AGREEMENT[:3], AGREEMENT[3:])
    return labels


def build_cyp_survey(rng: np.random.Generator, targets: dict[str, Any], scale: int):
    """cyp_survey.csv rows, collected on a rolling basis, sorted by survey_id."""
    design = targets["design"]["cyp_survey"]
    sites = targets["design"]["sites"]
    k_pos, k_ans = targets["published"]["cyp_survey"]["listened_to"]
    missing = targets["assumptions"]["cyp_survey"]["item_missing_share"]
    members = design["sites"]
    parts = []
    for year, count in design["surveys"].items():
        weights = np.array([sites[s]["cases"] for s in members]) * rng.lognormal(
            0, 0.4, len(members)
        )
        counts = allocate(rng, count * scale, weights)
        parts.append(pd.DataFrame({"site_id": np.repeat(members, counts), "year": year}))
    survey = pd.concat(parts, ignore_index=True)
    order = rng.permutation(len(survey))
    survey = survey.iloc[np.lexsort((order, survey["site_id"], survey["year"]))]
    survey = survey.reset_index(drop=True)
    survey.insert(0, "survey_id", numbered_ids("CS", np.arange(1, len(survey) + 1), 5))
    survey["setting_type"] = survey["site_id"].map({s: v["setting_type"] for s, v in sites.items()})
    n = len(survey)
    effect = dict(zip(members, rng.normal(0, 0.35, len(members)), strict=True))
    latent = (
        survey["site_id"].map(effect).to_numpy()
        + 0.15 * (survey["year"].to_numpy() - 1)
        + 0.3 * (survey["setting_type"] == "SCH").to_numpy()
        + rng.normal(0, 1, n)
    )
    answered, positive = _respond(rng, k_ans * scale, k_pos * scale, np.zeros(n), 1.3 * latent)
    survey["listened_to"] = _graded(latent, answered, positive, EXTENT[:1], EXTENT[1:])
    survey["felt_safe"] = ordinal(0.7 * latent + rng.normal(0, 0.7, n), (-1.5, -0.4, 0.6), EXTENT)
    survey["staff_relationships"] = ordinal(
        0.8 * latent + rng.normal(0, 0.6, n), (-1.4, -0.3, 0.7), EXTENT
    )
    survey["involved_in_formulation"] = _yes_no(rng, 0.3 + 0.6 * latent, n)
    survey["has_goals"] = _yes_no(rng, 0.8 + 0.5 * latent, n)
    for item in ("felt_safe", "staff_relationships", "involved_in_formulation", "has_goals"):
        survey[item] = blank_out(rng, survey[item].to_numpy(), missing)
    return survey


def _yes_no(rng, logit: np.ndarray, n: int) -> np.ndarray:
    """yes / no / not sure, 'yes' more likely with a higher logit."""
    p_yes = 1 / (1 + np.exp(-logit))
    draw = rng.random(n)
    return np.where(
        draw < p_yes, "yes", np.where(draw < p_yes + (1 - p_yes) * 0.6, "no", "not sure")
    ).astype(object)
