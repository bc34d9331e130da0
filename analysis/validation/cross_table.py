"""Checks across tables that a single table's suite cannot make.

Site ids in every table against the site register are a GX suite parameter (see
:mod:`analysis.validation.suites`); the checks here compare files with the codebook,
settings with the register and excerpts with the interviews. (A GX value set of every
interview id grows with the data and made that one expectation slower than the whole
admin suite at 100x, so it is a pandas check here.)
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.validation.display import inert_text
from analysis.validation.failures import MAX_EXAMPLES, Failure

DATASET = "cross-table"
REPORTING_GROUP = {"YOI": "YOI/STC", "STC": "YOI/STC", "SCH": "SCH"}


def _examples(values) -> tuple[str, ...]:
    return tuple(inert_text(value) for value in list(dict.fromkeys(values))[:MAX_EXAMPLES])


def admin_files_match_codebook(
    submitted_sites: list[str], codebook: pd.DataFrame | None, register: pd.DataFrame | None
) -> list[Failure]:
    """Every site with an admin file is in the codebook and register, and vice versa."""
    failures = []
    if codebook is not None and "site_id" in codebook:
        coded = set(codebook["site_id"].dropna().astype(str))
        for site in submitted_sites:
            if site not in coded:
                failures.append(
                    Failure(
                        DATASET,
                        f"admin/{site}.csv",
                        "",
                        "every site with an admin file has rows in admin_codebook.csv",
                    )
                )
        for site in sorted(coded - set(submitted_sites)):
            failures.append(
                Failure(
                    DATASET,
                    f"admin/{site}.csv",
                    "",
                    "file is present (every site in admin_codebook.csv submits admin/<site>.csv)",
                )
            )
    if register is not None and "site_id" in register:
        known = set(register["site_id"].dropna().astype(str))
        for site in submitted_sites:
            if site not in known:
                failures.append(
                    Failure(
                        DATASET,
                        f"admin/{site}.csv",
                        "",
                        "every site with an admin file is in the site register (sites.csv)",
                    )
                )
    return failures


def settings_agree_with_register(
    tables: Mapping[str, tuple[str, pd.DataFrame]], register: pd.DataFrame | None
) -> list[Failure]:
    """Each row's setting_type is its site's setting type in the register.

    ``tables`` maps a dataset name to (file, frame) for tables with site_id and setting_type.
    """
    if register is None or not {"site_id", "setting_type"} <= set(register):
        return []
    setting_of = dict(zip(register["site_id"], register["setting_type"], strict=True))
    failures = []
    for dataset, (file, frame) in tables.items():
        if frame is None or not {"site_id", "setting_type"} <= set(frame):
            continue
        expected = frame["site_id"].map(setting_of)
        wrong = expected.notna() & frame["setting_type"].notna()
        wrong &= frame["setting_type"].astype(str) != expected.astype(str)
        if wrong.any():
            shown = frame.loc[wrong, "site_id"] + ": " + frame.loc[wrong, "setting_type"]
            failures.append(
                Failure(
                    dataset,
                    file,
                    "setting_type",
                    "setting_type is the site's setting type in the site register",
                    int(wrong.sum()),
                    _examples(shown),
                )
            )
    return failures


def reporting_groups_follow_settings(register: pd.DataFrame | None, file: str) -> list[Failure]:
    """The register reports the STC with the YOIs and each SCH as SCH."""
    if register is None or not {"setting_type", "reporting_group"} <= set(register):
        return []
    expected = register["setting_type"].map(REPORTING_GROUP)
    wrong = expected.notna() & (register["reporting_group"].astype(str) != expected.astype(str))
    if not wrong.any():
        return []
    shown = register.loc[wrong, "site_id"] + ": " + register.loc[wrong, "reporting_group"]
    return [
        Failure(
            "sites",
            file,
            "reporting_group",
            "reporting_group is YOI/STC for YOI and STC sites and SCH for SCH sites",
            int(wrong.sum()),
            _examples(shown),
        )
    ]


def interviews_at_case_study_sites(
    interviews: pd.DataFrame | None, register: pd.DataFrame | None, file: str
) -> list[Failure]:
    """Interviews come only from the register's case-study sites."""
    if interviews is None or register is None or "case_study" not in register:
        return []
    case_study = set(register.loc[register["case_study"].fillna(False).astype(bool), "site_id"])
    known = interviews["site_id"].isin(set(register["site_id"].dropna()))
    wrong = known & ~interviews["site_id"].isin(case_study)
    if not wrong.any():
        return []
    return [
        Failure(
            "interviews",
            file,
            "site_id",
            "interviews come from case-study sites (case_study in sites.csv)",
            int(wrong.sum()),
            _examples(interviews.loc[wrong, "site_id"]),
        )
    ]


def excerpts_refer_to_interviews(
    excerpts: pd.DataFrame | None, interviews: pd.DataFrame | None, file: str
) -> list[Failure]:
    """Every excerpt's interview_id is an interview in interviews.csv."""
    if excerpts is None or interviews is None or "interview_id" not in excerpts:
        return []
    unknown = excerpts["interview_id"].notna() & ~excerpts["interview_id"].isin(
        set(interviews["interview_id"].dropna())
    )
    if not unknown.any():
        return []
    return [
        Failure(
            "interview_excerpts",
            file,
            "interview_id",
            "interview_id is in interviews.csv",
            int(unknown.sum()),
            _examples(excerpts.loc[unknown, "interview_id"]),
        )
    ]
