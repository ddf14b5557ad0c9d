"""Blocked reasons read as English whatever a form is called: the title quoted, never
"the <title>" ("the Safety certification on file has not been submitted yet")."""

from __future__ import annotations

import pytest

from mentorflow import engine
from mentorflow.engine.errors import GuardsFailed
from mentorflow.engine.records.database import Database
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import SMALL, Clock, People
from tests.support import unique

PROGRAM = "small-program"


@pytest.mark.parametrize(
    "title", ["Safety certification on file", "Mentoring agreement (signed)", "DOT form 17"]
)
def test_a_missing_or_unsigned_form_is_named_by_its_quoted_title(
    db: Database, clock: Clock, people: People, title: str
) -> None:
    text = SMALL.read_text().replace("    title: Learning contract\n", f"    title: {title}\n", 1)
    wf = Workflow({PROGRAM: engine.load_text(text, "small.yaml")}, db, clock=clock)
    coord = people.person(unique("coord"), coordinates=PROGRAM)
    mentee, mentor = people.person(unique("mentee")), people.person(unique("mentor"))
    answers = {
        "name": "Ada",
        "email": mentee.email,
        "supervisor_email": unique("boss"),
        "years_of_service": "1.5",
        "interests": ["Leadership"],
    }
    enrollment = wf.apply(PROGRAM, "mentee", mentee, answers).id
    mentor_id = wf.apply(PROGRAM, "mentor", mentor, {"name": "Max", "expertise": ["Leadership"]}).id
    wf.take(mentor_id, "accept", coord)
    wf.take(enrollment, "screen", coord, {"notes": "Fine."})
    wf.match(enrollment, mentor_id, coord)
    with pytest.raises(GuardsFailed) as refused:
        wf.take(enrollment, "start", coord)
    assert refused.value.reasons == [f"“{title}” has not been submitted yet"]
    wf.submit(enrollment, "learning_contract", mentee, {"goals": [{"goal": "Inspect"}]})
    wf.sign(enrollment, "learning_contract", mentee)
    with pytest.raises(GuardsFailed) as refused:
        wf.take(enrollment, "start", coord)
    assert refused.value.reasons == [
        f"“{title}” is not signed by the mentor and the supervisor yet"
    ]
