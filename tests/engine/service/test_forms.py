"""Entries of a repeatable form are added side by side: a mentee and a mentor recording
check-ins at the same moment both keep theirs. Edits of one submission and transitions
keep the version check, so a change based on an old page is still refused."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from mentorflow.engine.errors import FormNotOpen, StaleVersion
from mentorflow.engine.records.store import Enrollment, Submission
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.forms import ADD_ATTEMPTS
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import People

PROGRAM = "small-program"
CONTRACT = {"goals": [{"goal": "Lead a budget meeting", "target": "2026-09-01"}]}
ADDS_EACH = 8  # check-ins each of the two records at once


@dataclass(frozen=True)
class Pair:
    mentee: Actor
    mentor: Actor
    coordinator: Actor
    enrollment_id: str  # the mentee's, where the pair's forms live


def version_of(workflow: Workflow, enrollment_id: str) -> int:
    with workflow.db.session() as session:
        found = session.get(Enrollment, enrollment_id)
        assert found is not None
        return found.version


def check_ins(workflow: Workflow, enrollment_id: str) -> list[tuple[str | None, str]]:
    """Who wrote each stored check-in, and the day it names."""
    with workflow.db.session() as session:
        rows = session.scalars(
            select(Submission).where(
                Submission.enrollment_id == enrollment_id, Submission.form_id == "check_in"
            )
        )
        return sorted((s.author_id, s.answers["met_on"]) for s in rows)


def matched(workflow: Workflow, people: People, supervisor: str = "sam.super@example.gov") -> Pair:
    """Ada and Max, matched; `supervisor`: the address Ada names as her supervisor's."""
    mentee = people.person("ada@example.gov", "Ada Mentee")
    mentor = people.person("max@example.gov", "Max Mentor")
    coordinator = people.person("cora@example.gov", "Cora", coordinates=PROGRAM)
    people.person("sam.super@example.gov", "Sam Super")
    enrollment = workflow.apply(
        PROGRAM,
        "mentee",
        mentee,
        {
            "name": "Ada Mentee",
            "email": mentee.email,
            "supervisor_email": supervisor,
            "years_of_service": "1.5",
            "interests": ["Leadership"],
            "style": "hands_on",
        },
    )
    mentoring = workflow.apply(
        PROGRAM,
        "mentor",
        mentor,
        {"name": "Max Mentor", "expertise": ["Leadership"], "years_of_service": "12"},
    )
    workflow.take(mentoring.id, "accept", coordinator)
    workflow.take(enrollment.id, "screen", coordinator, {"notes": "Good fit."})
    workflow.match(enrollment.id, mentoring.id, coordinator)
    return Pair(mentee, mentor, coordinator, enrollment.id)


@pytest.fixture
def pair(workflow: Workflow, people: People) -> Pair:
    """A pair whose relationship is active: check-ins are open."""
    found = matched(workflow, people)
    workflow.submit(found.enrollment_id, "learning_contract", found.mentee, CONTRACT)
    supervisor = people.person("sam.super@example.gov")
    for signer in (found.mentee, found.mentor, supervisor):
        workflow.sign(found.enrollment_id, "learning_contract", signer)
    assert workflow.take(found.enrollment_id, "start", found.mentee).state == "active"
    return found


def test_two_entries_added_from_the_same_page_version_are_both_kept(
    workflow: Workflow, pair: Pair
) -> None:
    seen = version_of(workflow, pair.enrollment_id)  # both opened the form at this version
    workflow.submit(
        pair.enrollment_id, "check_in", pair.mentee, {"met_on": "2026-03-01"}, expected_version=seen
    )
    assert version_of(workflow, pair.enrollment_id) > seen  # the mentor's page is now old
    workflow.submit(
        pair.enrollment_id, "check_in", pair.mentor, {"met_on": "2026-03-02"}, expected_version=seen
    )
    assert check_ins(workflow, pair.enrollment_id) == sorted(
        [(pair.mentee.person_id, "2026-03-01"), (pair.mentor.person_id, "2026-03-02")]
    )


@pytest.mark.parametrize("send_version", [True, False], ids=["page-version", "no-version"])
def test_many_entries_added_at_once_by_both_are_all_kept(
    workflow: Workflow, pair: Pair, send_version: bool
) -> None:
    seen = version_of(workflow, pair.enrollment_id)
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def record(who: Actor, day: str) -> None:
        start.wait()
        for n in range(ADDS_EACH):
            try:
                workflow.submit(
                    pair.enrollment_id,
                    "check_in",
                    who,
                    {"met_on": f"2026-02-{day}", "obstacle": n % 2 == 0},
                    expected_version=seen if send_version else None,
                )
            except BaseException as exc:  # noqa: BLE001 -- every failure is the finding
                failures.append(exc)

    threads = [
        threading.Thread(target=record, args=(pair.mentee, "01")),
        threading.Thread(target=record, args=(pair.mentor, "02")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    stored = check_ins(workflow, pair.enrollment_id)
    assert stored.count((pair.mentee.person_id, "2026-02-01")) == ADDS_EACH
    assert stored.count((pair.mentor.person_id, "2026-02-02")) == ADDS_EACH
    # Each entry is still a write to the enrollment: its version moved once per entry.
    assert version_of(workflow, pair.enrollment_id) == seen + 2 * ADDS_EACH


def test_an_edit_from_an_old_page_is_still_refused(workflow: Workflow, people: People) -> None:
    found = matched(workflow, people)
    seen = version_of(workflow, found.enrollment_id)
    workflow.submit(found.enrollment_id, "learning_contract", found.mentee, CONTRACT)
    edited = {"goals": [{"goal": "Written over", "target": "2026-09-01"}]}
    with pytest.raises(StaleVersion):
        workflow.submit(
            found.enrollment_id, "learning_contract", found.mentor, edited, expected_version=seen
        )
    with pytest.raises(StaleVersion):
        workflow.take(found.enrollment_id, "start", found.coordinator, expected_version=seen)
    with workflow.db.session() as session:
        contract = session.scalars(
            select(Submission).where(Submission.form_id == "learning_contract")
        ).one()
        assert contract.answers["goals"][0]["goal"] == "Lead a budget meeting"


def test_an_entry_with_the_current_version_is_added_too(workflow: Workflow, pair: Pair) -> None:
    now = version_of(workflow, pair.enrollment_id)
    workflow.submit(
        pair.enrollment_id, "check_in", pair.mentor, {"met_on": "2026-03-01"}, expected_version=now
    )
    assert check_ins(workflow, pair.enrollment_id) == [(pair.mentor.person_id, "2026-03-01")]


def test_an_add_that_loses_a_race_is_tried_again_but_a_refusal_is_not(
    workflow: Workflow, pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    raised: list[type[Exception]] = []
    real = Workflow._raise_alert

    def losing_once(self: Workflow, *args: object) -> None:
        if not raised:
            raised.append(StaleVersion)
            raise StaleVersion()  # what a lost race for the row becomes
        real(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Workflow, "_raise_alert", losing_once)
    workflow.submit(pair.enrollment_id, "check_in", pair.mentee, {"met_on": "2026-03-01"})
    assert raised == [StaleVersion]
    assert check_ins(workflow, pair.enrollment_id) == [(pair.mentee.person_id, "2026-03-01")]

    calls = 0

    def refusing(self: Workflow, *args: object) -> None:
        nonlocal calls
        calls += 1
        raise FormNotOpen("refused in words")

    monkeypatch.setattr(Workflow, "_raise_alert", refusing)
    with pytest.raises(FormNotOpen):
        workflow.submit(pair.enrollment_id, "check_in", pair.mentee, {"met_on": "2026-03-01"})
    assert calls == 1

    def always_losing(self: Workflow, *args: object) -> None:
        nonlocal calls
        calls += 1
        raise StaleVersion()

    calls = 0
    monkeypatch.setattr(Workflow, "_raise_alert", always_losing)
    with pytest.raises(StaleVersion):
        workflow.submit(pair.enrollment_id, "check_in", pair.mentee, {"met_on": "2026-03-01"})
    assert calls == ADD_ATTEMPTS
    assert len(check_ins(workflow, pair.enrollment_id)) == 1  # nothing half-written
