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
# The columns' sizes (records.store): longer never reaches the database.
NAME_MAX = 200
EMAIL_MAX = 320
# Nothing invisible in a one-line name or address: NUL cannot be stored by PostgreSQL,
# a line break would reach a mail header, a lone surrogate cannot be encoded.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def normalise_email(email: str) -> str:
    return email.strip().lower()


def clean_name(text: str) -> str:
    """One line of text as it can go into a mail header or a page: control characters
    become spaces and runs of space become one."""
    return " ".join(_CONTROL.sub(" ", text).split())


def storable_email(email: str) -> bool:
    """Whether the address could be anyone's here: short enough, nothing invisible.
    One that is not matches no one, so it need not be looked up."""
    return len(email) <= EMAIL_MAX and not _CONTROL.search(email.strip())


def looks_like_email(email: str) -> bool:
    return storable_email(email) and bool(_EMAIL.match(email.strip()))


def name_problem(name: str, *, required: bool = True) -> str | None:
    """What is wrong with a name someone typed, in words for them, or None."""
    typed = name.strip()
    if not typed:
        return "Enter your name." if required else None
    if _CONTROL.search(typed):
        return "Use letters, not line breaks or other control characters."
    if len(typed) > NAME_MAX:
        return f"Use at most {NAME_MAX} characters (this name has {len(typed)})."
    return None


def tidy_name(name: str) -> str:
    """A name nobody here typed (an identity provider's, an import's) as it can be kept:
    control characters dropped, cut to the column's size."""
    return clean_name(name)[:NAME_MAX]


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
    if not storable_email(email):
        return None
    return session.scalars(select(Person).where(Person.email == normalise_email(email))).first()


def get_or_create_person(session: Session, email: str, name: str = "") -> Person:
    person = find_person(session, email)
    if person is None:
        person = Person(email=normalise_email(email), name=tidy_name(name))
        session.add(person)
        session.flush()
    elif name and not person.name:
        person.name = tidy_name(name)
    return person
