"""People for the matching review's tests, in the small program (tests/engine/data/small.yaml):
criteria Areas (overlap, weight 3, required), Style (same) and Seniority (at least 5 more
years). Each is applied and screened (mentees) or accepted (mentors) through the engine."""

from __future__ import annotations

import typing
from typing import Any

from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People

SMALL = "small-program"


def mentee(
    workflow: Workflow, people: People, coordinator: Actor, name: str, **answers: Any
) -> str:
    email = f"{name.lower().replace(' ', '.')}@example.gov"
    person = people.person(email, name)
    found = {
        "name": name,
        "email": email,
        "years_of_service": "1.5",
        "interests": ["Leadership"],
        "style": "hands_on",
        **answers,
    }
    typing.cast(Clock, workflow.clock).advance(0.01)  # application order
    enrollment = workflow.apply(SMALL, "mentee", person, found)
    workflow.take(enrollment.id, "screen", coordinator, {"notes": "Fine."})
    return enrollment.id


def mentor(
    workflow: Workflow, people: People, coordinator: Actor, name: str, **answers: Any
) -> str:
    email = f"{name.lower().replace(' ', '.')}@example.gov"
    person = people.person(email, name)
    found = {
        "name": name,
        "expertise": ["Leadership", "Writing"],
        "style": "hands_on",
        "years_of_service": "10",
        "max_mentees": "1",
        **answers,
    }
    typing.cast(Clock, workflow.clock).advance(0.01)
    enrollment = workflow.apply(SMALL, "mentor", person, found)
    workflow.take(enrollment.id, "accept", coordinator)
    return enrollment.id
