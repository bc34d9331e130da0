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
from analysis.validation.failures import MAX_EXAMPLES, MAX_LINES, Failure
from analysis.validation.files import TextTable
from analysis.validation.identifiers import identifier_pattern, is_site_id
from analysis.validation.locations import RowSource, first_lines, rows_by_file

DATASET = "cross-table"
REPORTING_GROUP = {"YOI": "YOI/STC", "STC": "YOI/STC", "SCH": "SCH"}


def _examples(values) -> tuple[str, ...]:
    return tuple(inert_text(value) for value in list(dict.fromkeys(values))[:MAX_EXAMPLES])


def _located(
    dataset: str,
    column: str,
    rule: str,
    wrong: pd.Series,
    shown: pd.Series,
    source: RowSource,
) -> list[Failure]:
    """One Failure per file holding rows where ``wrong`` is true, naming their lines."""
    positions = [int(p) for p in wrong.to_numpy().nonzero()[0]]
    failures = []
    for file, rows in rows_by_file(source, positions).items():
        values = shown.iloc[[position for position, _ in rows]]
        label = source.column_label(file, column)
        lines = first_lines(rows)
        failures.append(Failure(dataset, file, label, rule, len(rows), _examples(values), lines))
    return failures


def admin_files_match_codebook(
    submitted_sites: list[str], codebook: pd.DataFrame | None, register: pd.DataFrame | None
) -> list[Failure]:
    """Every admin file is named for a site id, and every site with an admin file is in the
    codebook and register, and vice versa."""
    failures = [
        Failure(
            DATASET,
            f"admin/{inert_text(site)}.csv",
            "",
            f"admin files are named <site_id>.csv, with site ids matching "
            f"{identifier_pattern('sites', 'site_id')}",
        )
        for site in submitted_sites
        if not is_site_id(site)
    ]
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
    tables: Mapping[str, tuple[RowSource, pd.DataFrame | None]], register: pd.DataFrame | None
) -> list[Failure]:
    """Each row's setting_type is its site's setting type in the register.

    ``tables`` maps a dataset name to (where its rows came from, frame) for tables with
    site_id and setting_type.
    """
    if register is None or not {"site_id", "setting_type"} <= set(register):
        return []
    setting_of = dict(zip(register["site_id"], register["setting_type"], strict=True))
    failures = []
    for dataset, (source, frame) in tables.items():
        if frame is None or not {"site_id", "setting_type"} <= set(frame):
            continue
        expected = frame["site_id"].map(setting_of)
        wrong = expected.notna() & frame["setting_type"].notna()
        wrong &= frame["setting_type"].astype(str) != expected.astype(str)
        if wrong.any():
            shown = frame["site_id"] + ": " + frame["setting_type"]
            rule = "setting_type is the site's setting type in the site register (sites.csv)"
            failures += _located(dataset, "setting_type", rule, wrong, shown, source)
    return failures


def reporting_groups_follow_settings(
    register: pd.DataFrame | None, source: RowSource
) -> list[Failure]:
    """The register reports the STC with the YOIs and each SCH as SCH."""
    if register is None or not {"setting_type", "reporting_group"} <= set(register):
        return []
    expected = register["setting_type"].map(REPORTING_GROUP)
    wrong = expected.notna() & (register["reporting_group"].astype(str) != expected.astype(str))
    if not wrong.any():
        return []
    shown = register["site_id"] + ": " + register["reporting_group"]
    rule = "reporting_group is YOI/STC for YOI and STC sites and SCH for SCH sites"
    return _located("sites", "reporting_group", rule, wrong, shown, source)


def interviews_at_case_study_sites(
    interviews: pd.DataFrame | None, register: pd.DataFrame | None, source: RowSource
) -> list[Failure]:
    """Interviews come only from the register's case-study sites."""
    if interviews is None or register is None or "case_study" not in register:
        return []
    case_study = set(register.loc[register["case_study"].fillna(False).astype(bool), "site_id"])
    known = interviews["site_id"].isin(set(register["site_id"].dropna()))
    wrong = known & ~interviews["site_id"].isin(case_study)
    if not wrong.any():
        return []
    rule = "interviews come from case-study sites (case_study in sites.csv)"
    return _located("interviews", "site_id", rule, wrong, interviews["site_id"], source)


def excerpts_refer_to_interviews(
    excerpts: pd.DataFrame | None, interviews: pd.DataFrame | None, source: RowSource
) -> list[Failure]:
    """Every excerpt's interview_id is an interview in interviews.csv."""
    if excerpts is None or interviews is None or "interview_id" not in excerpts:
        return []
    unknown = excerpts["interview_id"].notna() & ~excerpts["interview_id"].isin(
        set(interviews["interview_id"].dropna())
    )
    if not unknown.any():
        return []
    rule = "interview_id is in interviews.csv"
    shown = excerpts["interview_id"]
    return _located("interview_excerpts", "interview_id", rule, unknown, shown, source)


def case_ids_unique_across_files(
    submissions: Mapping[str, TextTable], codebook: pd.DataFrame | None
) -> list[Failure]:
    """No case id appears in two sites' admin files (each file names the others)."""
    if codebook is None or not {"site_id", "field", "source_column"} <= set(codebook):
        return []
    identifiers = codebook[codebook["field"] == "case_id"]
    source_of = dict(zip(identifiers["site_id"], identifiers["source_column"], strict=False))
    frames = []
    for site, text in sorted(submissions.items()):
        column = source_of.get(site)
        if text.frame is None or column not in text.frame:
            continue
        ids = text.frame[column].str.strip()
        frames.append(
            pd.DataFrame(
                {"case_id": ids, "file": text.file, "column": column, "position": range(len(ids))}
            )
        )
    if not frames:
        return []
    everything = pd.concat(frames, ignore_index=True).dropna(subset=["case_id"])
    files_of = everything.groupby("case_id")["file"].nunique()
    shared = everything[everything["case_id"].isin(files_of[files_of > 1].index)]
    texts = {text.file: text for text in submissions.values()}
    failures = []
    for file, rows in shared.groupby("file", sort=True):
        others = sorted(set(shared.loc[shared["case_id"].isin(rows["case_id"]), "file"]) - {file})
        text = texts[file]
        failures.append(
            Failure(
                DATASET,
                file,
                str(rows["column"].iloc[0]),
                f"case ids are unique across sites (also in {', '.join(others)})",
                len(rows),
                _examples(rows["case_id"]),
                tuple(text.lines_of(list(rows["position"])[:MAX_LINES])),
            )
        )
    return failures
