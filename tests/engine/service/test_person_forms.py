"""A form with `scope: person` stays with the mentee across pairings of one enrollment.

Issue 13: a safety certificate filed after the match disappeared when the mentee returned
to the pool and was matched again, since every form filled after the match belonged to
the pairing. A `person` form's entries stay current: shown on the page, read by the new
mentor where `visible_to` names the pair, and meeting `requires.forms` after the re-match;
a `pairing` form (the default) still starts empty. A new enrollment starts without them.
"""

from __future__ import annotations

import pytest

from mentorflow import engine
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.enrollment import EnrollmentRecord
from mentorflow.engine.records.store import Enrollment
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.engine.reach_program import PROGRAM, Cast, active, reach_workflow


@pytest.fixture
def reach(programs: dict[str, engine.Program], db: Database, clock: Clock) -> Workflow:
    return reach_workflow(programs, db, clock)


def _current(workflow: Workflow, enrollment_id: str, form_id: str) -> object:
    with workflow.db.session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        program = workflow.programs[PROGRAM]
        record = EnrollmentRecord(session, program, enrollment, workflow.clock())
        found = record.current(form_id)
        return None if found is None else dict(found.answers)


def _rematched(reach: Workflow, people: People) -> Cast:
    cast = active(reach, people)
    reach.take(cast.enrollment_id, "unmatch", cast.coordinator)
    reach.match(cast.enrollment_id, cast.mentor_ids[1], cast.coordinator)
    return cast


def test_a_person_form_stays_current_after_a_rematch(reach: Workflow, people: People) -> None:
    cast = _rematched(reach, people)
    assert _current(reach, cast.enrollment_id, "safety_certificate") == {"number": "SC-1"}
    assert _current(reach, cast.enrollment_id, "field_plan") is None  # the pairing's: gone
    page = reach.enrollment_page(PROGRAM, cast.enrollment_id, cast.coordinator)
    slots = {slot.form.id: slot for slot in page.view.forms}
    assert slots["safety_certificate"].submitted
    assert not slots["field_plan"].submitted


def test_a_person_form_meets_requires_forms_after_a_rematch(
    reach: Workflow, people: People
) -> None:
    cast = _rematched(reach, people)
    reasons = reach.transition_page(PROGRAM, cast.enrollment_id, "start", cast.coordinator).reasons
    assert list(reasons) == ["“Field plan” has not been submitted yet"]
    reach.submit(cast.enrollment_id, "field_plan", cast.mentors[1], {"sites": "Bridge 12"})
    assert reach.take(cast.enrollment_id, "start", cast.coordinator).state == "active"


def test_the_new_mentor_reads_the_person_form(reach: Workflow, people: People) -> None:
    cast = _rematched(reach, people)
    page = reach.enrollment_page(PROGRAM, cast.enrollment_id, cast.mentors[1])
    slots = {slot.form.id: slot for slot in page.view.forms}
    assert len(slots["safety_certificate"].entries) == 1


def test_filling_a_person_form_again_edits_the_one_kept(reach: Workflow, people: People) -> None:
    cast = _rematched(reach, people)
    reach.submit(cast.enrollment_id, "safety_certificate", cast.mentee, {"number": "SC-2"})
    page = reach.enrollment_page(PROGRAM, cast.enrollment_id, cast.coordinator)
    slots = {slot.form.id: slot for slot in page.view.forms}
    assert len(slots["safety_certificate"].entries) == 1
    assert _current(reach, cast.enrollment_id, "safety_certificate") == {"number": "SC-2"}


def test_a_new_enrollment_of_the_same_person_starts_without_it(
    reach: Workflow, people: People, clock: Clock
) -> None:
    cast = active(reach, people)
    clock.advance(90)
    assert reach.take(cast.enrollment_id, "close", cast.coordinator).state == "closed"
    again = reach.apply(PROGRAM, "mentee", cast.mentee, {"name": "Nia New"})
    assert _current(reach, again.id, "safety_certificate") is None
    assert _current(reach, cast.enrollment_id, "safety_certificate") == {"number": "SC-1"}
