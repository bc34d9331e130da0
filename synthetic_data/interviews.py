"""Coded interviews at the case-study sites, and invented illustrative excerpts.

Theme prevalence by group and year comes from targets.yaml (counts are the rounded
shares, so trends hold for every seed); which interviews carry a theme depends on a
per-interview outlook score and the site, so hopeful and multi-agency accounts go
together and siloed working is more common in the YOIs and the STC.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthetic_data.sampling import allocate, choose_exactly

THEMES = (
    "theme_siloed_working", "theme_multiagency_working", "theme_leadership_support",
    "theme_release_barriers", "theme_turnover", "theme_hope", "theme_pessimism",
    "theme_voice_in_formulation", "theme_transitions",
)  # fmt: skip
# How each theme leans on the interview's outlook score and on YOI/STC settings.
OUTLOOK_WEIGHT = {
    "theme_siloed_working": -0.8, "theme_multiagency_working": 0.8,
    "theme_leadership_support": 0.4, "theme_hope": 0.7, "theme_pessimism": -0.6,
}  # fmt: skip
YOI_STC_WEIGHT = {"theme_siloed_working": 0.6, "theme_release_barriers": 0.5}
SYNTHETIC_PREFIX = "[Synthetic] "

# Invented for this project; they quote and paraphrase nobody.
EXCERPTS = {
    ("theme_siloed_working", "staff"): (
        "Each department kept its own notes and we rarely compared them.",
        "Health, education and the residential team each held separate meetings about the "
        "same young person.",
        "Information sat in different systems, so nobody had the full picture.",
    ),
    ("theme_siloed_working", "cyp"): (
        "I told the same story to three different people in one week.",
        "The teachers and the unit staff didn't seem to know what the other lot were doing.",
    ),
    ("theme_multiagency_working", "staff"): (
        "The weekly meeting now has education, health and residential staff around one table.",
        "We plan together now instead of passing paperwork between departments.",
        "The psychologist and the unit manager agree one plan before a difficult week.",
    ),
    ("theme_multiagency_working", "cyp"): (
        "My keyworker and my teacher talk to each other now, so I don't have to repeat myself.",
        "Everyone at my review seemed to be on the same page.",
    ),
    ("theme_leadership_support", "staff"): (
        "Once managers started using the same language, the rest of us followed.",
        "Our manager found cover so the whole team could attend.",
        "Having a director who asks about the approach at every briefing keeps it alive.",
    ),
    ("theme_leadership_support", "cyp"): (
        "The manager came to see how I was getting on, which surprised me.",
    ),
    ("theme_release_barriers", "staff"): (
        "On short-staffed shifts the rota wins and the training slot goes unused.",
        "We book reflective sessions, then get pulled back onto the floor.",
        "Training dates clash with the shift pattern more often than not.",
    ),
    ("theme_release_barriers", "cyp"): (
        "Sometimes sessions got cancelled because there weren't enough staff on.",
    ),
    ("theme_turnover", "staff"): (
        "New starters arrive every month and the induction has to begin again.",
        "We lost several experienced officers this year and the young people felt it.",
        "Each time someone leaves, a relationship goes with them.",
    ),
    ("theme_turnover", "cyp"): (
        "Just when I got used to someone, they moved to another job.",
        "I had four keyworkers in one year.",
    ),
    ("theme_hope", "staff"): (
        "Seeing a lad finish his course here makes you think things can turn round.",
        "Once we understand where they've come from, we can help them picture something different.",
        "A few of them leave with a plan they actually believe in.",
    ),
    ("theme_hope", "cyp"): (
        "I've got a plan for when I'm out, and it feels doable.",
        "I want to get a trade and I think I can.",
    ),
    ("theme_pessimism", "staff"): (
        "Too many of them go back to the same streets with the same pressures.",
        "We do good work in here, but outside nothing has changed for them.",
        "You wonder how long the progress lasts after release.",
    ),
    ("theme_pessimism", "cyp"): (
        "Once you've been in here, people outside just see that.",
        "I don't know if anything will be different when I leave.",
    ),
    ("theme_voice_in_formulation", "staff"): (
        "We now ask the young person what they want written down before the meeting.",
        "Their own words go into the formulation, even when they choose not to attend.",
        "One young person picked which staff she wanted at her meeting.",
    ),
    ("theme_voice_in_formulation", "cyp"): (
        "They asked me what I thought before they wrote my plan.",
        "I got to say what helps me calm down, and they wrote it in.",
    ),
    ("theme_transitions", "staff"): (
        "We share a written handover with the receiving service weeks before the move.",
        "The formulation travels with them now, so the next team isn't starting from nothing.",
        "We rang the new home a week after the move to see how things were going.",
    ),
    ("theme_transitions", "cyp"): (
        "I met the people from my next place before I moved, which helped.",
        "We made a list of what I need on the outside, like a doctor and a bank card.",
    ),
}


def build_interviews(rng: np.random.Generator, targets: dict[str, Any], scale: int):
    """interviews.csv rows: one per interview, a True/False column per theme."""
    sites = targets["design"]["sites"]
    case_study = sorted(s for s, spec in sites.items() if spec.get("case_study"))
    counts = targets["published"]["interviews"]
    shares = targets["assumptions"]["interviews"]["theme_shares"]
    parts = []
    for group in ("staff", "cyp"):
        for year, count in counts[group].items():
            minimum = 1 if count * scale >= len(case_study) else 0
            per_site = allocate(rng, count * scale, np.ones(len(case_study)), minimum)
            parts.append(
                pd.DataFrame(
                    {
                        "participant_group": group,
                        "year": year,
                        "site_id": np.repeat(case_study, per_site),
                    }
                )
            )
    frame = pd.concat(parts, ignore_index=True)
    order = rng.permutation(len(frame))
    frame = frame.iloc[
        np.lexsort((order, frame["site_id"], frame["participant_group"], frame["year"]))
    ].reset_index(drop=True)
    frame.insert(0, "interview_id", [f"INT{i:04d}" for i in range(1, len(frame) + 1)])
    frame["setting_type"] = frame["site_id"].map({s: v["setting_type"] for s, v in sites.items()})
    outlook = rng.normal(0, 1, len(frame))
    yoi_stc = (frame["setting_type"] != "SCH").to_numpy().astype(float)
    for theme in THEMES:
        column = np.zeros(len(frame), dtype=bool)
        logits = OUTLOOK_WEIGHT.get(theme, 0.0) * outlook + YOI_STC_WEIGHT.get(theme, 0.0) * yoi_stc
        for group in ("staff", "cyp"):
            for year, count in counts[group].items():
                cell = np.flatnonzero(
                    (frame["participant_group"] == group).to_numpy()
                    & (frame["year"] == year).to_numpy()
                )
                k = round(shares[group][theme][year] * count) * scale
                column[cell] = choose_exactly(rng, k, logits[cell])
        frame[theme] = column
    return frame


def build_excerpts(rng: np.random.Generator, interviews: pd.DataFrame, per_theme: int):
    """interview_excerpts.csv: a few invented excerpts per theme and group, each tied to an
    interview that carries that theme."""
    rows = []
    for (theme, group), texts in EXCERPTS.items():
        carriers = interviews.loc[
            interviews[theme] & (interviews["participant_group"] == group), "interview_id"
        ].to_numpy()
        chosen = np.sort(rng.choice(carriers, size=min(per_theme, carriers.size), replace=False))
        for position, interview_id in enumerate(chosen):
            rows.append(
                {
                    "interview_id": interview_id,
                    "theme": theme,
                    "text": SYNTHETIC_PREFIX + texts[position % len(texts)],
                }
            )
    excerpts = pd.DataFrame(rows, columns=["interview_id", "theme", "text"])
    excerpts = excerpts.sort_values(["interview_id", "theme"], ignore_index=True)
    excerpts.insert(0, "excerpt_id", [f"EX{i:04d}" for i in range(1, len(excerpts) + 1)])
    return excerpts
