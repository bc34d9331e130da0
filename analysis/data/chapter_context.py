"""What a chapter notebook works on: checked parameters and the data they select.

Every chapter's first code cell after its parameters is

    ctx = ChapterContext.load(data_dir=data_dir, site=site, years=years,
                              setting_types=setting_types)

which checks the parameters before any computation and loads the harmonised
tables, filtered to the chosen site, years and setting types.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import pandas as pd

from analysis.config import NO_SITE_REPORT, SETTING_TYPES, YEARS
from analysis.data import loading
from analysis.data.result_memo import DataFolder, memo_folder, remembered
from analysis.errors import ParameterError

T = TypeVar("T")


@dataclass
class ChapterContext:
    """Parameters of one chapter run and the filtered tables they select."""

    data_dir: Path
    site: str | None = None
    years: tuple[int, ...] = YEARS
    setting_types: tuple[str, ...] = SETTING_TYPES
    sites: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    @classmethod
    def load(
        cls,
        data_dir: str | Path | None = "",
        site: str | None = "",
        years: Iterable[int] = YEARS,
        setting_types: Iterable[str] = SETTING_TYPES,
    ) -> ChapterContext:
        """Check the parameters against the data and return the context."""
        directory = loading.resolve_data_dir(data_dir)
        sites = loading.load_sites(directory)
        chosen_years = check_years(years)
        chosen_settings = check_setting_types(setting_types)
        check_whole_reporting_groups(
            chosen_settings, zip(sites["setting_type"], sites["reporting_group"], strict=True)
        )
        chosen_site = check_site(site, sites["site_id"].tolist())
        check_site_has_a_report(
            chosen_site, zip(sites["site_id"], sites["setting_type"], strict=True)
        )
        return cls(directory, chosen_site, chosen_years, chosen_settings, sites)

    @property
    def is_national(self) -> bool:
        """True for the national report; disclosure control applies otherwise."""
        return self.site is None

    @property
    def scope_label(self) -> str:
        """How the report names its scope: 'national' or 'site S07'."""
        return "national" if self.is_national else f"site {self.site}"

    def select(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows of a table that fall inside this chapter's site, years and setting types."""
        keep = pd.Series(True, index=frame.index)
        if self.site is not None and "site_id" in frame:
            keep &= frame["site_id"] == self.site
        if "year" in frame:
            keep &= frame["year"].isin(self.years)
        if "setting_type" in frame:
            keep &= frame["setting_type"].isin(self.setting_types)
        return frame.loc[keep].reset_index(drop=True)

    def remembered(self, name: str, compute: Callable[..., T], *inputs: object) -> T:
        """``compute(self, *inputs)``; in a build, computed once for this selection and inputs and
        shared by every chapter that asks (see :mod:`analysis.data.result_memo`).

        In a build it is computed from the selection's tables as the data folder holds them
        (a context with nothing loaded yet), so that every file it reads is recorded.
        """
        if memo_folder() is None:
            return compute(self, *inputs)
        selection = (DataFolder(self.data_dir), self.site, self.years, self.setting_types)
        return remembered(name, (*selection, *inputs), lambda: compute(self.unloaded(), *inputs))

    def unloaded(self) -> ChapterContext:
        """The same selection with no table loaded yet."""
        return ChapterContext(self.data_dir, self.site, self.years, self.setting_types, self.sites)

    @cached_property
    def admin(self) -> pd.DataFrame:
        """Harmonised administrative cases in scope."""
        return self.select(loading.load_admin(self.data_dir))

    @cached_property
    def staff_survey(self) -> pd.DataFrame:
        """Staff surveys in scope."""
        return self.select(loading.load_staff_survey(self.data_dir))

    @cached_property
    def cyp_survey(self) -> pd.DataFrame:
        """Children's surveys in scope."""
        return self.select(loading.load_cyp_survey(self.data_dir))

    @cached_property
    def interviews(self) -> pd.DataFrame:
        """Coded interviews in scope."""
        return self.select(loading.load_interviews(self.data_dir))

    @cached_property
    def interview_excerpts(self) -> pd.DataFrame:
        """Synthetic excerpts whose interviews are in scope."""
        excerpts = loading.load_interview_excerpts(self.data_dir)
        return excerpts[excerpts["interview_id"].isin(self.interviews["interview_id"])]

    @cached_property
    def economics_inputs(self) -> pd.DataFrame:
        """Inputs of the economic threshold analysis."""
        return loading.load_economics_inputs(self.data_dir)


def check_years(years: Iterable[int]) -> tuple[int, ...]:
    """Evaluation years, each in 1-3, at least one."""
    try:
        chosen = tuple(sorted({int(y) for y in years}))
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"years must be whole numbers from 1 to 3, got {years!r}") from exc
    if not chosen or any(y not in YEARS for y in chosen):
        raise ParameterError(f"years must be a non-empty subset of 1, 2, 3; got {list(years)!r}")
    return chosen


def check_setting_types(setting_types: Iterable[str]) -> tuple[str, ...]:
    """Setting types, each one of YOI, STC, SCH, at least one."""
    chosen = tuple(dict.fromkeys(str(s).upper() for s in setting_types))
    unknown = [s for s in chosen if s not in SETTING_TYPES]
    if not chosen or unknown:
        raise ParameterError(
            f"setting_types must be a non-empty subset of {', '.join(SETTING_TYPES)}; "
            f"unknown: {', '.join(unknown) or '(none given)'}"
        )
    return chosen


def check_whole_reporting_groups(
    setting_types: Iterable[str], register: Iterable[tuple[str, str]]
) -> None:
    """Refuse a selection that takes part of a reporting group (from the site register's
    (setting_type, reporting_group) pairs).

    The national report gives exact figures for each reporting group, so a report of part
    of a group, read beside it, shows the rest of the group by difference: YOIs without the
    STC would give the STC's own figures, which no report may show.
    """
    chosen = set(setting_types)
    groups: dict[str, set[str]] = {}
    for setting_type, group in register:
        groups.setdefault(str(group), set()).add(str(setting_type))
    for group, members in groups.items():
        taken, left = sorted(members & chosen), sorted(members - chosen)
        if taken and left:
            raise ParameterError(
                f"setting_types cannot take {', '.join(taken)} without {', '.join(left)}: the "
                f"report gives {group} figures together, so a report of part of them would show "
                f"{', '.join(left)} on its own by difference; choose all of {group} or none of "
                "it (e.g. YOI,STC or SCH)"
            )


def check_site_has_a_report(site: str | None, register: Iterable[tuple[str, str]]) -> None:
    """Refuse a site whose setting type has no report of its own (the single secure training
    centre), from the register's (site_id, setting_type) pairs."""
    if site is None:
        return
    types = dict(register)
    if types.get(site) in NO_SITE_REPORT:
        valid = ", ".join(s for s, kind in types.items() if kind not in NO_SITE_REPORT)
        raise ParameterError(
            f"site {site!r} is the secure training centre, which has no report of its own (it "
            f"is reported with the YOIs); valid sites: {valid}"
        )


def check_site(site: str | None, known_sites: list[str]) -> str | None:
    """A site id from the site register, or None for the national report."""
    if site is None or str(site).strip() in ("", "national", "all"):
        return None
    site = str(site).strip().upper()
    if site not in known_sites:
        raise ParameterError(f"unknown site {site!r}; valid sites: {', '.join(known_sites)}")
    return site
