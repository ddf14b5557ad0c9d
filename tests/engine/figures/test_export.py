"""The export's rows: every enrollment, submission and event of one program, nothing of
another, with the columns the command writes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from mentorflow.engine.figures.export import (
    ENROLLMENT_COLUMNS,
    EVENT_COLUMNS,
    SUBMISSION_COLUMNS,
    csv_cell,
    csv_rows,
    export_program,
)
from mentorflow.engine.records.store import Enrollment, Event, Submission
from mentorflow.engine.service.workflow import Workflow
from tests.closures import EARLY_REASON, GENERAL, Closures, make_closures
from tests.conftest import Clock, People
from tests.support import make_cast, walk_to


@pytest.fixture
def closures(workflow: Workflow, people: People, clock: Clock) -> Closures:
    return make_closures(workflow, people, clock)


def _count(workflow: Workflow, model: type, program_id: str) -> int:
    with workflow.db.session() as session:
        if model is Submission:
            query = (
                select(func.count())
                .select_from(Submission)
                .join(Enrollment, Enrollment.id == Submission.enrollment_id)
                .where(Enrollment.program_id == program_id)
            )
        else:
            query = select(func.count()).select_from(model).where(model.program_id == program_id)
        return int(session.scalar(query) or 0)


def test_columns() -> None:
    assert ENROLLMENT_COLUMNS == (
        "id", "role", "name", "email", "state", "state_label", "revision",
        "created_at", "state_since", "partners",
    )  # fmt: skip
    assert SUBMISSION_COLUMNS == (
        "id", "enrollment_id", "form_id", "author_email", "created_at", "updated_at",
        "pairing_id", "answers", "signatures", "visible_to",
    )  # fmt: skip
    assert EVENT_COLUMNS == (
        "id", "enrollment_id", "at", "actor_email", "actor_role", "kind", "transition",
        "from_state", "to_state", "revision", "answers",
    )  # fmt: skip


def test_every_record_of_the_program_and_none_of_another(
    workflow: Workflow, closures: Closures, people: People, clock: Clock
) -> None:
    small = workflow.programs["small-program"]
    anywhere = list(small.lifecycle_of("mentee").states)
    cast = make_cast(people, small)
    walk_to(workflow, small, "mentee", anywhere, people=people, clock=clock, cast=cast)
    program = workflow.programs[GENERAL]
    with workflow.db.session() as session:
        data = export_program(session, program)
    assert len(data.enrollments) == _count(workflow, Enrollment, GENERAL) == 5  # 3 mentees, 2
    assert len(data.submissions) == _count(workflow, Submission, GENERAL) > 0
    assert len(data.events) == _count(workflow, Event, GENERAL)
    for rows, columns in (
        (data.enrollments, ENROLLMENT_COLUMNS),
        (data.submissions, SUBMISSION_COLUMNS),
        (data.events, EVENT_COLUMNS),
    ):
        assert all(tuple(row) == columns for row in rows)
    json.dumps(data.as_json())  # plain data throughout


def test_enrollments_name_their_partners_and_states(workflow: Workflow, closures: Closures) -> None:
    with workflow.db.session() as session:
        data = export_program(session, workflow.programs[GENERAL])
    rows = {row["id"]: row for row in data.enrollments}
    rita = rows[closures.rematched.enrollment_id]
    assert rita["partners"] == [closures.other_mentor.enrollment_id]
    assert rows[closures.other_mentor.enrollment_id]["partners"] == [rita["id"]]
    cleo = rows[closures.completed.enrollment_id]
    assert (cleo["state"], cleo["state_label"], cleo["partners"]) == ("completed", "Completed", [])
    eddie = rows[closures.early.enrollment_id]
    assert (eddie["state"], eddie["state_label"]) == ("closed_early", "Closed early")
    assert eddie["email"] == closures.early.person.email


def test_submissions_carry_answers_signatures_and_visibility(
    workflow: Workflow, closures: Closures
) -> None:
    with workflow.db.session() as session:
        data = export_program(session, workflow.programs[GENERAL])
    contract = next(
        s for s in data.submissions
        if s["form_id"] == "learning_contract"
        and s["enrollment_id"] == closures.completed.enrollment_id
    )  # fmt: skip
    assert contract["pairing_id"]
    assert {sig["role"] for sig in contract["signatures"]} >= {"mentor", "mentee"}
    assert contract["author_email"] == closures.cast.coordinator.email
    evaluation = next(s for s in data.submissions if s["form_id"] == "mentee_evaluation")
    assert evaluation["visible_to"] == ["coordinator", "filler"]
    assert "satisfaction" in evaluation["answers"]


def test_events_keep_the_ask_answers(workflow: Workflow, closures: Closures) -> None:
    with workflow.db.session() as session:
        data = export_program(session, workflow.programs[GENERAL])
    closing = next(e for e in data.events if e["transition"] == "close_early")
    assert closing["enrollment_id"] == closures.early.enrollment_id
    assert (closing["from_state"], closing["to_state"]) == ("matched", "closed_early")
    assert closing["actor_email"] == closures.cast.coordinator.email
    assert closing["actor_role"] == "coordinator"
    assert EARLY_REASON in closing["answers"]["reasons"]
    unmatch = [e for e in data.events if e["transition"] == "unmatch"]
    assert [e["enrollment_id"] for e in unmatch] == [closures.rematched.enrollment_id]


def test_csv_cells() -> None:
    assert csv_cell(None) == ""
    assert csv_cell(["a", "b"]) == "a;b"
    assert csv_cell([]) == ""
    assert csv_cell({"b": 1, "a": "é"}) == '{"a": "é", "b": 1}'
    assert csv_cell([{"role": "mentor"}]) == '[{"role": "mentor"}]'
    assert csv_cell(3) == "3"
    assert csv_rows([{"x": 1, "y": None}], ("y", "x")) == [["", "1"]]
