"""After a relationship ends, early or as planned, its record stays.

The learning contract and check-ins stay on the mentee's enrollment for everyone who
could read them before (the coordinator, the mentor, the mentee, the supervisor where the
form names them); the mentor can still open the enrollment and finds it among their own;
the mentor's place is freed; and both fill (or correct) their evaluations after either
end, as the README's walk-through says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from mentorflow.engine.records.store import Enrollment
from mentorflow.engine.rules.access import Actor, mentees_of
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.support import Walk, sample_answers, walk_to

GENERAL = "general-mentoring"
ENDS = ["closed_early", "completed"]


@dataclass
class Ended:
    walk: Walk
    mentee: Actor
    mentor: Actor
    coordinator: Actor
    supervisor: Actor

    @property
    def id(self) -> str:
        return self.walk.enrollment_id


def _answers(workflow: Workflow, clock: Clock, form_id: str) -> dict[str, object]:
    return sample_answers(workflow.programs[GENERAL], form_id, (), clock().date())


def end_relationship(workflow: Workflow, people: People, clock: Clock, end: str) -> Ended:
    """An active pair with a check-in each, then the relationship ended as `end`."""
    program = workflow.programs[GENERAL]
    walk = walk_to(workflow, program, "mentee", "active", people=people, clock=clock)
    assert walk.detours == [], walk.detours
    found = Ended(
        walk, walk.person, walk.mentors[0].person, walk.cast.coordinator, walk.cast.supervisor
    )
    for who in (found.mentee, found.mentor):
        workflow.submit(found.id, "check_in", who, _answers(workflow, clock, "check_in"))
    if end == "closed_early":
        answers = _answers(workflow, clock, "early_closure")
        workflow.take(found.id, "close_early", found.mentee, answers)
    else:
        workflow.submit(
            found.id,
            "mentee_evaluation",
            found.mentee,
            _answers(workflow, clock, "mentee_evaluation"),
        )
        workflow.submit(
            found.id,
            "mentor_evaluation",
            found.mentor,
            _answers(workflow, clock, "mentor_evaluation"),
        )
        clock.now = clock.now + dt.timedelta(days=121)
        answers = _answers(workflow, clock, "completion_record")
        workflow.take(found.id, "complete", found.coordinator, answers)
    with workflow.db.session() as session:
        e = session.get(Enrollment, found.id)
        assert e is not None and e.state == end
    return found


@pytest.fixture(params=ENDS)
def ended(
    request: pytest.FixtureRequest, workflow: Workflow, people: People, clock: Clock
) -> Ended:
    return end_relationship(workflow, people, clock, request.param)


SEES = [
    # (who, forms listed with their entries after the end)
    ("coordinator", {"learning_contract": 1, "check_in": 2}),
    ("mentee", {"learning_contract": 1, "check_in": 2}),
    ("mentor", {"learning_contract": 1, "check_in": 2}),
    ("supervisor", {"learning_contract": 1}),  # check-ins are not shown to supervisors
]


@pytest.mark.parametrize(("who", "listed"), SEES)
def test_the_record_stays_for_those_who_saw_it(
    workflow: Workflow, ended: Ended, who: str, listed: dict[str, int]
) -> None:
    actor: Actor = getattr(ended, who)
    page = workflow.enrollment_page(GENERAL, ended.id, actor)
    entries = {slot.form.id: len(slot.entries) for slot in page.view.forms}
    assert {form: entries.get(form, 0) for form in ("learning_contract", "check_in")} == {
        "check_in": 0,
        **listed,
    }


def test_the_mentor_still_finds_the_enrollment_and_their_place_is_freed(
    workflow: Workflow, ended: Ended
) -> None:
    mine = {m.view.enrollment.id for m in workflow.my_enrollments(ended.mentor)}
    assert ended.id in mine
    page = workflow.enrollment_page(GENERAL, ended.id, ended.mentor)
    assert "mentor" in page.view.roles
    with workflow.db.session() as session:
        mentor = _mentor_enrollment(session, ended)
        assert mentees_of(session, mentor) == []  # the place is free again


def _mentor_enrollment(session: Session, ended: Ended) -> Enrollment:
    found = session.get(Enrollment, ended.walk.mentors[0].enrollment_id)
    assert found is not None
    return found


EVALUATIONS = [("mentee", "mentee_evaluation"), ("mentor", "mentor_evaluation")]


@pytest.mark.parametrize(("who", "form_id"), EVALUATIONS)
def test_both_fill_their_evaluation_after_the_end(
    workflow: Workflow, ended: Ended, clock: Clock, who: str, form_id: str
) -> None:
    actor: Actor = getattr(ended, who)
    page = workflow.enrollment_page(GENERAL, ended.id, actor)
    slot = next(s for s in page.view.forms if s.form.id == form_id)
    assert slot.can_fill
    answers = _answers(workflow, clock, form_id)
    stored = workflow.submit(ended.id, form_id, actor, answers)
    assert stored.answers == answers
    assert stored.pairing_id is not None  # it belongs to the relationship that ended
