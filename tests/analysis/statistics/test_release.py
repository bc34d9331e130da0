"""The release: primary rules, audited secondary suppression, the STC, and the guarantee.

The guarantee is checked with the attacker of `tests/disclosure_attack.py`, an integer
program written apart from the release code, over the values the release publishes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis.config import DEFAULT_DATA_DIR, SDC_SYMBOL
from analysis.data import loading
from analysis.errors import ParameterError
from analysis.report.site_release import POPULATIONS, release_records
from analysis.statistics.release import (
    NOT_RECORDED,
    Population,
    Question,
    build_release,
)
from analysis.statistics.release_audit import rounding_interval
from tests.disclosure_attack import Observation, attack_records

ANSWERS = ("no", "yes", NOT_RECORDED)
QUESTION = Question("q", "A question", "q", ANSWERS)
POPULATION = Population("people", "People", (QUESTION,))


def _sites(groups: dict[str, str]) -> pd.DataFrame:
    setting = {"SCH": "SCH", "YOI/STC": "YOI"}
    rows = [(site, setting[group], group) for site, group in groups.items()]
    frame = pd.DataFrame(rows, columns=["site_id", "setting_type", "reporting_group"])
    return frame


def _records(cells: dict[tuple[str, int, str], int]) -> pd.DataFrame:
    rows = [(site, year, answer) for (site, year, answer), n in cells.items() for _ in range(n)]
    frame = pd.DataFrame(rows, columns=["site_id", "year", "q"])
    frame["q"] = frame["q"].replace({NOT_RECORDED: None})
    return frame


def _observations(release, populations) -> list[Observation]:
    found = []
    for (population, item, level, site), value in release.site_values.items():
        shown = "not shown" if value.shown is None else str(value.shown)
        found.append(Observation(population, item, level, site, shown))
    return found


def _attack(release, records, sites, questions):
    text = {}
    for key, frame in records.items():
        frame = frame.copy()
        for column in questions[key]:
            frame[column] = frame[column].astype("string").fillna(NOT_RECORDED).str.lower()
        text[key] = frame
    stc = tuple(sites.loc[sites["setting_type"] == "STC", "site_id"])
    return attack_records(_observations(release, None), text, sites, stc, questions)


def test_small_counts_are_suppressed_and_others_rounded():
    sites = _sites({"A": "SCH", "B": "SCH", "C": "SCH"})
    cells = {
        ("A", 1, "yes"): 30,
        ("A", 1, "no"): 12,
        ("B", 1, "yes"): 3,
        ("B", 1, "no"): 40,
        ("C", 1, "yes"): 22,
        ("C", 1, "no"): 26,
    }
    release = build_release({"people": _records(cells)}, [POPULATION], sites, years=(1,))
    assert release.site_value("people", "q", "yes", "B").shown == SDC_SYMBOL
    assert release.site_value("people", "q", "yes", "B").rule == "threshold"
    assert release.site_value("people", "q", "yes", "A").shown in (30, SDC_SYMBOL)
    assert release.group_values[("people", "q", "yes", "SCH")] == 55
    assert release.national_values[("people", "year", "Total")] == 133
    # the lone suppressed value in B's line can be narrowed by neither its line nor its column
    breaches, attacked = _attack(release, {"people": _records(cells)}, sites, {"people": ("q",)})
    assert attacked and [str(b) for b in breaches] == []


def test_none_and_all_of_a_small_group_are_suppressed():
    sites = _sites({"A": "SCH", "B": "SCH", "C": "SCH"})
    cells = {("A", 1, "yes"): 12, ("B", 1, "yes"): 30, ("B", 1, "no"): 30, ("C", 1, "no"): 40}
    release = build_release({"people": _records(cells)}, [POPULATION], sites, years=(1,))
    assert release.site_value("people", "q", "yes", "A").shown == SDC_SYMBOL
    assert release.site_value("people", "q", "yes", "A").rule == "small-group-share"
    assert release.site_value("people", "q", "no", "A").shown == SDC_SYMBOL
    # the same all-or-none answer in a group of 40 does not fire the rule
    assert release.site_value("people", "q", "yes", "C").rule != "small-group-share"


def test_the_stc_has_no_values_of_its_own():
    sites = _sites({"Y1": "YOI/STC", "Y2": "YOI/STC", "T": "YOI/STC"})
    sites.loc[sites["site_id"] == "T", "setting_type"] = "STC"
    cells = {(s, 1, a): n for s in ("Y1", "Y2", "T") for a, n in (("yes", 20), ("no", 25))}
    release = build_release({"people": _records(cells)}, [POPULATION], sites, years=(1,))
    assert not [key for key in release.site_values if key[3] == "T"]
    assert release.reported_sites() == ["Y1", "Y2"]
    breaches, attacked = _attack(release, {"people": _records(cells)}, sites, {"people": ("q",)})
    assert attacked and [str(b) for b in breaches] == []


def test_unknown_answers_and_missing_records_are_refused():
    sites = _sites({"A": "SCH"})
    bad = _records({("A", 1, "maybe"): 3})
    with pytest.raises(ParameterError, match="maybe"):
        build_release({"people": bad}, [POPULATION], sites, years=(1,))
    with pytest.raises(ParameterError, match="no records"):
        build_release({}, [POPULATION], sites, years=(1,))


def test_rounding_interval_excludes_suppressed_counts():
    assert rounding_interval(10, 5, 7) == (8, 12)
    assert rounding_interval(25, 5, 7) == (23, 27)


def test_the_bundled_data_release_withstands_the_attacker():
    records = release_records(DEFAULT_DATA_DIR)
    sites = loading.load_sites(DEFAULT_DATA_DIR)
    release = build_release(records, POPULATIONS, sites)
    questions = {p.key: tuple(q.column for q in p.questions) for p in POPULATIONS}
    breaches, attacked = _attack(release, records, sites, questions)
    assert attacked > 500
    assert [str(b) for b in breaches] == []


# --- property: small counts anywhere, the guarantee still holds ------------------------------

PERTURBED = [p for p in POPULATIONS if p.key in ("cyp_surveys", "staff_interviews")]
REGISTER = loading.load_sites(DEFAULT_DATA_DIR)
BASE = {
    k: v for k, v in release_records(DEFAULT_DATA_DIR).items() if k in {p.key for p in PERTURBED}
}

change = st.tuples(
    st.sampled_from([p.key for p in PERTURBED]),
    st.sampled_from(REGISTER["site_id"].tolist()),
    st.sampled_from([1, 2, 3]),
    st.integers(min_value=-6, max_value=6),
    st.integers(min_value=0, max_value=2**16),
)


def _perturb(changes) -> dict[str, pd.DataFrame]:
    """Add or drop up to 6 records in each chosen (population, site, year) cell."""
    records = {k: v.copy() for k, v in BASE.items()}
    for population, site, year, delta, seed in changes:
        frame = records[population]
        cell = frame[(frame["site_id"] == site) & (frame["year"] == year)]
        rng = np.random.default_rng(seed)
        if delta < 0:
            drop = cell.index[: min(-delta, len(cell))]
            records[population] = frame.drop(index=drop)
        elif delta > 0:
            template = frame.sample(n=delta, replace=True, random_state=seed).copy()
            template["site_id"], template["year"] = site, year
            for question in next(p for p in PERTURBED if p.key == population).questions:
                answers = [a for a in question.answers if a != NOT_RECORDED]
                template[question.column] = rng.choice(answers, size=delta)
            records[population] = pd.concat([frame, template], ignore_index=True)
    return records


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(change, min_size=1, max_size=6))
def test_guarantee_holds_when_small_counts_change_anywhere(changes):
    records = _perturb(changes)
    release = build_release(records, PERTURBED, REGISTER)
    questions = {p.key: tuple(q.column for q in p.questions) for p in PERTURBED}
    breaches, attacked = _attack(release, records, REGISTER, questions)
    assert attacked
    assert [str(b) for b in breaches] == []
