"""Each criterion's points explained in words, for every kind of criterion, from the
definition's own criteria, fields and choice labels (here general-mentoring's seven); a
criterion changed in the definition changes the words."""

from __future__ import annotations

from typing import Any

import pytest

from mentorflow import engine
from mentorflow.engine.rules.scoring import Candidate, explain, pair_score
from mentorflow.engine.service.matching_review import explained, warnings_of

GENERAL = "general-mentoring"
MENTEE = {
    "interests": ["Project management", "Budgeting and finance"],
    "availability": ["Weekday mornings"],
    "meeting_formats": ["In person", "Video call"],
    "learning_style": "doing",
    "division": "Field Services",
    "years_of_service": 2,
    "hours_per_month": 2,
}
MENTOR = {
    "expertise": ["Project management"],
    "availability": ["Weekday mornings", "Early evenings"],
    "meeting_formats": ["Video call"],
    "working_style": "observing",
    "division": "Operations",
    "years_of_service": 20,
    "hours_per_month": 4,
}


def pair(mentee: dict[str, Any], mentor: dict[str, Any]) -> tuple[Candidate, Candidate]:
    return (
        Candidate("e1", "Pia Mentee", "pia@example.gov", mentee),
        Candidate("e2", "Ann Mentor", "ann@example.gov", mentor, places=2),
    )


@pytest.fixture
def program(programs: dict[str, engine.Program]) -> engine.Program:
    return programs[GENERAL]


def words(program: engine.Program, mentee: dict[str, Any], mentor: dict[str, Any]) -> dict:
    a, b = pair(mentee, mentor)
    found = explained(program, a, b, pair_score(program, a, b).points)
    return {p.criterion.id: (p.points, p.why) for p in found}


def test_every_kind_of_criterion_is_explained(program: engine.Program) -> None:
    assert words(program, MENTEE, MENTOR) == {
        "needs": (1.5, "shares 1 of 2: Project management"),
        "availability": (2.0, "shares 1 of 1: Weekday mornings"),
        "meeting_format": (0.5, "shares 1 of 2: Video call"),
        "style": (0.0, "not the same: mentee Learning by doing, mentor Observing and shadowing"),
        "other_division": (1.0, "different: mentee Field Services, mentor Operations"),
        "seniority": (1.0, "mentor 20, mentee 2: mentor has at least 5 more"),
        "time": (0.0, "mentee 2, mentor 4: 2 apart, more than 1"),
    }


@pytest.mark.parametrize(
    ("changed", "criterion", "expected"),
    [
        (
            {"meeting_formats": ["Phone call"]},
            "meeting_format",
            (0.0, "shares none of the mentee's 2"),
        ),
        ({"working_style": "doing"}, "style", (1.0, "both Learning by doing")),
        (
            {"working_style": None},
            "style",
            (0.0, "not the same: mentee Learning by doing, mentor no answer"),
        ),
        ({"division": "Field Services"}, "other_division", (0.0, "the same: both Field Services")),
        (
            {"division": ""},
            "other_division",
            (0.0, "cannot tell: mentee Field Services, mentor no answer"),
        ),
        (
            {"years_of_service": 6},
            "seniority",
            (0.0, "mentor 6, mentee 2: mentor has less than 5 more"),
        ),
        (
            {"years_of_service": 7},
            "seniority",
            (1.0, "mentor 7, mentee 2: mentor has at least 5 more"),
        ),
        ({"hours_per_month": 3}, "time", (1.0, "mentee 2, mentor 3: 1 apart, within 1")),
        ({"hours_per_month": None}, "time", (0.0, "cannot compare: mentee 2, mentor no answer")),
    ],
)
def test_the_words_follow_the_answers(
    program: engine.Program, changed: dict[str, Any], criterion: str, expected: tuple
) -> None:
    assert words(program, MENTEE, {**MENTOR, **changed})[criterion] == expected


def test_a_mentee_who_chose_nothing(program: engine.Program) -> None:
    found = words(program, {**MENTEE, "interests": []}, MENTOR)
    assert found["needs"] == (0.0, "the mentee chose none")


def test_the_words_come_from_the_definition(program: engine.Program) -> None:
    """The criterion's margin and the choices' labels are read from the definition."""
    assert program.matching is not None
    seniority = next(c for c in program.matching.criteria if c.id == "seniority")
    a, b = pair(MENTEE, {**MENTOR, "years_of_service": 9})
    assert explain(program, seniority, a, b) == "mentor 9, mentee 2: mentor has at least 5 more"
    stricter = seniority.model_copy(update={"margin": 10})
    assert explain(program, stricter, a, b) == "mentor 9, mentee 2: mentor has less than 10 more"


def test_a_warning_names_the_criteria_without_points(program: engine.Program) -> None:
    a, b = pair(MENTEE, MENTOR)
    found = explained(program, a, b, pair_score(program, a, b).points)
    assert warnings_of(found) == ("no points for Working and learning style, Hours per month",)
    c, d = pair(MENTEE, {**MENTOR, "working_style": "doing", "hours_per_month": 2})
    assert warnings_of(explained(program, c, d, pair_score(program, c, d).points)) == ()
