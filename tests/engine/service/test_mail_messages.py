"""Mail worth reading: one message per person per event, in the definition's words (no
internal codes), each with an absolute link to the page to act on; a supervisor named
on the application is told what to do, invited to register, and asked to sign."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import select

from mentorflow import engine
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Enrollment, Event, OutboxMessage
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from mentorflow.engine.settings import Identity
from tests.conftest import Clock, People
from tests.support import Cast, Walk, make_cast, sample_answers, unique, walk_to

PUBLIC = "https://mentoring.example.gov"
GENERAL = "general-mentoring"
# Codes people must never read: a reason's prefix, or an id with an underscore.
CODE = re.compile(r"\b(?:transition|state|reminder|alert|amend|sign):\S|\b[a-z]+_[a-z_]+\b")
LINK = re.compile(r"https?://\S+")


def codes_in(text: str) -> list[str]:
    """Internal codes in a message's text, its links aside (a path may hold a form's id)."""
    return CODE.findall(LINK.sub("", text))


@pytest.fixture
def workflow(programs: dict[str, engine.Program], db: Database, clock: Clock) -> Workflow:
    return Workflow(programs, db, clock=clock, identity=Identity(public_url=PUBLIC))


def messages_of(workflow: Workflow, enrollment_id: str) -> list[OutboxMessage]:
    with workflow.db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.enrollment_id == enrollment_id)
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def events_of(workflow: Workflow, enrollment_id: str) -> list[Event]:
    with workflow.db.session() as session:
        query = select(Event).where(Event.enrollment_id == enrollment_id)
        return list(session.scalars(query.order_by(Event.id)))


def completed_state(program: engine.Program, role: str) -> str:
    lifecycle = program.lifecycle_of(role)
    return next(s for s in lifecycle.finals if lifecycle.states[s].outcome == "completed")


def expected_readers(workflow: Workflow, walk: Walk, audience: set[str]) -> set[str]:
    """The addresses `audience` names for the walk's enrollment, worked out here from the
    walk's people (not by the engine's own rule)."""
    found: set[str] = set()
    with workflow.db.session() as session:
        enrollment = session.get(Enrollment, walk.enrollment_id)
        assert enrollment is not None
        supervisor = enrollment.supervisor_email
    if walk.role in audience or "pair" in audience:
        found.add(walk.person.email)
    if walk.mentors and ("mentor" in audience or "pair" in audience):
        found.add(walk.mentors[-1].person.email)
    if "supervisor" in audience and supervisor:
        found.add(supervisor)
    if "coordinator" in audience:
        found.add(walk.cast.coordinator.email)
    return found


@pytest.mark.parametrize("program_id", ["civil-engineers", GENERAL, "human-services-caseload"])
def test_each_step_tells_each_person_once_in_words_with_a_link(
    workflow: Workflow, people: People, clock: Clock, program_id: str
) -> None:
    program = workflow.programs[program_id]
    lifecycle = program.lifecycle_of("mentee")
    walk = walk_to(
        workflow,
        program,
        "mentee",
        completed_state(program, "mentee"),
        people=people,
        clock=clock,
    )
    mail = messages_of(workflow, walk.enrollment_id)
    assert mail
    told_of_a_step = 0
    for event in events_of(workflow, walk.enrollment_id)[1:]:
        t = lifecycle.transitions[event.transition or ""]
        audience = {*t.notify, *lifecycle.states[t.dest].notify}
        if not audience:
            continue
        # The step's notify and the state's were two messages each; now one per person.
        step_mail = [m for m in mail if m.reason in (f"transition:{t.id}", f"state:{t.dest}")]
        counts = Counter(m.to_email for m in step_mail)
        assert counts == dict.fromkeys(expected_readers(workflow, walk, audience), 1), t.id
        label = lifecycle.label(t.dest)
        assert all(f"“{label}”" in m.body and f"“{t.label}”" in m.body for m in step_mail)
        told_of_a_step += 1
    assert told_of_a_step >= 3
    link = f"{PUBLIC}/p/{program_id}/enrollments/{walk.enrollment_id}"
    for m in mail:
        assert codes_in(m.subject) == codes_in(m.body) == [], m.body
        assert m.subject.startswith(f"[{program.title}] ")
        assert m.body.startswith("Hello ") and program.title in m.body
        assert link in m.body, m.body  # the enrollment page, or one of its forms


def test_the_enrolled_person_is_greeted_by_name_and_told_about_their_own_enrollment(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    walk = walk_to(
        workflow,
        workflow.programs[GENERAL],
        "mentee",
        "matched",
        people=people,
        clock=clock,
        name="Nia Okafor",
    )
    mine = [m for m in messages_of(workflow, walk.enrollment_id) if m.to_email == walk.person.email]
    matched = [m for m in mine if "Matched" in m.subject]
    assert len(matched) == 1
    assert (
        matched[0].subject
        == "[Agency Workplace Mentoring Program] Your mentee enrollment is now Matched"
    )
    assert matched[0].body.startswith("Hello Nia Okafor,\n\n")
    assert (
        "Your mentee enrollment in Agency Workplace Mentoring Program is now “Matched”"
        in matched[0].body
    )
    mentor = walk.mentors[-1].person
    theirs = [m for m in messages_of(workflow, walk.enrollment_id) if m.to_email == mentor.email]
    assert [m.subject for m in theirs if "Matched" in m.subject] == [
        "[Agency Workplace Mentoring Program] Nia Okafor is now Matched"
    ]


# ---------------------------------------------------------------- the supervisor


def newcomer_cast(people: People, program: engine.Program) -> Cast:
    """A cast whose supervisor has no account yet: only an address on the application."""
    cast = make_cast(people, program)
    cast.supervisor = Actor(person_id=None, email=unique("new.supervisor"))
    return cast


def test_a_supervisor_without_an_account_is_told_invited_to_register_and_asked_to_sign(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    program = workflow.programs[GENERAL]
    cast = newcomer_cast(people, program)
    walk = walk_to(
        workflow, program, "mentee", "matched", people=people, clock=clock, cast=cast, name="Nia"
    )
    boss = cast.supervisor.email
    page = f"{PUBLIC}/p/{GENERAL}/enrollments/{walk.enrollment_id}"
    told = [m for m in messages_of(workflow, walk.enrollment_id) if m.to_email == boss]
    # At application (the program's purpose promises it) and at matching: once each.
    assert [m.subject for m in told] == [
        "[Agency Workplace Mentoring Program] Nia is now Applied",
        "[Agency Workplace Mentoring Program] Nia is now Matched",
    ]
    for m in told:
        assert m.body.startswith("Hello,\n\n")  # no name known yet
        assert "Nia named you as their supervisor" in m.body
        assert page in m.body
        assert f"Register with this address ({boss}) at {PUBLIC}/register" in m.body

    # The pair writes the contract: the supervisor is asked to sign it, with its link.
    contract = sample_answers(program, "learning_contract", (), clock().date())
    workflow.submit(walk.enrollment_id, "learning_contract", walk.person, contract)
    asked = [
        m
        for m in messages_of(workflow, walk.enrollment_id)
        if m.subject.startswith("[Agency Workplace Mentoring Program] Please sign")
    ]
    by_reader = {m.to_email: m for m in asked}
    mentor = walk.mentors[-1].person.email
    assert sorted(by_reader) == sorted([boss, mentor])  # not the mentee, who just filled it
    to_boss = by_reader[boss]
    assert (
        to_boss.subject
        == "[Agency Workplace Mentoring Program] Please sign Nia's Learning contract"
    )
    assert f"{page}/forms/learning_contract" in to_boss.body
    assert "ready for your signature as supervisor" in to_boss.body
    assert f"Register with this address ({boss}) at {PUBLIC}/register" in to_boss.body
    assert "Register" not in by_reader[mentor].body  # the mentor has an account

    # Signing changes no answer: nobody is asked again.
    before = len(messages_of(workflow, walk.enrollment_id))
    workflow.sign(walk.enrollment_id, "learning_contract", walk.person)
    assert len(messages_of(workflow, walk.enrollment_id)) == before


def test_a_supervisor_with_an_account_is_not_asked_to_register(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    walk = walk_to(
        workflow, workflow.programs[GENERAL], "mentee", "matched", people=people, clock=clock
    )
    boss = walk.cast.supervisor
    told = [m for m in messages_of(workflow, walk.enrollment_id) if m.to_email == boss.email]
    assert len(told) == 2
    assert all(m.body.startswith(f"Hello {boss.name},") for m in told)
    assert all("register" not in m.body.lower() for m in told)


def test_an_amendment_asks_every_signer_again_with_the_link(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    program = workflow.programs[GENERAL]
    walk = walk_to(workflow, program, "mentee", "contracted", people=people, clock=clock)
    seen = {m.id for m in messages_of(workflow, walk.enrollment_id)}
    workflow.amend(walk.enrollment_id, "learning_contract", walk.cast.coordinator)
    new = [m for m in messages_of(workflow, walk.enrollment_id) if m.id not in seen]
    readers = {walk.person.email, walk.mentors[-1].person.email, walk.cast.supervisor.email}
    assert Counter(m.to_email for m in new) == dict.fromkeys(readers, 1)
    form_link = f"{PUBLIC}/p/{GENERAL}/enrollments/{walk.enrollment_id}/forms/learning_contract"
    for m in new:
        assert "reopened" in m.body and "as an amendment" in m.body
        assert form_link in m.body
        assert codes_in(m.subject + m.body) == []


def test_a_message_says_what_its_reader_can_do_next_and_never_offers_an_ending(
    workflow: Workflow, people: People, clock: Clock
) -> None:
    program = workflow.programs["human-services-caseload"]
    walk = walk_to(workflow, program, "mentee", "applied", people=people, clock=clock)
    mail = {m.to_email: m.body for m in messages_of(workflow, walk.enrollment_id)}
    # The supervisor approves participation here: the mail says so and links to the page.
    to_boss = mail[walk.cast.supervisor.email]
    approve = program.lifecycle_of("mentee").transitions["supervisor_approve"].label
    assert f"Next for you there:\n- {approve}\n" in to_boss
    decline = program.lifecycle_of("mentee").transitions["supervisor_decline"].label
    assert decline not in to_boss  # it asks for a confirmation: not a next step
    general = workflow.programs[GENERAL]
    walk = walk_to(workflow, general, "mentee", "screened", people=people, clock=clock)
    mine = [m.body for m in messages_of(workflow, walk.enrollment_id) if "Screened" in m.subject]
    assert len(mine) == 1
    assert "Next for you there:\n- Fill in the Mentee orientation\n" in mine[0]
    assert "Withdraw" not in mine[0]
