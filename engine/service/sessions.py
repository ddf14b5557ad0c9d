"""Signed-in sessions, kept on the server.

The browser's cookie holds only a random token; the record of the session (its hash,
when it began, when it was last used) is here, in the database every app server
shares. So signing out ends the session for good, a copied cookie then signs nobody
in, a new password or "sign out everywhere" ends every session of the person, and a
session ends by itself after `Identity.session_idle` unused or
`Identity.session_lifetime` in all.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from ..errors import Forbidden, NotFound
from ..records.store import AccountSession, Person
from ..rules.access import Actor, actor_for
from .core import WorkflowBase
from .links import token_hash
from .people import find_person

# How stale `seen_at` may get before a request writes it again: the idle timeout is
# kept to within this, without a write on every page.
SEEN_PRECISION = dt.timedelta(minutes=1)
# Sessions are kept this long after they began (who was signed in from where), then go.
KEPT = dt.timedelta(days=30)


def end_sessions(
    session: Session, person_id: str, now: dt.datetime, *, keep: str | None = None
) -> int:
    """End every open session of the person (but the one with token `keep`)."""
    query = update(AccountSession).where(
        AccountSession.person_id == person_id, AccountSession.ended_at.is_(None)
    )
    if keep is not None:
        query = query.where(AccountSession.token_hash != token_hash(keep))
    return session.execute(query.values(ended_at=now)).rowcount or 0  # type: ignore[attr-defined]


@dataclass(frozen=True)
class OpenSession:
    """One of a person's sessions, as their account page lists it."""

    id: int
    client: str
    created_at: dt.datetime
    seen_at: dt.datetime
    current: bool  # the one this page was asked from


def prove_address(session: Session, person: Person, now: dt.datetime) -> None:
    """The person has just proved the address is theirs. Sessions begun before, when
    nobody had proved it, may belong to whoever registered it first: they all end."""
    if person.email_verified_at is None:
        person.email_verified_at = now
        end_sessions(session, person.id, now)


class AccountSessions(WorkflowBase):
    def start_session(self, actor: Actor, client: str = "") -> str:
        """A new session for the person; its token goes in their cookie."""
        if actor.person_id is None:
            raise Forbidden("Only a person can sign in.")
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self.transaction() as session:
            # Never one that may still be in use: a lifetime set longer than KEPT wins.
            kept = max(KEPT, self.identity.session_lifetime)
            session.execute(delete(AccountSession).where(AccountSession.created_at < now - kept))
            session.add(
                AccountSession(
                    token_hash=token_hash(token),
                    person_id=actor.person_id,
                    client=client[:64],
                    created_at=now,
                    seen_at=now,
                )
            )
        return token

    def resume_session(self, token: str) -> Actor | None:
        """The person signed in by this token, as the engine sees them now; None once the
        session has ended, been idle too long or lived too long."""
        now = self.clock()
        policy = self.identity
        with self.transaction() as session:
            found = session.scalars(
                select(AccountSession).where(AccountSession.token_hash == token_hash(token))
            ).first()
            if found is None or found.ended_at is not None:
                return None
            if (
                now - found.seen_at > policy.session_idle
                or now - found.created_at > policy.session_lifetime
            ):
                found.ended_at = now
                return None
            if now - found.seen_at > SEEN_PRECISION:
                found.seen_at = now
            person = session.get(Person, found.person_id)
            return actor_for(session, person) if person is not None else None

    def end_session(self, token: str) -> None:
        """Sign out: this session ends on the server."""
        now = self.clock()
        with self.transaction() as session:
            session.execute(
                update(AccountSession)
                .where(
                    AccountSession.token_hash == token_hash(token),
                    AccountSession.ended_at.is_(None),
                )
                .values(ended_at=now)
            )

    def open_sessions(self, actor: Actor, token: str) -> tuple[OpenSession, ...]:
        """The person's sessions that have not ended, newest first."""
        now = self.clock()
        policy = self.identity
        with self.reading() as session:
            found = session.scalars(
                select(AccountSession)
                .where(
                    AccountSession.person_id == actor.person_id,
                    AccountSession.ended_at.is_(None),
                    AccountSession.seen_at > now - policy.session_idle,
                    AccountSession.created_at > now - policy.session_lifetime,
                )
                .order_by(AccountSession.created_at.desc(), AccountSession.id.desc())
            )
            mine = token_hash(token)
            return tuple(
                OpenSession(s.id, s.client, s.created_at, s.seen_at, s.token_hash == mine)
                for s in found
            )

    def end_open_session(self, actor: Actor, session_id: int) -> None:
        """End one of the person's own sessions (another device's)."""
        now = self.clock()
        if not 0 < session_id < 2**31:  # no such row, and no number a database refuses
            raise NotFound("There is no such session.")
        with self.transaction() as session:
            found = session.get(AccountSession, session_id)
            if found is None or found.person_id != actor.person_id:
                raise NotFound("There is no such session.")
            found.ended_at = found.ended_at or now

    def sign_out_everywhere(self, actor: Actor, email: str | None = None) -> str:
        """End every session of the actor, or (admins only) of the person with `email`.
        Says what was done."""
        now = self.clock()
        with self.transaction() as session:
            if email is None or (actor.email and email.strip().lower() == actor.email):
                if actor.person_id is None:
                    raise Forbidden("Only a person can sign out.")
                ended = end_sessions(session, actor.person_id, now)
                return f"You are signed out everywhere ({ended} sessions ended)."
            if not actor.is_admin and not actor.is_system:
                raise Forbidden("Only an admin may sign someone else out.")
            person = find_person(session, email)
            if person is None:
                raise NotFound(f"Nobody has an account with the address {email}.")
            ended = end_sessions(session, person.id, now)
            return f"{person.email} is signed out everywhere ({ended} sessions ended)."
