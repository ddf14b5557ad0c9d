"""Accounts: registering, signing in, the throttle on repeated failed sign-ins, staff.

A person may already be known by e-mail (an imported application, a supervisor
named on a form) before they register: registering with that e-mail gives them the
account, and with it everything already recorded under that e-mail. Admins (and the
`mentorflow user add` command, as the system) make coordinators and admins.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..errors import Conflict, Forbidden, InvalidAnswers, MentorflowError, SignInRefused
from ..records.store import Person, StaffRole
from ..rules.access import Actor, actor_for
from . import throttle
from .core import WorkflowBase
from .passwords import password_problem
from .people import (
    check_password,
    find_person,
    get_or_create_person,
    hash_password,
    looks_like_email,
    normalise_email,
    stand_in_hash,
)


@dataclass(frozen=True)
class StaffMember:
    name: str
    email: str
    is_admin: bool
    coordinates: tuple[str, ...]  # program ids, sorted


MANAGE_STAFF = "Only an admin may manage staff."


class Accounts(WorkflowBase):
    def register(self, email: str, name: str, password: str) -> Actor:
        errors = {}
        if not name.strip():
            errors["name"] = "Enter your name."
        if not looks_like_email(email):
            errors["email"] = "Enter your e-mail address, like name@agency.gov."
        if problem := password_problem(password, email):
            errors["password"] = problem
        if errors:
            raise InvalidAnswers(errors)
        with self.transaction() as session:
            existing = find_person(session, email)
            if existing is not None and existing.password_hash:
                raise Conflict(
                    "An account with this e-mail address exists already: sign in instead."
                )
            person = get_or_create_person(session, email, name)
            person.name = name.strip()
            person.password_hash = hash_password(password)
            session.flush()
            return actor_for(session, person)

    def sign_in(self, email: str, password: str, client: str = "") -> Actor:
        """The person whose e-mail and password these are, checked by the throttle first
        (`client`: the address the request came from). An unknown address, or one without
        a password, is checked against a stand-in hash, so that the answer takes as long
        and no one can learn from the delay who has an account."""
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
        if actor is None:
            raise SignInRefused("That e-mail address and password do not match an account.")
        return actor

    def load_actor(self, person_id: str) -> Actor | None:
        """The person with an account, as the engine sees them; None without one."""
        with self.reading() as session:
            person = session.get(Person, person_id)
            if person is None or not person.password_hash:
                return None
            return actor_for(session, person)

    def find_actor(self, email: str) -> Actor | None:
        """The person with an account at this e-mail address, if any."""
        with self.reading() as session:
            person = find_person(session, email)
            person_id = person.id if person is not None else None
        return self.load_actor(person_id) if person_id is not None else None

    def staff_actor(self, email: str, program_id: str) -> Actor:
        """A coordinator of the program, or an admin, by e-mail (`mentorflow match --by`)."""
        program = self.program(program_id)
        found = self.find_actor(email)
        if found is None or not found.is_staff(program.id):
            raise MentorflowError(f"{email} is not a coordinator of {program.title} or an admin.")
        return found

    def grant_staff(
        self,
        actor: Actor,
        email: str,
        name: str,
        program_id: str | None,
        password: str | None,
    ) -> str:
        """Make someone an admin (no program) or a coordinator of the program, creating
        them if needed; a password, when given, becomes theirs. Says what they now are.
        Admins may, and the system (a command run on the server)."""
        if not actor.is_admin and not actor.is_system:
            raise Forbidden(MANAGE_STAFF)
        program = self.programs.get(program_id) if program_id else None
        if program_id and program is None:
            raise InvalidAnswers({"program": "Choose one of the programs."})
        if not looks_like_email(email):
            raise InvalidAnswers(
                {"email": f"'{email}' is not an e-mail address such as name@example.gov."}
            )
        if password is not None and (problem := password_problem(password, email)):
            raise InvalidAnswers({"password": problem})
        with self.transaction() as session:
            person = get_or_create_person(session, email, name)
            if password is not None:
                person.password_hash = hash_password(password)
            if program is None:
                person.is_admin = True
                return f"{person.email} is now an admin."
            held = session.scalars(
                select(StaffRole).where(
                    StaffRole.person_id == person.id,
                    StaffRole.program_id == program.id,
                    StaffRole.role == "coordinator",
                )
            ).first()
            if held is None:
                session.add(StaffRole(person_id=person.id, program_id=program.id))
            return f"{person.email} is now a coordinator of {program.title}."

    def staff_list(self, actor: Actor) -> tuple[StaffMember, ...]:
        """Every admin and coordinator, with the programs they coordinate (admins only)."""
        if not actor.is_admin:
            raise Forbidden(MANAGE_STAFF)
        with self.reading() as session:
            roles: dict[str, list[str]] = {}
            for role in session.scalars(select(StaffRole)):
                roles.setdefault(role.person_id, []).append(role.program_id)
            people = session.scalars(
                select(Person)
                .where((Person.is_admin.is_(True)) | (Person.id.in_(list(roles))))
                .order_by(Person.email)
            )
            return tuple(
                StaffMember(p.name, p.email, p.is_admin, tuple(sorted(roles.get(p.id, []))))
                for p in people
            )
