"""People and accounts: e-mail normalisation and password hashing.

People are known by e-mail, compared without regard to case: the whole address is
stored lower-cased, for accounts, supervisor links and imports alike. Passwords are
kept only as scrypt hashes (standard library, no web dependency).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..records.store import Person

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def clean_name(text: str) -> str:
    """A name (or any one-line text a person chose) as it is kept: line breaks, tabs, NUL
    and the other control characters become spaces and runs of space become one, so it
    can go into a mail header or a page without breaking either."""
    return " ".join(_CONTROLS.sub(" ", text).split())


def looks_like_email(email: str) -> bool:
    return bool(_EMAIL.match(email.strip())) and len(email) <= 320


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **_SCRYPT)
    encode = base64.b64encode
    return f"scrypt${_SCRYPT['n']}${encode(salt).decode()}${encode(digest).decode()}"


def check_password(stored: str | None, password: str) -> bool:
    if not stored or not stored.startswith("scrypt$"):
        return False
    _, n, salt, digest = stored.split("$")
    again = hashlib.scrypt(
        password.encode(), salt=base64.b64decode(salt), n=int(n), r=_SCRYPT["r"], p=_SCRYPT["p"]
    )
    return hmac.compare_digest(again, base64.b64decode(digest))


def stand_in_hash() -> str:
    """The hash of nobody's password, at the cost of new hashes: what a sign-in checks
    for an address without a password, so that it takes as long as a wrong password."""
    return _stand_in(_SCRYPT["n"])


@functools.cache
def _stand_in(n: int) -> str:  # n: one per cost, which tests lower
    return hash_password(secrets.token_urlsafe(24))


def find_person(session: Session, email: str) -> Person | None:
    return session.scalars(select(Person).where(Person.email == normalise_email(email))).first()


def get_or_create_person(session: Session, email: str, name: str = "") -> Person:
    person = find_person(session, email)
    if person is None:
        person = Person(email=normalise_email(email), name=clean_name(name))
        session.add(person)
        session.flush()
    elif clean_name(name) and not person.name:
        person.name = clean_name(name)
    return person
