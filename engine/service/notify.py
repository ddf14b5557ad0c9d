"""Who is told what: roles named by a definition turned into e-mail addresses, and one
message per person per event (`letters` has the words).

A step whose transition and the state it enters both `notify` writes one message to each
person either names, not one for each. Messages are written to the outbox in the same transaction as what caused them, so
nothing is announced that did not happen; `mentorflow remind` and the mailer send them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Set
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..definition.program import Form, Program, Transition
from ..records.store import Enrollment, OutboxMessage, Person
from ..rules.access import partners, staff_emails
from ..settings import Identity
from .letters import (
    PARTNER,
    SELF,
    STAFF,
    SUPERVISOR,
    Letter,
    Reader,
    alert_letter,
    sign_letter,
    step_letter,
)

CHUNK = 500  # addresses per IN query

# A reader's standing when one address stands in several ways: the nearest wins.
_NEAREST = (SELF, PARTNER, SUPERVISOR, STAFF)


def audience(
    session: Session, program: Program, enrollment: Enrollment, roles: Iterable[str]
) -> list[tuple[str, str]]:
    """Everyone a list of roles names for this enrollment, once each: (address, how they
    stand to it)."""
    wanted = set(roles)
    parties = [(enrollment.role, enrollment.person.email, SELF)] + [
        (p.role, p.person.email, PARTNER) for p in partners(session, enrollment)
    ]
    return standings(
        staff_recipients(session, program, wanted), parties, wanted, enrollment.supervisor_email
    )


def standings(
    staff: list[str],
    parties: Iterable[tuple[str, str, str]],
    wanted: Set[str],
    supervisor_email: str | None,
) -> list[tuple[str, str]]:
    """Whom `wanted` names among the staff, the parties (role, e-mail, standing) of the
    relationship and the supervisor, once each with their nearest standing: the one rule
    for existing and new enrollments alike."""
    found: dict[str, list[str]] = {}
    for email in staff:
        found.setdefault(email, []).append(STAFF)
    for role, email, standing in parties:
        if role in wanted or "pair" in wanted:
            found.setdefault(email, []).append(standing)
    if "supervisor" in wanted and supervisor_email:
        found.setdefault(supervisor_email, []).append(SUPERVISOR)
    return [(email, min(held, key=_NEAREST.index)) for email, held in found.items()]


def staff_recipients(session: Session, program: Program, wanted: Set[str]) -> list[str]:
    """The staff a list of roles names: the program's coordinators, then the admins."""
    found: list[str] = []
    if "coordinator" in wanted:
        found += staff_emails(session, program)
    if "admin" in wanted:
        found += session.scalars(select(Person.email).where(Person.is_admin)).all()
    return found


class Readers:
    """The people mail goes to, by address: their name and whether they have an account,
    looked up once per address for the whole transaction."""

    def __init__(self, session: Session):
        self.session = session
        self._known: dict[str, tuple[str | None, bool]] = {}

    def __call__(self, standing: Iterable[tuple[str, str]]) -> list[Reader]:
        pairs = list(standing)
        self.look_up(email for email, _ in pairs)
        return [Reader(email, *self._known[email], standing) for email, standing in pairs]

    def look_up(self, emails: Iterable[str]) -> None:
        """Learn about these addresses in a few queries (an import: all its rows at once)."""
        missing = list(dict.fromkeys(e for e in emails if e and e not in self._known))
        for start in range(0, len(missing), CHUNK):
            chunk = missing[start : start + CHUNK]
            rows = self.session.execute(
                select(
                    Person.email, Person.name, Person.password_hash, Person.email_verified_at
                ).where(Person.email.in_(chunk))
            )
            for email, name, password_hash, verified_at in rows:
                self._known[email] = (name or None, bool(password_hash or verified_at))
        for email in missing:
            self._known.setdefault(email, (None, False))


class NewEnrollmentRecipients:
    """`audience` for many enrollments just created (no partner yet), with the staff's
    addresses looked up once per set of roles rather than once per enrollment, and their
    readers once per address."""

    def __init__(self, session: Session, program: Program, identity: Identity):
        self.session = session
        self.program = program
        self.identity = identity
        self.readers = Readers(session)
        self._staff: dict[frozenset[str], list[str]] = {}

    def __call__(
        self, role: str, email: str, supervisor_email: str | None, roles: Iterable[str]
    ) -> list[Reader]:
        wanted = frozenset(roles)
        if wanted not in self._staff:
            self._staff[wanted] = staff_recipients(self.session, self.program, set(wanted))
        return self.readers(
            standings(self._staff[wanted], [(role, email, SELF)], wanted, supervisor_email)
        )


def step_roles(
    program: Program, role: str, state: str, transition: Transition | None
) -> tuple[str, ...]:
    """Whom entering `state` (by `transition`, or None) tells: both the step's `notify`
    and the state's, in one list, so each person gets one message for the event."""
    named = list(transition.notify) if transition is not None else []
    named += program.lifecycle_of(role).states[state].notify
    return tuple(dict.fromkeys(named))


def tell_step(
    session: Session,
    identity: Identity,
    program: Program,
    enrollment: Enrollment,
    transition: Transition | None,
    readers: Readers | None = None,
) -> int:
    """Queue the one message each person named by the step or the state it entered gets
    (an enrollment just moved by `transition`); return how many."""
    roles = step_roles(program, enrollment.role, enrollment.state, transition)
    if not roles:
        return 0
    found = (readers or Readers(session))(audience(session, program, enrollment, roles))
    letters = [
        step_letter(
            identity,
            program,
            reader,
            enrollment_id=enrollment.id,
            role=enrollment.role,
            who=enrollment.person.display_name,
            state=enrollment.state,
            transition=transition,
        )
        for reader in found
    ]
    reason = (
        f"transition:{transition.id}" if transition is not None else f"state:{enrollment.state}"
    )
    write_letters(session, program, enrollment.id, letters, reason)
    return len(letters)


def write_letters(
    session: Session,
    program: Program,
    enrollment_id: str,
    letters: Iterable[Letter],
    reason: str,
    created_at: dt.datetime | None = None,
) -> None:
    session.add_all(
        OutboxMessage(**row)
        for row in letter_rows(program, enrollment_id, letters, reason, created_at)
    )


def letter_rows(
    program: Program,
    enrollment_id: str,
    letters: Iterable[Letter],
    reason: str,
    created_at: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """The outbox rows of some messages, the subject marked with the program's title:
    written by `write_letters` one at a time and by the importer in one bulk insert. One
    per address: a second letter to the same address for the same event is merged into
    the first, so nobody reads the same event twice."""
    merged: dict[str, Letter] = {}
    for letter in letters:
        if letter.to in merged:
            first = merged[letter.to]
            merged[letter.to] = Letter(first.to, first.subject, f"{first.body}\n{letter.body}")
        else:
            merged[letter.to] = letter
    return [
        {
            "program_id": program.id,
            "enrollment_id": enrollment_id,
            "to_email": letter.to,
            "subject": f"[{program.title}] {letter.subject}",
            "body": letter.body,
            "reason": reason,
            **({"created_at": created_at} if created_at else {}),
        }
        for letter in merged.values()
    ]


def tell_signers(
    session: Session,
    identity: Identity,
    program: Program,
    enrollment: Enrollment,
    form: Form,
    reason: str,
    *,
    signed: Set[str] = frozenset(),
    besides: str | None = None,
    reopened_by: str | None = None,
) -> int:
    """Ask everyone the form wants a signature from, and who has not signed, to read and
    sign it, with the link to its page: a supervisor with no account is told how to get
    one. `besides`: the address of whoever just filled it (they are on the page already).
    One message per person, whatever roles they sign in."""
    signing_as: dict[str, str] = {}
    standing: dict[str, str] = {}
    for role in form.signatures:
        if role in signed:
            continue
        for email, held in audience(session, program, enrollment, [role]):
            if email != besides and email not in signing_as:
                signing_as[email], standing[email] = role, held
    letters = [
        sign_letter(
            identity,
            program,
            reader,
            enrollment_id=enrollment.id,
            who=enrollment.person.display_name,
            form=form,
            signing_as=signing_as[reader.email],
            reopened_by=reopened_by,
        )
        for reader in Readers(session)(standing.items())
    ]
    write_letters(session, program, enrollment.id, letters, reason)
    return len(letters)


def tell_alert(
    session: Session,
    identity: Identity,
    program: Program,
    enrollment: Enrollment,
    form: Form,
    roles: Iterable[str],
    text: str,
    reason: str,
) -> int:
    """The alert a form's answers raised, to the people its `to` names."""
    letters = [
        alert_letter(
            identity,
            program,
            reader,
            enrollment_id=enrollment.id,
            who=enrollment.person.display_name,
            form=form,
            text=text,
        )
        for reader in Readers(session)(audience(session, program, enrollment, roles))
    ]
    write_letters(session, program, enrollment.id, letters, reason)
    return len(letters)
