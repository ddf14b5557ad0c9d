"""Drafts kept on the server: a form saved unfinished and found again, from any browser.

One draft per person, form and enrollment (an application's per program and role, before
its enrollment exists). Saving refuses whom sending refuses and answers over a field's
limits, but not missing required answers; files are left out, and the draft says so.
Sending the form deletes the sender's draft of it, nobody else's.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from mentorflow.engine.errors import (
    AlreadyEnrolled,
    Forbidden,
    FormNotOpen,
    InvalidAnswers,
    NotFound,
)
from mentorflow.engine.records.store import Draft
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.engine.service.test_forms import CONTRACT, PROGRAM, Pair, matched

APPLY = "mentee_application"
FORM = "learning_contract"


def drafts(workflow: Workflow) -> int:
    with workflow.db.session() as session:
        return session.scalar(select(func.count()).select_from(Draft)) or 0


@pytest.fixture
def ada(people: People) -> Actor:
    return people.person("ada@example.gov", "Ada Mentee")


def test_an_unfinished_application_is_kept_found_again_and_cleared_by_sending(
    workflow: Workflow, ada: Actor, clock: Clock
) -> None:
    partial = {"email": ada.email, "interests": ["Leadership"], "years_of_service": "1"}
    saved = workflow.save_draft(PROGRAM, APPLY, ada, partial)  # no name: required, not checked
    assert saved.saved_at == clock.now and saved.enrollment_id is None
    assert saved.answers == partial

    clock.advance(1)
    again = workflow.save_draft(PROGRAM, APPLY, ada, {**partial, "name": "Ada Mentee"})
    found = workflow.draft(PROGRAM, APPLY, ada)
    assert found is not None and found.answers["name"] == "Ada Mentee"
    assert found.saved_at == again.saved_at == clock.now
    assert drafts(workflow) == 1  # one per person and form: saved over

    workflow.apply(PROGRAM, "mentee", ada, {**partial, "name": "Ada Mentee"})
    assert workflow.draft(PROGRAM, APPLY, ada) is None
    assert drafts(workflow) == 0


def test_a_draft_is_its_owners_only(workflow: Workflow, ada: Actor, people: People) -> None:
    workflow.save_draft(PROGRAM, APPLY, ada, {"name": "Ada"})
    eve = people.person("eve@example.gov", "Eve")
    assert workflow.draft(PROGRAM, APPLY, eve) is None
    assert workflow.draft(PROGRAM, "mentor_application", ada) is None


LIMITS = [
    # (answers, the key refused)
    ({"name": "x" * 121}, "name"),  # max_length 120
    ({"interests": ["Leadership"] * 50}, "interests"),  # more than there are choices
]


@pytest.mark.parametrize(("answers", "key"), LIMITS)
def test_limits_still_apply_to_a_draft(
    workflow: Workflow, ada: Actor, answers: dict[str, Any], key: str
) -> None:
    with pytest.raises(InvalidAnswers) as caught:
        workflow.save_draft(PROGRAM, APPLY, ada, answers)
    assert set(caught.value.errors) == {key}
    assert drafts(workflow) == 0


def test_an_applicant_who_has_applied_keeps_no_application_draft(
    workflow: Workflow, ada: Actor
) -> None:
    workflow.apply(
        PROGRAM,
        "mentee",
        ada,
        {"name": "Ada", "email": ada.email, "interests": ["Leadership"], "years_of_service": "1"},
    )
    with pytest.raises(AlreadyEnrolled):
        workflow.save_draft(PROGRAM, APPLY, ada, {"name": "Ada"})
    with pytest.raises(NotFound):
        workflow.save_draft(PROGRAM, "learning_contract", ada, {})  # not an apply form
    assert drafts(workflow) == 0


def test_an_enrollment_form_draft_is_per_person_and_cleared_for_its_sender(
    workflow: Workflow, people: People
) -> None:
    pair: Pair = matched(workflow, people)
    e = pair.enrollment_id
    mine = {"goals-0-goal": "Chair a meeting", "goals-0-target": ""}
    workflow.save_draft(PROGRAM, FORM, pair.mentee, mine, e)
    workflow.save_draft(PROGRAM, FORM, pair.mentor, {"goals-0-goal": "Mentor's idea"}, e)
    found = workflow.draft(PROGRAM, FORM, pair.mentee, e)
    assert found is not None and found.answers == mine and found.enrollment_id == e
    assert workflow.draft(PROGRAM, FORM, pair.mentee) is None  # not the application's scope

    workflow.submit(e, FORM, pair.mentee, CONTRACT)
    assert workflow.draft(PROGRAM, FORM, pair.mentee, e) is None
    kept = workflow.draft(PROGRAM, FORM, pair.mentor, e)
    assert kept is not None and kept.answers == {"goals-0-goal": "Mentor's idea"}


def test_a_draft_is_refused_where_sending_is(workflow: Workflow, people: People) -> None:
    pair: Pair = matched(workflow, people)
    e = pair.enrollment_id
    stranger = people.person("eve@example.gov", "Eve")
    with pytest.raises((Forbidden, NotFound)):
        workflow.save_draft(PROGRAM, FORM, stranger, {"goals-0-goal": "x"}, e)
    with pytest.raises(FormNotOpen):  # check-ins open once the relationship is active
        workflow.save_draft(PROGRAM, "check_in", pair.mentee, {"met_on": "2026-03-01"}, e)
    with pytest.raises(InvalidAnswers) as caught:  # the contract takes at most 5 goals
        workflow.save_draft(PROGRAM, FORM, pair.mentee, {"goals-5-goal": "a sixth"}, e)
    assert set(caught.value.errors) == {"goals"}
    workflow.submit(e, FORM, pair.mentee, CONTRACT)
    supervisor = people.person("sam.super@example.gov")
    for signer in (pair.mentee, pair.mentor, supervisor):
        workflow.sign(e, FORM, signer)
    with pytest.raises(FormNotOpen, match="signed by everyone"):
        workflow.save_draft(PROGRAM, FORM, pair.mentee, {"goals-0-goal": "x"}, e)
    assert drafts(workflow) == 0


def test_files_are_left_out_of_a_draft_and_it_says_so(workflow: Workflow, people: People) -> None:
    max_ = people.person("max.files@example.gov", "Max Files")
    saved = workflow.save_draft(
        "general-mentoring",
        "mentor_application",
        max_,
        {"name": "Max Files", "resume": "cv.pdf", "additional_page": ""},
    )
    assert saved.files_left_out
    assert "resume" not in saved.answers and "additional_page" not in saved.answers
    plain = workflow.save_draft(
        "general-mentoring", "mentor_application", max_, {"name": "Max Files"}
    )
    assert not plain.files_left_out
