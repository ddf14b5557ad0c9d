"""The export of a program's records for its staff: enrollments, submissions, events.

Pure reads that return rows; the command writes them as CSV or JSON. The export is for
the program's coordinators and admins, so it holds everything staff may read: every
form's answers (each row names its form's `visible_to`, so whoever handles the file
knows who else may see them) and every event's `ask` answers.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definition.program import Program
from ..records.store import Enrollment, Event, Pairing, Person, Submission

ENROLLMENT_COLUMNS = (
    "id",
    "role",
    "name",
    "email",
    "state",
    "state_label",
    "revision",
    "created_at",
    "state_since",
    "partners",
)
SUBMISSION_COLUMNS = (
    "id",
    "enrollment_id",
    "form_id",
    "author_email",
    "created_at",
    "updated_at",
    "pairing_id",
    "answers",
    "signatures",
    "visible_to",
)
EVENT_COLUMNS = (
    "id",
    "enrollment_id",
    "at",
    "actor_email",
    "actor_role",
    "kind",
    "transition",
    "from_state",
    "to_state",
    "revision",
    "answers",
)


@dataclass(frozen=True)
class Export:
    """Rows as dicts keyed by the columns above; lists and answers stay structured
    (`csv_rows` flattens them)."""

    enrollments: list[dict[str, Any]]
    submissions: list[dict[str, Any]]
    events: list[dict[str, Any]]

    def as_json(self) -> dict[str, list[dict[str, Any]]]:
        return {
            "enrollments": self.enrollments,
            "submissions": self.submissions,
            "events": self.events,
        }


def _when(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_program(session: Session, program: Program) -> Export:
    enrollments = list(
        session.scalars(
            select(Enrollment)
            .where(Enrollment.program_id == program.id)
            .order_by(Enrollment.created_at, Enrollment.id)
        )
    )
    ids = [e.id for e in enrollments]
    emails = _emails(session)
    partners = _open_partners(session, program)
    enrollment_rows = [
        {
            "id": e.id,
            "role": e.role,
            "name": e.person.name,
            "email": e.person.email,
            "state": e.state,
            "state_label": _state_label(program, e),
            "revision": e.revision,
            "created_at": _when(e.created_at),
            "state_since": _when(e.state_since),
            "partners": sorted(partners.get(e.id, [])),
        }
        for e in enrollments
    ]
    submissions = (
        list(
            session.scalars(
                select(Submission)
                .where(Submission.enrollment_id.in_(ids))
                .order_by(Submission.created_at, Submission.id)
            )
        )
        if ids
        else []
    )
    submission_rows = []
    for s in submissions:
        form = program.forms.get(s.form_id)
        submission_rows.append(
            {
                "id": s.id,
                "enrollment_id": s.enrollment_id,
                "form_id": s.form_id,
                "author_email": emails.get(s.author_id or ""),
                "created_at": _when(s.created_at),
                "updated_at": _when(s.updated_at),
                "pairing_id": s.pairing_id,
                "answers": s.answers,
                "signatures": [
                    {
                        "role": sig.role,
                        "signer_email": emails.get(sig.signer_id or ""),
                        "recorded_by_email": emails.get(sig.recorded_by_id or ""),
                        "signed_at": _when(sig.signed_at),
                    }
                    for sig in s.signatures
                ],
                "visible_to": sorted(form.visible_to) if form else [],
            }
        )
    events = session.scalars(select(Event).where(Event.program_id == program.id).order_by(Event.id))
    event_rows = [
        {
            "id": ev.id,
            "enrollment_id": ev.enrollment_id,
            "at": _when(ev.at),
            "actor_email": emails.get(ev.actor_id or ""),
            "actor_role": ev.actor_role,
            "kind": ev.kind,
            "transition": ev.transition,
            "from_state": ev.from_state,
            "to_state": ev.to_state,
            "revision": ev.revision,
            "answers": ev.answers,
        }
        for ev in events
    ]
    return Export(enrollment_rows, submission_rows, event_rows)


def _state_label(program: Program, enrollment: Enrollment) -> str:
    if enrollment.role not in program.roles:
        return enrollment.state
    return program.lifecycle_of(enrollment.role).label(enrollment.state)


def _emails(session: Session) -> dict[str, str]:
    return {pid: email for pid, email in session.execute(select(Person.id, Person.email))}


def _open_partners(session: Session, program: Program) -> dict[str, list[str]]:
    """A mentee's current mentor and a mentor's current mentees, by enrollment id."""
    found: dict[str, list[str]] = {}
    for pairing in session.scalars(
        select(Pairing).where(Pairing.program_id == program.id, Pairing.ended_at.is_(None))
    ):
        found.setdefault(pairing.mentee_id, []).append(pairing.mentor_id)
        found.setdefault(pairing.mentor_id, []).append(pairing.mentee_id)
    return found


def csv_cell(value: Any) -> str:
    """A value as one CSV cell: None empty, lists of ids joined by ';', structures as JSON."""
    if value is None:
        return ""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ";".join(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def csv_rows(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> list[list[str]]:
    return [[csv_cell(row[c]) for c in columns] for row in rows]
