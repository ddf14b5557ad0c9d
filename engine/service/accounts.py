"""Accounts: signing in (with a password or through the agency's identity provider),
changing a password, and the list of staff.

A person may already be known by e-mail (an imported application, a supervisor
named on a form) before they have an account: once they prove the address is theirs
(`verification`, `invitations`, or single sign-on) everything recorded under it is
theirs. Roles come only with a proved address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Forbidden, InvalidAnswers, MentorflowError, NotFound, SignInRefused
from ..records.store import Person, StaffRole
from ..rules.access import Actor, actor_for
from . import throttle
from .invitations import (
    MANAGE_STAFF,
    Invitations,
    bind_invitations,
    pending_invitations,
)
from .passwords import password_problem
from .people import (
    check_password,
    find_person,
    get_or_create_person,
    hash_password,
    looks_like_email,
    normalise_email,
    stand_in_hash,
    storable_email,
)
from .sessions import AccountSessions, end_sessions, prove_address
from .verification import PASSWORDS_OFF, Verification


@dataclass(frozen=True)
class StaffMember:
    name: str
    email: str
    is_admin: bool
    coordinates: tuple[str, ...]  # program ids, sorted
    invited_to: tuple[str, ...] = ()  # 'admin' or program ids, not accepted yet


NO_MATCH = "That e-mail address and password do not match an account."

# Values of the identity provider's roles claim that grant staff roles; any other value
# is ignored, so an agency may send its own groups along.
ADMIN_CLAIM = "mentorflow:admin"
COORDINATOR_CLAIM = "mentorflow:coordinator:"


class Accounts(Verification, Invitations, AccountSessions):
    def sign_in(self, email: str, password: str, client: str = "") -> Actor:
        """The person whose e-mail and password these are, checked by the throttle first
        (`client`: the address the request came from). An unknown address, or one without
        a password, is checked against a stand-in hash, so that the answer takes as long
        and no one can learn from the delay who has an account."""
        if not self.identity.password_login:
            raise Forbidden(PASSWORDS_OFF)
        if not storable_email(email):
            # No account can have it: no need to ask the database (or the throttle).
            raise SignInRefused(NO_MATCH)
        now = self.clock()
        address = normalise_email(email)
        with self.transaction() as session:
            attempt = throttle.admit(session, address, client, now)
            person = find_person(session, address)
            stored = person.password_hash if person is not None else None
            person_id = person.id if person is not None else None
        # The admission is committed before the check: simultaneous tries count against
        # each other, and no lock is held while scrypt runs.
        matches = check_password(stored or stand_in_hash(), password)
        ok = matches and bool(stored) and person_id is not None
        with self.transaction() as session:
            throttle.settle(session, attempt, ok, now)
            found = session.get(Person, person_id) if ok else None
            actor = actor_for(session, found) if found is not None else None
            managed = found is not None and self._roles_from_provider(session, found)
        if actor is None:
            raise SignInRefused(NO_MATCH)
        if managed:
            # Roles the provider grants are taken away there; a password must not keep them.
            raise SignInRefused(
                "Your roles here come from your agency's sign-in: sign in with your agency account."
            )
        return actor

    def _roles_from_provider(self, session: Session, person: Person) -> bool:
        if self.identity.roles_claim is None:
            return False
        return person.admin_by_provider or (
            session.scalars(
                select(StaffRole.id).where(
                    StaffRole.person_id == person.id, StaffRole.granted_by == "provider"
                )
            ).first()
            is not None
        )

    def find_actor(self, email: str) -> Actor | None:
        """The person with an account at this e-mail address, if any."""
        with self.reading() as session:
            person = find_person(session, email)
            if person is None or (not person.password_hash and person.email_verified_at is None):
                return None
            return actor_for(session, person)

    def staff_actor(self, email: str, program_id: str) -> Actor:
        """A coordinator of the program, or an admin, by e-mail (`mentorflow match --by`)."""
        program = self.program(program_id)
        found = self.find_actor(email)
        if found is None or not found.is_staff(program.id):
            raise MentorflowError(f"{email} is not a coordinator of {program.title} or an admin.")
        return found

    def staff_list(self, actor: Actor) -> tuple[StaffMember, ...]:
        """Every admin and coordinator, with the programs they coordinate (admins only)."""
        if not actor.is_admin:
            raise Forbidden(MANAGE_STAFF)
        with self.reading() as session:
            roles: dict[str, list[str]] = {}
            for role in session.scalars(select(StaffRole)):
                roles.setdefault(role.person_id, []).append(role.program_id)
            invited = pending_invitations(session, self.clock())
            people = session.scalars(
                select(Person)
                .where(
                    (Person.is_admin.is_(True))
                    | (Person.id.in_(list(roles)))
                    | (Person.id.in_(list(invited)))
                )
                .order_by(Person.email)
            )
            return tuple(
                StaffMember(
                    p.name,
                    p.email,
                    p.is_admin,
                    tuple(sorted(roles.get(p.id, []))),
                    tuple(sorted(invited.get(p.id, []))),
                )
                for p in people
            )

    def sign_in_with_provider(
        self, email: str, email_verified: bool, name: str, provider_roles: Sequence[str] = ()
    ) -> Actor:
        """The account of the address the agency's identity provider vouches for, made on
        the first sign-in. Only a verified address is taken. Roles named in the provider's
        roles claim are granted, as are the person's open invitations."""
        if not email or not looks_like_email(email):
            raise SignInRefused("Your identity provider did not tell us your e-mail address.")
        if not email_verified:
            raise SignInRefused(
                f"Your identity provider has not verified {email.strip()}, so it cannot "
                "sign you in here. Verify the address with your agency, then try again."
            )
        now = self.clock()
        with self.transaction() as session:
            person = get_or_create_person(session, email, name)
            if person.email_verified_at is None:
                # A password chosen by whoever registered this address without ever
                # proving it is not the owner's: it goes, with their sessions.
                person.password_hash = None
                prove_address(session, person, now)
            if self.identity.roles_claim is not None:
                self._follow_roles_claim(session, person, provider_roles)
            bind_invitations(session, person, now)
            session.flush()
            return actor_for(session, person)

    def _follow_roles_claim(
        self, session: Session, person: Person, provider_roles: Sequence[str]
    ) -> None:
        """Make the roles the provider grants what its roles claim says now: those it
        names are added, those it granted before and names no more are taken away. Roles
        given by invitation or by an operator are left alone."""
        admin = ADMIN_CLAIM in provider_roles
        if admin and not person.is_admin:
            person.is_admin = person.admin_by_provider = True
        elif not admin and person.admin_by_provider:
            person.is_admin = person.admin_by_provider = False
        wanted = {
            value.removeprefix(COORDINATOR_CLAIM)
            for value in provider_roles
            if value.startswith(COORDINATOR_CLAIM)
            and value.removeprefix(COORDINATOR_CLAIM) in self.programs
        }
        held = {
            role.program_id: role
            for role in session.scalars(select(StaffRole).where(StaffRole.person_id == person.id))
        }
        for program_id, role in held.items():
            if role.granted_by == "provider" and program_id not in wanted:
                session.delete(role)
        for program_id in wanted - set(held):
            session.add(
                StaffRole(person_id=person.id, program_id=program_id, granted_by="provider")
            )
        session.flush()

    def change_password(
        self, actor: Actor, current: str, new: str, keep: str, client: str = ""
    ) -> None:
        """A new password for the signed-in person; every other session of theirs ends
        (the one with token `keep`, where they are, stays). The current password is
        checked through the throttle, like a sign-in: a stolen session cannot guess it."""
        if actor.person_id is None:
            raise Forbidden("Sign in first.")
        problem = password_problem(new, actor.email)
        now = self.clock()
        with self.transaction() as session:
            person = session.get(Person, actor.person_id)
            if person is None:
                raise NotFound("There is no such person.")
            stored = person.password_hash
            if not stored:
                # Signed in through the identity provider: a session alone (perhaps a
                # stolen one) must not add a second way in. A mailed link may.
                raise InvalidAnswers(
                    {
                        "current": "You have no password here: to choose one, use the link "
                        "'Forgot your password?' on the sign-in page."
                    }
                )
            attempt = throttle.admit(session, person.email, client, now)
        matches = check_password(stored, current)
        with self.transaction() as session:
            throttle.settle(session, attempt, matches, now)
        if not matches:
            raise InvalidAnswers({"current": "That is not your current password."})
        if problem:
            raise InvalidAnswers({"password": problem})
        with self.transaction() as session:
            person = session.get(Person, actor.person_id)
            assert person is not None
            person.password_hash = hash_password(new)
            end_sessions(session, person.id, self.clock(), keep=keep)
            message = self._queue_account_mail(
                session,
                person.email,
                "Your Mentorflow password was changed",
                f"Hello {person.display_name},\n\n"
                "The password of your Mentorflow account was just changed, and every other "
                "session of yours was ended.\n\n"
                "If it was not you, choose a new password at once: "
                f"{self._link('/reset')}\n",
                "account:password-changed",
            )
        self._send_account_mail(message)
