"""Coded interviews at the case-study sites, and invented illustrative excerpts.

Theme prevalence by group and year comes from targets.yaml (counts are the rounded
shares, so trends hold for every seed); which interviews carry a theme depends on a
per-interview outlook score and the site, so hopeful and multi-agency accounts go
together and siloed working and organisational complexity are more common in the YOIs
and the STC. A theme listed under `design.interviews.theme_sites` is coded only at those
sites (retention after years of embedding, at one SCH).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from synthetic_data.sampling import allocate, choose_exactly

# In the order of the schema's theme columns; new themes go at the end so that the
# random draws for the earlier ones stay the same.
THEMES = (
    "theme_siloed_working", "theme_multiagency_working", "theme_leadership_support",
    "theme_release_barriers", "theme_turnover", "theme_hope", "theme_pessimism",
    "theme_voice_in_formulation", "theme_transitions",
    "theme_consistent_leaders", "theme_central_support", "theme_org_complexity",
    "theme_understanding", "theme_self_regulation", "theme_under_pressure",
    "theme_trust", "theme_environmental_safety", "theme_valued_empowered",
    "theme_reflective_space", "theme_codelivered_training", "theme_remote_working",
    "theme_retention", "theme_sense_of_story", "theme_goals_education",
)  # fmt: skip
# How each theme leans on the interview's outlook score and on YOI/STC settings.
OUTLOOK_WEIGHT = {
    "theme_siloed_working": -0.8, "theme_multiagency_working": 0.8,
    "theme_leadership_support": 0.4, "theme_hope": 0.7, "theme_pessimism": -0.6,
    "theme_consistent_leaders": 0.3, "theme_understanding": 0.5,
    "theme_self_regulation": 0.5, "theme_under_pressure": -0.4,
    "theme_trust": 0.6, "theme_environmental_safety": 0.4,
    "theme_valued_empowered": 0.7, "theme_reflective_space": 0.5,
    "theme_sense_of_story": 0.6, "theme_goals_education": 0.4,
}  # fmt: skip
YOI_STC_WEIGHT = {
    "theme_siloed_working": 0.6, "theme_release_barriers": 0.5,
    "theme_org_complexity": 2.5, "theme_central_support": 0.5,
    "theme_under_pressure": 0.5, "theme_valued_empowered": -0.4,
    "theme_consistent_leaders": 0.3,
}  # fmt: skip
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
    ("theme_consistent_leaders", "staff"): (
        "When the new governor stopped the leaders' reflective group, people read it as the end "
        "of the approach.",
        "It only works if every manager on every shift says the same thing.",
        "Our heads of health and operations now turn up to the same meetings, and staff notice.",
    ),
    ("theme_central_support", "staff"): (
        "The national team rang every month and helped us think through what was stuck.",
        "Hearing how another site solved the same rota problem saved us months.",
        "The network meetings are where I got the confidence to run the sessions myself.",
    ),
    ("theme_org_complexity", "staff"): (
        "Four employers on one site means four ways of doing things before we even start.",
        "We rolled it out one landing at a time, and every change of priority stalled it.",
        "Getting every department head to agree took longer than the training itself.",
    ),
    ("theme_understanding", "staff"): (
        "Once you know what happened to him at home, the shouting makes a different kind of sense.",
        "I stopped taking it personally when I understood what the behaviour was telling me.",
        "Knowing her history changed how I read a bad morning.",
    ),
    ("theme_understanding", "cyp"): (
        "Staff get why I kick off now, they know it's not about them.",
        "My keyworker knows what sets me off and why.",
    ),
    ("theme_self_regulation", "staff"): (
        "We talk him down now where we used to reach for restraint.",
        "She notices when she's getting wound up and asks for time out herself.",
        "Staff step in earlier and calmer, and fewer incidents boil over.",
    ),
    ("theme_self_regulation", "cyp"): (
        "When I'm angry I can go to my room and breathe instead of smashing things.",
        "Staff help me calm down before it gets out of hand.",
    ),
    ("theme_under_pressure", "staff"): (
        "On a bad night with half the staff, the old habits come straight back.",
        "When the unit is on lockdown it's hard to stay curious about why.",
        "Under pressure people fall back on rules rather than relationships.",
    ),
    ("theme_trust", "staff"): (
        "The lads come to us first when something's wrong, which never used to happen.",
        "There's more trust both ways, and it shows in small conversations.",
        "We treat them with respect and most of the time we get it back.",
    ),
    ("theme_trust", "cyp"): (
        "Staff actually listen to me here.",
        "There's a couple of staff I trust, I can tell them anything.",
    ),
    ("theme_environmental_safety", "staff"): (
        "The unit feels calmer, and there are fewer alarms going off.",
        "Staff and young people both say they feel safer on the wing.",
        "Fewer fights on association means everyone relaxes a bit.",
    ),
    ("theme_environmental_safety", "cyp"): ("It's calmer here than where I was before.",),
    ("theme_valued_empowered", "staff"): (
        "Being asked for my view in the formulation meeting made me feel my job mattered.",
        "The training told me I'm trusted to make judgements, not just follow the rota.",
        "For the first time someone asked how we were coping.",
    ),
    ("theme_reflective_space", "staff"): (
        "Reflective practice is the one hour a week where I can say what a shift did to me.",
        "Supervision helps me with the young people and with myself.",
        "It's a safe room to admit you got something wrong.",
    ),
    ("theme_codelivered_training", "staff"): (
        "Hearing it from an officer who does my job made the training land.",
        "A nurse and a residential worker ran the session together, which opened it up.",
        "Training the whole team together meant we heard each other's side.",
    ),
    ("theme_remote_working", "staff"): (
        "Online reflective sessions meant night staff could join for the first time.",
        "During lockdown we couldn't release anyone, so supervision simply stopped.",
        "Video calls kept the formulation meetings going when no visitors were allowed.",
    ),
    ("theme_retention", "staff"): (
        "After years of working this way, people stay; we barely recruit now.",
        "Most of the team have been here since we started the approach, and that keeps it steady.",
        "Staff used to leave within a year; now they stay and train the new ones.",
    ),
    ("theme_sense_of_story", "staff"): (
        "We help them write the next chapter, not just relive the last one.",
        "Making sense of his past was what let him imagine a different future.",
        "Once her story was on paper she could start to decide how it goes on.",
    ),
    ("theme_sense_of_story", "cyp"): (
        "Talking it all through helped me close that part of my life.",
        "I understand why I did what I did, and I don't want to go back there.",
    ),
    ("theme_goals_education", "staff"): (
        "He left with two qualifications and a college place lined up.",
        "We agree goals in the first week and review them every month.",
        "Getting her back into education was the turning point.",
    ),
    ("theme_goals_education", "cyp"): (
        "I've done my English and maths here, and I want to do an apprenticeship.",
        "They helped me get my college place back.",
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
    theme_sites = targets["design"]["interviews"].get("theme_sites", {})
    for theme in THEMES:
        column = np.zeros(len(frame), dtype=bool)
        logits = OUTLOOK_WEIGHT.get(theme, 0.0) * outlook + YOI_STC_WEIGHT.get(theme, 0.0) * yoi_stc
        eligible = frame["site_id"].isin(theme_sites.get(theme, case_study)).to_numpy()
        for group in ("staff", "cyp"):
            for year, count in counts[group].items():
                cell = np.flatnonzero(
                    (frame["participant_group"] == group).to_numpy()
                    & (frame["year"] == year).to_numpy()
                    & eligible
                )
                k = min(round(shares[group][theme][year] * count) * scale, cell.size)
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
