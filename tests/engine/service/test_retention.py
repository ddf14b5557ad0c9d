"""Retention: `purge` does exactly what the schedule says, when it says it, and nothing to
open or held enrollments; anonymising leaves nothing that names the person anywhere in the
database and keeps the reports' totals; deleting keeps the partner's record whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from mentorflow import engine
from mentorflow.engine.definition.fields import FileField
from mentorflow.engine.errors import Conflict, Forbidden, InvalidAnswers
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import (
    AccessRead,
    Attachment,
    Base,
    Enrollment,
    Event,
    Pairing,
    Person,
    PurgeLogEntry,
    Submission,
)
from mentorflow.engine.service.retention import add_months
from mentorflow.engine.service.uploads import claim_files, store_upload
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import SMALL, Clock, People
from tests.support import Walk, make_cast, sample_answers, state_since, walk_to

GENERAL = "general-mentoring"
THREE_YEARS = 36


@pytest.fixture
def service(
    programs: dict[str, engine.Program], db: Database, clock: Clock, tmp_path: Path
) -> Workflow:
    return Workflow(programs, db, clock=clock, uploads=tmp_path / "uploads")


def _move_to(clock: Clock, when: dt.datetime) -> None:
    clock.advance((when - clock()).total_seconds() / 86400)


def _move_months(clock: Clock, months: int, days: float = 0) -> None:
    _move_to(clock, add_months(clock(), months) + dt.timedelta(days=days))


def _secret_answers(workflow: Workflow, enrollment_id: str, tag: str) -> list[str]:
    """Give every free-text, e-mail and phone answer on the enrollment a value of its own,
    so a scan of the database can tell whether any survived; return those values."""
    secrets: list[str] = []
    with workflow.db.session() as session, session.begin():
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        program = workflow.programs[enrollment.program_id]
        for submission in session.scalars(
            select(Submission).where(Submission.enrollment_id == enrollment_id)
        ):
            fields = program.forms[submission.form_id].fields
            answers = dict(submission.answers)
            for key, value in answers.items():
                kind = fields[key].type if key in fields else ""
                if isinstance(value, str) and kind in ("text", "textarea", "phone"):
                    answers[key] = f"{tag}-{submission.form_id}-{key}-secret"
                    secrets.append(answers[key])
                elif isinstance(value, str) and kind == "email":
                    answers[key] = f"{tag}.{key}@secret.example"
                    secrets.append(answers[key])
            submission.answers = answers
            flag_modified(submission, "answers")
    assert secrets
    return secrets


def _attach(workflow: Workflow, enrollment_id: str, filename: str) -> Path:
    """A real stored file in the enrollment's apply form (the walk sends none)."""
    with workflow.db.session() as session, session.begin():
        enrollment = session.get(Enrollment, enrollment_id)
        assert enrollment is not None
        submission = session.scalars(
            select(Submission).where(Submission.enrollment_id == enrollment_id)
        ).first()
        assert submission is not None
        field = FileField(id="resume", label="Resume", type="file", max_kb=64)
        descriptor = store_upload(
            session, workflow.uploads, field, b"%PDF-1.4 cv", filename, enrollment.person_id
        )
        claim_files(session, workflow.uploads, {"resume": descriptor})
        submission.answers = {**submission.answers, "resume": descriptor}
        flag_modified(submission, "answers")
    path = workflow.uploads / descriptor["id"]
    assert path.is_file()
    return path


def _everything(db: Database) -> str:
    """Every row of every table, as text."""
    parts: list[str] = []
    with db.session() as session:
        for table in Base.metadata.sorted_tables:
            parts.extend(repr(tuple(row)) for row in session.execute(table.select()))
    return "\n".join(parts)


def _identity(workflow: Workflow, walk: Walk) -> list[str]:
    with workflow.db.session() as session:
        enrollment = session.get(Enrollment, walk.enrollment_id)
        assert enrollment is not None
        return [enrollment.person.name, enrollment.person.email]


class General:
    """Olive completed, Harriet completed but held, Oscar still open, Della (a mentor)
    declined with a file: all in the general program, whose mentee and mentor records
    are anonymised 36 months after they end."""

    def __init__(self, workflow: Workflow, people: People, clock: Clock):
        program = workflow.programs[GENERAL]
        self.cast = make_cast(people, program)

        def walk(role: str, target: str, name: str) -> Walk:
            return walk_to(
                workflow,
                program,
                role,
                target,
                people=people,
                clock=clock,
                cast=self.cast,
                name=name,
            )

        self.olive = walk("mentee", "completed", "Olive Oldcase")
        self.harriet = walk("mentee", "completed", "Harriet Heldcase")
        self.oscar = walk("mentee", "trained", "Oscar Opencase")
        self.della = walk("mentor", "declined", "Della Declined")
        workflow.place_hold(self.harriet.enrollment_id, self.cast.coordinator, "Grievance 2026-14")


def _due(workflow: Workflow) -> set[tuple[str, str, str]]:
    return {(d.enrollment_id, d.action, d.rule) for d in workflow.retention_due()}


def test_purge_does_exactly_what_the_schedule_says_when_it_says_it(
    service: Workflow, people: People, clock: Clock
) -> None:
    cast = General(service, people, clock)
    olive = (cast.olive.enrollment_id, "anonymise", "role mentee")
    della = (cast.della.enrollment_id, "anonymise", "role mentor")
    olive_ended = state_since(service, cast.olive.enrollment_id)
    della_ended = state_since(service, cast.della.enrollment_id)
    assert olive_ended < della_ended  # Della was walked last
    _move_to(clock, add_months(olive_ended, THREE_YEARS) - dt.timedelta(minutes=1))
    assert _due(service) == set()
    _move_to(clock, add_months(olive_ended, THREE_YEARS))
    assert _due(service) == {olive}
    _move_to(clock, add_months(della_ended, THREE_YEARS) - dt.timedelta(minutes=1))
    assert _due(service) == {olive}

    _move_to(clock, add_months(della_ended, THREE_YEARS) + dt.timedelta(days=1))
    expected = {olive, della}
    assert _due(service) == expected  # not Harriet (held), Oscar (open), nor any mentor at work
    done = service.purge()
    assert {(d.due.enrollment_id, d.due.action, d.due.rule) for d in done} == expected
    assert all(d.rows > 0 for d in done)
    assert _due(service) == set() and service.purge() == ()  # done once, logged
    with service.db.session() as session:
        log = session.scalars(select(PurgeLogEntry)).all()
        assert {(e.enrollment_id, e.action, e.rule) for e in log} == expected
        held = session.get(Enrollment, cast.harriet.enrollment_id)
        assert held is not None and held.person.name == "Harriet Heldcase"

    service.lift_hold(cast.harriet.enrollment_id, cast.cast.coordinator)
    assert _due(service) == {(cast.harriet.enrollment_id, "anonymise", "role mentee")}


def test_anonymised_leaves_no_name_email_text_or_file_and_the_same_report_totals(
    service: Workflow, people: People, clock: Clock
) -> None:
    cast = General(service, people, clock)
    secrets = [
        *_identity(service, cast.olive),
        *_secret_answers(service, cast.olive.enrollment_id, "olive"),
        *_identity(service, cast.della),
        *_secret_answers(service, cast.della.enrollment_id, "della"),
        "della-cv-secret.pdf",
    ]
    stored = _attach(service, cast.della.enrollment_id, "della-cv-secret.pdf")
    # Olive once opened Oscar's page (as his mentee partner might): the access log keeps
    # her address as its reader.
    with service.db.session() as session, session.begin():
        session.add(
            AccessRead(
                reader_id=cast.olive.person.person_id,
                reader=cast.olive.person.email,
                subject_person_id=cast.oscar.person.person_id,
                program_id=GENERAL,
                enrollment_id=cast.oscar.enrollment_id,
                what="enrollment",
                door="page",
            )
        )
    kept = [*_identity(service, cast.harriet), *_identity(service, cast.oscar)]
    before = _reports(service, cast)
    assert all(s in _everything(service.db) for s in secrets)

    _move_months(clock, THREE_YEARS + 1)
    done = {d.due.enrollment_id: d for d in service.purge()}
    assert done[cast.della.enrollment_id].files == 1

    everything = _everything(service.db)
    assert [s for s in secrets if s in everything] == []
    assert all(s in everything for s in kept)
    assert not stored.exists()
    assert _reports(service, cast) == before
    with service.db.session() as session:
        olive = session.get(Enrollment, cast.olive.enrollment_id)
        assert olive is not None and olive.state == "completed"
        assert olive.person.name == "Anonymised" and olive.person.password_hash is None
        assert olive.person.email.endswith("@invalid") and olive.supervisor_email is None
        assert session.scalars(select(Attachment)).all() == []


def _reports(workflow: Workflow, cast: General) -> list[Any]:
    return [
        (r.id, [(row.item, row.measure, row.value) for row in r.rows])
        for r in workflow.reports(GENERAL, cast.cast.coordinator)
    ]


def test_a_hold_is_for_staff_says_why_and_is_placed_once(
    service: Workflow, people: People, clock: Clock
) -> None:
    program = service.programs[GENERAL]
    cast = make_cast(people, program)
    walk = walk_to(service, program, "mentee", "applied", people=people, clock=clock, cast=cast)
    with pytest.raises(Forbidden):
        service.place_hold(walk.enrollment_id, walk.person, "mine")
    with pytest.raises(InvalidAnswers):
        service.place_hold(walk.enrollment_id, cast.coordinator, "   ")
    with pytest.raises(Conflict):
        service.lift_hold(walk.enrollment_id, cast.coordinator)
    service.place_hold(walk.enrollment_id, cast.admin, "Audit  2026")
    with pytest.raises(Conflict):
        service.place_hold(walk.enrollment_id, cast.coordinator, "again")
    (hold,) = service.holds(walk.enrollment_id, cast.coordinator)
    assert hold.on and hold.reason == "Audit 2026" and hold.placed_by == "Ada Admin"
    service.lift_hold(walk.enrollment_id, cast.coordinator)
    (hold,) = service.holds(walk.enrollment_id, cast.coordinator)
    assert not hold.on and hold.lifted_by == "Cora Coordinator"


# ---------------------------------------------------------------- delete, and form rules

DELETING = SMALL.read_text() + (
    "retention:\n"
    "  - {role: mentee, keep_months: 6, then: delete}\n"
    "  - {form: mentor_application, keep_months: 0, then: anonymise}\n"
)


@pytest.fixture
def deleting(db: Database, clock: Clock, tmp_path: Path) -> Workflow:
    program = engine.load_text(DELETING, "deleting.yaml")
    return Workflow({program.id: program}, db, clock=clock, uploads=tmp_path / "uploads")


def test_delete_removes_the_enrollment_and_keeps_the_partners_record(
    deleting: Workflow, people: People, clock: Clock
) -> None:
    program = next(iter(deleting.programs.values()))
    cast = make_cast(people, program)
    closed = walk_to(deleting, program, "mentee", "closed", people=people, clock=clock, cast=cast)
    mentor = closed.mentors[0]
    with deleting.db.session() as session:
        mentor_events = len(
            session.scalars(select(Event).where(Event.enrollment_id == mentor.enrollment_id)).all()
        )
        assert session.scalars(select(Pairing)).all()
    mentee_email = closed.person.email
    _move_months(clock, 6, days=1)
    assert _due(deleting) == {(closed.enrollment_id, "delete", "role mentee")}  # mentor: open
    (done,) = deleting.purge()
    assert done.rows > 5

    with deleting.db.session() as session:
        assert session.get(Enrollment, closed.enrollment_id) is None
        assert (
            session.scalars(
                select(Submission).where(Submission.enrollment_id == closed.enrollment_id)
            ).all()
            == []
        )
        assert session.scalars(select(Pairing)).all() == []
        assert session.scalars(select(Person).where(Person.email == mentee_email)).all() == []
        kept = session.get(Enrollment, mentor.enrollment_id)
        assert kept is not None and kept.person.name
        assert (
            len(
                session.scalars(
                    select(Event).where(Event.enrollment_id == mentor.enrollment_id)
                ).all()
            )
            == mentor_events
        )
    assert mentee_email not in _everything(deleting.db)


def test_a_form_rule_touches_only_its_form_on_ended_enrollments(
    deleting: Workflow, people: People, clock: Clock
) -> None:
    program = next(iter(deleting.programs.values()))
    cast = make_cast(people, program)
    gone = walk_to(deleting, program, "mentor", "withdrawn", people=people, clock=clock, cast=cast)
    working = walk_to(
        deleting, program, "mentor", "available", people=people, clock=clock, cast=cast
    )
    secrets = _secret_answers(deleting, gone.enrollment_id, "gone")
    still = _secret_answers(deleting, working.enrollment_id, "working")
    assert _due(deleting) == {(gone.enrollment_id, "anonymise", "form mentor_application")}
    deleting.purge()
    everything = _everything(deleting.db)
    assert [s for s in secrets if s in everything] == []
    assert all(s in everything for s in still)
    with deleting.db.session() as session:  # the person stays: only the form was the rule's
        found = session.get(Enrollment, gone.enrollment_id)
        assert found is not None and found.person.email == gone.person.email


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (dt.datetime(2026, 1, 31, tzinfo=dt.UTC), 1, dt.datetime(2026, 2, 28, tzinfo=dt.UTC)),
        (dt.datetime(2024, 2, 29, tzinfo=dt.UTC), 12, dt.datetime(2025, 2, 28, tzinfo=dt.UTC)),
        (dt.datetime(2026, 11, 15, tzinfo=dt.UTC), 3, dt.datetime(2027, 2, 15, tzinfo=dt.UTC)),
        (dt.datetime(2026, 3, 2, tzinfo=dt.UTC), 0, dt.datetime(2026, 3, 2, tzinfo=dt.UTC)),
    ],
)
def test_months_are_calendar_months(start: dt.datetime, months: int, due: dt.datetime) -> None:
    assert add_months(start, months) == due


ASKED = SMALL.read_text() + (
    "retention:\n  - {form: screening_notes, keep_months: 1, then: delete}\n"
)


def test_a_rule_on_a_steps_form_removes_its_answers_and_keeps_the_step(
    db: Database, people: People, clock: Clock, tmp_path: Path
) -> None:
    program = engine.load_text(ASKED, "asked.yaml")
    service = Workflow({program.id: program}, db, clock=clock, uploads=tmp_path / "uploads")
    cast = make_cast(people, program)
    person = people.person("sally.screened@example.gov", "Sally Screened")
    answers = {
        **sample_answers(program, "mentee_application", supervisor=cast.supervisor.email),
        "years_of_service": 1,  # eligible, not fast-tracked: the coordinator screens
    }
    enrollment_id = service.apply(program.id, "mentee", person, answers).id
    notes = {**sample_answers(program, "screening_notes"), "notes": "screened-notes-secret"}
    service.take(enrollment_id, "screen", cast.coordinator, notes)
    service.take(enrollment_id, "decline", cast.coordinator)
    assert _due(service) == set()  # ended, but not a month ago
    _move_months(clock, 1, days=1)
    assert _due(service) == {(enrollment_id, "delete", "form screening_notes")}
    service.purge()
    assert "screened-notes-secret" not in _everything(service.db)
    with service.db.session() as session:
        steps = session.scalars(
            select(Event.transition).where(Event.enrollment_id == enrollment_id)
        ).all()
        assert "screen" in steps and "decline" in steps  # the history stays
        found = session.get(Enrollment, enrollment_id)
        assert found is not None and found.person.email == person.email
