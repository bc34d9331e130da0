"""The Framework for Integrated Care (SECURE STAIRS): its elements and the five questions."""

from __future__ import annotations

import pandas as pd

# The twelve elements, one per letter of S-E-C-U-R-E S-T-A-I-R-S, in the project's own words.
ELEMENTS: tuple[tuple[str, str, str], ...] = (
    ("S", "Skilled staff", "Staff hold the skills that the interventions children need call for."),
    ("E", "Emotionally resilient staff", "Staff stay focused on the child when behaviour is hard."),
    ("C", "Cared-for staff", "Supervision and support look after the people who give care."),
    (
        "U",
        "Understanding",
        "The whole setting shares knowledge of development, attachment and trauma.",
    ),
    ("R", "Reflective system", "Staff at every level think about how trauma shapes what happens."),
    ("E", "Every interaction matters", "Care is a whole-system task, not one team's job."),
    ("S", "Scoping", "Each child's pathway and life story are assessed clearly."),
    ("T", "Targets", "The child, staff and home agree goals for the time in the setting."),
    ("A", "Activators", "Every child has a formulation that explains what triggers difficulties."),
    (
        "I",
        "Interventions",
        "Core and specialist support follow from the formulation and the risks.",
    ),
    (
        "R",
        "Review and revise",
        "Real-life outcomes are tracked and reviewed against the formulation.",
    ),
    ("S", "Sustain", "Plans for keeping progress going after release start on arrival."),
)

QUESTIONS: tuple[tuple[int, str], ...] = (
    (
        1,
        "Did culture and practice change so care rests on multi-agency, co-produced formulations?",
    ),
    (
        2,
        "Did emotional and relational safety grow between staff and children, and across agencies?",
    ),
    (3, "Were staff cared for better?"),
    (4, "Could the framework improve children's life chances?"),
    (5, "Could its likely impact be good value for money?"),
)


def elements_table() -> pd.DataFrame:
    """The framework's elements as a table (letter, element, what it means)."""
    return pd.DataFrame(ELEMENTS, columns=["Letter", "Element", "What it means"])


def questions_table() -> pd.DataFrame:
    """The five evaluation questions."""
    return pd.DataFrame(
        [(f"Topic {n}", text) for n, text in QUESTIONS],
        columns=["Topic", "Question"],
    )


def describe_framework() -> str:
    """One paragraph introducing the elements, with their number counted from the list."""
    acronym = "".join(letter for letter, _, _ in ELEMENTS)
    return (
        f"The framework is organised around {len(ELEMENTS)} elements, one for each letter of "
        f"{acronym[:6]} {acronym[6:]} (@tbl-framework-elements). The first six concern the "
        "people and the system around the child; the last six follow the child's own pathway, "
        "from assessment on arrival to sustaining progress after leaving."
    )
