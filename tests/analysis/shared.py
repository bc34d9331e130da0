"""Helpers shared by several test modules of the analysis package."""

from __future__ import annotations

import re

import pandas as pd

from analysis.config import CHAPTERS_DIR


def economic_inputs() -> pd.DataFrame:
    """One cost item of £1,200 and three benefit components whose mid-points sum to £2,514.60."""
    return pd.DataFrame(
        {
            "item": ["staff support", "absence", "productivity", "turnover"],
            "kind": ["cost", "benefit", "benefit", "benefit"],
            "low": [900.0, 600.0, 300.0, 100.0],
            "mid": [1200.0, 1257.30, 838.20, 419.10],
            "high": [1500.0, 1900.0, 1300.0, 700.0],
            "description": ["c", "b1", "b2", "b3"],
        }
    )


def notebook_labels() -> set[str]:
    """Labels defined in chapter notebooks: cell options and heading ids."""
    import nbformat

    from analysis.pipeline.notebook_markdown import cell_options

    labels = set()
    for path in CHAPTERS_DIR.glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and "label" in cell_options(cell.source):
                labels.add(cell_options(cell.source)["label"])
            if cell.cell_type == "markdown":
                labels |= set(re.findall(r"^#+ .*\{#((?:sec|fig|tbl)-[\w-]+)", cell.source, re.M))
    return labels


def three_site_register(case_study: bool = True) -> pd.DataFrame:
    """A site register of one YOI, the STC and one SCH (S01, S02, S03)."""
    return pd.DataFrame(
        {
            "site_id": ["S01", "S02", "S03"],
            "setting_type": ["YOI", "STC", "SCH"],
            "reporting_group": ["YOI/STC", "YOI/STC", "SCH"],
            "case_study": [case_study] * 3,
        }
    )


def three_sch_release():
    """The release of one yes/no question over three SCHs (A: 30 yes of 55; B: 3 of 43;
    C: 22 of 48) in year one."""
    from analysis.statistics.release import NOT_RECORDED, Population, Question, build_release

    question = Question("q", "A question", "q", ("no", "yes", NOT_RECORDED))
    sites = pd.DataFrame(
        [("A", "SCH", "SCH"), ("B", "SCH", "SCH"), ("C", "SCH", "SCH")],
        columns=["site_id", "setting_type", "reporting_group"],
    )
    rows = [("A", 1, "yes")] * 30 + [("A", 1, "no")] * 25 + [("B", 1, "yes")] * 3
    rows += [("B", 1, "no")] * 40 + [("C", 1, "yes")] * 22 + [("C", 1, "no")] * 26
    records = pd.DataFrame(rows, columns=["site_id", "year", "q"])
    population = Population("people", "People", (question,))
    return build_release({"people": records}, [population], sites, years=(1,))
