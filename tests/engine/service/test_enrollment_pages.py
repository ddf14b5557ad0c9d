"""The participant pages' data comes from the service as plain values, and the pages
ask the same rules the writes apply: what a page offers, the engine accepts."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import DeclarativeBase

from mentorflow.engine.definition.fields import FileField
from mentorflow.engine.errors import (
    Forbidden,
    FormNotOpen,
    GuardsFailed,
    InvalidAnswers,
    MentorflowError,
    NotAvailable,
    NotFound,
)
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.engine.service.test_workflow import MENTEE_ANSWERS, MENTOR_ANSWERS, PROGRAM, cast

__all__ = ["cast"]  # the fixture, shared with the workflow tests

CONTRACT = {"goals": [{"goal": "Lead a budget meeting", "target": "2026-09-01"}]}


def _orm_objects(value: Any, path: str = "") -> list[str]:
    """Where in `value` an ORM record hides (dataclasses, tuples, lists, dicts walked)."""
    if isinstance(value, DeclarativeBase):
        return [path or "<top>"]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        assert type(value).__dataclass_params__.frozen, f"{path}: {type(value).__name__}"  # type: ignore[attr-defined]
        return [
            hit
            for f in dataclasses.fields(value)
            if f.name != "program"  # the compiled definition: immutable, handed out as is
            for hit in _orm_objects(getattr(value, f.name), f"{path}.{f.name}")
        ]
    if isinstance(value, tuple | list):
        return [hit for i, v in enumerate(value) for hit in _orm_objects(v, f"{path}[{i}]")]
    if isinstance(value, dict):
        return [hit for k, v in value.items() for hit in _orm_objects(v, f"{path}[{k!r}]")]
    return []


@pytest.fixture
def matched(workflow: Workflow, cast: dict) -> dict[str, str]:
    mentee = workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE_ANSWERS)
    mentor = workflow.apply(PROGRAM, "mentor", cast["mentor"], MENTOR_ANSWERS)
    workflow.take(mentor.id, "accept", cast["coordinator"])
    workflow.take(mentee.id, "screen", cast["coordinator"], {"notes": "Good fit."})
    return {"mentee": mentee.id, "mentor": mentor.id}


def test_writes_answer_with_frozen_snapshots(workflow: Workflow, cast: dict) -> None:
    mentee = workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE_ANSWERS)
    mentor = workflow.apply(PROGRAM, "mentor", cast["mentor"], MENTOR_ANSWERS)
    workflow.take(mentor.id, "accept", cast["coordinator"])
    screened = workflow.take(mentee.id, "screen", cast["coordinator"], {"notes": "Fine."})
    matched = workflow.match(mentee.id, mentor.id, cast["coordinator"])
    contract = workflow.submit(mentee.id, "learning_contract", cast["mentee"], CONTRACT)
    signed = workflow.sign(mentee.id, "learning_contract", cast["mentee"])
    for answer in (mentee, screened, matched, contract, signed):
        assert _orm_objects(answer) == []
        with pytest.raises(dataclasses.FrozenInstanceError):
            answer.id = "changed"  # type: ignore[misc]
    assert matched.version > screened.version > mentee.version
    assert contract.enrollment_id == mentee.id and contract.signatures == ()
    assert [s.role for s in signed.signatures] == ["mentee"]
    signed.answers["goals"].clear()  # a copy: the stored answers stay as they were
    assert workflow.sign(mentee.id, "learning_contract", cast["mentee"]).answers == CONTRACT


def test_every_page_is_plain_data(workflow: Workflow, cast: dict, matched: dict) -> None:
    coordinator = cast["coordinator"]
    waiting = workflow.enrollment_page(PROGRAM, matched["mentee"], coordinator)
    assert waiting.offer_match and [m.enrollment_id for m in waiting.mentors] == [matched["mentor"]]
    workflow.match(matched["mentee"], matched["mentor"], coordinator)
    workflow.submit(matched["mentee"], "learning_contract", cast["mentee"], CONTRACT)
    pages: list[Any] = [
        workflow.enrollment_page(PROGRAM, matched["mentee"], who)
        for who in (coordinator, cast["mentee"], cast["mentor"], cast["supervisor"])
    ]
    pages += workflow.my_enrollments(cast["mentor"])
    pages.append(workflow.form_page(PROGRAM, matched["mentee"], "learning_contract", coordinator))
    pages.append(workflow.transition_page(PROGRAM, matched["mentee"], "start", coordinator))
    for page in pages:
        assert _orm_objects(page) == [], page
    mine = workflow.enrollment_page(PROGRAM, matched["mentee"], cast["mentee"])
    assert mine.view.own and not mine.offer_match and not mine.view.is_staff
    assert mine.view.enrollment.name == "Ada Mentee"
    [slot] = [s for s in mine.view.forms if s.form.id == "learning_contract"]
    assert slot.can_sign == ("mentee",) and slot.entries[0].shown


def _outcome(call: Callable[[], Any]) -> type[MentorflowError] | None:
    try:
        call()
    except MentorflowError as exc:
        return type(exc)
    return None


def test_a_transition_page_refuses_exactly_what_take_refuses(
    workflow: Workflow, cast: dict, matched: dict
) -> None:
    """Every viewer and transition: the page opens when `take` would get past the same
    checks, its blocked reasons are `take`'s GuardsFailed, and the enrollment page lists
    the transition with the same reasons."""
    mentee_id = matched["mentee"]
    transitions = workflow.programs[PROGRAM].lifecycle_of("mentee").transitions
    seen = set()
    for name, who in cast.items():
        listed = None
        if _outcome(lambda: workflow.enrollment_page(PROGRAM, mentee_id, who)) is None:  # noqa: B023
            view = workflow.enrollment_page(PROGRAM, mentee_id, who).view
            listed = {t.id: reasons for t, reasons in view.transitions}
        for transition_id in [*transitions, "no_such_step"]:
            page = _outcome(
                lambda: workflow.transition_page(PROGRAM, mentee_id, transition_id, who)  # noqa: B023
            )
            if page is None:
                shown = workflow.transition_page(PROGRAM, mentee_id, transition_id, who)
                expected: type[MentorflowError] | None = GuardsFailed if shown.reasons else None
                assert listed is not None
                if transitions[transition_id].by:
                    assert listed[transition_id] == shown.reasons, (name, transition_id)
                if expected is None:
                    continue  # it could be taken: taking it would change the scene
            else:
                expected = page
                assert listed is None or transition_id not in listed, (name, transition_id)
            took = _outcome(lambda: workflow.take(mentee_id, transition_id, who, {}))  # noqa: B023
            assert took is expected, (name, transition_id)
            seen.add(took)
    assert {NotFound, Forbidden, NotAvailable, GuardsFailed} <= seen


def test_a_form_page_refuses_exactly_what_submit_refuses(
    workflow: Workflow, cast: dict, matched: dict
) -> None:
    mentee_id = matched["mentee"]
    workflow.match(mentee_id, matched["mentor"], cast["coordinator"])  # the contract opens
    forms = [*workflow.programs[PROGRAM].forms, "no_such_form"]
    seen = set()
    for name, who in cast.items():
        for form_id in forms:
            page = _outcome(lambda: workflow.form_page(PROGRAM, mentee_id, form_id, who))  # noqa: B023
            submitted = _outcome(lambda: workflow.submit(mentee_id, form_id, who, {}))  # noqa: B023
            if page is None:  # the form opens: only the (empty) answers may be refused
                assert submitted in (None, InvalidAnswers), (name, form_id)
            else:
                assert submitted is page, (name, form_id)
            seen.add(page)
    assert {NotFound, Forbidden, FormNotOpen, None} <= seen


def test_a_coordinator_page_offers_no_step_of_another_program(
    workflow: Workflow, cast: dict, matched: dict
) -> None:
    with pytest.raises(NotFound):
        workflow.enrollment_page(PROGRAM, matched["mentee"], cast["other_staff"])
    with pytest.raises(NotFound):
        workflow.enrollment_page("general-mentoring", matched["mentee"], cast["coordinator"])
    with pytest.raises(NotAvailable):
        workflow.transition_page(PROGRAM, matched["mentee"], "start", cast["coordinator"])


def test_kept_files_are_their_owners_alone(
    workflow: Workflow, people: People, tmp_path: Path, clock: Clock
) -> None:
    keeper = Workflow(workflow.programs, workflow.db, clock=clock, uploads=tmp_path / "up")
    field = FileField(id="cv", label="CV", type="file", accept=["pdf"], max_kb=1)
    ada, eve = people.person("ada@example.gov"), people.person("eve@example.gov")
    kept = keeper.keep_upload(field, b"%PDF-1.4", "../cv.pdf", ada)
    assert (tmp_path / "up" / "kept" / kept["id"]).read_bytes() == b"%PDF-1.4"
    assert keeper.kept_upload(kept["id"], ada) == kept
    assert keeper.kept_upload(kept["id"], eve) is None
    assert keeper.kept_upload("nope", ada) is None
    with pytest.raises(InvalidAnswers) as refused:
        keeper.keep_upload(field, b"x", "cv.exe", ada)
    assert set(refused.value.errors) == {"cv"}
