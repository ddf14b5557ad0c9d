"""Reminders from the definition, with the clock injected: due on exactly day `after_days`,
queued once, due again `after_days` days later, reset by an entry of the `without` form,
stopped by leaving the state, and told to the roles of `to`.

small-program's `active` state: `reminder: {after_days: 30, without: check_in, to: [pair,
coordinator]}`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mentorflow import engine
from mentorflow.engine.definition.program import Program
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Enrollment, OutboxMessage
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service import reminders as reminders_module
from mentorflow.engine.service.desk import reminders_due
from mentorflow.engine.service.reminders import queue_reminders
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import SMALL, Clock, People

PROGRAM = "small-program"
MENTEE = {
    "name": "Ada Mentee",
    "email": "ada@example.gov",
    "supervisor_email": "sam.super@example.gov",
    "years_of_service": "1.5",
    "interests": ["Leadership"],
    "style": "hands_on",
}
MENTOR = {"name": "Max Mentor", "expertise": ["Leadership"], "style": "hands_on"}
PAIR_AND_COORDINATOR = {"ada@example.gov", "max@example.gov", "cora@example.gov"}


@pytest.fixture
def cast(people: People) -> dict[str, Actor]:
    return {
        "mentee": people.person("ada@example.gov", "Ada Mentee"),
        "mentor": people.person("max@example.gov", "Max Mentor"),
        "coordinator": people.person("cora@example.gov", "Cora Coordinator", coordinates=PROGRAM),
        "supervisor": people.person("sam.super@example.gov", "Sam Super"),
        "admin": people.person("root@example.gov", "Ada Admin", admin=True),
    }


def make_active(workflow: Workflow, cast: dict[str, Actor], program: str = PROGRAM) -> str:
    """A mentee of `program` taken to `active` now; returns the enrollment id."""
    coordinator = cast["coordinator"]
    mentee = workflow.apply(program, "mentee", cast["mentee"], MENTEE)
    mentor = workflow.apply(program, "mentor", cast["mentor"], MENTOR)
    workflow.take(mentor.id, "accept", coordinator)
    workflow.take(mentee.id, "screen", coordinator, {"notes": "Good fit."})
    workflow.match(mentee.id, mentor.id, coordinator)
    contract = {"goals": [{"goal": "Lead a budget meeting"}]}
    workflow.submit(mentee.id, "learning_contract", cast["mentee"], contract)
    for who in ("mentee", "mentor", "supervisor"):
        workflow.sign(mentee.id, "learning_contract", cast[who])
    assert workflow.take(mentee.id, "start", cast["mentee"]).state == "active"
    return mentee.id


def reminders(db: Database) -> list[OutboxMessage]:
    with db.session() as session:
        query = select(OutboxMessage).where(OutboxMessage.reason.like("reminder:%"))
        return list(session.scalars(query.order_by(OutboxMessage.id)))


def run(workflow: Workflow, clock: Clock, **kwargs: bool) -> int:
    """Queue what is due now; return how many messages this run wrote."""
    found = queue_reminders(workflow, [workflow.programs[PROGRAM]], clock(), **kwargs)
    return sum(o.queued for o in found)


def test_fires_on_exactly_day_after_days_once_then_again_a_period_later(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock
) -> None:
    enrollment_id = make_active(workflow, cast)
    clock.advance(29.99)  # day 29 and nearly a whole day more: not yet
    assert run(workflow, clock) == 0 and reminders(workflow.db) == []

    clock.advance(0.01)  # day 30
    assert run(workflow, clock) == 3
    first = reminders(workflow.db)
    assert {m.to_email for m in first} == PAIR_AND_COORDINATOR
    assert len({m.reason for m in first}) == 1
    assert first[0].reason.startswith(f"reminder:{enrollment_id}:active:")
    assert first[0].reason.endswith(":1")
    assert "No check-in for 30 days." in first[0].body
    assert first[0].subject == "[Small Program] Reminder: Ada Mentee"

    assert run(workflow, clock) == 0  # the same instant: nothing twice
    clock.advance(0.5)
    assert run(workflow, clock) == 0  # later the same day: nothing twice
    clock.advance(29)  # day 59.5
    assert run(workflow, clock) == 0
    assert len(reminders(workflow.db)) == 3

    clock.advance(0.5)  # day 60: the second period
    assert run(workflow, clock) == 3
    assert run(workflow, clock) == 0
    second = reminders(workflow.db)[3:]
    assert {m.to_email for m in second} == PAIR_AND_COORDINATOR
    assert {m.reason for m in second} == {first[0].reason[: -len("1")] + "2"}


def test_two_runs_at_once_queue_each_reminder_once(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second run commits between the first's look for earlier messages and its
    write: the first finds nothing queued yet, and the unique index skips its rows."""
    make_active(workflow, cast)
    clock.advance(30)
    real = reminders_module.audience
    interleaved: list[int] = []

    def another_run_first(*args: Any) -> list[tuple[str, str]]:
        if not interleaved:
            interleaved.append(-1)  # the other run's own call goes straight through
            interleaved[0] = run(workflow, clock)
        return real(*args)

    monkeypatch.setattr(reminders_module, "audience", another_run_first)
    assert run(workflow, clock) == 0  # it wrote nothing and says so
    assert interleaved == [3]
    assert sorted(m.to_email for m in reminders(workflow.db)) == sorted(PAIR_AND_COORDINATOR)


def test_a_check_in_resets_the_wait(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock
) -> None:
    enrollment_id = make_active(workflow, cast)
    clock.advance(20)
    workflow.submit(
        enrollment_id, "check_in", cast["mentee"], {"met_on": str(clock().date()), "obstacle": ""}
    )
    clock.advance(10)  # day 30 in the state, 10 since the check-in
    assert run(workflow, clock) == 0
    with workflow.db.session() as session:
        assert reminders_due(session, workflow.programs[PROGRAM], clock()) == []
    clock.advance(19.9)
    assert run(workflow, clock) == 0
    clock.advance(0.1)  # 30 days since the check-in
    assert run(workflow, clock) == 3
    assert run(workflow, clock) == 0
    clock.advance(30)
    assert run(workflow, clock) == 3


def test_leaving_the_state_stops_it(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock
) -> None:
    enrollment_id = make_active(workflow, cast)
    clock.advance(30)
    assert run(workflow, clock) == 3
    workflow.take(enrollment_id, "close", cast["coordinator"])
    for _ in range(3):
        clock.advance(30)
        assert run(workflow, clock) == 0
    assert len(reminders(workflow.db)) == 3


def test_a_dry_run_says_what_is_due_and_writes_nothing(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock
) -> None:
    enrollment_id = make_active(workflow, cast)
    clock.advance(30)
    found = queue_reminders(workflow, workflow.programs, clock(), dry_run=True)
    assert [(o.enrollment_id, o.state, o.period, o.queued) for o in found] == [
        (enrollment_id, "active", 1, 3)
    ]
    assert set(found[0].to) == PAIR_AND_COORDINATOR
    assert reminders(workflow.db) == []
    assert run(workflow, clock) == 3  # the real run still queues it


def test_the_desk_shows_what_is_overdue_with_its_period(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock
) -> None:
    enrollment_id = make_active(workflow, cast)
    clock.advance(65)
    with workflow.db.session() as session:
        due = reminders_due(session, workflow.programs[PROGRAM], clock())
        assert [(d.enrollment.id, d.days, d.period) for d in due] == [(enrollment_id, 65, 2)]


@pytest.fixture
def supervisor_program(tmp_path: Path) -> Program:
    text = SMALL.read_text().replace(
        "to: [pair, coordinator], text: No check-in",
        "to: [supervisor, admin], text: No check-in",
    )
    assert "to: [supervisor, admin]" in text
    path = tmp_path / "small.yaml"
    path.write_text(text)
    return engine.load_file(path)


def test_recipients_follow_to(
    db: Database,
    programs: dict[str, Program],
    supervisor_program: Program,
    cast: dict[str, Actor],
    clock: Clock,
) -> None:
    workflow = Workflow({**programs, PROGRAM: supervisor_program}, db, clock=clock)
    make_active(workflow, cast)
    clock.advance(30)
    assert run(workflow, clock) == 2
    assert {m.to_email for m in reminders(db)} == {"sam.super@example.gov", "root@example.gov"}


def test_other_states_and_programs_are_not_reminded(
    workflow: Workflow, cast: dict[str, Actor], clock: Clock
) -> None:
    mentee = workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE)  # `applied`: no reminder
    clock.advance(400)
    assert queue_reminders(workflow, workflow.programs, clock()) == []
    with workflow.db.session() as session:
        assert session.get(Enrollment, mentee.id).state == "applied"  # type: ignore[union-attr]


def test_notify_on_states_and_transitions_is_queued(
    workflow: Workflow, cast: dict[str, Actor]
) -> None:
    # small-program's `applied` notifies the coordinator when an enrollment enters it.
    workflow.apply(PROGRAM, "mentee", cast["mentee"], MENTEE)
    with workflow.db.session() as session:
        messages = list(session.scalars(select(OutboxMessage)))
    assert [(m.to_email, m.reason, m.sent_at) for m in messages] == [
        ("cora@example.gov", "state:applied", None)
    ]
    assert messages[0].subject == "[Small Program] Ada Mentee is now Applied"
