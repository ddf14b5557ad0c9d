"""Staff invitations: a role binds to an account only through a link mailed to it.

An admin on the admin page, or an operator with `mentorflow user add`, names an
address and a role; the address gets an invitation whose link lets its owner set a
password, and the role becomes theirs when they do (or when they sign in through the
agency's identity provider with that verified address). Whoever registers the address
meanwhile gains nothing. An operator may instead vouch for a ready account by giving
its password on the command line (`--password-stdin`): that account is verified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Forbidden, InvalidAnswers
from ..records.store import AccountToken, Person, StaffRole
from ..rules.access import Actor, actor_for
from .links import INVITE, AccountMail, find_link, issue_link
from .passwords import password_problem
from .people import clean_name, get_or_create_person, hash_password, looks_like_email, name_problem
from .sessions import end_sessions, prove_address

MANAGE_STAFF = "Only an admin may manage staff."


@dataclass(frozen=True)
class InvitationView:
    """What an invitation's page shows: who it is for, what it grants, whether the
    person must choose a password (they have none they could prove is theirs)."""

    email: str
    name: str
    grants: str
    needs_password: bool
    # Passwords are off: the role binds when they sign in through the identity provider.
    through_single_sign_on: bool = False


def bind_role(session: Session, person: Person, grant: dict[str, Any]) -> None:
    if grant.get("admin"):
        person.is_admin = True
        return
    program_id = str(grant["program_id"])
    held = session.scalars(
        select(StaffRole).where(
            StaffRole.person_id == person.id,
            StaffRole.program_id == program_id,
            StaffRole.role == "coordinator",
        )
    ).first()
    if held is None:
        session.add(StaffRole(person_id=person.id, program_id=program_id))


def bind_invitations(session: Session, person: Person, now: dt.datetime) -> None:
    """Every open invitation of a person whose address is now proved (single sign-on)."""
    for link in session.scalars(
        select(AccountToken).where(
            AccountToken.person_id == person.id,
            AccountToken.purpose == INVITE,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
    ):
        bind_role(session, person, link.grant or {})
        link.used_at = now


def pending_invitations(session: Session, now: dt.datetime) -> dict[str, list[str]]:
    """Person id -> what they are invited to and have not accepted: 'admin' or program ids."""
    found: dict[str, list[str]] = {}
    for link in session.scalars(
        select(AccountToken).where(
            AccountToken.purpose == INVITE,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
    ):
        grant = link.grant or {}
        found.setdefault(link.person_id, []).append(
            "admin" if grant.get("admin") else str(grant.get("program_id"))
        )
    return found


class Invitations(AccountMail):
    def grant_staff(
        self,
        actor: Actor,
        email: str,
        name: str,
        program_id: str | None,
        password: str | None = None,
    ) -> str:
        """Invite someone to be an admin (no program) or a coordinator of the program.
        With `password` (the system only: an operator vouching on the command line) the
        account is ready and verified at once. Says what was done."""
        if not actor.is_admin and not actor.is_system:
            raise Forbidden(MANAGE_STAFF)
        if password is not None and not actor.is_system:
            raise Forbidden("Only an operator on the server may set someone's password.")
        program = self.programs.get(program_id) if program_id else None
        if program_id and program is None:
            raise InvalidAnswers({"program": "Choose one of the programs."})
        errors = {}
        if not looks_like_email(email):
            errors["email"] = f"'{email}' is not an e-mail address such as name@example.gov."
        problem = name_problem(name, required=False)
        if problem:
            errors["name"] = problem
        if errors:
            raise InvalidAnswers(errors)
        if password is not None:
            problem = password_problem(password, email)
            if problem:
                raise InvalidAnswers({"password": problem})
        grant: dict[str, Any] = {"program_id": program.id} if program else {"admin": True}
        what = f"a coordinator of {program.title}" if program else "an admin"
        now = self.clock()
        with self.transaction() as session:
            person = get_or_create_person(session, email, name)
            if password is not None:
                person.password_hash = hash_password(password)
                prove_address(session, person, now)
                bind_role(session, person, grant)
                return f"{person.email} is now {what}."
            token = issue_link(session, person, INVITE, now, grant=grant, by=actor.person_id)
            message = self._queue_account_mail(
                session,
                person.email,
                f"You are invited to be {what} on Mentorflow",
                f"Hello {person.display_name},\n\n"
                f"You are invited to be {what} on Mentorflow. To accept, open this link "
                "within 7 days:\n\n"
                f"{self._link('/invite/' + token)}\n\n"
                "If you did not expect this, ignore this mail.\n",
                f"account:invite:{grant.get('program_id', 'admin')}",
            )
            email_shown = person.email
        self._send_account_mail(message)
        return f"{email_shown} is invited to be {what}: the role is theirs once they accept."

    def invitation(self, token: str) -> InvitationView:
        """An invitation's page (NotFound when the link no longer works)."""
        with self.reading() as session:
            link = find_link(session, token, INVITE, self.clock())
            person = session.get(Person, link.person_id)
            assert person is not None
            return InvitationView(
                person.email,
                person.name,
                self._grants(link),
                self._needs_password(person),
                not self.identity.password_login,
            )

    def accept_invitation(self, token: str, name: str, password: str) -> Actor:
        """Accept: the role binds, the address is proved, and (when they need one) the
        password they chose becomes theirs, ending any session begun with another."""
        if not self.identity.password_login:
            # The link must not become a way in beside the identity provider.
            raise Forbidden(
                "Sign in with your agency account: the role is yours as soon as you do."
            )
        now = self.clock()
        with self.transaction() as session:
            link = find_link(session, token, INVITE, now)
            person = session.get(Person, link.person_id)
            assert person is not None
            if self._needs_password(person):
                errors = {}
                problem = name_problem(name)
                if problem:
                    errors["name"] = problem
                problem = password_problem(password, person.email)
                if problem:
                    errors["password"] = problem
                if errors:
                    raise InvalidAnswers(errors)
                person.password_hash = hash_password(password)
                person.name = clean_name(name)
                end_sessions(session, person.id, now)
            prove_address(session, person, now)
            bind_role(session, person, link.grant or {})
            link.used_at = now
            session.flush()
            return actor_for(session, person)

    def _needs_password(self, person: Person) -> bool:
        return self.identity.password_login and (
            person.password_hash is None or person.email_verified_at is None
        )

    def _grants(self, link: AccountToken) -> str:
        grant = link.grant or {}
        if grant.get("admin"):
            return "an admin"
        program = self.programs.get(str(grant.get("program_id")))
        return f"a coordinator of {program.title if program else grant.get('program_id')}"
