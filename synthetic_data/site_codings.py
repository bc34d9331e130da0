"""How each pseudonymous site codes its administrative submission (admin_codebook.csv).

Sites submitted in their own formats, as in the evaluation: own column names, yes/no
codes, date formats, category labels and missing-value markers, and some fields never
returned at all.  A few coding styles are shared between sites; which fields a site
returned differs site by site.  Nothing here is random: codings are site properties.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

FIELDS = (
    "case_id", "placement_type", "age_band", "admission_month", "discharge_month",
    "formulation", "formulation_month", "disciplines_present", "child_involvement",
    "self_harm_incidents", "assault_incidents", "restraint_incidents", "days_in_placement",
    "transition_plan", "education_engaged",
)  # fmt: skip
KIND = {
    "case_id": "identifier",
    "placement_type": "category",
    "age_band": "category",
    "child_involvement": "category",
    "admission_month": "month",
    "discharge_month": "month",
    "formulation_month": "month",
    "formulation": "boolean",
    "transition_plan": "boolean",
    "education_engaged": "boolean",
}  # every other field is an integer count
FORMULATION_DETAIL = ("formulation_month", "disciplines_present", "child_involvement")


@dataclass(frozen=True)
class Style:
    """One way of coding a submission: column names (in FIELDS order) and value codes."""

    columns: tuple[str, ...]
    boolean: dict[str, bool | None]
    month: str
    placement: dict[str, str | None]
    age: dict[str, str | None]
    involvement: dict[str, str | None]
    integer: dict[str, int | None] | None = None


STYLES = {
    "A": Style(
        FIELDS,
        {"Y": True, "N": False},
        "%Y-%m",
        {"justice": "justice", "welfare": "welfare"},
        {"10-14": "10-14", "15": "15", "16": "16", "17": "17"},
        {"direct": "direct", "indirect": "indirect", "none": "none"},
    ),
    "B": Style(
        ("Case Ref", "Legal status", "Age", "Date of admission", "Date of discharge",
         "Formulation completed", "Formulation date", "No. of disciplines", "YP involvement",
         "Self harm", "Assaults", "Restraints", "Days in placement", "Transition plan",
         "In education"),
        {"Yes": True, "No": False, "Not known": None},
        "%d/%m/%Y",
        {"Remand": "justice", "Sentenced": "justice", "S25 welfare": "welfare",
         "Not known": None},
        {"10": "10-14", "11": "10-14", "12": "10-14", "13": "10-14", "14": "10-14",
         "15": "15", "16": "16", "17": "17"},
        {"In person": "direct", "Through keyworker": "indirect", "Not involved": "none",
         "Not known": None},
    ),
    "C": Style(
        ("ID", "PLACEMENT", "AGE_GRP", "ADM", "DIS", "FORM", "FORM_DT", "N_DISC", "CYP_INV",
         "SH", "ASLT", "RSTR", "LOS", "TP", "EDU"),
        {"1": True, "0": False, "9": None},
        "%m/%Y",
        {"J": "justice", "W": "welfare", "9": None},
        {"U15": "10-14", "15": "15", "16": "16", "17": "17"},
        {"D": "direct", "I": "indirect", "N": "none", "9": None},
        {"-9": None},
    ),
    "D": Style(
        ("case", "placement_basis", "age_at_admission", "admitted", "discharged",
         "has_formulation", "formulation_agreed", "disciplines", "involvement", "self_harm",
         "assaults", "restraints", "exposure_days", "transition_plan_in_place", "education"),
        {"TRUE": True, "FALSE": False},
        "%b-%Y",
        {"YJB": "justice", "Local authority": "welfare"},
        {"10-14": "10-14", "15 yrs": "15", "16 yrs": "16", "17 yrs": "17"},
        {"direct": "direct", "indirect": "indirect", "none": "none", "n/k": None},
    ),
    "E": Style(
        ("Ref", "Placement", "AgeBand", "AdmissionMonth", "DischargeMonth", "Formulation",
         "FormulationMonth", "Disciplines", "Involvement", "SelfHarm", "Assault", "Restraint",
         "Days", "TransitionPlan", "Education"),
        {"y": True, "n": False},
        "%Y%m",
        {"JUS": "justice", "WEL": "welfare"},
        {"1": "10-14", "2": "15", "3": "16", "4": "17"},
        {"1": "direct", "2": "indirect", "3": "none"},
    ),
    "F": Style(
        ("Young person ID", "Basis of placement", "Age band", "Admission date",
         "Discharge date", "Formulation in place", "Date formulation agreed",
         "Disciplines at meeting", "Child involvement", "Self-harm incidents",
         "Assaults on others", "Physical restraints", "Length of stay (days)",
         "Transition plan", "Engaged in education"),
        {"True": True, "False": False},
        "%Y-%m-%d",
        {"Justice": "justice", "Welfare": "welfare", "Unknown": None},
        {"10 to 14": "10-14", "15": "15", "16": "16", "17": "17"},
        {"Direct": "direct", "Indirect": "indirect", "None": "none", "Unknown": None},
        {"unknown": None},
    ),
    "G": Style(
        ("CASE NO", "STATUS", "AGE", "ADMITTED", "LEFT", "FORMULATION", "FORMULATION MONTH",
         "DISCIPLINES", "CYP ROLE", "SELF HARM", "ASSAULTS", "RESTRAINTS", "DAYS",
         "TRANSITION PLAN", "EDUCATION"),
        {"YES": True, "NO": False},
        "%B %Y",
        {"JUSTICE": "justice", "WELFARE": "welfare"},
        {"10-14": "10-14", "15": "15", "16": "16", "17": "17"},
        {"DIRECT": "direct", "INDIRECT": "indirect", "NONE": "none"},
    ),
}  # fmt: skip

SITE_STYLE = {
    "S01": "A", "S02": "B", "S03": "C", "S04": "D", "S05": "E", "S06": "F",
    "S07": "G", "S08": "A", "S09": "C", "S10": "B", "S11": "D", "S12": "F",
    "S13": "E", "S14": "G", "S15": "B", "S16": "D", "S17": "C", "S18": "E",
}  # fmt: skip

# Fields a site never returned (formulation itself: targets.yaml design.admin.formulation_sites).
NOT_RETURNED = {
    "placement_type": ["S03", "S11", "S17"],
    "age_band": ["S06", "S14"],
    "discharge_month": ["S10"],
    "formulation_month": ["S05", "S08", "S12"],
    "disciplines_present": ["S01", "S12", "S16"],
    "child_involvement": ["S02", "S05", "S08"],
    "self_harm_incidents": ["S04", "S06", "S10", "S14", "S17", "S18"],
    "assault_incidents": ["S02", "S04", "S05", "S06", "S10", "S14", "S17", "S18"],
    "restraint_incidents": ["S04", "S06", "S10", "S12", "S14", "S17", "S18"],
    "days_in_placement": ["S04", "S06", "S08", "S10", "S14", "S17", "S18"],
    "transition_plan": ["S03", "S04", "S05", "S10", "S12", "S14", "S15", "S18"],
    "education_engaged": ["S01", "S06", "S09", "S11", "S16", "S17"],
}  # fmt: skip


def returned_fields(site_id: str, formulation_sites: list[str]) -> list[str]:
    """Harmonised fields present in a site's submission, in FIELDS order."""
    fields = []
    for field in FIELDS:
        formulation_field = field == "formulation" or field in FORMULATION_DETAIL
        if formulation_field and site_id not in formulation_sites:
            continue
        if site_id in NOT_RETURNED.get(field, ()):
            continue
        fields.append(field)
    return fields


def field_coding(style: Style, field: str) -> Any:
    """The coding of one field in one style: a raw -> value map, a date format, or None."""
    kind = KIND.get(field, "integer")
    if kind == "boolean":
        return style.boolean
    if kind == "month":
        return style.month
    if kind == "integer":
        return style.integer
    return {
        "placement_type": style.placement,
        "age_band": style.age,
        "child_involvement": style.involvement,
    }.get(field)


def build_codebook(site_ids: list[str], targets: dict[str, Any]) -> pd.DataFrame:
    """admin_codebook.csv: one row per site and returned field."""
    formulation_sites = targets["design"]["admin"]["formulation_sites"]
    rows = []
    for site_id in sorted(site_ids):
        style = STYLES[SITE_STYLE[site_id]]
        for field in returned_fields(site_id, formulation_sites):
            coding = field_coding(style, field)
            rows.append(
                {
                    "site_id": site_id,
                    "field": field,
                    "source_column": style.columns[FIELDS.index(field)],
                    "kind": KIND.get(field, "integer"),
                    "coding": coding
                    if isinstance(coding, str) or coding is None
                    else json.dumps(coding, ensure_ascii=False),
                }
            )
    return pd.DataFrame(rows, columns=["site_id", "field", "source_column", "kind", "coding"])
