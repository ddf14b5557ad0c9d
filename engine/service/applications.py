"""The records of a new application, built once for every way in: a participant applying
on the web (one row) and the CSV importer (thousands in one bulk insert).

Every row is a dict of column values: `application_rows` builds an application's
enrollment, submission, events and outbox messages, as of the state it is placed in;
`write_applications` inserts any number of them with one statement per table. Events and
outbox messages of later changes use the same `event_row` and `notify.letter_rows`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from ..definition.fields import supervisor_fields
from ..definition.program import Lifecycle, Program
from ..errors import AlreadyEnrolled, NotFound, known_list, suggest
from ..records.feed import event_entry, write_feed
from ..records.store import Base, Enrollment, Event, OutboxMessage, Person, Submission, new_id
from ..rules.access import Actor
from .letters import step_letter
from .notify import NewEnrollmentRecipients, letter_rows, step_roles

CHUNK = 500  # e-mails per IN query: well under every database's limit on parameters


@dataclass(frozen=True)
class Applicant:
    person_id: str
    email: str
    who: str  # as notices name them: their name, or their e-mail while they have none


@dataclass(frozen=True)
class ApplicationRows:
    """The column values of a new application: its enrollment, the apply form's
    submission, its events (the 'apply' event, then the 'import' event of a placement)
    and the outbox messages of the states it entered."""

    enrollment: dict[str, Any]
    submission: dict[str, Any]
    events: tuple[dict[str, Any], ...]
    outbox: tuple[dict[str, Any], ...]

    @property
    def id(self) -> str:
        return str(self.enrollment["id"])


def application_rows(
    program: Program,
    role: str,
    applicant: Applicant,
    clean: dict[str, Any],
    actor: Actor,
    now: dt.datetime,
    state: str,
    recipients: NewEnrollmentRecipients,
) -> ApplicationRows:
    """An application written in the role's initial state then, when `state` is another
    one, placed there by a coordinator: recorded as an 'import' event. Each state entered
    sends its notice (`notify.step_roles`)."""
    lifecycle = program.lifecycle_of(role)
    initial = lifecycle.initial
    enrollment_id = new_id()
    enrollment = {
        "id": enrollment_id,
        "program_id": program.id,
        "role": role,
        "person_id": applicant.person_id,
        **entered_state(lifecycle, initial, now),
        "revision": program.revision,
        "version": 1,
        "supervisor_email": supervisor_email(program, role, clean),
        "capacity": mentor_capacity(program, role, clean),
        "pairing_id": None,
        "created_at": now,
        "updated_at": now,
    }
    apply_role = role if actor.person_id == applicant.person_id else "coordinator"
    events = [event_row(program, enrollment_id, now, actor, apply_role, "apply", None, initial)]
    outbox = _notice_rows(program, role, initial, enrollment, applicant, recipients)
    if state != initial:
        enrollment.update(entered_state(lifecycle, state, now))
        enrollment["version"] += 1  # a second write, as the version counter counts them
        placed = event_row(
            program, enrollment_id, now, actor, "coordinator", "import", initial, state
        )
        events.append({**placed, "answers": None})  # JSON null, as `_event` writes it
        outbox += _notice_rows(program, role, state, enrollment, applicant, recipients)
    submission = {
        "id": new_id(),
        "enrollment_id": enrollment_id,
        "form_id": program.roles[role].apply_form,
        "author_id": applicant.person_id,
        "revision": program.revision,
        "answers": clean,
        "created_at": now,
        "updated_at": now,
    }
    return ApplicationRows(enrollment, submission, tuple(events), tuple(outbox))


def entered_state(lifecycle: Lifecycle, state: str, now: dt.datetime) -> dict[str, Any]:
    """The columns an enrollment's entering a state sets (its `updated_at` aside)."""
    return {"state": state, "state_since": now, "is_final": state in lifecycle.finals}


def event_row(
    program: Program,
    enrollment_id: str,
    now: dt.datetime,
    actor: Actor,
    role: str,
    kind: str,
    before: str | None,
    after: str,
    transition: str | None = None,
    pairing_id: str | None = None,
) -> dict[str, Any]:
    """One event of an enrollment's history: applying, a transition, an import. Its
    `answers` are the caller's: left out, the column is SQL NULL (an 'apply' event); None
    given is stored as JSON null (every other event, written by the ORM)."""
    return {
        "enrollment_id": enrollment_id,
        "program_id": program.id,
        "at": now,
        "actor_id": actor.person_id,
        "actor_role": role,
        "kind": kind,
        "transition": transition,
        "from_state": before,
        "to_state": after,
        "revision": program.revision,
        "pairing_id": pairing_id,
    }


def _notice_rows(
    program: Program,
    role: str,
    state: str,
    enrollment: dict[str, Any],
    applicant: Applicant,
    recipients: NewEnrollmentRecipients,
) -> list[dict[str, Any]]:
    """The one message each person the state's `notify` names gets as the new
    application enters it."""
    roles = step_roles(program, role, state, None)
    if not roles:
        return []
    readers = recipients(role, applicant.email, enrollment["supervisor_email"], roles)
    letters = [
        step_letter(
            recipients.identity,
            program,
            reader,
            enrollment_id=enrollment["id"],
            role=role,
            who=applicant.who,
            state=state,
            transition=None,
        )
        for reader in readers
    ]
    return letter_rows(program, enrollment["id"], letters, f"state:{state}")


def write_applications(session: Session, applications: Sequence[ApplicationRows]) -> None:
    """Insert the applications' rows, one statement per table (SQLAlchemy batches each with
    insertmanyvalues). Core inserts: the ORM would add per-row bookkeeping and set the
    enrollments' version itself. Every 'apply' event comes before every 'import' event."""
    if not applications:
        return
    session.flush()  # the people the rows refer to, when the ORM holds them still unwritten
    placed = [e for a in applications for e in a.events[1:]]
    outbox = [m for a in applications for m in a.outbox]
    session.execute(insert(table_of(Enrollment)), [a.enrollment for a in applications])
    session.execute(insert(table_of(Submission)), [a.submission for a in applications])
    session.execute(insert(table_of(Event)), [a.events[0] for a in applications])
    if placed:  # a statement of their own: they carry `answers`, the 'apply' events do not
        session.execute(insert(table_of(Event)), placed)
    if outbox:
        session.execute(insert(table_of(OutboxMessage)), outbox)
    # The feed in the order the events were written: every application, then placements.
    finals = {a.enrollment["id"]: a.enrollment["is_final"] for a in applications}
    events = [a.events[0] for a in applications] + placed
    entries = [
        event_entry(e, final=finals[e["enrollment_id"]] and e["kind"] != "apply") for e in events
    ]
    write_feed(session.connection(), [e for e in entries if e is not None])


def table_of(model: type[Base]) -> Table:
    return model.metadata.tables[model.__tablename__]


def target_state(program: Program, role: str, state: str | None) -> str:
    """Where a new application is placed: `state`, or the role's initial state."""
    lifecycle = program.lifecycle_of(role)
    if state is None:
        return lifecycle.initial
    if state not in lifecycle.states:
        raise NotFound(
            f"There is no state '{state}' in the {role} lifecycle{suggest(state, lifecycle.states)} "
            f"{known_list(lifecycle.states)}."
        )
    return state


def chunks(items: Iterable[str]) -> Iterator[list[str]]:
    """Sorted distinct values in lists of CHUNK, for IN queries."""
    values = sorted({v for v in items if v})
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def open_enrollments(
    session: Session, program: Program, role: str, emails: Iterable[str]
) -> dict[str, str]:
    """The open enrollment in the role, by e-mail, of those people who hold one: one may
    not apply again until it ends (`already_enrolled`)."""
    found: dict[str, str] = {}
    for chunk in chunks(emails):
        rows = session.execute(
            select(Person.email, Enrollment.id)
            .join(Enrollment, Enrollment.person_id == Person.id)
            .where(
                Enrollment.program_id == program.id,
                Enrollment.role == role,
                Enrollment.is_final.is_(False),
                Person.email.in_(chunk),
            )
        )
        for email, enrollment_id in rows:
            found.setdefault(email, enrollment_id)
    return found


def already_enrolled(
    program: Program, role: str, email: str, enrollment_id: str
) -> AlreadyEnrolled:
    label = program.roles[role].label.lower()
    return AlreadyEnrolled(
        enrollment_id, f"{email} already has an open {label} enrollment in {program.title}."
    )


def supervisor_field(program: Program, role: str) -> str | None:
    """The apply form's field where an applicant names their supervisor, if it has one."""
    found = supervisor_fields(program.apply_form(role).fields.values())
    return found[0].id if found else None


def supervisor_email(program: Program, role: str, answers: Mapping[str, Any]) -> str | None:
    field = supervisor_field(program, role)
    value = answers.get(field) if field else None
    return str(value).strip().lower() if value else None


def mentor_capacity(program: Program, role: str, answers: Mapping[str, Any]) -> int | None:
    capacity = program.roles[role].capacity
    if role != "mentor":
        return None
    if capacity is None:
        return 1
    value = answers.get(capacity.field) if capacity.field else None
    places = int(value) if isinstance(value, int | float) and value >= 1 else capacity.default
    return min(places, capacity.max) if capacity.max else places
