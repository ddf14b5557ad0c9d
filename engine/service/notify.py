"""Who is told what: roles named by a definition turned into e-mail addresses.

Messages are written to the outbox in the same transaction as what caused them, so
nothing is announced that did not happen; `mentorflow remind` and the mailer send them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set
from typing import Any

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
    parties = [(p.role, p.person.email) for p in [enrollment, *partners(session, enrollment)]]
    return addresses(
        staff_recipients(session, program, wanted), parties, wanted, enrollment.supervisor_email
    )


def addresses(
    staff: list[str],
    parties: Iterable[tuple[str, str]],
    wanted: Set[str],
    supervisor_email: str | None,
) -> list[str]:
    """Whom `wanted` names among the staff, the parties (role, e-mail) of the relationship
    and the supervisor, once each: the one rule for existing and new enrollments alike."""
    found = list(staff)
    for role, email in parties:
        if role in wanted or "pair" in wanted:
            found.append(email)
    if "supervisor" in wanted and supervisor_email:
        found.append(supervisor_email)
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
        return addresses(self._staff[wanted], [(role, email)], wanted, supervisor_email)


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
    rows = message_rows(program, enrollment.id, addresses, subject, body, reason, created_at)
    session.add_all(OutboxMessage(**row) for row in rows)


def message_rows(
    program: Program,
    enrollment_id: str,
    addresses: Iterable[str],
    subject: str,
    body: str,
    reason: str,
    created_at: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """The outbox rows of one message to each address: written by `write_messages` one
    at a time and by the importer in one bulk insert."""
    return [
        {
            "program_id": program.id,
            "enrollment_id": enrollment_id,
            "to_email": address,
            "subject": f"[{program.title}] {subject}",
            "body": body,
            "reason": reason,
            **({"created_at": created_at} if created_at else {}),
        }
        for address in addresses
    ]
