"""A program with `accepting_applications: false` takes no application, in any role.

The small program, copied with the flag off, beside the small program itself: the same
person may apply to the open one, and is refused by the closed one, before any record is
written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentorflow import engine
from mentorflow.engine.errors import Conflict
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Enrollment
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import SMALL, Clock, People
from tests.support import closed_copy, sample_answers, unique


@pytest.fixture
def both(tmp_path: Path, db: Database, clock: Clock) -> Workflow:
    programs = {
        p.id: p for p in (engine.load_file(SMALL), engine.load_file(closed_copy(SMALL, tmp_path)))
    }
    return Workflow(programs, db, clock=clock)


def _enrollments(workflow: Workflow) -> int:
    with workflow.db.session() as session:
        return session.scalar(select(func.count()).select_from(Enrollment)) or 0


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_a_closed_program_refuses_applications(both: Workflow, people: People, role: str) -> None:
    closed, open_ = both.programs["closed-program"], both.programs["small-program"]
    assert closed.info.accepting_applications is False
    assert open_.info.accepting_applications is True
    person = people.person(unique(role), "Ann Applicant")

    with pytest.raises(Conflict, match="Small Program is not accepting applications right now"):
        both.apply_page("closed-program", role)
    answers = sample_answers(closed, closed.apply_form(role), email=person.email)
    with pytest.raises(Conflict, match="not accepting applications"):
        both.apply("closed-program", role, person, answers)
    assert _enrollments(both) == 0

    # The same answers to the open copy are taken: only the flag stood in the way.
    assert both.apply_page("small-program", role).program.id == "small-program"
    both.apply("small-program", role, person, answers)
    assert _enrollments(both) == 1
