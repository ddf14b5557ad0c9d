"""A small, known matching pool in the general program, set up through the engine.

Two mentors and three mentees waiting for a match, with answers chosen so that the
proposals are certain:

- Ann (Operations; project management and budgeting; mornings; doing) suits Pia best
  (score 10) and Quinn less (6);
- Ben (Human Resources; career planning; mornings; observing) suits Quinn best (10)
  and Pia less (6);
- Rex is free only in early evenings, so no mentor passes the hard constraint
  'Availability' and he is left without a mentor.

Each mentor takes one mentee (`max_mentees: 1`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.support import sample_answers, unique

GENERAL = "general-mentoring"
CRITERIA = (
    "needs",
    "availability",
    "meeting_format",
    "style",
    "other_division",
    "seniority",
    "time",
)

MENTOR_ANN = {
    "division": "Operations",
    "expertise": ["Project management", "Budgeting and finance"],
    "availability": ["Weekday mornings"],
    "meeting_formats": ["Video call"],
    "working_style": "doing",
    "years_of_service": 20,
    "hours_per_month": 2,
    "max_mentees": 1,
}
MENTOR_BEN = {
    **MENTOR_ANN,
    "division": "Human Resources",
    "expertise": ["Career planning"],
    "working_style": "observing",
    "years_of_service": 10,
}
MENTEE_PIA = {
    "division": "Field Services",
    "interests": ["Project management", "Budgeting and finance"],
    "availability": ["Weekday mornings"],
    "meeting_formats": ["Video call"],
    "learning_style": "doing",
    "years_of_service": 2,
    "hours_per_month": 2,
}
MENTEE_QUINN = {**MENTEE_PIA, "interests": ["Career planning"], "learning_style": "observing"}
MENTEE_REX = {**MENTEE_PIA, "availability": ["Early evenings"]}


@dataclass
class Member:
    who: Actor
    enrollment_id: str

    @property
    def email(self) -> str:
        return self.who.email


@dataclass
class Pool:
    ann: Member
    ben: Member
    pia: Member
    quinn: Member
    rex: Member


def enroll(
    workflow: Workflow,
    people: Any,
    coordinator: Actor,
    role: str,
    name: str,
    today: dt.date,
    **answers: Any,
) -> Member:
    """Apply, then screen and train: a mentee waiting for a match, or a mentor who can
    take mentees."""
    program = workflow.programs[GENERAL]
    who = people.person(unique(name.split()[0].lower()), name)
    satisfy = [program.roles[role].eligibility.when]  # type: ignore[union-attr]
    if role == "mentee":
        satisfy.append(program.lifecycle_of("mentee").transitions["screen"].requires.when)  # type: ignore[union-attr]
    base = sample_answers(
        program,
        program.apply_form(role),
        satisfy,
        today,
        email=who.email,
        supervisor=unique("boss"),
    )
    base.update(answers, name=name)
    enrollment_id = workflow.apply(GENERAL, role, who, base).id
    steps = (
        [("screen", "mentee_screening"), ("record_orientation", "training_attendance")]
        if role == "mentee"
        else [("screen", "mentor_screening"), ("record_training", "mentor_training_attendance")]
    )
    for transition, form in steps:
        workflow.take(
            enrollment_id,
            transition,
            coordinator,
            sample_answers(program, form, today=today),
        )
    return Member(who, enrollment_id)


def make_pool(workflow: Workflow, people: Any, coordinator: Actor) -> Pool:
    """Mentors first, then the mentees in application order: Pia, Quinn, Rex (a minute
    apart on the tests' clock, so the order is certain)."""
    today = workflow.clock().date()

    def one(role: str, name: str, answers: dict[str, Any]) -> Member:
        workflow.clock.advance(1 / 1440)  # type: ignore[attr-defined]  # one minute apart
        return enroll(workflow, people, coordinator, role, name, today, **answers)

    return Pool(
        ann=one("mentor", "Ann Mentor", MENTOR_ANN),
        ben=one("mentor", "Ben Mentor", MENTOR_BEN),
        pia=one("mentee", "Pia Mentee", MENTEE_PIA),
        quinn=one("mentee", "Quinn Mentee", MENTEE_QUINN),
        rex=one("mentee", "Rex Mentee", MENTEE_REX),
    )
