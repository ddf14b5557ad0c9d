"""Who may sign a form, in their own name or as a signature given on paper.

Of the learning contract of the small program (signed by mentor, mentee and supervisor):
each party signs in their own role only; a coordinator or an admin records a paper
signature in the signer's name; nobody else may, and nobody signs for a role the form
does not ask for. A refusal writes nothing. Once every signature is given the form is
locked: no edit changes what was signed. A signature keeps the full name the signer
typed (their account's name, ignoring case and spaces), the SHA-256 of the text signed
(the form's answers as rendered, in canonical JSON) and the time.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from mentorflow.engine.errors import (
    Forbidden,
    FormNotOpen,
    InvalidAnswers,
    NotFound,
    StaleVersion,
)
from mentorflow.engine.records.store import Event
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.rules.signatures import fingerprint, signed_text
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.engine.service.test_forms import CONTRACT, PROGRAM, Pair, matched

FORM = "learning_contract"


@pytest.fixture
def cast(workflow: Workflow, people: People) -> dict[str, Actor]:
    found: Pair = matched(workflow, people)
    workflow.submit(found.enrollment_id, FORM, found.mentee, CONTRACT)
    return {
        "enrollment": found.enrollment_id,  # type: ignore[dict-item]
        "mentee": found.mentee,
        "mentor": found.mentor,
        "coordinator": found.coordinator,
        "supervisor": people.person("sam.super@example.gov"),
        "admin": people.person("root@example.gov", "Root", admin=True),
        "stranger": people.person("eve@example.gov", "Eve"),
        "other coordinator": people.person("olga@example.gov", "Olga", coordinates="x"),
    }


OWN = [
    ("mentee", "mentee"),
    ("mentor", "mentor"),
    ("supervisor", "supervisor"),
]


@pytest.mark.parametrize(("who", "role"), OWN)
def test_each_party_signs_in_their_own_role(
    workflow: Workflow, cast: dict[str, Actor], who: str, role: str
) -> None:
    snapshot = workflow.sign(cast["enrollment"], FORM, cast[who])  # type: ignore[arg-type]
    assert {(s.role, s.signer_id, s.recorded_by_id) for s in snapshot.signatures} == {
        (role, cast[who].person_id, None)
    }
    again = workflow.sign(cast["enrollment"], FORM, cast[who])  # type: ignore[arg-type]
    assert again.signatures == snapshot.signatures  # signing twice changes nothing


NOT_ASKED = ["coordinator", "admin", "stranger", "other coordinator"]


@pytest.mark.parametrize("who", NOT_ASKED)
def test_who_is_not_asked_cannot_sign_in_their_own_name(
    workflow: Workflow, cast: dict[str, Actor], who: str
) -> None:
    with pytest.raises((Forbidden, NotFound)):
        workflow.sign(cast["enrollment"], FORM, cast[who])  # type: ignore[arg-type]


PAPER = [
    # (who records, for which role, refused with)
    ("coordinator", "supervisor", None),
    ("admin", "mentor", None),
    ("mentee", "supervisor", Forbidden),
    ("mentee", "mentor", Forbidden),
    ("mentor", "mentee", Forbidden),
    ("supervisor", "mentee", Forbidden),
    ("stranger", "supervisor", (Forbidden, NotFound)),
    ("other coordinator", "supervisor", (Forbidden, NotFound)),
    ("coordinator", "coordinator", NotFound),  # the form asks for no such signature
]


@pytest.mark.parametrize(("who", "role", "refused"), PAPER)
def test_only_staff_record_a_paper_signature(
    workflow: Workflow, cast: dict[str, Actor], who: str, role: str, refused: object
) -> None:
    enrollment_id: str = cast["enrollment"]  # type: ignore[assignment]
    if refused is not None:
        with pytest.raises(refused):  # type: ignore[call-overload]
            workflow.sign(enrollment_id, FORM, cast[who], on_behalf_of=role)
        unsigned = workflow.sign(enrollment_id, FORM, cast["mentee"])
        assert [s.role for s in unsigned.signatures] == ["mentee"]  # nothing else written
        return
    snapshot = workflow.sign(enrollment_id, FORM, cast[who], on_behalf_of=role)
    (signature,) = snapshot.signatures
    assert signature.role == role
    assert signature.recorded_by_id == cast[who].person_id
    expected_signer = {"supervisor": cast["supervisor"], "mentor": cast["mentor"]}[role]
    assert signature.signer_id == expected_signer.person_id


def test_a_signature_given_on_a_stale_version_is_refused(
    workflow: Workflow, cast: dict[str, Actor]
) -> None:
    enrollment_id: str = cast["enrollment"]  # type: ignore[assignment]
    read = workflow.enrollment_page(None, enrollment_id, cast["mentee"]).view.enrollment.version
    workflow.sign(enrollment_id, FORM, cast["mentor"])  # meanwhile: a new version
    with pytest.raises(StaleVersion):
        workflow.sign(enrollment_id, FORM, cast["mentee"], expected_version=read)
    now = workflow.enrollment_page(None, enrollment_id, cast["mentee"]).view.enrollment.version
    snapshot = workflow.sign(enrollment_id, FORM, cast["mentee"], expected_version=now)
    assert {s.role for s in snapshot.signatures} == {"mentor", "mentee"}


def test_a_form_not_yet_submitted_cannot_be_signed(workflow: Workflow, people: People) -> None:
    found = matched(workflow, people)
    with pytest.raises(FormNotOpen):
        workflow.sign(found.enrollment_id, FORM, found.mentee)


EDITED = {"goals": [{"goal": "Chair a budget meeting", "target": "2026-10-01"}]}

# (who has signed before the mentee edits the contract, whether the edit is refused): the
# form is locked when, and only when, every signature it asks for is given.
LOCK = [
    ((), False),
    (("mentee",), False),
    (("mentor", "supervisor"), False),
    (("mentee", "mentor", "supervisor"), True),
]


@pytest.mark.parametrize(("signers", "locked"), LOCK)
def test_a_form_signed_by_everyone_is_locked(
    workflow: Workflow, cast: dict[str, Actor], signers: tuple[str, ...], locked: bool
) -> None:
    enrollment_id: str = cast["enrollment"]  # type: ignore[assignment]
    for who in signers:
        workflow.sign(enrollment_id, FORM, cast[who])
    if not locked:
        assert workflow.submit(enrollment_id, FORM, cast["mentee"], EDITED).answers == EDITED
        return
    with pytest.raises(FormNotOpen):
        workflow.submit(enrollment_id, FORM, cast["mentee"], EDITED)
    # Signing again changes nothing and shows what is stored: the signed answers.
    assert workflow.sign(enrollment_id, FORM, cast["mentee"]).answers == CONTRACT


def test_one_person_in_two_signing_roles_signs_in_both(workflow: Workflow, people: People) -> None:
    # The mentee names their mentor as supervisor too; the coordinator has already
    # recorded the mentor's signature given on paper. Signing then gives the one left.
    pair = matched(workflow, people, supervisor="max@example.gov")
    mentee, mentor, coordinator = pair.mentee, pair.mentor, pair.coordinator
    enrollment_id = pair.enrollment_id
    workflow.submit(enrollment_id, FORM, mentee, CONTRACT)
    workflow.sign(enrollment_id, FORM, coordinator, on_behalf_of="mentor")
    snapshot = workflow.sign(enrollment_id, FORM, mentor)
    assert {(s.role, s.signer_id, s.recorded_by_id) for s in snapshot.signatures} == {
        ("mentor", mentor.person_id, coordinator.person_id),
        ("supervisor", mentor.person_id, None),
    }


def test_a_signature_keeps_the_typed_name_the_hash_of_the_text_and_the_time(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock
) -> None:
    enrollment_id: str = cast["enrollment"]  # type: ignore[assignment]
    clock.advance(0.25)
    snapshot = workflow.sign(enrollment_id, FORM, cast["mentee"], typed_name="  ada   MENTEE ")
    (signature,) = snapshot.signatures
    assert signature.typed_name == "ada MENTEE"  # as typed, spaces tidied
    assert signature.signed_at == clock.now
    form = workflow.programs[PROGRAM].forms[FORM]
    text = signed_text(form, CONTRACT)
    # The text signed is what the page shows, labels and answers, in canonical JSON.
    assert json.loads(text) == {
        "form": FORM,
        "title": "Learning contract",
        "answers": [["Goals", json.loads(text)["answers"][0][1]]],
    }
    assert "Lead a budget meeting" in text
    assert signature.text_sha256 == hashlib.sha256(text.encode()).hexdigest()
    assert signature.text_sha256 != fingerprint(form, EDITED)  # other answers, other hash


NAMES = [
    # (typed, refused because)
    ("", "Type your full name"),
    ("   ", "Type your full name"),
    ("Ada", "as your account gives it (Ada Mentee)"),
    ("Max Mentor", "as your account gives it"),
    ("x" * 201, "at most 200"),
]


@pytest.mark.parametrize(("typed", "why"), NAMES)
def test_a_typed_name_that_is_not_the_signers_is_refused_with_the_reason(
    workflow: Workflow, cast: dict[str, Actor], typed: str, why: str
) -> None:
    enrollment_id: str = cast["enrollment"]  # type: ignore[assignment]
    with pytest.raises(InvalidAnswers) as caught:
        workflow.sign(enrollment_id, FORM, cast["mentee"], typed_name=typed)
    assert why in caught.value.errors["typed_name"]
    unsigned = workflow.sign(enrollment_id, FORM, cast["mentor"], typed_name="max mentor")
    assert [s.role for s in unsigned.signatures] == ["mentor"]  # the refusal wrote nothing


def test_a_paper_signature_keeps_the_name_on_the_paper_unchecked(
    workflow: Workflow, cast: dict[str, Actor]
) -> None:
    enrollment_id: str = cast["enrollment"]  # type: ignore[assignment]
    snapshot = workflow.sign(
        enrollment_id, FORM, cast["coordinator"], on_behalf_of="supervisor", typed_name="S. Super"
    )
    (signature,) = snapshot.signatures
    assert signature.typed_name == "S. Super"
    assert signature.text_sha256 == fingerprint(workflow.programs[PROGRAM].forms[FORM], CONTRACT)


def test_an_amendment_keeps_the_signed_names_and_hashes_in_the_history(
    workflow: Workflow, cast: dict[str, Actor]
) -> None:
    enrollment_id: str = cast["enrollment"]  # type: ignore[assignment]
    workflow.sign(enrollment_id, FORM, cast["mentee"], typed_name="Ada Mentee")
    amended = workflow.amend(enrollment_id, FORM, cast["coordinator"])
    assert amended.signatures == ()
    with workflow.db.session() as session:
        event = session.scalars(select(Event).where(Event.kind == "amend")).one()
    assert event.answers is not None
    [kept] = event.answers["signatures"]
    assert kept["typed_name"] == "Ada Mentee"
    assert kept["text_sha256"] == fingerprint(workflow.programs[PROGRAM].forms[FORM], CONTRACT)
