"""Who is told what: roles named by a definition turned into e-mail addresses.

Messages are written to the outbox in the same transaction as what caused them, so
nothing is announced that did not happen; `mentorflow remind` and the mailer send them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definition.program import Program
from ..records.store import Enrollment, OutboxMessage, Person
from ..rules.access import partners, staff_emails


def recipients(
    session: Session, program: Program, enrollment: Enrollment, roles: Iterable[str]
) -> list[str]:
    """The addresses of everyone a list of roles names, for this enrollment, once each."""
    wanted = set(roles)
    found = staff_recipients(session, program, wanted)
    people = [enrollment, *partners(session, enrollment)]
    for party in people:
        if party.role in wanted or "pair" in wanted:
            found.append(party.person.email)
    if "supervisor" in wanted and enrollment.supervisor_email:
        found.append(enrollment.supervisor_email)
    return list(dict.fromkeys(found))


def staff_recipients(session: Session, program: Program, wanted: set[str]) -> list[str]:
    """The staff a list of roles names: the program's coordinators, then the admins."""
    found: list[str] = []
    if "coordinator" in wanted:
        found += staff_emails(session, program)
    if "admin" in wanted:
        found += session.scalars(select(Person.email).where(Person.is_admin)).all()
    return found


class NewEnrollmentRecipients:
    """`recipients` for many enrollments just created (no partner yet), with the staff's
    addresses looked up once per set of roles rather than once per enrollment."""

    def __init__(self, session: Session, program: Program):
        self.session = session
        self.program = program
        self._staff: dict[frozenset[str], list[str]] = {}

    def __call__(
        self, role: str, email: str, supervisor_email: str | None, roles: Iterable[str]
    ) -> list[str]:
        wanted = frozenset(roles)
        if wanted not in self._staff:
            self._staff[wanted] = staff_recipients(self.session, self.program, set(wanted))
        found = list(self._staff[wanted])
        if role in wanted or "pair" in wanted:
            found.append(email)
        if "supervisor" in wanted and supervisor_email:
            found.append(supervisor_email)
        return list(dict.fromkeys(found))


def queue(
    session: Session,
    program: Program,
    enrollment: Enrollment,
    roles: Iterable[str],
    subject: str,
    body: str,
    reason: str,
) -> int:
    """Write one message per recipient; return how many."""
    addresses = recipients(session, program, enrollment, roles)
    write_messages(session, program, enrollment, addresses, subject, body, reason)
    return len(addresses)


def write_messages(
    session: Session,
    program: Program,
    enrollment: Enrollment,
    addresses: Iterable[str],
    subject: str,
    body: str,
    reason: str,
    created_at: dt.datetime | None = None,
) -> None:
    """One outbox message per address, the subject marked with the program's title."""
    for address in addresses:
        session.add(
            OutboxMessage(
                program_id=program.id,
                enrollment_id=enrollment.id,
                to_email=address,
                subject=f"[{program.title}] {subject}",
                body=body,
                reason=reason,
                **({"created_at": created_at} if created_at else {}),
            )
        )
