"""Personal access tokens: how a program or script calls the JSON API as a person.

A token is made by its person (on their account page) or for them on the command line,
shown once and kept only as its SHA-256, like the session tokens. It acts with its
person's roles as they are each time it is used, no more: the same `Actor` a signed-in
session of theirs gets. A token can expire, and revoking it is final. An unknown,
revoked or expired token, or one whose person no longer has a proved address, is
`BadToken` (the API's 401).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select, update

from ..errors import BadToken, Conflict, Forbidden, InvalidAnswers, NotFound, Unverified
from ..records.store import ApiToken, Person
from ..rules.access import Actor, actor_for
from .core import WorkflowBase
from .links import token_hash
from .people import clean_name, find_person

# What every token begins with: recognisable in a config file or a leaked log (and by
# secret scanners), never a secret in itself.
TOKEN_START = "mf_"
# The visible start of a token kept to name it: "mf_" and 8 random characters (48 bits),
# enough to tell one's tokens apart and far too few to guess the other 250 bits.
PREFIX_LENGTH = len(TOKEN_START) + 8
# Longer than any token made here; anything longer is not looked up at all.
TOKEN_MAX = 200
NAME_MAX = 100
EXPIRES_MAX_DAYS = 3650  # ten years: past that, "never" says it more honestly
# How stale `last_used_at` may get before a call writes it again: a script that calls
# the API in a loop does not write a row on every call.
USED_PRECISION = dt.timedelta(minutes=1)
NO_SUCH_TOKEN = "There is no such token."


@dataclass(frozen=True)
class NewApiToken:
    """A token just made: `token` is shown this once and is kept nowhere."""

    id: int
    name: str
    token: str
    prefix: str
    expires_at: dt.datetime | None


@dataclass(frozen=True)
class ApiTokenRow:
    """One of a person's tokens as their page lists it (never the token itself).
    `status`: 'active', 'expired' or 'revoked'."""

    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    status: str


def _status(token: ApiToken, now: dt.datetime) -> str:
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def _hash_of_presented(token: str) -> str | None:
    """The hash to look a presented token up by, or None for text no token here can be."""
    if not token.startswith(TOKEN_START) or len(token) > TOKEN_MAX:
        return None
    try:
        return token_hash(token)
    except UnicodeEncodeError:  # a lone surrogate: not text a token is made of
        return None


class ApiTokens(WorkflowBase):
    def create_api_token(
        self, actor: Actor, *, name: str = "", expires_days: int | None = None
    ) -> NewApiToken:
        """A new token for the signed-in person themselves (a proved address only)."""
        if actor.person_id is None:
            raise Forbidden("Only a person can have an access token.")
        if not actor.verified:
            raise Unverified()
        return self._new_api_token(actor.person_id, name, expires_days)

    def create_api_token_for(
        self, email: str, *, name: str = "", expires_days: int | None = None
    ) -> NewApiToken:
        """A new token for the person with this address (the command line, as the system)."""
        with self.reading() as session:
            person = find_person(session, email)
            if person is None:
                raise NotFound(f"Nobody has an account with the address {email.strip()}.")
            if person.email_verified_at is None:
                raise Forbidden(
                    f"{person.email} has not proved the address is theirs yet, so it can "
                    "have no access token."
                )
            person_id = person.id
        return self._new_api_token(person_id, name, expires_days)

    def _new_api_token(self, person_id: str, name: str, expires_days: int | None) -> NewApiToken:
        tidy = clean_name(name)
        errors: dict[str, str] = {}
        if len(tidy) > NAME_MAX:
            errors["name"] = f"Use at most {NAME_MAX} characters (this name has {len(tidy)})."
        if expires_days is not None and not 1 <= expires_days <= EXPIRES_MAX_DAYS:
            errors["expires_days"] = (
                f"A token may last from 1 to {EXPIRES_MAX_DAYS} days, or never expire "
                "(leave it empty)."
            )
        if errors:
            raise InvalidAnswers(errors)
        now = self.clock()
        token = TOKEN_START + secrets.token_urlsafe(32)
        expires_at = None if expires_days is None else now + dt.timedelta(days=expires_days)
        with self.transaction() as session:
            row = ApiToken(
                person_id=person_id,
                name=tidy,
                token_hash=token_hash(token),
                prefix=token[:PREFIX_LENGTH],
                created_at=now,
                expires_at=expires_at,
            )
            session.add(row)
            session.flush()
            return NewApiToken(row.id, tidy, token, row.prefix, expires_at)

    def api_tokens(self, actor: Actor) -> tuple[ApiTokenRow, ...]:
        """The person's own tokens, newest first, revoked and expired ones included."""
        if actor.person_id is None:
            return ()
        now = self.clock()
        with self.reading() as session:
            found = session.scalars(
                select(ApiToken)
                .where(ApiToken.person_id == actor.person_id)
                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
            )
            return tuple(
                ApiTokenRow(
                    t.id,
                    t.name,
                    t.prefix,
                    t.created_at,
                    t.expires_at,
                    t.last_used_at,
                    t.revoked_at,
                    _status(t, now),
                )
                for t in found
            )

    def revoke_api_token(self, actor: Actor, token_id: int) -> None:
        """Revoke one of the person's own tokens, for good (again: nothing changes)."""
        if not 0 < token_id < 2**31:  # no such row, and no number a database refuses
            raise NotFound(NO_SUCH_TOKEN)
        now = self.clock()
        with self.transaction() as session:
            found = session.get(ApiToken, token_id)
            if found is None or actor.person_id is None or found.person_id != actor.person_id:
                raise NotFound(NO_SUCH_TOKEN)
            found.revoked_at = found.revoked_at or now

    def actor_for_api_token(self, token: str) -> Actor:
        """The person this token acts for, exactly as a signed-in session of theirs sees
        them now; BadToken when it signs nobody in."""
        # Looked up by the presented token's SHA-256, not compared to a stored secret:
        # timing the index lookup could tell an attacker at most how their own guess's
        # hash begins, which says nothing about any real token (a preimage would be
        # needed), so no constant-time comparison is called for.
        hashed = _hash_of_presented(token)
        if hashed is None:
            raise BadToken()
        now = self.clock()
        with self.reading() as session:
            found = session.scalars(select(ApiToken).where(ApiToken.token_hash == hashed)).first()
            if found is None or _status(found, now) != "active":
                raise BadToken()
            person = session.get(Person, found.person_id)
            if person is None or person.email_verified_at is None:
                raise BadToken()
            actor = actor_for(session, person)
            stale = found.last_used_at is None or now - found.last_used_at >= USED_PRECISION
            token_id = found.id
        if stale:
            self._note_use(token_id, now)
        return actor

    def _note_use(self, token_id: int, now: dt.datetime) -> None:
        # The condition is repeated in the UPDATE: of calls made at the same moment only
        # one writes. A use that cannot be written (a busy database) is not worth
        # refusing the call for; the next call a minute on writes it.
        try:
            with self.transaction() as session:
                session.execute(
                    update(ApiToken)
                    .where(
                        ApiToken.id == token_id,
                        or_(
                            ApiToken.last_used_at.is_(None),
                            ApiToken.last_used_at <= now - USED_PRECISION,
                        ),
                    )
                    .values(last_used_at=now)
                )
        except Conflict:
            pass
