"""The reach program (tests/engine/data/reach.yaml), run: a matched mentee, re-matched.

Shared by the tests of a form's `scope: person`, of `requires.fresh_forms` and of
`requires.min_days_since`: what issue 13 found the format could not say.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mentorflow import engine
from mentorflow.engine.records.database import Database
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People

REACH = Path(__file__).resolve().parent / "data" / "reach.yaml"
PROGRAM = "reach-program"


def reach_workflow(programs: dict[str, engine.Program], db: Database, clock: Clock) -> Workflow:
    reach = engine.load_file(REACH)
    return Workflow({**programs, reach.id: reach}, db, clock=clock)


@dataclass(frozen=True)
class Cast:
    mentee: Actor
    mentors: tuple[Actor, Actor]
    mentor_ids: tuple[str, str]  # their enrollments
    coordinator: Actor
    enrollment_id: str  # the mentee's


def screened(workflow: Workflow, people: People) -> Cast:
    """A screened mentee, waiting for one of two available mentors."""
    mentee = people.person("nia@example.gov", "Nia New")
    coordinator = people.person("cora@example.gov", "Cora", coordinates=PROGRAM)
    mentors, mentor_ids = [], []
    for email, name in (("sid@example.gov", "Sid Senior"), ("val@example.gov", "Val Veteran")):
        mentor = people.person(email, name)
        enrollment = workflow.apply(PROGRAM, "mentor", mentor, {"name": name})
        workflow.take(enrollment.id, "accept", coordinator)
        mentors.append(mentor)
        mentor_ids.append(enrollment.id)
    enrollment = workflow.apply(PROGRAM, "mentee", mentee, {"name": "Nia New"})
    workflow.take(enrollment.id, "screen", coordinator)
    return Cast(
        mentee,
        (mentors[0], mentors[1]),
        (mentor_ids[0], mentor_ids[1]),
        coordinator,
        enrollment.id,
    )


def active(workflow: Workflow, people: People) -> Cast:
    """The mentee matched with the first mentor, both forms filed, the pair started."""
    cast = screened(workflow, people)
    workflow.match(cast.enrollment_id, cast.mentor_ids[0], cast.coordinator)
    workflow.submit(cast.enrollment_id, "safety_certificate", cast.mentee, {"number": "SC-1"})
    workflow.submit(cast.enrollment_id, "field_plan", cast.mentee, {"sites": "Bridge 9"})
    assert workflow.take(cast.enrollment_id, "start", cast.coordinator).state == "active"
    return cast
