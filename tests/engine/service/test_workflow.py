"""The workflow on the small program: apply, screen, match, contract, start, close."""

from __future__ import annotations

import pytest

from mentorflow.engine.errors import (
    AlreadyEnrolled,
    Forbidden,
    FormNotOpen,
    GuardsFailed,
    InvalidAnswers,
    NotAvailable,
    NotFound,
    StaleVersion,
)
from mentorflow.engine.records.store import Pairing
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People

PROGRAM = "small-program"
MENTEE_ANSWERS = {
    "name": "Ada Mentee",
    "email": "ada@example.gov",
    "supervisor_email": "sam.super@example.gov",
    "years_of_service": "1.5",
    "interests": ["Leadership", "Writing"],
    "style": "hands_on",
    "other_interest": "Plain language",
}
MENTOR_ANSWERS = {
    "name": "Max Mentor",
    "expertise": ["Leadership"],
    "style": "hands_on",
    "years_of_service": "12",
    "max_mentees": "2",
}


@pytest.fixture
def cast(people: People) -> dict:
    return {
        "mentee": people.person("ada@example.gov", "Ada Mentee"),
        "mentor": people.person("max@example.gov", "Max Mentor"),
        "coordinator": people.person("cora@example.gov", "Cora Coordinator", coordinates=PROGRAM),
        "supervisor": people.person("sam.super@example.gov", "Sam Super"),
        "stranger": people.person("eve@example.gov", "Eve"),
        "other_staff": people.person("otto@example.gov", "Otto", coordinates="civil-engineers"),
    }


def test_the_whole_relationship(workflow: Workflow, cast: dict, clock: Clock) -> None:
    mentee = workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE_ANSWERS)
    assert mentee.state == "applied" and mentee.supervisor_email == "sam.super@example.gov"
    mentor = workflow.apply(PROGRAM, "mentor", cast["mentor"], MENTOR_ANSWERS)
    assert mentor.capacity == 2
    coordinator = cast["coordinator"]
    workflow.take(mentor.id, "accept", coordinator)
    workflow.take(mentee.id, "screen", coordinator, {"notes": "Good fit."})
    mentee = workflow.match(mentee.id, mentor.id, coordinator)
    assert mentee.state == "matched" and mentee.pairing_id

    with pytest.raises(GuardsFailed) as refused:
        workflow.take(mentee.id, "start", coordinator)
    assert refused.value.reasons == ["“Learning contract” has not been submitted yet"]

    contract = {"goals": [{"goal": "Lead a budget meeting", "target": "2026-09-01"}]}
    workflow.submit(mentee.id, "learning_contract", cast["mentee"], contract)
    with pytest.raises(GuardsFailed) as refused:
        workflow.take(mentee.id, "start", coordinator)
    assert refused.value.reasons == [
        "“Learning contract” is not signed by the mentor, the mentee and the supervisor yet"
    ]
    workflow.sign(mentee.id, "learning_contract", cast["mentee"])
    workflow.sign(mentee.id, "learning_contract", cast["mentor"])
    workflow.sign(mentee.id, "learning_contract", cast["supervisor"])
    mentee = workflow.take(mentee.id, "start", cast["mentee"])
    assert mentee.state == "active"

    with pytest.raises(GuardsFailed, match=r"after 30 days in Active \(0 so far\)"):
        workflow.take(mentee.id, "close", coordinator)
    clock.advance(30)
    mentee = workflow.take(mentee.id, "close", coordinator)
    # Closed, it keeps the relationship as a record (its forms stay on the page), but
    # the pairing has ended: the mentor's place is free again.
    assert mentee.state == "closed" and mentee.is_final and mentee.pairing_id
    with workflow.db.session() as session:
        pairing = session.get(Pairing, mentee.pairing_id)
        assert pairing is not None and pairing.ended_at is not None


def test_refusals(workflow: Workflow, cast: dict) -> None:
    mentee = workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE_ANSWERS)
    with pytest.raises(AlreadyEnrolled) as again:
        workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE_ANSWERS)
    assert again.value.enrollment_id == mentee.id
    with pytest.raises(Forbidden):
        workflow.take(mentee.id, "screen", cast["mentee"], {"notes": "me!"})
    with pytest.raises(NotFound):
        workflow.take(mentee.id, "screen", cast["stranger"], {})
    with pytest.raises(NotFound):
        workflow.take(mentee.id, "screen", cast["other_staff"], {})
    with pytest.raises(NotAvailable):
        workflow.take(mentee.id, "start", cast["coordinator"])
    with pytest.raises(StaleVersion):
        workflow.take(
            mentee.id,
            "screen",
            cast["coordinator"],
            {"notes": "x"},
            expected_version=mentee.version - 1,
        )
    with pytest.raises(FormNotOpen):
        workflow.submit(mentee.id, "check_in", cast["mentee"], {"met_on": "2026-03-01"})
    with pytest.raises(InvalidAnswers) as bad:
        workflow.apply(PROGRAM, "mentor", cast["mentor"], {**MENTOR_ANSWERS, "max_mentees": "9"})
    assert set(bad.value.errors) == {"max_mentees"}


def test_eligibility_is_told_in_words(workflow: Workflow, cast: dict) -> None:
    with pytest.raises(InvalidAnswers) as refused:
        workflow.apply(
            PROGRAM, "mentee", cast["mentee"], {**MENTEE_ANSWERS, "years_of_service": "5"}
        )
    assert refused.value.form_error == "Employees in their first two years of service."


def test_auto_transition_is_taken_by_the_system(workflow: Workflow, cast: dict) -> None:
    mentee = workflow.apply(
        PROGRAM, "mentee", cast["mentee"], {**MENTEE_ANSWERS, "years_of_service": "0.5"}
    )
    assert mentee.state == "screened"
