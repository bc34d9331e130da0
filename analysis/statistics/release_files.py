"""A release on disk: the build's private copy, each site's published export, the checker's log.

* ``release.json`` (build folder only): every value with the rule that fired; never published,
  since telling primary from secondary suppression would narrow the suppressed values.
* ``<site>/release.json`` (published with the site report): every number the report shows.
* ``<site>/disclosure-log.json`` (build folder, for the output checker): one record per table
  in the layout of ACRO's ``results.json`` (SACRO), listing each suppressed, withheld or rounded
  value and the rule that fired.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.statistics.release import (
    RULE_ROUNDED,
    RULE_SECONDARY,
    RULE_SMALL_GROUP,
    RULE_THRESHOLD,
    RULE_WITHHELD,
    Population,
    Question,
    Release,
    ReleasedValue,
)

LOG_VERSION = "stairs-report disclosure log 1 (ACRO results.json layout)"


def release_to_dict(release: Release) -> dict:
    """Everything in a release, rules included (for the build folder only)."""
    return {
        "years": list(release.years),
        "sites": release.sites.to_dict(orient="records"),
        "populations": [
            {
                "key": p.key,
                "title": p.title,
                "questions": [
                    {"key": q.key, "title": q.title, "column": q.column, "answers": list(q.answers)}
                    for q in p.questions
                ],
            }
            for p in release.populations
        ],
        "site_values": [[*key, v.shown, v.rule] for key, v in release.site_values.items()],
        "group_values": [[*key, n] for key, n in release.group_values.items()],
        "national_values": [[*key, n] for key, n in release.national_values.items()],
    }


def release_from_dict(data: dict) -> Release:
    """The release written by :func:`release_to_dict`."""
    populations = tuple(
        Population(
            p["key"],
            p["title"],
            tuple(
                Question(q["key"], q["title"], q["column"], tuple(q["answers"]))
                for q in p["questions"]
            ),
        )
        for p in data["populations"]
    )
    release = Release(populations, tuple(data["years"]), pd.DataFrame(data["sites"]))
    for *key, shown, rule in data["site_values"]:
        release.site_values[tuple(key)] = ReleasedValue(shown, rule)
    for *key, n in data["group_values"]:
        release.group_values[tuple(key)] = int(n)
    for *key, n in data["national_values"]:
        release.national_values[tuple(key)] = int(n)
    return release


def write_release(release: Release, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(release_to_dict(release), indent=0), encoding="utf-8")


def read_release(path: str | Path) -> Release:
    return release_from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


# --- the output checker's log ----------------------------------------------------------------

ACRO_CHECKS = ("negative", "missing", "threshold", "p-ratio", "nk-rule", "all-values-are-same")


def disclosure_log(release: Release, site: str, table_names: dict[tuple[str, str], str]) -> dict:
    """The output checker's log for one site report, in ACRO's ``results.json`` layout.

    One output per table (``table_names`` maps (population, item) to the table's caption); each
    lists the cells that were suppressed, withheld or rounded, and the rule that fired. Cells
    are [level, column] pairs as in ACRO; the extra ``rules`` lists name this project's rules.
    """
    now = datetime.now(UTC).isoformat(timespec="seconds")
    results = {}
    for number, ((population, item), name) in enumerate(table_names.items()):
        levels = release.levels(population, item)
        values = {lv: release.site_value(population, item, lv, site) for lv in levels}
        cells: dict[str, list] = {check: [] for check in ACRO_CHECKS}
        rules: dict[str, list] = {
            r: []
            for r in (RULE_THRESHOLD, RULE_SMALL_GROUP, RULE_SECONDARY, RULE_WITHHELD, RULE_ROUNDED)
        }
        for level, value in values.items():
            if value.rule in rules:
                rules[value.rule].append([level, "This site"])
            if value.rule == RULE_THRESHOLD:
                cells["threshold"].append([level, "This site"])
        protected = [r for r in (RULE_THRESHOLD, RULE_SMALL_GROUP, RULE_SECONDARY) if rules[r]]
        summary_parts = [f"{r}: {len(rules[r])} cells suppressed" for r in protected]
        if rules[RULE_WITHHELD]:
            summary_parts.append(f"{RULE_WITHHELD}: {len(rules[RULE_WITHHELD])} cells not shown")
        summary = "; ".join(summary_parts) or "pass"
        results[f"output_{number}"] = {
            "uid": f"output_{number}",
            "status": "review" if protected or rules[RULE_WITHHELD] else "pass",
            "type": "table",
            "properties": {"method": "crosstab", "population": population, "measure": item},
            "files": [
                {
                    "name": name,
                    "sdc": {
                        "summary": {
                            "suppressed": bool(protected),
                            **{check: len(cells[check]) for check in ACRO_CHECKS},
                        },
                        "cells": cells,
                        "rules": rules,
                    },
                }
            ],
            "outcome": {
                lv: {"This site": "ok" if v.rule in ("exact", RULE_ROUNDED) else v.rule}
                for lv, v in values.items()
            },
            "command": f"release of {population}/{item} for site {site}",
            "summary": summary,
            "timestamp": now,
            "comments": [
                f"counts 1-{config.SDC_SUPPRESS_MAX} suppressed; others rounded to the nearest "
                f"{config.SDC_ROUND_BASE}; 0% and 100% of a group under {config.SDC_SMALL_GROUP} "
                "suppressed; secondary suppression audited across every site report"
            ],
            "exception": "",
        }
    return {"version": LOG_VERSION, "site": site, "results": results}
