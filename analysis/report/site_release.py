"""What site reports publish: the populations and questions of the release, from the data.

Every number in a site report comes from :func:`site_release`, so the measures listed here
are the whole of what a site learns about itself, its setting group and the nation.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import config
from analysis.data import loading
from analysis.statistics.release import NOT_RECORDED, Population, Question, Release, build_release

AGREEMENT = ("strongly disagree", "disagree", "neither", "agree", "strongly agree", NOT_RECORDED)
FREQUENCY = ("never", "rarely", "sometimes", "often", "always", NOT_RECORDED)
AMOUNT = ("not at all", "a little", "quite a lot", "a lot", NOT_RECORDED)
YES_NO = ("yes", "no", "not sure", NOT_RECORDED)
RECORDED = ("yes", "no", NOT_RECORDED)

POPULATIONS = (
    Population(
        "staff_surveys",
        "Staff surveys returned",
        (
            Question(
                "attend_formulation",
                "How often staff attend formulation meetings",
                "attend_formulation",
                FREQUENCY,
            ),
            Question(
                "supervision_access",
                "Staff who can access supervision",
                "supervision_access",
                AGREEMENT,
            ),
            Question(
                "released_for_support",
                "How often staff are released for support",
                "released_for_support",
                FREQUENCY,
            ),
        ),
    ),
    Population(
        "cyp_surveys",
        "Children's surveys returned",
        (
            Question("felt_safe", "Children who felt safe", "felt_safe", AMOUNT),
            Question("listened_to", "Children who felt listened to", "listened_to", AMOUNT),
            Question(
                "involved_in_formulation",
                "Children involved in their formulation",
                "involved_in_formulation",
                YES_NO,
            ),
            Question("has_goals", "Children with goals for the future", "has_goals", YES_NO),
        ),
    ),
    Population(
        "admin_cases",
        "Administrative cases",
        (
            Question("formulation", "Cases with a formulation", "formulation", RECORDED),
            Question(
                "transition_plan", "Cases with a transition plan", "transition_plan", RECORDED
            ),
            Question(
                "education_engaged", "Cases engaged in education", "education_engaged", RECORDED
            ),
        ),
    ),
    Population("staff_interviews", "Staff interviews and focus groups"),
    Population("cyp_interviews", "Children's interviews"),
)


def _yes_no(values: pd.Series) -> pd.Series:
    return values.map({True: "yes", False: "no"}).astype("string")


def release_records(data_dir: Path) -> dict[str, pd.DataFrame]:
    """The records of every population, read from the harmonised tables."""
    admin = loading.load_admin(data_dir).copy()
    for column in ("formulation", "transition_plan", "education_engaged"):
        admin[column] = _yes_no(admin[column])
    interviews = loading.load_interviews(data_dir)
    return {
        "staff_surveys": loading.load_staff_survey(data_dir),
        "cyp_surveys": loading.load_cyp_survey(data_dir),
        "admin_cases": admin,
        "staff_interviews": interviews[interviews["participant_group"] == "staff"],
        "cyp_interviews": interviews[interviews["participant_group"] == "cyp"],
    }


def site_release(data_dir: Path) -> Release:
    """The release every site report of one build is drawn from."""
    sites = loading.load_sites(data_dir)
    return build_release(release_records(data_dir), POPULATIONS, sites, config.YEARS)


def load_or_build_release(release_path: str | Path, data_dir: str | Path) -> Release:
    """The build's release if its path is given, else one computed from the data folder."""
    from analysis.statistics.release_files import read_release

    if str(release_path):
        return read_release(release_path)
    return site_release(loading.resolve_data_dir(data_dir))
