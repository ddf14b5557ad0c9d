"""A new revision never breaks or hides the records made under an older one."""

from __future__ import annotations

from sqlalchemy import select

from mentorflow import engine
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Enrollment
from mentorflow.engine.rules.answers import shown_answers
from mentorflow.engine.service.revisions import stranded_enrollments
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import SMALL, Clock, People

ANSWERS = {
    "name": "Ada Mentee",
    "email": "ada@example.gov",
    "years_of_service": "1.5",
    "interests": ["Leadership"],
    "style": "hands_on",
}


def _revision_2(text_edit: tuple[str, str]) -> engine.Program:
    old, new = text_edit
    text = SMALL.read_text().replace("revision: 1", "revision: 2").replace(old, new)
    return engine.load_text(text, "small.yaml")


def test_enrollments_in_a_state_that_no_longer_exists_are_reported(
    workflow: Workflow, people: People, db: Database, clock: Clock
) -> None:
    workflow.apply("small-program", "mentee", people.person("ada@example.gov"), ANSWERS)
    workflow.apply(
        "small-program",
        "mentee",
        people.person("bob@example.gov"),
        {**ANSWERS, "email": "bob@example.gov"},
    )
    # Revision 2 renames 'applied' to 'received' (and everything that named it).
    revised = _revision_2(("applied", "received"))
    assert "applied" not in revised.lifecycle_of("mentee").states
    with db.session() as session:
        problems = stranded_enrollments(session, {revised.id: revised})
    assert [str(p) for p in problems] == [
        "small.yaml:96:5: lifecycles.mentee.states: 2 enrollments of mentees are in state "
        "'applied', which revision 2 no longer has"
    ]
    # The engine keeps working on them: they are shown, and nothing crashes.
    later = Workflow({revised.id: revised}, db, clock=clock)
    with db.session() as session:
        enrollment_ids = list(session.scalars(select(Enrollment.id)))
        record = later.record(session, enrollment_ids[0])
        assert record.lifecycle.label(record.enrollment.state) == "applied"
        assert record.lifecycle.leaving(record.enrollment.state) == ()


def test_a_program_no_longer_defined_is_reported(
    workflow: Workflow, people: People, db: Database
) -> None:
    workflow.apply("small-program", "mentee", people.person("ada@example.gov"), ANSWERS)
    with db.session() as session:
        [problem] = stranded_enrollments(session, {})
    assert "1 enrollment belong to program 'small-program'" in problem.message


def test_answers_to_fields_no_longer_asked_are_kept_and_shown_as_such() -> None:
    line = next(x for x in SMALL.read_text().splitlines(True) if "id: other_interest" in x)
    form = _revision_2((line, "")).forms["mentee_application"]
    stored = {"name": "Ada", "other_interest": "Plain language", "style": "hands_on"}
    shown = shown_answers(form, stored)
    assert [(s.label, s.text, s.current) for s in shown] == [
        ("Name", "Ada", True),
        ("Learning style", "Hands-on", True),
        ("other_interest (no longer asked)", "Plain language", False),
    ]
