"""Amending a signed form instead of a dead end.

In the general program the learning contract locks once mentee, mentor and supervisor have
signed it, and `start` reads one of its boxes (release time). Signed with that box
unticked, the relationship could never start: every edit was refused. A coordinator (and,
before everyone has signed, the one who filled it) reopens it as an amendment: the
signed version stays in the history, the signatures are cleared, and it can be edited and
signed anew. A refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from mentorflow.engine.errors import (
    Forbidden,
    FormNotOpen,
    GuardsFailed,
    MentorflowError,
    NotFound,
    StaleVersion,
)
from mentorflow.engine.records.store import Enrollment, Event, OutboxMessage
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.support import Walk, sample_answers, walk_to

GENERAL = "general-mentoring"
FORM = "learning_contract"
SIGNERS = ("mentee", "mentor", "supervisor")


@dataclass
class Contracting:
    walk: Walk
    actors: dict[str, Actor]

    @property
    def id(self) -> str:
        return self.walk.enrollment_id


def contract_answers(workflow: Workflow, clock: Clock, **changes: Any) -> dict[str, Any]:
    answers = sample_answers(workflow.programs[GENERAL], FORM, (), clock().date())
    return {**answers, "release_time": False, **changes}


@pytest.fixture
def contracting(workflow: Workflow, people: People, clock: Clock) -> Contracting:
    """A matched pair whose learning contract the mentee wrote, release time unticked."""
    walk = walk_to(
        workflow, workflow.programs[GENERAL], "mentee", "matched", people=people, clock=clock
    )
    assert walk.detours == [], walk.detours
    actors = {
        "mentee": walk.person,
        "mentor": walk.mentors[0].person,
        "supervisor": walk.cast.supervisor,
        "coordinator": walk.cast.coordinator,
        "admin": walk.cast.admin,
        "stranger": people.person("eve.amend@example.gov", "Eve"),
    }
    workflow.submit(walk.enrollment_id, FORM, walk.person, contract_answers(workflow, clock))
    return Contracting(walk, actors)


def sign(workflow: Workflow, c: Contracting, *who: str) -> None:
    for role in who:
        workflow.sign(c.id, FORM, c.actors[role])


def state_version(workflow: Workflow, enrollment_id: str) -> tuple[str, int]:
    with workflow.db.session() as session:
        e = session.get(Enrollment, enrollment_id)
        assert e is not None
        return e.state, e.version


def amend_events(workflow: Workflow, enrollment_id: str) -> list[Event]:
    with workflow.db.session() as session:
        return list(
            session.scalars(
                select(Event).where(Event.enrollment_id == enrollment_id, Event.kind == "amend")
            )
        )


def test_a_contract_signed_wrong_is_a_dead_end_until_amended(
    workflow: Workflow, contracting: Contracting, clock: Clock
) -> None:
    c = contracting
    sign(workflow, c, *SIGNERS)
    assert state_version(workflow, c.id)[0] == "contracted"
    # The dead end: start's guard reads a box of the locked contract.
    with pytest.raises(GuardsFailed):
        workflow.take(c.id, "start", c.actors["coordinator"])
    fixed = contract_answers(workflow, clock, release_time=True)
    with pytest.raises(FormNotOpen, match="signed by everyone"):
        workflow.submit(c.id, FORM, c.actors["coordinator"], fixed)

    signed = workflow.amend(c.id, FORM, c.actors["coordinator"])

    assert signed.signatures == ()
    [event] = amend_events(workflow, c.id)
    assert event.actor_role == "coordinator"
    assert event.from_state == event.to_state == "contracted"
    assert event.answers is not None
    assert event.answers["form"] == FORM
    assert event.answers["answers"]["release_time"] is False  # the signed version, kept
    assert sorted(s["role"] for s in event.answers["signatures"]) == sorted(SIGNERS)
    # Not signed any more: start waits for the signatures again, and the form is editable.
    with pytest.raises(GuardsFailed, match="not signed"):
        workflow.take(c.id, "start", c.actors["coordinator"])
    workflow.submit(c.id, FORM, c.actors["mentee"], fixed)
    sign(workflow, c, *SIGNERS)
    assert workflow.take(c.id, "start", c.actors["coordinator"]).state == "active"
    # The history shows the signed version to those who may read the contract.
    for who in ("coordinator", "mentor", "supervisor"):
        page = workflow.enrollment_page(GENERAL, c.id, c.actors[who])
        [item] = [i for i in page.view.history if i.kind == "amend"]
        assert item.answers is not None
        assert any("release time" in a.label for a in item.answers)


def test_an_amendment_asks_every_signer_to_sign_again(
    workflow: Workflow, contracting: Contracting
) -> None:
    c = contracting
    sign(workflow, c, *SIGNERS)
    workflow.amend(c.id, FORM, c.actors["coordinator"])
    with workflow.db.session() as session:
        to = set(
            session.scalars(
                select(OutboxMessage.to_email).where(
                    OutboxMessage.enrollment_id == c.id,
                    OutboxMessage.reason.like("amend:%"),
                )
            )
        )
    assert to == {c.actors[r].email for r in SIGNERS}


AMEND = [
    # (who amends, who signed first, refused with)
    ("coordinator", SIGNERS, None),
    ("admin", SIGNERS, None),
    ("coordinator", ("mentor",), None),
    ("mentee", ("mentor",), None),  # the filler, before everyone has signed
    ("mentee", ("mentee", "supervisor"), None),
    ("mentee", SIGNERS, Forbidden),  # all signed: only a coordinator reopens it
    ("mentor", ("mentor",), Forbidden),  # not the one who filled it
    ("supervisor", ("supervisor",), Forbidden),
    ("stranger", ("mentor",), NotFound),
    ("coordinator", (), FormNotOpen),  # nothing signed: edit it instead
    ("mentee", (), FormNotOpen),
]


@pytest.mark.parametrize(("who", "signed", "refused"), AMEND)
def test_who_may_amend(
    workflow: Workflow,
    contracting: Contracting,
    who: str,
    signed: tuple[str, ...],
    refused: type[MentorflowError] | None,
) -> None:
    c = contracting
    sign(workflow, c, *signed)
    before = state_version(workflow, c.id)
    if refused is None:
        assert workflow.amend(c.id, FORM, c.actors[who]).signatures == ()
        assert len(amend_events(workflow, c.id)) == 1
        return
    with pytest.raises(refused):
        workflow.amend(c.id, FORM, c.actors[who])
    assert state_version(workflow, c.id) == before  # a refusal writes nothing
    assert amend_events(workflow, c.id) == []


def test_a_form_that_cannot_be_filled_now_is_not_reopened(
    workflow: Workflow, contracting: Contracting, clock: Clock
) -> None:
    c = contracting
    workflow.submit(
        c.id, FORM, c.actors["mentee"], contract_answers(workflow, clock, release_time=True)
    )
    sign(workflow, c, *SIGNERS)
    workflow.take(c.id, "start", c.actors["coordinator"])
    before = state_version(workflow, c.id)
    with pytest.raises(FormNotOpen, match="Active"):
        workflow.amend(c.id, FORM, c.actors["coordinator"])
    assert state_version(workflow, c.id) == before


def test_an_amendment_from_an_old_page_is_refused(
    workflow: Workflow, contracting: Contracting
) -> None:
    c = contracting
    sign(workflow, c, "mentor")
    seen = state_version(workflow, c.id)[1]
    sign(workflow, c, "mentee")
    with pytest.raises(StaleVersion):
        workflow.amend(c.id, FORM, c.actors["coordinator"], expected_version=seen)
    assert amend_events(workflow, c.id) == []
