"""Accounts: registering, signing in, and the throttle on repeated failed sign-ins.

A person may already be known by e-mail (an imported application, a supervisor
named on a form) before they register: registering with that e-mail gives them the
account, and with it everything already recorded under that e-mail.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ..definition.program import Program
from ..errors import Conflict, InvalidAnswers, MentorflowError
from ..records.database import Database
from ..records.store import LoginAttempt, Person, StaffRole, utcnow
from ..rules.access import Actor, actor_for
from .people import (
    MIN_PASSWORD,
    check_password,
    find_person,
    get_or_create_person,
    hash_password,
    looks_like_email,
    normalise_email,
)

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)


class SignInRefused(MentorflowError):
    """Wrong e-mail or password (never says which), or too many failed attempts."""

    def __init__(self, message: str, throttled: bool = False):
        self.throttled = throttled
        super().__init__(message)


def register(db: Database, email: str, name: str, password: str) -> Actor:
    errors = {}
    if not name.strip():
        errors["name"] = "Enter your name."
    if not looks_like_email(email):
        errors["email"] = "Enter your e-mail address, like name@agency.gov."
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"Choose a password of at least {MIN_PASSWORD} characters."
    if errors:
        raise InvalidAnswers(errors)
    with db.session() as session, session.begin():
        existing = find_person(session, email)
        if existing is not None and existing.password_hash:
            raise Conflict("An account with this e-mail address exists already: sign in instead.")
        person = get_or_create_person(session, email, name)
        person.name = name.strip()
        person.password_hash = hash_password(password)
        session.flush()
        return actor_for(session, person)


def sign_in(db: Database, email: str, password: str, now: dt.datetime | None = None) -> Actor:
    now = now or utcnow()
    address = normalise_email(email)
    with db.session() as session, session.begin():
        failures = session.scalar(
            select(func.count()).where(
                LoginAttempt.email == address,
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.at > now - FAILURE_WINDOW,
            )
        )
        if (failures or 0) >= MAX_FAILURES:
            raise SignInRefused(
                "Too many failed attempts for this e-mail address: wait 15 minutes and try again.",
                throttled=True,
            )
        person = find_person(session, address)
        ok = person is not None and check_password(person.password_hash, password)
        session.add(LoginAttempt(email=address, at=now, succeeded=ok))
        actor = actor_for(session, person) if ok and person is not None else None
    # Outside the transaction, so the failed attempt is kept for the throttle.
    if actor is None:
        raise SignInRefused("That e-mail address and password do not match an account.")
    return actor


def load_actor(db: Database, person_id: str) -> Actor | None:
    with db.session() as session:
        person = session.get(Person, person_id)
        if person is None or not person.password_hash:
            return None
        return actor_for(session, person)


def grant_staff(
    db: Database, email: str, name: str, program: Program | None, password: str | None
) -> str:
    """Make someone an admin (no program) or a coordinator of `program`, creating them if
    needed; a password, when given, becomes theirs. Says what they now are."""
    if not looks_like_email(email):
        raise InvalidAnswers(
            {"email": f"'{email}' is not an e-mail address such as name@example.gov."}
        )
    if password is not None and len(password) < MIN_PASSWORD:
        raise InvalidAnswers(
            {"password": f"The password needs at least {MIN_PASSWORD} characters."}
        )
    with db.session() as session, session.begin():
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


def staff_list(db: Database) -> list[tuple[Person, list[str]]]:
    """Every admin and coordinator, with the programs they coordinate."""
    with db.session() as session:
        roles: dict[str, list[str]] = {}
        for role in session.scalars(select(StaffRole)):
            roles.setdefault(role.person_id, []).append(role.program_id)
        people = session.scalars(
            select(Person)
            .where((Person.is_admin.is_(True)) | (Person.id.in_(list(roles))))
            .order_by(Person.email)
        )
        return [(p, sorted(roles.get(p.id, []))) for p in people]
