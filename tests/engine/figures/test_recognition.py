"""Closures and recognition: premature closures with their reasons, earlier relationships
kept after a return to the pool, and each mentor's relationships and evaluations (as
figures from enough people only)."""

from __future__ import annotations

import pytest

from mentorflow.engine.figures.recognition import (
    RECOGNITION_COLUMNS,
    earlier_relationships,
    ended_early,
    mentor_recognition,
    outcome_states,
    recognition_rows,
)
from mentorflow.engine.records.store import Enrollment
from mentorflow.engine.service.workflow import Workflow
from tests.closures import EARLY_REASON, GENERAL, Closures, make_closures
from tests.conftest import Clock, People
from tests.support import unique


@pytest.fixture
def closures(workflow: Workflow, people: People, clock: Clock) -> Closures:
    return make_closures(workflow, people, clock)


def test_outcome_states_come_from_the_definition(workflow: Workflow) -> None:
    program = workflow.programs[GENERAL]
    assert outcome_states(program, "mentee", "completed") == {"completed"}
    assert outcome_states(program, "mentee", "ended_early") == {"closed_early"}
    assert outcome_states(program, "mentor", "ended_early") == frozenset()


def test_ended_early_lists_the_closure_with_its_reasons(
    workflow: Workflow, closures: Closures
) -> None:
    program = workflow.programs[GENERAL]
    with workflow.db.session() as session:
        found = ended_early(session, program, closures.cast.coordinator)
    assert [c.enrollment_id for c in found] == [closures.early.enrollment_id]
    closure = found[0]
    assert closure.state_label == "Closed early"
    assert closure.mentor_name == "Mona Mentor"
    assert closure.closed_by == "Cora Coordinator"
    assert closure.reasons is not None
    shown = {a.label: a.text for a in closure.reasons}
    assert EARLY_REASON in shown["Reasons"]


def test_the_reasons_follow_the_ask_forms_visible_to(
    workflow: Workflow, closures: Closures, people: People
) -> None:
    """early_closure is visible to its filler and coordinators: another program's
    coordinator sees the closure listed only if asked, never its reasons."""
    program = workflow.programs[GENERAL]
    outsider = people.person(unique("outsider"), "Out Sider", coordinates="small-program")
    with workflow.db.session() as session:
        found = ended_early(session, program, outsider)
    assert found and found[0].reasons is None


def test_earlier_relationships_keep_the_first_mentor(
    workflow: Workflow, closures: Closures, clock: Clock
) -> None:
    with workflow.db.session() as session:
        rita = session.get(Enrollment, closures.rematched.enrollment_id)
        assert rita is not None and rita.state == "matched" and rita.pairing_id is not None
        earlier = earlier_relationships(session, rita)
        cleo = session.get(Enrollment, closures.completed.enrollment_id)
        assert cleo is not None
        cleo_earlier = earlier_relationships(session, cleo)
    assert [(r.mentor_name, r.mentor_enrollment_id) for r in earlier] == [
        ("Mona Mentor", closures.mentor.enrollment_id)
    ]
    assert earlier[0].ended_at > earlier[0].started_at
    assert earlier[0].pairing_id != rita.pairing_id  # the current one is not "earlier"
    assert [r.mentor_name for r in cleo_earlier] == ["Mona Mentor"]  # ended by completion


def test_recognition_counts_each_relationship_by_its_outcome(
    workflow: Workflow, closures: Closures
) -> None:
    program = workflow.programs[GENERAL]
    with workflow.db.session() as session:
        records = mentor_recognition(session, program, closures.cast.coordinator)
    mona = next(r for r in records if r.email == closures.mentor.person.email)
    otto = next(r for r in records if r.email == closures.other_mentor.person.email)
    assert (mona.completed, mona.ended_early, mona.returned, mona.ongoing) == (1, 1, 1, 0)
    assert mona.relationships == 3
    assert (otto.completed, otto.ended_early, otto.returned, otto.ongoing) == (0, 0, 0, 1)
    assert records[0] is mona  # most completed first


def test_recognition_counts_the_mentees_evaluations_for_staff_without_names(
    workflow: Workflow, closures: Closures, people: People
) -> None:
    program = workflow.programs[GENERAL]
    with workflow.db.session() as session:
        records = mentor_recognition(session, program, closures.cast.coordinator)
        stranger = people.person(unique("stranger"), "Stan Stranger")
        hidden = mentor_recognition(session, program, stranger)
    mona = next(r for r in records if r.email == closures.mentor.person.email)
    assert mona.evaluations is not None
    titles = [e.form_title for e in mona.evaluations]
    assert titles == ["Mentee evaluation"]  # mentee-filled, during the pairing only
    # One mentee (Cleo) evaluated Mona: fewer than report_min_group (3), so no figure,
    # and nothing anywhere says who wrote it.
    (evaluation,) = mona.evaluations
    assert (evaluation.people, evaluation.min_group, evaluation.rows) == (1, 3, ())
    assert evaluation.suppressed
    assert "Cleo" not in repr(mona)
    # Someone with no relation to the mentees reads none of their evaluations.
    assert all(not r.evaluations for r in hidden)


def test_recognition_rows_match_the_columns(workflow: Workflow, closures: Closures) -> None:
    program = workflow.programs[GENERAL]
    with workflow.db.session() as session:
        rows = recognition_rows(mentor_recognition(session, program, closures.cast.coordinator))
    assert RECOGNITION_COLUMNS == (
        "mentor_name",
        "mentor_email",
        "relationships",
        "completed",
        "ended_early",
        "returned_to_pool",
        "ongoing",
        "evaluations",
    )
    assert all(len(row) == len(RECOGNITION_COLUMNS) for row in rows)
    mona = next(row for row in rows if row[1] == closures.mentor.person.email)
    assert mona[:7] == ["Mona Mentor", closures.mentor.person.email, "3", "1", "1", "1", "0"]
    assert mona[7] == "Mentee evaluation: fewer than 3 people"
