"""A signed form as a document to print: its answers and signatures, to exactly those
who may read it (the same rule as the enrollment page), NotFound for anyone else."""

from __future__ import annotations

import pytest

from mentorflow.engine.errors import NotFound
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.rules.signatures import fingerprint
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import People
from tests.engine.service.test_forms import CONTRACT, PROGRAM, Pair, matched

FORM = "learning_contract"


@pytest.fixture
def pair(workflow: Workflow, people: People) -> Pair:
    found = matched(workflow, people)
    workflow.submit(found.enrollment_id, FORM, found.mentee, CONTRACT)
    workflow.sign(found.enrollment_id, FORM, found.mentee, typed_name="Ada Mentee")
    return found


def test_the_document_holds_answers_typed_names_and_fingerprints(
    workflow: Workflow, pair: Pair
) -> None:
    doc = workflow.form_document(PROGRAM, pair.enrollment_id, FORM, pair.coordinator)
    assert (doc.form_title, doc.person_name) == ("Learning contract", "Ada Mentee")
    [entry] = doc.entries
    assert any("Lead a budget meeting" in a.text for a in entry.shown)
    [signed] = entry.signatures
    assert (signed.role, signed.name, signed.typed, signed.on_paper) == (
        "mentee",
        "Ada Mentee",
        True,
        False,
    )
    printed = fingerprint(workflow.programs[PROGRAM].forms[FORM], CONTRACT)
    assert signed.text_sha256 == entry.text_sha256 == printed
    assert set(doc.missing_signatures) == {"mentor", "supervisor"}


def test_who_may_not_read_the_form_gets_nothing(
    workflow: Workflow, pair: Pair, people: People
) -> None:
    # The small program's contract is visible to its filler and coordinators only.
    readers: list[Actor] = [pair.mentee, pair.coordinator]
    for reader in readers:
        assert workflow.form_document(PROGRAM, pair.enrollment_id, FORM, reader).entries
    for outsider in (
        pair.mentor,  # signs it, but `visible_to` does not name the mentor
        people.person("eve@example.gov", "Eve"),
        people.person("olga@example.gov", "Olga", coordinates="general-mentoring"),
    ):
        with pytest.raises(NotFound):
            workflow.form_document(PROGRAM, pair.enrollment_id, FORM, outsider)
    with pytest.raises(NotFound):  # not filled yet: nothing to print
        workflow.form_document(PROGRAM, pair.enrollment_id, "evaluation", pair.mentee)
